/**
 * The type graph of the built-in kinds, as far as the sandbox needs it: which lists are keyed (and by what), which
 * are sets, which maps and structs are atomic, and the strategic-merge-patch keys. It is partial on purpose: fields
 * not described here are deduced (maps granular, lists atomic), which is also what the API server does for any
 * list Kubernetes does not annotate. Written from the Kubernetes API reference (list-type markers of the Go types).
 */
import { ANY, TypeRegistry, type ListSchema, type Schema, type StructSchema } from './schema.ts';
import { BUILTIN_KINDS } from '../kube/index.ts';

const str: Schema = { kind: 'scalar', type: 'string' };
const int: Schema = { kind: 'scalar', type: 'integer' };
const bool: Schema = { kind: 'scalar', type: 'boolean' };
const ios: Schema = { kind: 'scalar', type: 'int-or-string' };
const qty: Schema = { kind: 'scalar', type: 'quantity' };
const time: Schema = { kind: 'scalar', type: 'string', format: 'date-time' };
const ref = (name: string): Schema => ({ kind: 'ref', name: `io.k8s.${name}` });
const struct = (fields: Record<string, Schema>, extra: Partial<StructSchema> = {}): StructSchema => ({ kind: 'struct', fields, open: true, ...extra });
/** A struct whose every field is listed: unknown fields are dropped (or refused under strict validation). */
const closed = (fields: Record<string, Schema>, extra: Partial<StructSchema> = {}): StructSchema => ({ kind: 'struct', fields, ...extra, open: false });
const map = (values: Schema = str, atomic = false): Schema => ({ kind: 'map', values, ...(atomic ? { atomic } : {}) });
const keyed = (keys: string[], items: Schema, patch?: { key?: string; strategy?: string }, keyDefaults?: ListSchema['keyDefaults']): ListSchema => ({
  kind: 'list',
  items,
  listType: 'map',
  keys,
  ...(keyDefaults ? { keyDefaults } : {}),
  ...(patch ? { patchMergeKey: patch.key ?? keys[0], patchStrategy: patch.strategy ?? 'merge' } : {}),
});
const set = (items: Schema = str, patchStrategy?: string): ListSchema => ({ kind: 'list', items, listType: 'set', ...(patchStrategy ? { patchStrategy } : {}) });
const atomic = (items: Schema = str): ListSchema => ({ kind: 'list', items, listType: 'atomic' });
const conditions = (): ListSchema => keyed(['type'], ref('apimachinery.pkg.apis.meta.v1.Condition'), { key: 'type' });

export const builtinTypes = new TypeRegistry();
const def = (name: string, s: Schema) => builtinTypes.define(`io.k8s.${name}`, s);

// --- meta
def('apimachinery.pkg.apis.meta.v1.ObjectMeta', struct({
  name: str, generateName: str, namespace: str, uid: str, resourceVersion: str, generation: int,
  creationTimestamp: time, deletionTimestamp: time, deletionGracePeriodSeconds: int,
  labels: map(), annotations: map(),
  finalizers: set(str, 'merge'),
  ownerReferences: keyed(['uid'], ref('apimachinery.pkg.apis.meta.v1.OwnerReference'), { key: 'uid' }),
  managedFields: atomic(ref('apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry')),
}, { open: false, description: 'Standard object metadata: name, namespace, labels, annotations, owners and bookkeeping the server sets.' }));
def('apimachinery.pkg.apis.meta.v1.OwnerReference', struct({ apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool }, { atomic: true, open: false, required: ['apiVersion', 'kind', 'name', 'uid'] }));
def('apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry', struct({ manager: str, operation: str, apiVersion: str, time, fieldsType: str, fieldsV1: ANY, subresource: str }, { open: false }));
def('apimachinery.pkg.apis.meta.v1.LabelSelector', closed({ matchLabels: map(), matchExpressions: atomic(closed({ key: str, operator: str, values: atomic() })) }, { atomic: true }));
def('apimachinery.pkg.apis.meta.v1.Condition', struct({ type: str, status: str, reason: str, message: str, lastTransitionTime: time, lastUpdateTime: time, lastProbeTime: time, lastHeartbeatTime: time, observedGeneration: int }));

