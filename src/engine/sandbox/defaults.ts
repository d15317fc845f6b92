/**
 * Defaulting as the API server applies it on every write (and admission plugins on create), so objects read back
 * from the sandbox carry the same server-filled fields a real cluster shows: `kubectl get -o yaml`, live diffs and
 * health checks all see them.
 */
import { clone, isObject, type Json, type JsonObject } from './json.ts';
import type { ResourceType } from './registry.ts';
import type { Schema, TypeRegistry } from './schema.ts';

export interface DefaultsEnv {
  allocateClusterIP(): string;
  allocateNodePort(): number;
  defaultStorageClass(): string | undefined;
}

const o = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);
function ensure(obj: JsonObject, key: string): JsonObject {
  if (!isObject(obj[key])) obj[key] = {};
  return obj[key] as JsonObject;
}
function dflt(obj: JsonObject, key: string, value: Json): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

function imagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: unknown): void {
  const probe = o(p);
  if (!probe) return;
  dflt(probe, 'timeoutSeconds', 1);
  dflt(probe, 'periodSeconds', 10);
  dflt(probe, 'successThreshold', 1);
  dflt(probe, 'failureThreshold', 3);
  const hg = o(probe.httpGet);
  if (hg) {
    dflt(hg, 'scheme', 'HTTP');
    dflt(hg, 'path', '/');
  }
  const grpc = o(probe.grpc);
  if (grpc) dflt(grpc, 'service', '');
}

function defaultContainer(c: JsonObject): void {
  dflt(c, 'terminationMessagePath', '/dev/termination-log');
  dflt(c, 'terminationMessagePolicy', 'File');
  dflt(c, 'imagePullPolicy', imagePullPolicy(c.image));
  dflt(c, 'resources', {});
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) dflt(p, 'protocol', 'TCP');
  if (Array.isArray(c.env))
    for (const e of c.env) {
      const fr = o(o(o(e)?.valueFrom)?.fieldRef);
      if (fr) dflt(fr, 'apiVersion', 'v1');
    }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

function defaultVolume(v: JsonObject): void {
  for (const src of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    const s = o(v[src]);
    if (s) dflt(s, 'defaultMode', 420);
  }
  const hp = o(v.hostPath);
  if (hp) dflt(hp, 'type', '');
}

/** PodSpec defaults (for Pods and every pod template). */
export function defaultPodSpec(spec: JsonObject, isPod = false): void {
  dflt(spec, 'restartPolicy', 'Always');
  dflt(spec, 'terminationGracePeriodSeconds', 30);
  dflt(spec, 'dnsPolicy', 'ClusterFirst');
  dflt(spec, 'securityContext', {});
  dflt(spec, 'schedulerName', 'default-scheduler');
  for (const list of ['containers', 'initContainers']) if (Array.isArray(spec[list])) for (const c of spec[list] as Json[]) if (isObject(c)) defaultContainer(c);
  if (Array.isArray(spec.volumes)) for (const v of spec.volumes) if (isObject(v)) defaultVolume(v);
  if (isPod) {
    dflt(spec, 'enableServiceLinks', true);
    dflt(spec, 'preemptionPolicy', 'PreemptLowerPriority');
    dflt(spec, 'priority', 0);
    // What the ServiceAccount and DefaultTolerationSeconds admission plugins add.
    dflt(spec, 'serviceAccountName', (spec.serviceAccount as Json) ?? 'default');
    dflt(spec, 'serviceAccount', spec.serviceAccountName as Json);
    const tol = Array.isArray(spec.tolerations) ? (spec.tolerations as Json[]) : [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tol.some((t) => isObject(t) && t.key === key)) tol.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 });
    }
    spec.tolerations = tol;
  }
}

function defaultTemplate(t: unknown): void {
  const tpl = o(t);
  if (!tpl) return;
  const md = ensure(tpl, 'metadata');
  if (!('creationTimestamp' in md)) md.creationTimestamp = null;
  const spec = o(tpl.spec);
  if (spec) defaultPodSpec(spec);
}

