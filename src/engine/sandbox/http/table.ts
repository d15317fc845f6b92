/**
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): the columns `kubectl get` shows
 * for the common kinds, CRD additionalPrinterColumns for custom resources, NAME and CREATED AT otherwise.
 */
import { getPath, isObject, type Json, type JsonObject } from '../json.ts';
import type { ResourceType } from '../registry.ts';
import { selectorString } from '../selectors.ts';
import { metaOf } from '../store.ts';

export interface Column {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  cell(obj: JsonObject, now: number): Json;
}

/** kubectl's age format: 45s, 3m12s, 5h, 3d4h, 2y… */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  if (h < 24 * 365 * 8) {
    const y = Math.floor(h / 24 / 365);
    const d = Math.floor(h / 24) % 365;
    return d === 0 ? `${y}y` : `${y}y${d}d`;
  }
  return `${Math.floor(h / 24 / 365)}y`;
}

const str = (v: unknown, d = '<none>') => (v === undefined || v === null || v === '' ? d : String(v));
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const name: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => String(metaOf(o).name ?? '') };
const age: Column = { name: 'Age', type: 'string', description: 'Time since creation.', cell: (o, now) => humanDuration(now - Date.parse(String(metaOf(o).creationTimestamp))) };
const col = (n: string, cell: Column['cell'], priority = 0, type = 'string'): Column => ({ name: n, type, priority, cell });

function containers(o: JsonObject): JsonObject[] {
  const c = getPath(o, ['spec', 'template', 'spec', 'containers']);
  return Array.isArray(c) ? c.filter(isObject) : [];
}

function podStatus(p: JsonObject, now: number): { ready: string; status: string; restarts: string } {
  const st = isObject(p.status) ? p.status : {};
  const cs = Array.isArray(st.containerStatuses) ? st.containerStatuses.filter(isObject) : [];
  const total = Array.isArray(getPath(p, ['spec', 'containers'])) ? (getPath(p, ['spec', 'containers']) as Json[]).length : cs.length;
  let reason = String(st.reason ?? st.phase ?? 'Pending');
  for (const c of cs) {
    const w = isObject(c.state) && isObject(c.state.waiting) ? c.state.waiting : undefined;
    const t = isObject(c.state) && isObject(c.state.terminated) ? c.state.terminated : undefined;
    if (w && w.reason) reason = String(w.reason);
    else if (t && t.reason) reason = String(t.reason);
  }
  if (metaOf(p).deletionTimestamp) reason = 'Terminating';
  const restarts = cs.reduce<number>((n, c) => n + num(c.restartCount), 0);
  let last = 0;
  for (const c of cs) {
    const lt = isObject(c.lastState) && isObject(c.lastState.terminated) ? Date.parse(String(c.lastState.terminated.finishedAt)) : 0;
    if (lt > last) last = lt;
  }
  return { ready: `${cs.filter((c) => c.ready === true).length}/${total}`, status: reason, restarts: last ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts) };
}

