/**
 * The resource types a Kubernetes 1.32 API server serves out of the box: what the sandbox's discovery lists, what
 * decides whether a kind is namespaced (kustomize's namespace transformer, Argo CD's namespace defaulting), and
 * the plural names in REST paths. Written from the Kubernetes API reference; versions are listed preferred first.
 */
export interface BuiltinKind {
  group: string;
  versions: string[];
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Subresources the API serves: `status`, `scale`. */
  subresources?: ('status' | 'scale')[];
  /** Kinds that cannot be created or listed through the usual verbs (reviews, bindings). */
  verbs?: string[];
  categories?: string[];
}

const ns = true;
const cluster = false;
const S = ['status'] as ('status' | 'scale')[];
const SS = ['status', 'scale'] as ('status' | 'scale')[];
const ALL = ['all'];

export const BUILTIN_KINDS: BuiltinKind[] = [
  // core
  { group: '', versions: ['v1'], kind: 'Binding', plural: 'bindings', namespaced: ns, verbs: ['create'] },
  { group: '', versions: ['v1'], kind: 'ComponentStatus', plural: 'componentstatuses', namespaced: cluster, shortNames: ['cs'], verbs: ['get', 'list'] },
  { group: '', versions: ['v1'], kind: 'ConfigMap', plural: 'configmaps', namespaced: ns, shortNames: ['cm'] },
  { group: '', versions: ['v1'], kind: 'Endpoints', plural: 'endpoints', namespaced: ns, shortNames: ['ep'] },
  { group: '', versions: ['v1'], kind: 'Event', plural: 'events', namespaced: ns, shortNames: ['ev'] },
  { group: '', versions: ['v1'], kind: 'LimitRange', plural: 'limitranges', namespaced: ns, shortNames: ['limits'] },
  { group: '', versions: ['v1'], kind: 'Namespace', plural: 'namespaces', namespaced: cluster, shortNames: ['ns'], subresources: S },
  { group: '', versions: ['v1'], kind: 'Node', plural: 'nodes', namespaced: cluster, shortNames: ['no'], subresources: S },
  { group: '', versions: ['v1'], kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: ns, shortNames: ['pvc'], subresources: S },
  { group: '', versions: ['v1'], kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: cluster, shortNames: ['pv'], subresources: S },
  { group: '', versions: ['v1'], kind: 'Pod', plural: 'pods', namespaced: ns, shortNames: ['po'], subresources: S, categories: ALL },
  { group: '', versions: ['v1'], kind: 'PodTemplate', plural: 'podtemplates', namespaced: ns },
  { group: '', versions: ['v1'], kind: 'ReplicationController', plural: 'replicationcontrollers', namespaced: ns, shortNames: ['rc'], subresources: SS, categories: ALL },
  { group: '', versions: ['v1'], kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: ns, shortNames: ['quota'], subresources: S },
  { group: '', versions: ['v1'], kind: 'Secret', plural: 'secrets', namespaced: ns },
  { group: '', versions: ['v1'], kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: ns, shortNames: ['sa'] },
  { group: '', versions: ['v1'], kind: 'Service', plural: 'services', namespaced: ns, shortNames: ['svc'], subresources: S, categories: ALL },
  // admissionregistration
  { group: 'admissionregistration.k8s.io', versions: ['v1'], kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', namespaced: cluster },
  { group: 'admissionregistration.k8s.io', versions: ['v1'], kind: 'ValidatingAdmissionPolicy', plural: 'validatingadmissionpolicies', namespaced: cluster, subresources: S },
  { group: 'admissionregistration.k8s.io', versions: ['v1'], kind: 'ValidatingAdmissionPolicyBinding', plural: 'validatingadmissionpolicybindings', namespaced: cluster },
  { group: 'admissionregistration.k8s.io', versions: ['v1'], kind: 'ValidatingWebhookConfiguration', plural: 'validatingwebhookconfigurations', namespaced: cluster },
  // apiextensions, apiregistration
  { group: 'apiextensions.k8s.io', versions: ['v1'], kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: cluster, shortNames: ['crd', 'crds'], subresources: S },
  { group: 'apiregistration.k8s.io', versions: ['v1'], kind: 'APIService', plural: 'apiservices', namespaced: cluster, subresources: S },
  // apps
  { group: 'apps', versions: ['v1'], kind: 'ControllerRevision', plural: 'controllerrevisions', namespaced: ns },
  { group: 'apps', versions: ['v1'], kind: 'DaemonSet', plural: 'daemonsets', namespaced: ns, shortNames: ['ds'], subresources: S, categories: ALL },
  { group: 'apps', versions: ['v1'], kind: 'Deployment', plural: 'deployments', namespaced: ns, shortNames: ['deploy'], subresources: SS, categories: ALL },
  { group: 'apps', versions: ['v1'], kind: 'ReplicaSet', plural: 'replicasets', namespaced: ns, shortNames: ['rs'], subresources: SS, categories: ALL },
  { group: 'apps', versions: ['v1'], kind: 'StatefulSet', plural: 'statefulsets', namespaced: ns, shortNames: ['sts'], subresources: SS, categories: ALL },
  // authentication, authorization
  { group: 'authentication.k8s.io', versions: ['v1'], kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', namespaced: cluster, verbs: ['create'] },
  { group: 'authentication.k8s.io', versions: ['v1'], kind: 'TokenReview', plural: 'tokenreviews', namespaced: cluster, verbs: ['create'] },
  { group: 'authorization.k8s.io', versions: ['v1'], kind: 'LocalSubjectAccessReview', plural: 'localsubjectaccessreviews', namespaced: ns, verbs: ['create'] },
  { group: 'authorization.k8s.io', versions: ['v1'], kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', namespaced: cluster, verbs: ['create'] },
  { group: 'authorization.k8s.io', versions: ['v1'], kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', namespaced: cluster, verbs: ['create'] },
  { group: 'authorization.k8s.io', versions: ['v1'], kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', namespaced: cluster, verbs: ['create'] },
  // autoscaling, batch
  { group: 'autoscaling', versions: ['v2', 'v1'], kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: ns, shortNames: ['hpa'], subresources: S, categories: ALL },
  { group: 'batch', versions: ['v1'], kind: 'CronJob', plural: 'cronjobs', namespaced: ns, shortNames: ['cj'], subresources: S, categories: ALL },
  { group: 'batch', versions: ['v1'], kind: 'Job', plural: 'jobs', namespaced: ns, subresources: S, categories: ALL },
  // certificates, coordination, discovery, events, flowcontrol
  { group: 'certificates.k8s.io', versions: ['v1'], kind: 'CertificateSigningRequest', plural: 'certificatesigningrequests', namespaced: cluster, shortNames: ['csr'], subresources: S },
  { group: 'coordination.k8s.io', versions: ['v1'], kind: 'Lease', plural: 'leases', namespaced: ns },
  { group: 'discovery.k8s.io', versions: ['v1'], kind: 'EndpointSlice', plural: 'endpointslices', namespaced: ns },
  { group: 'events.k8s.io', versions: ['v1'], kind: 'Event', plural: 'events', namespaced: ns, shortNames: ['ev'] },
  { group: 'flowcontrol.apiserver.k8s.io', versions: ['v1'], kind: 'FlowSchema', plural: 'flowschemas', namespaced: cluster, subresources: S },
  { group: 'flowcontrol.apiserver.k8s.io', versions: ['v1'], kind: 'PriorityLevelConfiguration', plural: 'prioritylevelconfigurations', namespaced: cluster, subresources: S },
  // networking, node, policy
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'IngressClass', plural: 'ingressclasses', namespaced: cluster },
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'Ingress', plural: 'ingresses', namespaced: ns, shortNames: ['ing'], subresources: S },
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: ns, shortNames: ['netpol'] },
  { group: 'node.k8s.io', versions: ['v1'], kind: 'RuntimeClass', plural: 'runtimeclasses', namespaced: cluster },
  { group: 'policy', versions: ['v1'], kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: ns, shortNames: ['pdb'], subresources: S },
  // rbac, scheduling, storage
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: cluster },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], kind: 'ClusterRole', plural: 'clusterroles', namespaced: cluster },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], kind: 'RoleBinding', plural: 'rolebindings', namespaced: ns },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], kind: 'Role', plural: 'roles', namespaced: ns },
  { group: 'scheduling.k8s.io', versions: ['v1'], kind: 'PriorityClass', plural: 'priorityclasses', namespaced: cluster, shortNames: ['pc'] },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'CSIDriver', plural: 'csidrivers', namespaced: cluster },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'CSINode', plural: 'csinodes', namespaced: cluster },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'CSIStorageCapacity', plural: 'csistoragecapacities', namespaced: ns },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'StorageClass', plural: 'storageclasses', namespaced: cluster, shortNames: ['sc'] },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'VolumeAttachment', plural: 'volumeattachments', namespaced: cluster, subresources: S },
];

const byGroupKind = new Map<string, BuiltinKind>();
const byKind = new Map<string, BuiltinKind[]>();
for (const k of BUILTIN_KINDS) {
  byGroupKind.set(`${k.group}/${k.kind}`, k);
  const list = byKind.get(k.kind) ?? [];
  list.push(k);
  byKind.set(k.kind, list);
}

/** The built-in type for a group and kind, if Kubernetes serves one. */
export function builtinKind(group: string, kind: string): BuiltinKind | undefined {
  return byGroupKind.get(`${group}/${kind}`);
}

/**
 * Whether a kind is namespaced. Built-in kinds answer from the table; for others the caller's knowledge (CRDs) is
 * consulted, and unknown kinds are namespaced, as kustomize and kubectl assume.
 */
export function isNamespaced(group: string, kind: string, crdScope?: (group: string, kind: string) => boolean | undefined): boolean {
  const b = byGroupKind.get(`${group}/${kind}`);
  if (b) return b.namespaced;
  const fromCrd = crdScope?.(group, kind);
  return fromCrd ?? true;
}

/** Built-in kinds with this name, across groups (Event exists in two). */
export function builtinKindsNamed(kind: string): BuiltinKind[] {
  return byKind.get(kind) ?? [];
}
