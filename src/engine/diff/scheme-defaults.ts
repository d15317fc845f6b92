/**
 * DIF-2: after the three-way patch, Argo CD runs the Kubernetes scheme's defaulting functions (the `SetDefaults_*`
 * of each built-in API version) over both predicted live and live, so a field that git dropped but that the API
 * server would default back (replicas 1, maxSurge 25%, imagePullPolicy, targetPort = port, …) does not count as a
 * change. Only scheme defaulting is reproduced here: nothing admission plugins or registries add (cluster IPs,
 * service-account tokens, tolerations, storage classes), and only for the API versions whose defaults are listed.
 */
import { isMap, type JsonMap } from './json.ts';

const map = (v: unknown): JsonMap | undefined => (isMap(v) ? v : undefined);
const list = (v: unknown): JsonMap[] => (Array.isArray(v) ? v.filter(isMap) : []);

/** Go's typed decode treats a missing field, null and the zero value of a scalar alike: all are "unset". */
function unset(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}
function set(obj: JsonMap, key: string, value: unknown): void {
  if (unset(obj[key])) obj[key] = value;
}
function child(obj: JsonMap, key: string): JsonMap {
  if (!isMap(obj[key])) obj[key] = {};
  return obj[key] as JsonMap;
}

function pullPolicy(image: unknown): string {
  if (typeof image !== 'string' || image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0 || last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function probe(p: unknown): void {
  const pr = map(p);
  if (!pr) return;
  set(pr, 'timeoutSeconds', 1);
  set(pr, 'periodSeconds', 10);
  set(pr, 'successThreshold', 1);
  set(pr, 'failureThreshold', 3);
  const http = map(pr.httpGet);
  if (http) {
    set(http, 'path', '/');
    set(http, 'scheme', 'HTTP');
  }
}

function container(c: JsonMap, hostNetwork: boolean): void {
  set(c, 'terminationMessagePath', '/dev/termination-log');
  set(c, 'terminationMessagePolicy', 'File');
  set(c, 'imagePullPolicy', pullPolicy(c.image));
  for (const p of list(c.ports)) {
    set(p, 'protocol', 'TCP');
    if (hostNetwork && unset(p.hostPort) && p.containerPort !== undefined) p.hostPort = p.containerPort;
  }
  for (const e of list(c.env)) {
    const ref = map(map(e.valueFrom)?.fieldRef);
    if (ref) set(ref, 'apiVersion', 'v1');
  }
  probe(c.livenessProbe);
  probe(c.readinessProbe);
  probe(c.startupProbe);
}

function podSpec(spec: JsonMap): void {
  set(spec, 'dnsPolicy', 'ClusterFirst');
  set(spec, 'restartPolicy', 'Always');
  set(spec, 'terminationGracePeriodSeconds', 30);
  if (!isMap(spec.securityContext)) spec.securityContext = {};
  set(spec, 'schedulerName', 'default-scheduler');
  const hostNetwork = spec.hostNetwork === true;
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) for (const c of list(spec[key])) container(c, hostNetwork);
  for (const v of list(spec.volumes)) {
    for (const src of ['configMap', 'secret', 'downwardAPI', 'projected']) {
      const s = map(v[src]);
      if (s) set(s, 'defaultMode', 420);
    }
  }
}

function template(t: unknown): void {
  const spec = map(map(t)?.spec);
  if (spec) podSpec(spec);
}

function service(spec: JsonMap): void {
  set(spec, 'type', 'ClusterIP');
  const type = spec.type;
  set(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = child(child(spec, 'sessionAffinityConfig'), 'clientIP');
    set(cfg, 'timeoutSeconds', 10800);
  }
  for (const p of list(spec.ports)) {
    set(p, 'protocol', 'TCP');
    if (unset(p.targetPort) || p.targetPort === 0) p.targetPort = p.port;
  }
  if (type === 'NodePort' || type === 'LoadBalancer') set(spec, 'externalTrafficPolicy', 'Cluster');
  if (type !== 'ExternalName') set(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') set(spec, 'allocateLoadBalancerNodePorts', true);
}

function webhooks(obj: JsonMap, mutating: boolean): void {
  for (const w of list(obj.webhooks)) {
    set(w, 'failurePolicy', 'Fail');
    set(w, 'matchPolicy', 'Equivalent');
    if (!isMap(w.namespaceSelector)) w.namespaceSelector = {};
    if (!isMap(w.objectSelector)) w.objectSelector = {};
    set(w, 'timeoutSeconds', 10);
    if (mutating) set(w, 'reinvocationPolicy', 'Never');
    for (const r of list(w.rules)) set(r, 'scope', '*');
    const svc = map(map(w.clientConfig)?.service);
    if (svc) set(svc, 'port', 443);
  }
}

type Defaulter = (obj: JsonMap, spec: JsonMap | undefined) => void;

const DEFAULTERS: Record<string, Defaulter> = {
  'v1/Pod': (_obj, spec) => {
    if (!spec) return;
    podSpec(spec);
    set(spec, 'enableServiceLinks', true);
  },
  'v1/PodTemplate': (obj) => template(obj.template),
  'v1/ReplicationController': (_obj, spec) => {
    if (!spec) return;
    set(spec, 'replicas', 1);
    const labels = map(map(map(spec.template)?.metadata)?.labels);
    if (labels && !isMap(spec.selector)) spec.selector = { ...labels };
    template(spec.template);
  },
  'v1/Service': (_obj, spec) => spec && service(spec),
  'v1/Secret': (obj) => set(obj, 'type', 'Opaque'),
  'v1/Namespace': (obj) => {
    const md = child(obj, 'metadata');
    if (typeof md.name === 'string') child(md, 'labels')['kubernetes.io/metadata.name'] = md.name;
  },
  'v1/PersistentVolumeClaim': (_obj, spec) => spec && set(spec, 'volumeMode', 'Filesystem'),
  'v1/PersistentVolume': (_obj, spec) => {
    if (!spec) return;
    set(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    set(spec, 'volumeMode', 'Filesystem');
  },
  'apps/v1/Deployment': (_obj, spec) => {
    if (!spec) return;
    set(spec, 'replicas', 1);
    const strategy = child(spec, 'strategy');
    set(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      set(ru, 'maxUnavailable', '25%');
      set(ru, 'maxSurge', '25%');
    }
    set(spec, 'revisionHistoryLimit', 10);
    set(spec, 'progressDeadlineSeconds', 600);
    template(spec.template);
  },
  'apps/v1/StatefulSet': (_obj, spec) => {
    if (!spec) return;
    set(spec, 'replicas', 1);
    set(spec, 'podManagementPolicy', 'OrderedReady');
    const us = child(spec, 'updateStrategy');
    set(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') set(child(us, 'rollingUpdate'), 'partition', 0);
    set(spec, 'revisionHistoryLimit', 10);
    const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
    set(retention, 'whenDeleted', 'Retain');
    set(retention, 'whenScaled', 'Retain');
    for (const pvc of list(spec.volumeClaimTemplates)) {
      const ps = map(pvc.spec);
      if (ps) set(ps, 'volumeMode', 'Filesystem');
    }
    template(spec.template);
  },
  'apps/v1/DaemonSet': (_obj, spec) => {
    if (!spec) return;
    const us = child(spec, 'updateStrategy');
    set(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = child(us, 'rollingUpdate');
      set(ru, 'maxUnavailable', 1);
      set(ru, 'maxSurge', 0);
    }
    set(spec, 'revisionHistoryLimit', 10);
    template(spec.template);
  },
  'apps/v1/ReplicaSet': (_obj, spec) => {
    if (!spec) return;
    set(spec, 'replicas', 1);
    template(spec.template);
  },
  'batch/v1/Job': (_obj, spec) => {
    if (!spec) return;
    if (unset(spec.completions) && unset(spec.parallelism)) spec.completions = 1;
    set(spec, 'parallelism', 1);
    set(spec, 'backoffLimit', unset(spec.backoffLimitPerIndex) ? 6 : 2147483647);
    set(spec, 'completionMode', 'NonIndexed');
    set(spec, 'suspend', false);
    set(spec, 'podReplacementPolicy', isMap(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
    template(spec.template);
  },
  'batch/v1/CronJob': (_obj, spec) => {
    if (!spec) return;
    set(spec, 'concurrencyPolicy', 'Allow');
    set(spec, 'suspend', false);
    set(spec, 'successfulJobsHistoryLimit', 3);
    set(spec, 'failedJobsHistoryLimit', 1);
    template(map(map(spec.jobTemplate)?.spec)?.template);
  },
  'autoscaling/v2/HorizontalPodAutoscaler': (_obj, spec) => {
    if (!spec) return;
    set(spec, 'minReplicas', 1);
    if (!Array.isArray(spec.metrics)) spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  },
  'autoscaling/v1/HorizontalPodAutoscaler': (_obj, spec) => spec && set(spec, 'minReplicas', 1),
  'networking.k8s.io/v1/NetworkPolicy': (_obj, spec) => {
    if (!spec) return;
    for (const dir of ['ingress', 'egress']) for (const rule of list(spec[dir])) for (const p of list(rule.ports)) set(p, 'protocol', 'TCP');
    if (!Array.isArray(spec.policyTypes)) spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length ? ['Ingress', 'Egress'] : ['Ingress'];
  },
  'storage.k8s.io/v1/StorageClass': (obj) => {
    set(obj, 'reclaimPolicy', 'Delete');
    set(obj, 'volumeBindingMode', 'Immediate');
  },
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': (obj) => webhooks(obj, true),
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': (obj) => webhooks(obj, false),
};

function rbacSubjects(obj: JsonMap): void {
  for (const s of list(obj.subjects)) {
    if (!unset(s.apiGroup)) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = 'rbac.authorization.k8s.io';
    else if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}
DEFAULTERS['rbac.authorization.k8s.io/v1/RoleBinding'] = rbacSubjects;
DEFAULTERS['rbac.authorization.k8s.io/v1/ClusterRoleBinding'] = rbacSubjects;

/** Whether Argo CD's scheme has defaults for this apiVersion and kind (only those objects are changed). */
export function hasSchemeDefaults(apiVersion: string, kind: string): boolean {
  return `${apiVersion}/${kind}` in DEFAULTERS;
}

/**
 * The object with the scheme defaults filled in where the field is unset (mutates and returns `obj`). Fields
 * present are never changed, so applying it to live that came from an API server changes nothing there.
 */
export function applySchemeDefaults(obj: JsonMap): JsonMap {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const f = DEFAULTERS[`${apiVersion}/${kind}`];
  if (f) f(obj, map(obj.spec));
  return obj;
}