// --- core: pods
def('api.core.v1.ResourceRequirements', closed({ limits: map(qty), requests: map(qty), claims: keyed(['name'], struct({ name: str, request: str })) }));
def('api.core.v1.Container', closed({
  name: str, image: str, imagePullPolicy: str,
  command: atomic(), args: atomic(), workingDir: str,
  ports: keyed(['containerPort', 'protocol'], closed({ containerPort: int, protocol: str, name: str, hostPort: int, hostIP: str }), { key: 'containerPort' }, { protocol: 'TCP' }),
  env: keyed(['name'], closed({ name: str, value: str, valueFrom: ANY }), { key: 'name' }),
  envFrom: atomic(ANY),
  resources: ref('api.core.v1.ResourceRequirements'),
  resizePolicy: atomic(ANY),
  restartPolicy: str,
  volumeMounts: keyed(['mountPath'], closed({ name: str, mountPath: str, readOnly: bool, recursiveReadOnly: str, subPath: str, subPathExpr: str, mountPropagation: str }), { key: 'mountPath' }),
  volumeDevices: keyed(['devicePath'], struct({ name: str, devicePath: str }), { key: 'devicePath' }),
  livenessProbe: ANY, readinessProbe: ANY, startupProbe: ANY, lifecycle: ANY, securityContext: ANY,
  terminationMessagePath: str, terminationMessagePolicy: str, stdin: bool, stdinOnce: bool, tty: bool,
}, { required: ['name'] }));
def('api.core.v1.Volume', struct({ name: str }, { required: ['name'] }));
def('api.core.v1.PodSpec', closed({
  containers: keyed(['name'], ref('api.core.v1.Container'), { key: 'name' }),
  initContainers: keyed(['name'], ref('api.core.v1.Container'), { key: 'name' }),
  ephemeralContainers: keyed(['name'], ref('api.core.v1.Container'), { key: 'name' }),
  volumes: keyed(['name'], ref('api.core.v1.Volume'), { key: 'name', strategy: 'merge,retainKeys' }),
  imagePullSecrets: keyed(['name'], struct({ name: str }), { key: 'name' }),
  hostAliases: keyed(['ip'], struct({ ip: str, hostnames: atomic() }), { key: 'ip' }),
  tolerations: atomic(ANY),
  readinessGates: atomic(ANY),
  topologySpreadConstraints: keyed(['topologyKey', 'whenUnsatisfiable'], ANY, { key: 'topologyKey' }),
  resourceClaims: keyed(['name'], ANY, { key: 'name', strategy: 'merge,retainKeys' }),
  schedulingGates: keyed(['name'], struct({ name: str }), { key: 'name' }),
  nodeSelector: map(str, true),
  overhead: map(qty),
  restartPolicy: str, terminationGracePeriodSeconds: int, activeDeadlineSeconds: int, dnsPolicy: str,
  serviceAccountName: str, serviceAccount: str, automountServiceAccountToken: bool, nodeName: str,
  hostNetwork: bool, hostPID: bool, hostIPC: bool, shareProcessNamespace: bool, securityContext: ANY,
  hostname: str, subdomain: str, affinity: ANY, schedulerName: str, priorityClassName: str, priority: int,
  dnsConfig: ANY, runtimeClassName: str, enableServiceLinks: bool, preemptionPolicy: str, os: ANY,
  setHostnameAsFQDN: bool, hostUsers: bool, resources: ANY,
}, { required: ['containers'] }));
def('api.core.v1.PodTemplateSpec', closed({ metadata: ref('apimachinery.pkg.apis.meta.v1.ObjectMeta'), spec: ref('api.core.v1.PodSpec') }));
def('api.core.v1.PodStatus', struct({
  conditions: keyed(['type'], ref('apimachinery.pkg.apis.meta.v1.Condition'), { key: 'type' }),
  podIPs: keyed(['ip'], struct({ ip: str }), { key: 'ip' }),
  hostIPs: keyed(['ip'], struct({ ip: str }), { key: 'ip' }),
  containerStatuses: atomic(ANY), initContainerStatuses: atomic(ANY), ephemeralContainerStatuses: atomic(ANY),
  phase: str, message: str, reason: str, hostIP: str, podIP: str, startTime: time, qosClass: str,
}));

