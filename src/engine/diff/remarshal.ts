/**
 * DIF-1 step 3, remarshal. Argo CD decodes built-in kinds into their Go types and encodes them again, keeping only
 * keys that were in the input. The visible effects are: resource quantities in canonical form, and optional
 * (omitempty) fields that are null or empty disappearing. We do not carry the Go type definitions, so this module
 * reproduces those two effects at the paths where built-in types have them (see the gaps in the README section).
 */
import { builtinKind } from '../kube/index.ts';
import { canonicalQuantity } from './quantity.ts';
import { isMap, type JsonMap } from './json.ts';

type Visit = (v: unknown) => unknown;

/** Applies `fn` to the value at a dotted path where `[]` walks every element of a list and `*` every map value. */
export function updateAt(obj: unknown, path: string[], fn: Visit): void {
  if (!path.length) return;
  const [head, ...rest] = path;
  if (head === '[]') {
    if (!Array.isArray(obj)) return;
    for (let i = 0; i < obj.length; i++) {
      if (rest.length) updateAt(obj[i], rest, fn);
      else obj[i] = fn(obj[i]);
    }
    return;
  }
  if (head === '*') {
    if (!isMap(obj)) return;
    for (const k of Object.keys(obj)) {
      if (rest.length) updateAt(obj[k], rest, fn);
      else obj[k] = fn(obj[k]);
    }
    return;
  }
  if (!isMap(obj) || !(head! in obj)) return;
  if (rest.length) updateAt(obj[head!], rest, fn);
  else obj[head!] = fn(obj[head!]);
}

const p = (s: string) => s.split('.');

const RESOURCE_REQS = ['limits.*', 'requests.*'];

/** Quantity paths inside a PodSpec. */
export const POD_SPEC_QUANTITIES: string[] = [
  ...['containers', 'initContainers', 'ephemeralContainers'].flatMap((c) => RESOURCE_REQS.map((r) => `${c}.[].resources.${r}`)),
  'overhead.*',
  ...RESOURCE_REQS.map((r) => `resources.${r}`),
  'volumes.[].emptyDir.sizeLimit',
  ...RESOURCE_REQS.map((r) => `volumes.[].ephemeral.volumeClaimTemplate.spec.resources.${r}`),
];

const POD_TEMPLATE_AT: Record<string, string> = {
  '/Pod': 'spec',
  '/PodTemplate': 'template.spec',
  '/ReplicationController': 'spec.template.spec',
  'apps/Deployment': 'spec.template.spec',
  'apps/ReplicaSet': 'spec.template.spec',
  'apps/StatefulSet': 'spec.template.spec',
  'apps/DaemonSet': 'spec.template.spec',
  'batch/Job': 'spec.template.spec',
  'batch/CronJob': 'spec.jobTemplate.spec.template.spec',
};

const OTHER_QUANTITIES: Record<string, string[]> = {
  '/PersistentVolumeClaim': [...RESOURCE_REQS.map((r) => `spec.resources.${r}`), 'status.capacity.*', 'status.allocatedResources.*'],
  'apps/StatefulSet': RESOURCE_REQS.map((r) => `spec.volumeClaimTemplates.[].spec.resources.${r}`),
  '/ResourceQuota': ['spec.hard.*', 'status.hard.*', 'status.used.*'],
  '/LimitRange': ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'].map((f) => `spec.limits.[].${f}.*`),
  '/PersistentVolume': ['spec.capacity.*'],
  '/Node': ['status.capacity.*', 'status.allocatable.*'],
  'storage.k8s.io/CSIStorageCapacity': ['capacity', 'maximumVolumeSize'],
  'autoscaling/HorizontalPodAutoscaler': ['resource', 'pods', 'object', 'external', 'containerResource'].flatMap((m) =>
    ['value', 'averageValue'].map((v) => `spec.metrics.[].${m}.target.${v}`),
  ),
};

/** Map-typed (never struct-typed) field names whose empty value an omitempty encode drops. */
const EMPTY_MAP_FIELDS = new Set([
  'labels', 'annotations', 'data', 'binaryData', 'stringData', 'nodeSelector', 'limits', 'requests', 'matchLabels',
  'capacity', 'hard', 'overhead', 'selector',
]);
/** Slice fields without omitempty: an empty list survives the round trip. */
const KEEP_EMPTY_LISTS = new Set(['containers', 'rules']);

function dropEmpty(v: unknown, atTop: boolean, kindKey: string): unknown {
  if (Array.isArray(v)) return v.map((e) => dropEmpty(e, false, kindKey));
  if (!isMap(v)) return v;
  const out: JsonMap = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === undefined) continue;
    if (val === null) {
      // Role/ClusterRole `rules` has no omitempty; metadata.creationTimestamp is dropped later by Normalize.
      if (!(atTop && k === 'rules' && kindKey.startsWith('rbac.authorization.k8s.io/'))) continue;
    }
    if (Array.isArray(val) && val.length === 0 && !KEEP_EMPTY_LISTS.has(k)) continue;
    // A Service's `selector` is a map, a Deployment's is a struct: only drop `{}` where the field is map-typed.
    if (isMap(val) && Object.keys(val).length === 0 && EMPTY_MAP_FIELDS.has(k) && !(k === 'selector' && kindKey !== '/Service' && kindKey !== '/ReplicationController')) continue;
    out[k] = dropEmpty(val, false, kindKey);
  }
  return out;
}

/** Remarshals one object in place semantics (returns a new object); non-built-in kinds only lose type information. */
export function remarshal(obj: JsonMap, group: string, kind: string): JsonMap {
  if (!builtinKind(group, kind)) return JSON.parse(JSON.stringify(obj)) as JsonMap;
  const kindKey = `${group}/${kind}`;
  // dropEmpty builds new maps and lists all the way down, so the input is never changed by what follows.
  const out = dropEmpty(obj, true, kindKey) as JsonMap;
  for (const path of splitQuantityPaths(group, kind)) updateAt(out, path, canonicalQuantity);
  return out;
}

const splitPaths = new Map<string, string[][]>();
function splitQuantityPaths(group: string, kind: string): string[][] {
  const key = `${group}/${kind}`;
  let paths = splitPaths.get(key);
  if (!paths) splitPaths.set(key, (paths = quantityPaths(group, kind).map(p)));
  return paths;
}

export function quantityPaths(group: string, kind: string): string[] {
  const kindKey = `${group}/${kind}`;
  const out = [...(OTHER_QUANTITIES[kindKey] ?? [])];
  const podAt = POD_TEMPLATE_AT[kindKey];
  if (podAt) out.push(...POD_SPEC_QUANTITIES.map((q) => `${podAt}.${q}`));
  return out;
}