function defaultJobSpec(spec: JsonObject): void {
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  dflt(spec, 'parallelism', 1);
  dflt(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6);
  dflt(spec, 'completionMode', 'NonIndexed');
  dflt(spec, 'suspend', false);
  dflt(spec, 'podReplacementPolicy', spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed');
  defaultTemplate(spec.template);
}

/** Defaults for one object of a type; `env` allocates what admission would (cluster IPs, node ports). */
export function applyDefaults(t: ResourceType, obj: JsonObject, env: DefaultsEnv, creating: boolean): void {
  const spec = o(obj.spec);
  const key = `${t.group}/${t.kind}`;
  switch (key) {
    case '/Pod':
      if (spec) defaultPodSpec(spec, true);
      break;
    case '/PodTemplate':
      defaultTemplate(obj.template);
      break;
    case '/ReplicationController':
      if (spec) {
        dflt(spec, 'replicas', 1);
        defaultTemplate(spec.template);
        const tl = o(o(o(spec.template)?.metadata)?.labels);
        if (!spec.selector && tl) spec.selector = clone(tl);
      }
      break;
    case 'apps/Deployment':
      if (spec) {
        dflt(spec, 'replicas', 1);
        const st = ensure(spec, 'strategy');
        dflt(st, 'type', 'RollingUpdate');
        if (st.type === 'RollingUpdate') {
          const ru = ensure(st, 'rollingUpdate');
          dflt(ru, 'maxUnavailable', '25%');
          dflt(ru, 'maxSurge', '25%');
        }
        dflt(spec, 'revisionHistoryLimit', 10);
        dflt(spec, 'progressDeadlineSeconds', 600);
        defaultTemplate(spec.template);
      }
      break;
    case 'apps/ReplicaSet':
      if (spec) {
        dflt(spec, 'replicas', 1);
        defaultTemplate(spec.template);
      }
      break;
    case 'apps/StatefulSet':
      if (spec) {
        dflt(spec, 'replicas', 1);
        dflt(spec, 'podManagementPolicy', 'OrderedReady');
        const us = ensure(spec, 'updateStrategy');
        dflt(us, 'type', 'RollingUpdate');
        if (us.type === 'RollingUpdate') dflt(ensure(us, 'rollingUpdate'), 'partition', 0);
        dflt(spec, 'revisionHistoryLimit', 10);
        const ret = ensure(spec, 'persistentVolumeClaimRetentionPolicy');
        dflt(ret, 'whenDeleted', 'Retain');
        dflt(ret, 'whenScaled', 'Retain');
        if (Array.isArray(spec.volumeClaimTemplates))
          for (const v of spec.volumeClaimTemplates) {
            if (!isObject(v)) continue;
            dflt(v, 'apiVersion', 'v1');
            dflt(v, 'kind', 'PersistentVolumeClaim');
            const md = ensure(v, 'metadata');
            if (!('creationTimestamp' in md)) md.creationTimestamp = null;
            dflt(ensure(v, 'spec'), 'volumeMode', 'Filesystem');
            dflt(ensure(v, 'status'), 'phase', 'Pending');
          }
        defaultTemplate(spec.template);
      }
      break;
    case 'apps/DaemonSet':
      if (spec) {
        const us = ensure(spec, 'updateStrategy');
        dflt(us, 'type', 'RollingUpdate');
        if (us.type === 'RollingUpdate') {
          const ru = ensure(us, 'rollingUpdate');
          dflt(ru, 'maxUnavailable', 1);
          dflt(ru, 'maxSurge', 0);
        }
        dflt(spec, 'revisionHistoryLimit', 10);
        defaultTemplate(spec.template);
      }
      break;
    case 'batch/Job':
      if (spec) defaultJobSpec(spec);
      break;
    case 'batch/CronJob':
      if (spec) {
        dflt(spec, 'concurrencyPolicy', 'Allow');
        dflt(spec, 'suspend', false);
        dflt(spec, 'successfulJobsHistoryLimit', 3);
        dflt(spec, 'failedJobsHistoryLimit', 1);
        const jt = o(spec.jobTemplate);
        if (jt) {
          const md = ensure(jt, 'metadata');
          if (!('creationTimestamp' in md)) md.creationTimestamp = null;
          // Only the pod template is defaulted here; the Job defaults apply to the Jobs the CronJob creates.
          const js = o(jt.spec);
          if (js) defaultTemplate(js.template);
        }
      }
      break;
    case '/Service':
      if (spec) defaultService(spec, env, creating);
      dflt(ensure(obj, 'status'), 'loadBalancer', {});
      break;
    case '/Namespace': {
      const s = ensure(obj, 'spec');
      dflt(s, 'finalizers', ['kubernetes']);
      const st = ensure(obj, 'status');
      dflt(st, 'phase', 'Active');
      const md = ensure(obj, 'metadata');
      const labels = ensure(md, 'labels');
      if (typeof md.name === 'string') labels['kubernetes.io/metadata.name'] = md.name;
      break;
    }
    case '/Secret': {
      dflt(obj, 'type', 'Opaque');
      if (isObject(obj.stringData)) {
        const data = ensure(obj, 'data');
        for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
        delete obj.stringData;
      }
      break;
    }
    case '/PersistentVolumeClaim':
      if (spec) {
        dflt(spec, 'volumeMode', 'Filesystem');
        if (creating && spec.storageClassName === undefined) {
          const sc = env.defaultStorageClass();
          if (sc) spec.storageClassName = sc;
        }
      }
      if (creating) dflt(ensure(obj, 'status'), 'phase', 'Pending');
      break;
    case '/PersistentVolume':
      if (spec) {
        dflt(spec, 'persistentVolumeReclaimPolicy', 'Retain');
        dflt(spec, 'volumeMode', 'Filesystem');
      }
      if (creating) dflt(ensure(obj, 'status'), 'phase', 'Pending');
      break;
    case 'storage.k8s.io/StorageClass':
      dflt(obj, 'reclaimPolicy', 'Delete');
      dflt(obj, 'volumeBindingMode', 'Immediate');
      break;
    case 'autoscaling/HorizontalPodAutoscaler':
      if (spec) {
        dflt(spec, 'minReplicas', 1);
        if (!Array.isArray(spec.metrics) && !('targetCPUUtilizationPercentage' in spec))
          spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
      }
      break;
    case 'networking.k8s.io/NetworkPolicy':
      if (spec) {
        if (!Array.isArray(spec.policyTypes)) spec.policyTypes = spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
        for (const dir of ['ingress', 'egress'])
          if (Array.isArray(spec[dir]))
            for (const rule of spec[dir] as Json[]) if (isObject(rule) && Array.isArray(rule.ports)) for (const p of rule.ports) if (isObject(p)) dflt(p, 'protocol', 'TCP');
      }
      break;
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      if (spec) {
        dflt(ensure(spec, 'conversion'), 'strategy', 'None');
        const names = o(spec.names);
        if (names && typeof names.kind === 'string') {
          dflt(names, 'singular', names.kind.toLowerCase());
          dflt(names, 'listKind', `${names.kind}List`);
        }
      }
      break;
  }
}

function defaultService(spec: JsonObject, env: DefaultsEnv, creating: boolean): void {
  dflt(spec, 'type', 'ClusterIP');
  const type = spec.type;
  if (type !== 'ExternalName') {
    dflt(spec, 'sessionAffinity', 'None');
    if (creating && (spec.clusterIP === undefined || spec.clusterIP === '')) {
      const ip = env.allocateClusterIP();
      spec.clusterIP = ip;
    }
    if (spec.clusterIP !== undefined) dflt(spec, 'clusterIPs', [spec.clusterIP as string]);
    dflt(spec, 'ipFamilies', ['IPv4']);
    dflt(spec, 'ipFamilyPolicy', 'SingleStack');
    dflt(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (Array.isArray(spec.ports))
    for (const p of spec.ports) {
      if (!isObject(p)) continue;
      dflt(p, 'protocol', 'TCP');
      if (type !== 'ExternalName') dflt(p, 'targetPort', p.port as Json);
      if ((type === 'NodePort' || type === 'LoadBalancer') && creating && p.nodePort === undefined) p.nodePort = env.allocateNodePort();
    }
  if (type === 'NodePort' || type === 'LoadBalancer') dflt(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') dflt(spec, 'allocateLoadBalancerNodePorts', true);
}

/** CRD structural defaults (`default:` in the schema), applied where the field is absent. */
export function applySchemaDefaults(reg: TypeRegistry, s: Schema, v: unknown): void {
  const r = reg.resolve(s);
  if (r.kind === 'struct' && isObject(v)) {
    for (const [k, fs] of Object.entries(r.fields)) {
      const fr = reg.resolve(fs);
      if (v[k] === undefined && fr.default !== undefined) v[k] = clone(fr.default);
      if (v[k] !== undefined) applySchemaDefaults(reg, fs, v[k]);
    }
  } else if (r.kind === 'map' && isObject(v)) {
    for (const k of Object.keys(v)) applySchemaDefaults(reg, r.values, v[k]);
  } else if (r.kind === 'list' && Array.isArray(v)) {
    for (const it of v) applySchemaDefaults(reg, r.items, it);
  }
}