function servicePorts(o: JsonObject): string {
  const ports = getPath(o, ['spec', 'ports']);
  if (!Array.isArray(ports) || !ports.length) return '<none>';
  return ports.filter(isObject).map((p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${String(p.protocol ?? 'TCP')}`).join(',');
}

function lbIngress(o: JsonObject): string {
  const ing = getPath(o, ['status', 'loadBalancer', 'ingress']);
  if (!Array.isArray(ing) || !ing.length) return '';
  return ing.filter(isObject).map((i) => String(i.ip ?? i.hostname ?? '')).join(',');
}

const COLUMNS: Record<string, Column[]> = {
  '/Pod': [
    name,
    col('Ready', (o, now) => podStatus(o, now).ready),
    col('Status', (o, now) => podStatus(o, now).status),
    col('Restarts', (o, now) => podStatus(o, now).restarts),
    age,
    col('IP', (o) => str(getPath(o, ['status', 'podIP'])), 1),
    col('Node', (o) => str(getPath(o, ['spec', 'nodeName'])), 1),
    col('Nominated Node', () => '<none>', 1),
    col('Readiness Gates', () => '<none>', 1),
  ],
  'apps/Deployment': [
    name,
    col('Ready', (o) => `${num(getPath(o, ['status', 'readyReplicas']))}/${num(getPath(o, ['spec', 'replicas']))}`),
    col('Up-to-date', (o) => num(getPath(o, ['status', 'updatedReplicas'])), 0, 'integer'),
    col('Available', (o) => num(getPath(o, ['status', 'availableReplicas'])), 0, 'integer'),
    age,
    col('Containers', (o) => containers(o).map((c) => c.name).join(','), 1),
    col('Images', (o) => containers(o).map((c) => c.image).join(','), 1),
    col('Selector', (o) => selectorString(getPath(o, ['spec', 'selector'])), 1),
  ],
  'apps/ReplicaSet': [
    name,
    col('Desired', (o) => num(getPath(o, ['spec', 'replicas'])), 0, 'integer'),
    col('Current', (o) => num(getPath(o, ['status', 'replicas'])), 0, 'integer'),
    col('Ready', (o) => num(getPath(o, ['status', 'readyReplicas'])), 0, 'integer'),
    age,
    col('Containers', (o) => containers(o).map((c) => c.name).join(','), 1),
    col('Images', (o) => containers(o).map((c) => c.image).join(','), 1),
    col('Selector', (o) => selectorString(getPath(o, ['spec', 'selector'])), 1),
  ],
  'apps/StatefulSet': [name, col('Ready', (o) => `${num(getPath(o, ['status', 'readyReplicas']))}/${num(getPath(o, ['spec', 'replicas']))}`), age],
  'apps/DaemonSet': [
    name,
    col('Desired', (o) => num(getPath(o, ['status', 'desiredNumberScheduled'])), 0, 'integer'),
    col('Current', (o) => num(getPath(o, ['status', 'currentNumberScheduled'])), 0, 'integer'),
    col('Ready', (o) => num(getPath(o, ['status', 'numberReady'])), 0, 'integer'),
    col('Up-to-date', (o) => num(getPath(o, ['status', 'updatedNumberScheduled'])), 0, 'integer'),
    col('Available', (o) => num(getPath(o, ['status', 'numberAvailable'])), 0, 'integer'),
    col('Node Selector', (o) => {
      const ns = getPath(o, ['spec', 'template', 'spec', 'nodeSelector']);
      return isObject(ns) && Object.keys(ns).length ? Object.entries(ns).map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
    }),
    age,
  ],
  'batch/Job': [
    name,
    col('Status', (o) => {
      const conds = getPath(o, ['status', 'conditions']);
      const c = Array.isArray(conds) ? conds.filter(isObject) : [];
      if (c.some((x) => x.type === 'Complete' && x.status === 'True')) return 'Complete';
      if (c.some((x) => x.type === 'Failed' && x.status === 'True')) return 'Failed';
      if (c.some((x) => x.type === 'Suspended' && x.status === 'True')) return 'Suspended';
      return 'Running';
    }),
    col('Completions', (o) => `${num(getPath(o, ['status', 'succeeded']))}/${num(getPath(o, ['spec', 'completions'])) || 1}`),
    col('Duration', (o, now) => {
      const s = Date.parse(String(getPath(o, ['status', 'startTime'])));
      if (!Number.isFinite(s)) return '';
      const e = Date.parse(String(getPath(o, ['status', 'completionTime'])));
      return humanDuration((Number.isFinite(e) ? e : now) - s);
    }),
    age,
  ],
  'batch/CronJob': [
    name,
    col('Schedule', (o) => str(getPath(o, ['spec', 'schedule']))),
    col('Timezone', (o) => str(getPath(o, ['spec', 'timeZone']))),
    col('Suspend', (o) => (getPath(o, ['spec', 'suspend']) === true ? 'True' : 'False')),
    col('Active', (o) => (Array.isArray(getPath(o, ['status', 'active'])) ? (getPath(o, ['status', 'active']) as Json[]).length : 0), 0, 'integer'),
    col('Last Schedule', (o, now) => {
      const t = Date.parse(String(getPath(o, ['status', 'lastScheduleTime'])));
      return Number.isFinite(t) ? humanDuration(now - t) : '<none>';
    }),
    age,
  ],
  '/Service': [
    name,
    col('Type', (o) => str(getPath(o, ['spec', 'type']), 'ClusterIP')),
    col('Cluster-IP', (o) => str(getPath(o, ['spec', 'clusterIP']))),
    col('External-IP', (o) => {
      const t = getPath(o, ['spec', 'type']);
      if (t === 'LoadBalancer') return lbIngress(o) || '<pending>';
      if (t === 'ExternalName') return str(getPath(o, ['spec', 'externalName']));
      const ext = getPath(o, ['spec', 'externalIPs']);
      return Array.isArray(ext) && ext.length ? ext.join(',') : '<none>';
    }),
    col('Port(s)', servicePorts),
    age,
    col('Selector', (o) => {
      const s = getPath(o, ['spec', 'selector']);
      return isObject(s) && Object.keys(s).length ? Object.entries(s).map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
    }, 1),
  ],
  '/ConfigMap': [name, col('Data', (o) => Object.keys(isObject(o.data) ? o.data : {}).length + Object.keys(isObject(o.binaryData) ? o.binaryData : {}).length, 0, 'integer'), age],
  '/Secret': [name, col('Type', (o) => str(o.type)), col('Data', (o) => Object.keys(isObject(o.data) ? o.data : {}).length, 0, 'integer'), age],
  '/ServiceAccount': [name, col('Secrets', (o) => (Array.isArray(o.secrets) ? o.secrets.length : 0), 0, 'integer'), age],
  '/Namespace': [name, col('Status', (o) => str(getPath(o, ['status', 'phase']))), age],
  '/Node': [
    name,
    col('Status', (o) => {
      const c = getPath(o, ['status', 'conditions']);
      const r = Array.isArray(c) ? c.filter(isObject).find((x) => x.type === 'Ready') : undefined;
      return r?.status === 'True' ? 'Ready' : 'NotReady';
    }),
    col('Roles', (o) => {
      const l = metaOf(o).labels;
      const roles = isObject(l) ? Object.keys(l).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice(24)) : [];
      return roles.length ? roles.join(',') : '<none>';
    }),
    age,
    col('Version', (o) => str(getPath(o, ['status', 'nodeInfo', 'kubeletVersion']))),
  ],
  '/PersistentVolumeClaim': [
    name,
    col('Status', (o) => str(getPath(o, ['status', 'phase']))),
    col('Volume', (o) => str(getPath(o, ['spec', 'volumeName']), '')),
    col('Capacity', (o) => str(getPath(o, ['status', 'capacity', 'storage']), '')),
    col('Access Modes', (o) => accessModes(getPath(o, ['status', 'accessModes']))),
    col('StorageClass', (o) => str(getPath(o, ['spec', 'storageClassName']), '')),
    col('VolumeAttributesClass', (o) => str(getPath(o, ['spec', 'volumeAttributesClassName']))),
    age,
  ],
  '/PersistentVolume': [
    name,
    col('Capacity', (o) => str(getPath(o, ['spec', 'capacity', 'storage']), '')),
    col('Access Modes', (o) => accessModes(getPath(o, ['spec', 'accessModes']))),
    col('Reclaim Policy', (o) => str(getPath(o, ['spec', 'persistentVolumeReclaimPolicy']))),
    col('Status', (o) => str(getPath(o, ['status', 'phase']))),
    col('Claim', (o) => {
      const r = getPath(o, ['spec', 'claimRef']);
      return isObject(r) ? `${String(r.namespace)}/${String(r.name)}` : '';
    }),
    col('StorageClass', (o) => str(getPath(o, ['spec', 'storageClassName']), '')),
    col('VolumeAttributesClass', () => '<unset>'),
    col('Reason', (o) => str(getPath(o, ['status', 'reason']), '')),
    age,
  ],
  'networking.k8s.io/Ingress': [
    name,
    col('Class', (o) => str(getPath(o, ['spec', 'ingressClassName']))),
    col('Hosts', (o) => {
      const rules = getPath(o, ['spec', 'rules']);
      const hosts = Array.isArray(rules) ? rules.filter(isObject).map((r) => String(r.host ?? '*')) : [];
      return hosts.length ? hosts.join(',') : '*';
    }),
    col('Address', lbIngress),
    col('Ports', (o) => (Array.isArray(getPath(o, ['spec', 'tls'])) && (getPath(o, ['spec', 'tls']) as Json[]).length ? '80, 443' : '80')),
    age,
  ],
  'autoscaling/HorizontalPodAutoscaler': [
    name,
    col('Reference', (o) => `${String(getPath(o, ['spec', 'scaleTargetRef', 'kind']))}/${String(getPath(o, ['spec', 'scaleTargetRef', 'name']))}`),
    col('Targets', (o) => {
      const cur = getPath(o, ['status', 'currentMetrics', '0', 'resource', 'current', 'averageUtilization']);
      const metrics = getPath(o, ['spec', 'metrics']);
      const m0 = Array.isArray(metrics) && isObject(metrics[0]) ? metrics[0] : undefined;
      const target = m0 ? getPath(m0, ['resource', 'target', 'averageUtilization']) : undefined;
      return `cpu: ${cur === undefined ? '<unknown>' : `${String(cur)}%`}/${target === undefined ? '80' : String(target)}%`;
    }),
    col('MinPods', (o) => num(getPath(o, ['spec', 'minReplicas'])) || 1, 0, 'integer'),
    col('MaxPods', (o) => num(getPath(o, ['spec', 'maxReplicas'])), 0, 'integer'),
    col('Replicas', (o) => num(getPath(o, ['status', 'currentReplicas'])), 0, 'integer'),
    age,
  ],
  'storage.k8s.io/StorageClass': [
    col('Name', (o) => {
      const a = metaOf(o).annotations;
      const d = isObject(a) && a['storageclass.kubernetes.io/is-default-class'] === 'true';
      return `${String(metaOf(o).name)}${d ? ' (default)' : ''}`;
    }),
    col('Provisioner', (o) => str(o.provisioner)),
    col('ReclaimPolicy', (o) => str(o.reclaimPolicy, 'Delete')),
    col('VolumeBindingMode', (o) => str(o.volumeBindingMode, 'Immediate')),
    col('AllowVolumeExpansion', (o) => (o.allowVolumeExpansion === true ? 'true' : 'false')),
    age,
  ],
  'apiextensions.k8s.io/CustomResourceDefinition': [name, col('Created At', (o) => String(metaOf(o).creationTimestamp ?? ''), 0, 'date')],
};

function accessModes(v: unknown): string {
  if (!Array.isArray(v)) return '';
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  return v.map((m) => short[String(m)] ?? String(m)).join(',');
}

/** A JSONPath of a printer column (`.spec.replicas`, `.status.conditions[?(@.type=="Ready")].status`), simply. */
function jsonPath(o: JsonObject, path: string): Json {
  let cur: unknown = o;
  const parts = path.replace(/^\{?\.?/, '').replace(/\}$/, '').match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
  for (const p of parts) {
    if (cur === undefined || cur === null) return null;
    if (p.startsWith('[?(')) {
      const m = /@\.(\w+)==["']([^"']*)["']/.exec(p);
      if (!m || !Array.isArray(cur)) return null;
      cur = cur.find((x) => isObject(x) && String(x[m[1]]) === m[2]);
    } else if (p.startsWith('[')) {
      const i = Number(p.slice(1, -1));
      cur = Array.isArray(cur) ? cur[i] : undefined;
    } else cur = isObject(cur) ? cur[p] : undefined;
  }
  if (cur === undefined) return null;
  return cur as Json;
}

export function columnsFor(t: ResourceType, version: string): Column[] {
  const builtin = COLUMNS[`${t.group}/${t.kind}`];
  if (builtin) return builtin;
  if (!t.builtin) {
    const cols = t.printerColumns?.[version] ?? [];
    if (cols.length)
      return [
        name,
        ...cols.map((c) => ({
          name: c.name,
          type: c.type,
          format: c.format,
          description: c.description,
          priority: c.priority ?? 0,
          cell: (o: JsonObject, now: number) => {
            const v = jsonPath(o, c.jsonPath);
            if (c.type === 'date' && typeof v === 'string') return humanDuration(now - Date.parse(v));
            return v;
          },
        })),
      ];
    return [name, age];
  }
  return [name, { name: 'Created At', type: 'date', description: 'The time the object was created.', cell: (o) => String(metaOf(o).creationTimestamp ?? '') }];
}

/** A meta.k8s.io/v1 Table of objects; rows carry the full object, its metadata, or nothing. */
export function toTable(t: ResourceType, version: string, objects: JsonObject[], listMeta: JsonObject, now: number, include: 'Object' | 'Metadata' | 'None' = 'Metadata'): JsonObject {
  const cols = columnsFor(t, version);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    rows: objects.map((o) => {
      const row: JsonObject = { cells: cols.map((c) => c.cell(o, now) ?? null) };
      if (include === 'Object') row.object = o;
      else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: metaOf(o) };
      return row;
    }),
  };
}
