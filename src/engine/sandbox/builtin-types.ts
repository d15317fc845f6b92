/**
 * The type graph of the built-in kinds, built from the shared merge metadata (`kube/patch-meta.ts`: objects, lists
 * with their server-side-apply list types and keys and strategic-merge keys, maps and atomic structs). The sandbox
 * adds what that table leaves out on purpose — the scalar fields — for the types whose every field it lists below:
 * those become "closed", so a misspelt field is dropped (or refused under strict field validation) as decoding into
 * the Go type does. Everything else stays open: undescribed fields are kept and deduced.
 */
import { formatApiVersion } from '../kube/index.ts';
import { rootTypeOf, typeMeta, type FieldMeta } from '../kube/patch-meta.ts';
import { ANY, TypeRegistry, type ListSchema, type Schema, type StructSchema } from './schema.ts';

const S = (type: 'string' | 'integer' | 'boolean' | 'number' | 'int-or-string' | 'quantity', format?: string): Schema => ({ kind: 'scalar', type, ...(format ? { format } : {}) });
const str = S('string');
const int = S('integer');
const bool = S('boolean');
const ios = S('int-or-string');

function scalarOf(t: string): Schema {
  switch (t) {
    case 'string':
    case 'byte':
      return str;
    case 'int':
      return int;
    case 'bool':
      return bool;
    case 'number':
      return S('number');
    case 'Quantity':
      return S('quantity');
    case 'Time':
      return S('string', 'date-time');
    case 'IntOrString':
      return ios;
    default:
      return ANY;
  }
}

const SCALARS = new Set(['string', 'byte', 'int', 'bool', 'number', 'Quantity', 'Time', 'IntOrString']);

/**
 * Scalar fields of the types the sandbox validates strictly (all their other fields are in the shared table).
 * `apiVersion` and `kind` are added to every closed root.
 */
const CLOSED: Record<string, Record<string, Schema>> = {
  ObjectMeta: { name: str, generateName: str, namespace: str, selfLink: str, uid: str, resourceVersion: str, generation: int, creationTimestamp: S('string', 'date-time'), deletionTimestamp: S('string', 'date-time'), deletionGracePeriodSeconds: int },
  OwnerReference: { apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool },
  LabelSelector: {},
  LabelSelectorRequirement: { key: str, operator: str },
  PodTemplateSpec: {},
  PodSpec: {
    restartPolicy: str, terminationGracePeriodSeconds: int, activeDeadlineSeconds: int, dnsPolicy: str, serviceAccountName: str,
    serviceAccount: str, automountServiceAccountToken: bool, nodeName: str, hostNetwork: bool, hostPID: bool, hostIPC: bool,
    shareProcessNamespace: bool, hostname: str, subdomain: str, schedulerName: str, priorityClassName: str, priority: int,
    runtimeClassName: str, enableServiceLinks: bool, preemptionPolicy: str, setHostnameAsFQDN: bool, hostUsers: bool,
  },
  Container: { name: str, image: str, workingDir: str, imagePullPolicy: str, restartPolicy: str, terminationMessagePath: str, terminationMessagePolicy: str, stdin: bool, stdinOnce: bool, tty: bool },
  ContainerPort: { name: str, hostPort: int, containerPort: int, protocol: str, hostIP: str },
  EnvVar: { name: str, value: str },
  VolumeMount: { name: str, readOnly: bool, recursiveReadOnly: str, mountPath: str, subPath: str, mountPropagation: str, subPathExpr: str },
  ResourceRequirements: {},
  ServiceSpec: {
    clusterIP: str, type: str, sessionAffinity: str, loadBalancerIP: str, externalName: str, externalTrafficPolicy: str,
    healthCheckNodePort: int, publishNotReadyAddresses: bool, ipFamilyPolicy: str, allocateLoadBalancerNodePorts: bool,
    loadBalancerClass: str, internalTrafficPolicy: str, trafficDistribution: str,
  },
  ServicePort: { name: str, protocol: str, appProtocol: str, port: int, targetPort: ios, nodePort: int },
  PersistentVolumeClaimSpec: { volumeName: str, storageClassName: str, volumeMode: str, volumeAttributesClassName: str },
  DeploymentSpec: { replicas: int, minReadySeconds: int, revisionHistoryLimit: int, paused: bool, progressDeadlineSeconds: int },
  DeploymentStrategy: { type: str },
  RollingUpdateDeployment: { maxUnavailable: ios, maxSurge: ios },
  ReplicaSetSpec: { replicas: int, minReadySeconds: int },
  StatefulSetSpec: { replicas: int, serviceName: str, podManagementPolicy: str, revisionHistoryLimit: int, minReadySeconds: int },
  StatefulSetUpdateStrategy: { type: str },
  RollingUpdateStatefulSetStrategy: { partition: int, maxUnavailable: ios },
  DaemonSetSpec: { minReadySeconds: int, revisionHistoryLimit: int },
  DaemonSetUpdateStrategy: { type: str },
  RollingUpdateDaemonSet: { maxUnavailable: ios, maxSurge: ios },
  JobSpec: {
    parallelism: int, completions: int, activeDeadlineSeconds: int, backoffLimit: int, backoffLimitPerIndex: int, maxFailedIndexes: int,
    manualSelector: bool, ttlSecondsAfterFinished: int, completionMode: str, suspend: bool, podReplacementPolicy: str, managedBy: str,
  },
  CronJobSpec: { schedule: str, timeZone: str, startingDeadlineSeconds: int, concurrencyPolicy: str, suspend: bool, successfulJobsHistoryLimit: int, failedJobsHistoryLimit: int },
  JobTemplateSpec: {},
  IngressSpec: { ingressClassName: str },
  HorizontalPodAutoscalerSpec: { minReplicas: int, maxReplicas: int },
  CrossVersionObjectReference: { kind: str, name: str, apiVersion: str },
  // Roots.
  Pod: {}, Service: {}, Namespace: {}, PersistentVolumeClaim: {}, Deployment: {}, ReplicaSet: {}, StatefulSet: {}, DaemonSet: {},
  Job: {}, CronJob: {}, Ingress: {}, NetworkPolicy: {}, HorizontalPodAutoscaler: {}, PodDisruptionBudget: {}, Role: {},
  ClusterRole: {}, RoleBinding: {}, ClusterRoleBinding: {}, CustomResourceDefinition: {},
  ConfigMap: { immutable: bool },
  Secret: { immutable: bool, type: str },
  ServiceAccount: { automountServiceAccountToken: bool },
  StorageClass: { provisioner: str, reclaimPolicy: str, allowVolumeExpansion: bool, volumeBindingMode: str },
};

