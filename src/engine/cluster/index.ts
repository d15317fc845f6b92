/**
 * Target clusters (issue 10): one `ClusterTarget` interface over the embedded sandbox in process, any Kubernetes
 * API through @kubernetes/client-node (kube contexts; the sandbox served over HTTP) and a throwaway k3s container
 * (@testcontainers/k3s), with kubectl's client-side verbs on top and the safety rails that keep a sync off
 * clusters nobody confirmed. Every target is also a diff `LiveSource`.
 *
 *   const target = await openTarget(parseTargetSpec('sandbox:state.json'));
 *   const live = await listLiveObjects(target);
 *   const mine = await listTrackedObjects(target, { name: 'shop', destinationNamespace: 'shop' });   // TRK-1
 *   await kubectlApply(target, manifest);                       // kubectl apply, client side
 *   await kubectlApply(target, manifest, { serverSide: { fieldManager: SSA_MANAGER } });
 *   await target.close();                                       // saves the sandbox state file
 */
export type {
  ApiResource,
  ClusterTarget,
  DeleteOptions,
  Discovery,
  DryRun,
  ObjectRef,
  PatchType,
  PropagationPolicy,
  ServerSideApplyOptions,
  TargetClock,
  TargetInfo,
  WriteOptions,
} from './types.ts';
export { ClusterError, isClusterError, isNotFound, isConflict, isAlreadyExists, errorMessage } from './errors.ts';
export { SandboxTarget, type SandboxTargetOptions } from './sandbox-target.ts';
export { KubeTarget, isListedForTracking, type KubeTargetOptions } from './kube-target.ts';
export {
  k3sStart,
  k3sStop,
  k3sStatus,
  openK3sTarget,
  dockerUnavailableReason,
  k3sKubeconfigPath,
  DockerUnavailableError,
  K3S_IMAGE,
  K3S_CONTEXT,
  type K3sOptions,
  type K3sStatus,
} from './k3s.ts';
export {
  kubectlApply,
  kubectlCreate,
  kubectlReplace,
  updateWithLiveVersion,
  resourceName,
  refOf,
  withLastApplied,
  canonicalJson,
  LAST_APPLIED_ANNOTATION,
  CLIENT_SIDE_APPLY_MANAGER,
  SSA_MANAGER,
  CREATE_MANAGER,
  REPLACE_MANAGER,
  type KubectlResult,
  type KubectlOperation,
  type ApplyOptions,
} from './kubectl.ts';
export {
  assessTarget,
  decideSafety,
  globMatches,
  isLoopbackAddress,
  DEFAULT_DENY_PATTERNS,
  LOCAL_CONTEXT_PREFIXES,
  type SafetyAssessment,
  type SafetyConfirmation,
  type SafetyDecision,
} from './safety.ts';
export { listLiveObjects, listTrackedObjects, scopeFromDiscovery } from './live.ts';
export { parseTargetSpec, openTarget, listKubeContexts, type TargetSpec, type OpenTargetOptions, type KubeContextEntry } from './targets.ts';