// --- core: others
def('api.core.v1.ServicePort', closed({ name: str, protocol: str, appProtocol: str, port: int, targetPort: ios, nodePort: int }, { required: ['port'] }));
def('api.core.v1.ServiceSpec', closed({
  ports: keyed(['port', 'protocol'], ref('api.core.v1.ServicePort'), { key: 'port' }, { protocol: 'TCP' }),
  selector: map(str, true),
  clusterIP: str, clusterIPs: atomic(), type: str, externalIPs: atomic(), sessionAffinity: str, loadBalancerIP: str,
  loadBalancerSourceRanges: atomic(), externalName: str, externalTrafficPolicy: str, healthCheckNodePort: int,
  publishNotReadyAddresses: bool, ipFamilies: atomic(), ipFamilyPolicy: str, allocateLoadBalancerNodePorts: bool,
  loadBalancerClass: str, internalTrafficPolicy: str, sessionAffinityConfig: ANY, trafficDistribution: str,
}));
def('api.core.v1.LoadBalancerStatus', struct({ ingress: atomic(struct({ ip: str, hostname: str, ipMode: str, ports: atomic(ANY) })) }));
def('api.core.v1.ServiceStatus', struct({ loadBalancer: ref('api.core.v1.LoadBalancerStatus'), conditions: conditions() }));
def('api.core.v1.PersistentVolumeClaimSpec', closed({ accessModes: atomic(), selector: ref('apimachinery.pkg.apis.meta.v1.LabelSelector'), resources: ref('api.core.v1.ResourceRequirements'), volumeName: str, storageClassName: str, volumeMode: str, dataSource: ANY, dataSourceRef: ANY, volumeAttributesClassName: str }));
def('api.core.v1.PersistentVolumeClaimStatus', struct({ phase: str, accessModes: atomic(), capacity: map(qty), conditions: conditions(), allocatedResources: map(qty) }));
def('api.core.v1.PersistentVolumeClaim', struct({ spec: ref('api.core.v1.PersistentVolumeClaimSpec'), status: ref('api.core.v1.PersistentVolumeClaimStatus') }));

// --- apps
const workloadStatus = (extra: Record<string, Schema> = {}) => struct({ observedGeneration: int, replicas: int, readyReplicas: int, availableReplicas: int, conditions: conditions(), ...extra });
def('api.apps.v1.DeploymentSpec', closed({ replicas: int, selector: ref('apimachinery.pkg.apis.meta.v1.LabelSelector'), template: ref('api.core.v1.PodTemplateSpec'), strategy: closed({ type: str, rollingUpdate: closed({ maxSurge: ios, maxUnavailable: ios }) }), minReadySeconds: int, revisionHistoryLimit: int, paused: bool, progressDeadlineSeconds: int }, { required: ['selector', 'template'] }));
def('api.apps.v1.ReplicaSetSpec', closed({ replicas: int, selector: ref('apimachinery.pkg.apis.meta.v1.LabelSelector'), template: ref('api.core.v1.PodTemplateSpec'), minReadySeconds: int }, { required: ['selector'] }));
def('api.apps.v1.StatefulSetSpec', closed({ replicas: int, selector: ref('apimachinery.pkg.apis.meta.v1.LabelSelector'), template: ref('api.core.v1.PodTemplateSpec'), volumeClaimTemplates: atomic(ref('api.core.v1.PersistentVolumeClaim')), serviceName: str, podManagementPolicy: str, updateStrategy: closed({ type: str, rollingUpdate: closed({ partition: int, maxUnavailable: ios }) }), revisionHistoryLimit: int, minReadySeconds: int, persistentVolumeClaimRetentionPolicy: ANY, ordinals: ANY }, { required: ['selector', 'template'] }));
def('api.apps.v1.DaemonSetSpec', closed({ selector: ref('apimachinery.pkg.apis.meta.v1.LabelSelector'), template: ref('api.core.v1.PodTemplateSpec'), updateStrategy: closed({ type: str, rollingUpdate: closed({ maxSurge: ios, maxUnavailable: ios }) }), minReadySeconds: int, revisionHistoryLimit: int }, { required: ['selector', 'template'] }));

