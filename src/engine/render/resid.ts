/**
 * Resource identity as kustomize sees it: group/version/kind, name and namespace, with kustomize's notion of the
 * "effective" namespace (empty and `default` are the same; cluster-scoped kinds have none) and of which kinds are
 * cluster-scoped. Kustomize v5.5.0 answers the latter from the Kubernetes 1.21 schema compiled into it, keyed on the
 * exact apiVersion, so newer cluster-scoped kinds (FlowSchema v1, ValidatingAdmissionPolicy, …) and every custom
 * resource are treated as namespaced. We reproduce that table here rather than our own list of built-in kinds,
 * because the renderer must agree with kustomize even where kustomize is out of date.
 */

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ResId extends Gvk {
  name: string;
  namespace: string;
}

/** Kinds kustomize v5.5.0 knows as cluster-scoped, with the apiVersions it knows them under. */
const CLUSTER_SCOPED: Record<string, string[]> = {
  APIService: ['apiregistration.k8s.io/v1', 'apiregistration.k8s.io/v1beta1'],
  CSIDriver: ['storage.k8s.io/v1', 'storage.k8s.io/v1beta1'],
  CSINode: ['storage.k8s.io/v1', 'storage.k8s.io/v1beta1'],
  CertificateSigningRequest: ['certificates.k8s.io/v1', 'certificates.k8s.io/v1beta1'],
  ClusterRole: ['rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1beta1'],
  ClusterRoleBinding: ['rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1beta1'],
  ComponentStatus: ['v1'],
  CustomResourceDefinition: ['apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1'],
  FlowSchema: ['flowcontrol.apiserver.k8s.io/v1beta1'],
  IngressClass: ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1'],
  MutatingWebhookConfiguration: ['admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1beta1'],
  Namespace: ['v1'],
  Node: ['v1'],
  NodeProxyOptions: ['v1'],
  PersistentVolume: ['v1'],
  PodSecurityPolicy: ['policy/v1beta1'],
  PriorityClass: ['scheduling.k8s.io/v1', 'scheduling.k8s.io/v1beta1'],
  PriorityLevelConfiguration: ['flowcontrol.apiserver.k8s.io/v1beta1'],
  RuntimeClass: ['node.k8s.io/v1', 'node.k8s.io/v1beta1'],
  StorageClass: ['storage.k8s.io/v1', 'storage.k8s.io/v1beta1'],
  ValidatingWebhookConfiguration: ['admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1beta1'],
  VolumeAttachment: ['storage.k8s.io/v1', 'storage.k8s.io/v1beta1'],
};

const clusterScoped = new Map<string, Set<string>>();
for (const [kind, versions] of Object.entries(CLUSTER_SCOPED)) clusterScoped.set(kind, new Set(versions));

/** Extra cluster-scoped types a kustomization declared through `openapi:` (a custom schema). */
export type ScopeOverride = (apiVersion: string, kind: string) => boolean | undefined;

export function apiVersionOf(g: Gvk): string {
  return g.group ? `${g.group}/${g.version}` : g.version;
}

export function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function isClusterScoped(g: Gvk): boolean {
  const versions = clusterScoped.get(g.kind);
  return versions !== undefined && versions.has(apiVersionOf(g));
}

export const DEFAULT_NAMESPACE = 'default';
/** What kustomize calls the namespace of cluster-scoped objects when it groups by namespace. */
export const NO_NAMESPACE = '_non_namespaceable_';

export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id)) return NO_NAMESPACE;
  if (id.namespace === '' || id.namespace === DEFAULT_NAMESPACE) return DEFAULT_NAMESPACE;
  return id.namespace;
}

export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

export function idEquals(a: ResId, b: ResId): boolean {
  return a.name === b.name && gvkEquals(a, b) && effectiveNamespace(a) === effectiveNamespace(b);
}

export function gvknEquals(a: ResId, b: ResId): boolean {
  return a.name === b.name && gvkEquals(a, b);
}

/** A partial GVK selects every id whose non-empty parts equal it. */
export function gvkSelected(x: Gvk, selector: Partial<Gvk> | undefined): boolean {
  if (!selector) return true;
  if (selector.group && x.group !== selector.group) return false;
  if (selector.version && x.version !== selector.version) return false;
  if (selector.kind && x.kind !== selector.kind) return false;
  return true;
}

/** kustomize's ResId.IsSelectedBy: empty parts of the selector match anything. */
export function idSelectedBy(id: ResId, sel: Partial<ResId>): boolean {
  return (
    (!sel.name || sel.name === id.name) &&
    (!sel.namespace || effectiveNamespace(sel as ResId) === effectiveNamespace(id)) &&
    gvkSelected(id, sel)
  );
}

/** `Kind.version.group/name.namespace`, kustomize's string form, used in its messages. */
export function idString(id: ResId): string {
  return `${id.kind || '[noKind]'}.${id.version || '[noVer]'}.${id.group || '[noGrp]'}/${id.name || '[noName]'}.${id.namespace || '[noNs]'}`;
}

/** How users write an object: `Deployment/web`, `Deployment.apps/prod/web`. */
export function describeId(id: ResId): string {
  const kind = id.group ? `${id.kind}.${id.group}` : id.kind;
  return id.namespace ? `${kind}/${id.namespace}/${id.name}` : `${kind}/${id.name}`;
}

const FIRST_KINDS = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy',
  'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service',
  'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob',
  'PodDisruptionBudget',
];
const LAST_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

/** The kind order kustomize's `legacy` sort uses when the kustomization does not give its own. */
export const DEFAULT_ORDER_FIRST: readonly string[] = FIRST_KINDS;
export const DEFAULT_ORDER_LAST: readonly string[] = LAST_KINDS;

export function kindRanks(first: readonly string[], last: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  first.forEach((k, i) => m.set(k, -first.length + i));
  last.forEach((k, i) => m.set(k, 1 + i));
  return m;
}

const defaultRanks = kindRanks(FIRST_KINDS, LAST_KINDS);

function gvkSortString(g: Gvk): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;
}

/** Go's string `<` on UTF-8 bytes equals JavaScript's on UTF-16 except for astral characters; close enough for ids. */
function lessStr(a: string, b: string): boolean {
  return a < b;
}

/** The order kustomize sorts field specs and name back-references in (Gvk.IsLessThan). */
export function gvkLess(a: Gvk, b: Gvk): boolean {
  const ia = defaultRanks.get(a.kind) ?? 0;
  const ib = defaultRanks.get(b.kind) ?? 0;
  if (ia !== ib) return ia < ib;
  return lessStr(gvkSortString(a), gvkSortString(b));
}

/** Comparison for the legacy output order (SortOrderTransformer). */
export function legacyCompare(a: ResId, b: ResId, ranks: Map<string, number>): number {
  if (!gvkEquals(a, b)) {
    const ia = ranks.get(a.kind) ?? 0;
    const ib = ranks.get(b.kind) ?? 0;
    if (ia !== ib) return ia < ib ? -1 : 1;
    const sa = gvkSortString(a);
    const sb = gvkSortString(b);
    if (a.kind === 'Namespace' && b.kind === 'Namespace' && (a.group === '' || b.group === '')) return sa > sb ? -1 : sa < sb ? 1 : 0;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  const ka = `${a.kind || '[noKind]'}.${a.version || '[noVer]'}.${a.group || '[noGrp]'}|${a.namespace || '~X'}|${a.name || '~N'}`;
  const kb = `${b.kind || '[noKind]'}.${b.version || '[noVer]'}.${b.group || '[noGrp]'}|${b.namespace || '~X'}|${b.name || '~N'}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
