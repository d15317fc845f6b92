/**
 * The embedded sandbox cluster (issue 6): Kubernetes API semantics in process, simulated controllers on a virtual
 * clock, snapshots and an atomic state file, and the Kubernetes REST API over HTTP for kubectl and client-node.
 *
 * In process (what sync, diff and simulate build on):
 *
 *   const sb = new Sandbox({ seed: 1, startTime: '2025-01-01T00:00:00Z' });
 *   sb.apply(deployment, { fieldManager: 'argocd-controller' });   // server-side apply
 *   sb.advance(0);                                                  // controllers react (ReplicaSet, pods)
 *   sb.advanceUntil(() => isHealthy(sb.get(ref)), { timeoutMs: 60_000 });
 *   const snap = sb.snapshot();  …  sb.restore(snap);              // branch a simulation
 *   await sb.save('.sandbox.json');  const again = await Sandbox.load('.sandbox.json');
 *
 * Reads: `get(ref, {subresource})`, `tryGet(ref)`, `list(type, {labelSelector, fieldSelector, limit, continue})`
 * (items carry apiVersion and kind), `watch(type, {resourceVersion, labelSelector, fieldSelector}, onEvent)`.
 * Writes: `create(obj, opts)`, `update(obj, {subresource})`, `updateStatus(obj)`, `patch(ref, patch, 'json' |
 * 'merge' | 'strategic' | 'apply', opts)`, `apply(obj, {fieldManager, force, dryRun})`, `delete(ref,
 * {propagationPolicy, gracePeriodSeconds, preconditions, dryRun})`, `deleteCollection(type, list, opts)`. Every
 * write takes `dryRun` (nothing is stored) and `fieldManager`. Errors are `ApiError`s carrying the `Status` a real
 * API server returns (`err.code`, `err.reason`, `err.status`); a kind that is not served (a custom resource before
 * its CRD is Established) is `err.noKindMatch`.
 *
 * Time: nothing happens until the clock moves: `advance(ms)`, `settle()` (= advance(0)), `advanceUntil(pred)`,
 * `now()`, `nextEventAt()`. Failure injection: the `sandbox.gitops-sandbox.dev/fail` annotation (ImagePullBackOff,
 * CrashLoopBackOff, NeverReady, JobFailure) on a pod, its template or its owner, timing annotations (`ready-after`,
 * `run-for`, `cpu-utilization` for HPAs), or `addFailureRule({ match, failure })`.
 *
 * Over HTTP: `new SandboxServer(sb, { port, speed }).start()`, `kubeconfig()`, `stop()`; the CLI is
 * `gitops-sandbox sandbox serve`.
 */
export { Sandbox, readSnapshot, writeFileAtomic, SNAPSHOT_FORMAT } from './sandbox.ts';
export type { ObjectRef, TypeRef, KubeList, ObjectEvent, SandboxOptions, SandboxSnapshot } from './sandbox.ts';
export type { WriteOptions, ApplyOptions, DeleteOptions, DeleteResult, ListOptions, WatchOptions, PropagationPolicy } from './api.ts';
export type { PatchType } from './patches.ts';
export type { ResourceType, PrinterColumn } from './registry.ts';
export { ApiError, isApiError } from './status.ts';
export type { Status, StatusCause, StatusDetails } from './status.ts';
export { FAIL_ANNOTATION, READY_AFTER_ANNOTATION, RUN_FOR_ANNOTATION, HPA_UTILIZATION_ANNOTATION, FAILURE_MODES } from './failures.ts';
export type { FailureRule, FailureMode } from './failures.ts';
export { DEFAULT_SIMULATION } from './controllers/runtime.ts';
export type { SimulationConfig } from './controllers/runtime.ts';
export { SandboxServer, VERSION_INFO } from './http/server.ts';
export type { ServeOptions } from './http/server.ts';