// --- batch
def('api.batch.v1.JobSpec', closed({ parallelism: int, completions: int, activeDeadlineSeconds: int, backoffLimit: int, backoffLimitPerIndex: int, maxFailedIndexes: int, selector: ref('apimachinery.pkg.apis.meta.v1.LabelSelector'), manualSelector: bool, template: ref('api.core.v1.PodTemplateSpec'), ttlSecondsAfterFinished: int, completionMode: str, suspend: bool, podReplacementPolicy: str, podFailurePolicy: ANY, successPolicy: ANY, managedBy: str }, { required: ['template'] }));
def('api.batch.v1.JobStatus', struct({ conditions: keyed(['type'], ref('apimachinery.pkg.apis.meta.v1.Condition'), { key: 'type' }), startTime: time, completionTime: time, active: int, succeeded: int, failed: int, terminating: int, ready: int, completedIndexes: str, failedIndexes: str, uncountedTerminatedPods: ANY }));
def('api.batch.v1.CronJobSpec', closed({ schedule: str, timeZone: str, startingDeadlineSeconds: int, concurrencyPolicy: str, suspend: bool, jobTemplate: closed({ metadata: ref('apimachinery.pkg.apis.meta.v1.ObjectMeta'), spec: ref('api.batch.v1.JobSpec') }), successfulJobsHistoryLimit: int, failedJobsHistoryLimit: int }, { required: ['schedule', 'jobTemplate'] }));
def('api.batch.v1.CronJobStatus', struct({ active: atomic(ANY), lastScheduleTime: time, lastSuccessfulTime: time }));

// --- networking, autoscaling, rbac, policy
def('api.networking.v1.IngressSpec', closed({ ingressClassName: str, defaultBackend: ANY, tls: atomic(ANY), rules: atomic(ANY) }));
def('api.networking.v1.IngressStatus', struct({ loadBalancer: struct({ ingress: atomic(ANY) }) }));
def('api.autoscaling.v2.HorizontalPodAutoscalerSpec', closed({ scaleTargetRef: closed({ apiVersion: str, kind: str, name: str }), minReplicas: int, maxReplicas: int, metrics: atomic(ANY), behavior: ANY }, { required: ['scaleTargetRef', 'maxReplicas'] }));
def('api.autoscaling.v2.HorizontalPodAutoscalerStatus', struct({ observedGeneration: int, lastScaleTime: time, currentReplicas: int, desiredReplicas: int, currentMetrics: atomic(ANY), conditions: conditions() }));

