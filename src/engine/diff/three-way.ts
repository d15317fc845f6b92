/**
 * DIF-2: predicted live = live with the three-way patch (orig → target, against live) applied: apimachinery's
 * strategic three-way merge patch for built-in kinds (src/engine/patch, with each type's merge keys and
 * directives), JSON merge three-way for others, computed against live reduced to the keys orig has.
 *
 * A small table-driven merge (merge keys of the lists that matter for workloads and services) stays as the
 * fallback for objects the patch engine refuses (Argo CD falls back to a two-way diff there; a malformed object
 * would otherwise lose its diff altogether).
 */
import { builtinKind } from '../kube/index.ts';
import {
  applyMergePatch,
  createThreeWayMergePatch,
  createThreeWayMergePatchJson,
  hasStrategicMergeMetadata,
  strategicMergePatch,
} from '../patch/index.ts';
import { clone, deepEqual, isMap, type JsonMap } from './json.ts';

type Path = string[];

/** The merge key of a list at `path` (object-relative, list items shown as `[]`), for built-in kinds. */
export function mergeKeyFor(group: string, kind: string, path: Path): string | undefined {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (last) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return 'name';
    case 'env':
      return parent === '[]' ? 'name' : undefined;
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'ports':
      if (group === '' && kind === 'Service' && path.length === 2 && path[0] === 'spec') return 'port';
      if (parent === '[]' && ['containers', 'initContainers', 'ephemeralContainers'].includes(path[path.length - 3] ?? '')) return 'containerPort';
      return undefined;
  }
  return undefined;
}

/** Lists of scalars that strategic merge treats as sets (patchStrategy merge without a key). */
function isScalarSetList(path: Path): boolean {
  return path.length === 2 && path[0] === 'metadata' && path[1] === 'finalizers';
}

interface Ctx {
  group: string;
  kind: string;
  strategic: boolean;
}

function keyOf(e: unknown, key: string): string | undefined {
  return isMap(e) && key in e ? JSON.stringify(e[key]) : undefined;
}

function mergeValue(orig: unknown, target: unknown, live: unknown, path: Path, ctx: Ctx): unknown {
  if (isMap(target) && isMap(live)) return mergeMap(isMap(orig) ? orig : undefined, target, live, path, ctx);
  if (Array.isArray(target) && Array.isArray(live) && ctx.strategic) {
    const key = mergeKeyFor(ctx.group, ctx.kind, path);
    if (key) return mergeList(Array.isArray(orig) ? orig : undefined, target, live, key, path, ctx);
    if (isScalarSetList(path)) {
      const removed = new Set((Array.isArray(orig) ? orig : []).filter((o) => !target.some((t) => deepEqual(t, o))).map((o) => JSON.stringify(o)));
      const out = live.filter((l) => !removed.has(JSON.stringify(l)));
      for (const t of target) if (!out.some((l) => deepEqual(l, t))) out.push(clone(t));
      return out;
    }
  }
  return clone(target);
}

function mergeMap(orig: JsonMap | undefined, target: JsonMap, live: JsonMap, path: Path, ctx: Ctx): JsonMap {
  const out: JsonMap = clone(live);
  for (const [k, tv] of Object.entries(target)) {
    if (k in live && deepEqual(live[k], tv)) continue;
    if (tv === null) {
      delete out[k];
      continue;
    }
    out[k] = k in live ? mergeValue(orig?.[k], tv, live[k], [...path, k], ctx) : clone(tv);
  }
  if (orig) for (const k of Object.keys(orig)) if (!(k in target)) delete out[k];
  return out;
}

function mergeList(orig: unknown[] | undefined, target: unknown[], live: unknown[], key: string, path: Path, ctx: Ctx): unknown[] {
  const liveByKey = new Map<string, unknown>();
  for (const l of live) {
    const k = keyOf(l, key);
    if (k !== undefined && !liveByKey.has(k)) liveByKey.set(k, l);
  }
  const origByKey = new Map<string, unknown>();
  for (const o of orig ?? []) {
    const k = keyOf(o, key);
    if (k !== undefined) origByKey.set(k, o);
  }
  const targetKeys = new Set<string>();
  const out: unknown[] = [];
  for (const t of target) {
    const k = keyOf(t, key);
    if (k === undefined) {
      out.push(clone(t));
      continue;
    }
    targetKeys.add(k);
    const l = liveByKey.get(k);
    out.push(l === undefined ? clone(t) : mergeValue(origByKey.get(k), t, l, [...path, '[]'], ctx));
  }
  // Live-only items stay (after the target's, whose order wins) unless the last applied config had them.
  for (const l of live) {
    const k = keyOf(l, key);
    if (k === undefined || targetKeys.has(k) || origByKey.has(k)) continue;
    out.push(clone(l));
  }
  return out;
}