const ROOTS_WITH_TYPEMETA = new Set(['Pod', 'Service', 'Namespace', 'PersistentVolumeClaim', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Ingress', 'NetworkPolicy', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ConfigMap', 'Secret', 'ServiceAccount', 'StorageClass']);

/** Fields whose shape the shared table simplifies and the sandbox needs exact. */
const OVERRIDES: Record<string, Record<string, Schema>> = {
  ManagedFieldsEntry: { fieldsV1: ANY },
};

export const builtinTypes = new TypeRegistry();

function ref(type: string): Schema {
  if (SCALARS.has(type)) return scalarOf(type);
  define(type);
  return { kind: 'ref', name: type };
}

function fieldSchema(f: FieldMeta): Schema {
  switch (f.shape) {
    case 'scalar':
      return scalarOf(f.type);
    case 'object':
      return ref(f.type);
    case 'map':
      return { kind: 'map', values: ref(f.type), ...(f.mapType === 'atomic' ? { atomic: true } : {}) };
    case 'list': {
      // Server-side apply's reading of a list (as the API server converts the OpenAPI schema): an explicit list
      // type wins; a merge strategy without one means a map keyed by the merge key (a set without a key).
      const merge = f.patchStrategy?.split(',').includes('merge');
      const listType = f.listType ?? (merge ? (f.patchMergeKey ? 'map' : 'set') : 'atomic');
      const items = f.type.endsWith('[]') ? ({ kind: 'list', items: ref(f.type.slice(0, -2)), listType: 'atomic' } as ListSchema) : ref(f.type);
      const out: ListSchema = { kind: 'list', items, listType };
      if (listType === 'map') {
        out.keys = f.listMapKeys ?? (f.patchMergeKey ? [f.patchMergeKey] : []);
        // The API server defaults `protocol` before keying ports, so an item without it keys as TCP.
        if (out.keys.includes('protocol')) out.keyDefaults = { protocol: 'TCP' };
      }
      if (f.patchStrategy) out.patchStrategy = f.patchStrategy;
      if (f.patchMergeKey) out.patchMergeKey = f.patchMergeKey;
      return out;
    }
  }
}

function define(type: string): void {
  if (builtinTypes.has(type)) return;
  const meta = typeMeta(type);
  const s: StructSchema = { kind: 'struct', fields: {}, open: true };
  builtinTypes.define(type, s);
  if (!meta) return;
  if (meta.atomic) s.atomic = true;
  for (const [name, f] of meta.fields) s.fields[name] = fieldSchema(f);
  Object.assign(s.fields, OVERRIDES[type] ?? {});
  const closed = CLOSED[type];
  if (closed) {
    Object.assign(s.fields, closed);
    if (ROOTS_WITH_TYPEMETA.has(type)) Object.assign(s.fields, { apiVersion: str, kind: str });
    s.open = false;
  }
}

/** The named root type of a built-in kind at a version (`Deployment`, `HorizontalPodAutoscalerV1`), if any. */
export function builtinRootType(group: string, kind: string, version: string): string | undefined {
  const t = rootTypeOf(formatApiVersion(group, version), kind);
  if (!t || t === 'Object') return undefined;
  define(t);
  return t;
}

/** A reference to a shared built-in type (`ObjectMeta`), defined on first use. */
export function builtinTypeRef(name: string): Schema {
  return ref(name);
}