/** Extra top-level fields per group/kind (beyond apiVersion, kind, metadata). */
const tops: Record<string, Record<string, Schema>> = {
  '/Pod': { spec: ref('api.core.v1.PodSpec'), status: ref('api.core.v1.PodStatus') },
  '/PodTemplate': { template: ref('api.core.v1.PodTemplateSpec') },
  '/ReplicationController': { spec: struct({ replicas: int, selector: map(str, true), template: ref('api.core.v1.PodTemplateSpec'), minReadySeconds: int }), status: workloadStatus() },
  '/Service': { spec: ref('api.core.v1.ServiceSpec'), status: ref('api.core.v1.ServiceStatus') },
  '/ConfigMap': { data: map(), binaryData: map(), immutable: bool },
  '/Secret': { data: map(), stringData: map(), type: str, immutable: bool },
  '/Namespace': { spec: struct({ finalizers: atomic() }), status: struct({ phase: str, conditions: conditions() }) },
  '/ServiceAccount': { secrets: keyed(['name'], ANY, { key: 'name' }), imagePullSecrets: atomic(ANY), automountServiceAccountToken: bool },
  '/PersistentVolumeClaim': { spec: ref('api.core.v1.PersistentVolumeClaimSpec'), status: ref('api.core.v1.PersistentVolumeClaimStatus') },
  '/PersistentVolume': { spec: struct({ accessModes: atomic(), capacity: map(qty), claimRef: struct({}, { atomic: true, open: true }), mountOptions: atomic(), persistentVolumeReclaimPolicy: str, storageClassName: str }), status: struct({ phase: str }) },
  '/Node': { spec: struct({ taints: atomic(ANY), podCIDRs: set() }), status: struct({ conditions: keyed(['type'], ANY, { key: 'type' }), addresses: keyed(['type'], ANY, { key: 'type' }), capacity: map(qty), allocatable: map(qty) }) },
  '/Endpoints': { subsets: atomic(ANY) },
  '/LimitRange': { spec: struct({ limits: atomic(ANY) }) },
  '/ResourceQuota': { spec: struct({ hard: map(qty), scopes: atomic() }), status: struct({ hard: map(qty), used: map(qty) }) },
  'apps/Deployment': { spec: ref('api.apps.v1.DeploymentSpec'), status: workloadStatus({ updatedReplicas: int, unavailableReplicas: int, collisionCount: int }) },
  'apps/ReplicaSet': { spec: ref('api.apps.v1.ReplicaSetSpec'), status: workloadStatus({ fullyLabeledReplicas: int }) },
  'apps/StatefulSet': { spec: ref('api.apps.v1.StatefulSetSpec'), status: workloadStatus({ currentReplicas: int, updatedReplicas: int, currentRevision: str, updateRevision: str, collisionCount: int }) },
  'apps/DaemonSet': { spec: ref('api.apps.v1.DaemonSetSpec'), status: struct({ observedGeneration: int, currentNumberScheduled: int, numberMisscheduled: int, desiredNumberScheduled: int, numberReady: int, updatedNumberScheduled: int, numberAvailable: int, numberUnavailable: int, conditions: conditions() }) },
  'apps/ControllerRevision': { data: ANY, revision: int },
  'batch/Job': { spec: ref('api.batch.v1.JobSpec'), status: ref('api.batch.v1.JobStatus') },
  'batch/CronJob': { spec: ref('api.batch.v1.CronJobSpec'), status: ref('api.batch.v1.CronJobStatus') },
  'networking.k8s.io/Ingress': { spec: ref('api.networking.v1.IngressSpec'), status: ref('api.networking.v1.IngressStatus') },
  'networking.k8s.io/NetworkPolicy': { spec: struct({ podSelector: ref('apimachinery.pkg.apis.meta.v1.LabelSelector'), ingress: atomic(ANY), egress: atomic(ANY), policyTypes: atomic() }) },
  'autoscaling/HorizontalPodAutoscaler': { spec: ref('api.autoscaling.v2.HorizontalPodAutoscalerSpec'), status: ref('api.autoscaling.v2.HorizontalPodAutoscalerStatus') },
  'policy/PodDisruptionBudget': { spec: struct({ minAvailable: ios, maxUnavailable: ios, selector: ref('apimachinery.pkg.apis.meta.v1.LabelSelector') }), status: struct({ conditions: conditions(), disruptedPods: map(time) }) },
  'rbac.authorization.k8s.io/Role': { rules: atomic(ANY) },
  'rbac.authorization.k8s.io/ClusterRole': { rules: atomic(ANY), aggregationRule: struct({ clusterRoleSelectors: atomic(ANY) }) },
  'rbac.authorization.k8s.io/RoleBinding': { subjects: atomic(ANY), roleRef: struct({ apiGroup: str, kind: str, name: str }, { atomic: true }) },
  'rbac.authorization.k8s.io/ClusterRoleBinding': { subjects: atomic(ANY), roleRef: struct({ apiGroup: str, kind: str, name: str }, { atomic: true }) },
  'storage.k8s.io/StorageClass': { provisioner: str, parameters: map(), reclaimPolicy: str, mountOptions: atomic(), allowVolumeExpansion: bool, volumeBindingMode: str, allowedTopologies: atomic(ANY) },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    spec: struct({ group: str, names: ANY, scope: str, versions: atomic(ANY), conversion: ANY, preserveUnknownFields: bool }),
    status: struct({ conditions: conditions(), acceptedNames: ANY, storedVersions: atomic() }),
  },
  'discovery.k8s.io/EndpointSlice': { addressType: str, endpoints: atomic(ANY), ports: atomic(ANY) },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': { webhooks: keyed(['name'], ANY, { key: 'name' }) },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': { webhooks: keyed(['name'], ANY, { key: 'name' }) },
};

const rootByGroupKind = new Map<string, string>();
for (const k of BUILTIN_KINDS) {
  const name = `io.k8s.api.${k.group ? k.group.split('.')[0] : 'core'}.${k.versions[0]}.${k.kind}`;
  const extra = tops[`${k.group}/${k.kind}`] ?? {};
  // Kinds whose top-level fields are all listed get a closed root: a misspelt top-level field is caught.
  const fields = { apiVersion: str, kind: str, metadata: ref('apimachinery.pkg.apis.meta.v1.ObjectMeta'), ...(Object.keys(extra).length ? extra : { spec: ANY, status: ANY }) };
  builtinTypes.define(name, Object.keys(extra).length ? closed(fields) : struct(fields));
  rootByGroupKind.set(`${k.group}/${k.kind}`, name);
}

/** The named root type of a built-in kind (`io.k8s.api.apps.v1.Deployment`), if any. */
export function builtinRootType(group: string, kind: string): string | undefined {
  return rootByGroupKind.get(`${group}/${kind}`);
}