/**
 * `jsonutil.RemoveMapFields`/`RemoveListFields`: live reduced to the keys `config` has, recursively; list items are
 * reduced index by index and live items past the end of config's list stay whole (so they show as a difference).
 */
export function removeFieldsNotIn(config: unknown, live: unknown): unknown {
  if (isMap(config) && isMap(live)) {
    const out: JsonMap = {};
    for (const [k, cv] of Object.entries(config)) if (k in live) out[k] = live[k] === null ? null : removeFieldsNotIn(cv, live[k]);
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    return live.map((l, i) => (i < config.length && l !== null ? removeFieldsNotIn(config[i], l) : l));
  }
  return live;
}

/**
 * Predicted live for (orig, target, live): strategic for built-in kinds, JSON merge otherwise. The namespace and
 * empty annotations are taken out of orig and target first (DIF-2), and a StatefulSet's volumeClaimTemplates lose
 * server-defaulted fields.
 */
export function predictLive(orig: JsonMap, target: JsonMap, live: JsonMap, group: string, kind: string): JsonMap {
  const o = stripNamespaceAnnotations(orig);
  const t = stripNamespaceAnnotations(target);
  const apiVersion = typeof target.apiVersion === 'string' ? target.apiVersion : '';
  const ref = { apiVersion, kind };
  if (hasStrategicMergeMetadata(ref)) {
    let forPatch = live;
    if (group === 'apps' && kind === 'StatefulSet') {
      const ot = isMap(o.spec) ? o.spec.volumeClaimTemplates : undefined;
      const lt = isMap(live.spec) ? live.spec.volumeClaimTemplates : undefined;
      if (Array.isArray(ot) && Array.isArray(lt)) {
        forPatch = clone(live);
        (forPatch.spec as JsonMap).volumeClaimTemplates = removeFieldsNotIn(ot, lt);
      }
    }
    const { patch } = createThreeWayMergePatch(o, t, forPatch, ref);
    return strategicMergePatch(live, patch, ref) as JsonMap;
  }
  if (!builtinKind(group, kind)) {
    const reduced = removeFieldsNotIn(o, live);
    const patch = createThreeWayMergePatchJson(o, t, reduced);
    return applyMergePatch(live, patch) as JsonMap;
  }
  return predictLiveFallback(o, t, live, group, kind);
}

/** The table-driven merge, for what the patch engine refuses. */
export function predictLiveFallback(orig: JsonMap, target: JsonMap, live: JsonMap, group: string, kind: string): JsonMap {
  const o = stripNamespaceAnnotations(orig);
  const t = stripNamespaceAnnotations(target);
  const strategic = builtinKind(group, kind) !== undefined;
  let l = live;
  if (strategic && group === 'apps' && kind === 'StatefulSet') {
    const ot = isMap(o.spec) ? o.spec.volumeClaimTemplates : undefined;
    const lt = isMap(live.spec) ? live.spec.volumeClaimTemplates : undefined;
    if (Array.isArray(ot) && Array.isArray(lt)) {
      l = clone(live);
      (l.spec as JsonMap).volumeClaimTemplates = removeFieldsNotIn(ot, lt);
    }
  }
  const out = mergeMap(o, t, l, [], { group, kind, strategic });
  if (l !== live && isMap(out.spec) && deepEqual(out.spec.volumeClaimTemplates, (l.spec as JsonMap).volumeClaimTemplates)) {
    // The reduced copy only decides whether the patch touches the templates; untouched, they stay as live has them.
    out.spec.volumeClaimTemplates = clone((live.spec as JsonMap).volumeClaimTemplates);
  }
  return out;
}

function stripNamespaceAnnotations(obj: JsonMap): JsonMap {
  const out = clone(obj);
  if (isMap(out.metadata)) {
    delete out.metadata.namespace;
    const a = out.metadata.annotations;
    if ('annotations' in out.metadata && (a === null || (isMap(a) && Object.keys(a).length === 0))) delete out.metadata.annotations;
  }
  return out;
}
