/**
 * Computing strategic merge patches the way kubectl and Argo CD do (apimachinery's CreateTwoWayMergePatch and
 * CreateThreeWayMergePatch): changed and added fields, `null` for removed ones, merge-keyed list diffs with
 * `$patch: delete` entries, `$deleteFromPrimitiveList/` and `$setElementOrder/` parallel lists, `$retainKeys` for
 * retainKeys fields. The three-way form (original = last applied, modified = desired, current = live) keeps
 * fields only the live object has and deletes only what the last-applied configuration had and the desired one
 * dropped.
 */
import { deepEqual, errBadArgType, errNoListOfLists, errNoMergeKey, fmtV, goCompare, goKind, isObject, PatchError, type Json, type JsonObject } from './go.ts';
import type { PatchLookup } from './lookup.ts';
import {
  DELETE_FROM_PRIMITIVE_LIST,
  DIRECTIVE,
  deduplicateScalars,
  mergeMap,
  MERGE_PATCHES,
  normalizeSliceOrder,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER,
  sliceElementKind,
  splitStrategies,
} from './smp-merge.ts';

interface DiffOptions {
  setElementOrder: boolean;
  ignoreChangesAndAdditions: boolean;
  ignoreDeletions: boolean;
  buildRetainKeysDirective: boolean;
}

const DEFAULTS: DiffOptions = { setElementOrder: false, ignoreChangesAndAdditions: false, ignoreDeletions: false, buildRetainKeysDirective: false };

/** Go's sortScalars: by the %v text. */
function sortScalars(s: Json[]): Json[] {
  return s
    .map((v) => ({ v, k: fmtV(v) }))
    .sort((a, b) => goCompare(a.k, b.k))
    .map((x) => x.v);
}

export function diffMaps(original: JsonObject, modified: JsonObject, schema: PatchLookup, opts: DiffOptions): JsonObject {
  const patch: JsonObject = {};
  const retainKeys: Json[] = [];
  for (const [key, modifiedValue] of Object.entries(modified)) {
    if (opts.buildRetainKeysDirective && modifiedValue !== null) retainKeys.push(key);
    if (!Object.prototype.hasOwnProperty.call(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key]!;
    if (key === DIRECTIVE) {
      if (typeof originalValue !== 'string' || typeof modifiedValue !== 'string') throw new PatchError(`invalid value for special key: ${DIRECTIVE}`);
      if (originalValue !== modifiedValue) patch[DIRECTIVE] = modifiedValue;
      continue;
    }
    if (goKind(originalValue) !== goKind(modifiedValue)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (isObject(originalValue)) handleMapDiff(key, originalValue, modifiedValue as JsonObject, patch, schema, opts);
    else if (Array.isArray(originalValue)) handleSliceDiff(key, originalValue, modifiedValue as Json[], patch, schema, opts);
    else replaceIfNotEqual(key, originalValue, modifiedValue, patch, opts);
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!Object.prototype.hasOwnProperty.call(modified, key)) patch[key] = null;
  }
  if (retainKeys.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField(original, modified))) {
    patch[RETAIN_KEYS] = sortScalars(retainKeys);
  }
  return patch;
}

function hasAdditionalNewField(original: JsonObject, modified: JsonObject): boolean {
  return Object.entries(original).some(([k, v]) => v !== null && !Object.prototype.hasOwnProperty.call(modified, k));
}

function replaceIfNotEqual(key: string, original: Json, modified: Json, patch: JsonObject, opts: DiffOptions): void {
  if (opts.ignoreChangesAndAdditions) return;
  if (deepEqual(original, modified)) return;
  patch[key] = modified;
}

function handleMapDiff(key: string, original: JsonObject, modified: JsonObject, patch: JsonObject, schema: PatchLookup, optsIn: DiffOptions): void {
  const { schema: sub, strategies } = schema.lookupStruct(key);
  const [retainKeys, strategy] = splitStrategies(strategies);
  const opts = { ...optsIn, buildRetainKeysDirective: retainKeys };
  if (strategy === 'replace') {
    if (!opts.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const p = diffMaps(original, modified, sub, opts);
  if (Object.keys(p).length > 0) patch[key] = p;
}

function handleSliceDiff(key: string, original: Json[], modified: Json[], patch: JsonObject, schema: PatchLookup, optsIn: DiffOptions): void {
  const { schema: sub, strategies, mergeKey } = schema.lookupSlice(key);
  const [retainKeys, strategy] = splitStrategies(strategies);
  if (strategy !== 'merge') {
    replaceIfNotEqual(key, original, modified, patch, optsIn);
    return;
  }
  const opts = { ...optsIn, buildRetainKeysDirective: retainKeys };
  const [add, del, order] = diffLists(original, modified, sub, mergeKey, opts);
  if (add.length > 0) patch[key] = add;
  if (del.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST}/${key}`] = del;
  if (order.length > 0) patch[`${SET_ELEMENT_ORDER}/${key}`] = order;
}

function diffLists(original: Json[], modified: Json[], schema: PatchLookup, mergeKey: string, opts: DiffOptions): [Json[], Json[], Json[]] {
  if (original.length === 0) {
    if (modified.length === 0 || opts.ignoreChangesAndAdditions) return [[], [], []];
    return [modified, [], []];
  }
  const kind = sliceElementKind(original, modified);
  if (kind === 'slice') throw errNoListOfLists();
  if (kind === 'map') {
    let [patchList, deleteList] = diffListsOfMaps(original, modified, schema, mergeKey, opts);
    patchList = normalizeSliceOrder(patchList, modified, mergeKey, kind);
    const orderSame = isOrderSame(original, modified, mergeKey);
    patchList = [...patchList, ...deleteList];
    let setOrder: Json[] = [];
    if (opts.setElementOrder && ((!opts.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) || (!opts.ignoreDeletions && patchList.length > 0))) {
      setOrder = modified.map((v) => ({ [mergeKey]: (v as JsonObject)[mergeKey]! }));
    }
    return [patchList, [], setOrder];
  }
  const [add, del] = diffListsOfScalars(original, modified, opts);
  const patchList = normalizeSliceOrder(add, modified, mergeKey, kind);
  let setOrder: Json[] = [];
  if (opts.setElementOrder && ((!opts.ignoreDeletions && del.length > 0) || (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified)))) {
    setOrder = modified;
  }
  return [patchList, del, setOrder];
}

function isOrderSame(original: Json[], modified: Json[], mergeKey: string): boolean {
  if (original.length !== modified.length) return false;
  for (let i = 0; i < modified.length; i++) {
    const a = original[i];
    const b = modified[i];
    if (!isObject(a)) throw errBadArgType('map[string]interface {}', a);
    if (!isObject(b)) throw errBadArgType('map[string]interface {}', b);
    if (!(mergeKey in a)) throw errNoMergeKey(a, mergeKey);
    if (!(mergeKey in b)) throw errNoMergeKey(b, mergeKey);
    if (a[mergeKey] !== b[mergeKey]) return false;
  }
  return true;
}

function diffListsOfScalars(original: Json[], modified: Json[], opts: DiffOptions): [Json[], Json[]] {
  const o = sortScalars(original);
  const m = sortScalars(modified);
  let i = 0;
  let j = 0;
  const add: Json[] = [];
  const del: Json[] = [];
  while (i < o.length || j < m.length) {
    const os = i < o.length ? fmtV(o[i]) : undefined;
    const ms = j < m.length ? fmtV(m[j]) : undefined;
    if (os !== undefined && ms !== undefined && os === ms) {
      i++;
      j++;
    } else if (os === undefined || (ms !== undefined && goCompare(os, ms) > 0)) {
      if (!opts.ignoreChangesAndAdditions) add.push(m[j]!);
      j++;
    } else {
      if (!opts.ignoreDeletions) del.push(o[i]!);
      i++;
    }
  }
  return [add, deduplicateScalars(del)];
}

function sortMapsByField(list: Json[], field: string): Json[] {
  return list
    .map((v) => ({ v, k: fmtV((v as JsonObject)[field]) }))
    .sort((a, b) => goCompare(a.k, b.k))
    .map((x) => x.v);
}

function diffListsOfMaps(original: Json[], modified: Json[], schema: PatchLookup, mergeKey: string, opts: DiffOptions): [Json[], Json[]] {
  const patch: Json[] = [];
  const del: Json[] = [];
  const os = sortMapsByField(original, mergeKey);
  const ms = sortMapsByField(modified, mergeKey);
  let i = 0;
  let j = 0;
  const keyOf = (list: Json[], idx: number): [JsonObject, Json] => {
    const m = list[idx];
    if (!isObject(m)) throw errBadArgType('map[string]interface {}', m);
    if (!Object.prototype.hasOwnProperty.call(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    return [m, m[mergeKey]!];
  };
  while (i < os.length || j < ms.length) {
    const oIn = i < os.length;
    const mIn = j < ms.length;
    const [oe, ov] = oIn ? keyOf(os, i) : [undefined, undefined];
    const [me, mv] = mIn ? keyOf(ms, j) : [undefined, undefined];
    const oStr = oIn ? fmtV(ov) : '';
    const mStr = mIn ? fmtV(mv) : '';
    if (oIn && mIn && oStr === mStr) {
      const p = diffMaps(oe!, me!, schema, opts);
      if (Object.keys(p).length > 0) {
        p[mergeKey] = mv!;
        patch.push(p);
      }
      i++;
      j++;
    } else if (!oIn || (mIn && goCompare(oStr, mStr) > 0)) {
      if (!opts.ignoreChangesAndAdditions) patch.push(me!);
      j++;
    } else {
      if (!opts.ignoreDeletions) del.push({ [mergeKey]: ov!, [DIRECTIVE]: 'delete' });
      i++;
    }
  }
  return [patch, del];
}

function asObject(v: unknown, what: string): JsonObject {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new PatchError(`invalid JSON document: ${what} is not an object`, 'bad-document');
  return structuredClone(v) as JsonObject;
}

/** The patch that turns `original` into `modified` (kubectl's CreateTwoWayMergePatch). */
export function createTwoWayMergePatch(original: unknown, modified: unknown, schema: PatchLookup): JsonObject {
  return diffMaps(asObject(original, 'original'), asObject(modified, 'modified'), schema, { ...DEFAULTS, setElementOrder: true });
}

/**
 * kubectl apply's three-way strategic merge patch: changes from `current` (live) to `modified` (desired), plus
 * deletions of what `original` (last applied) had and `modified` dropped. Fields only `current` has stay. With
 * overwrite (what kubectl and Argo CD use) there is no conflict check.
 */
export function createThreeWayMergePatch(original: unknown, modified: unknown, current: unknown, schema: PatchLookup): JsonObject {
  const o = asObject(original, 'original');
  const m = asObject(modified, 'modified');
  const c = asObject(current, 'current');
  const delta = diffMaps(c, m, schema, { ...DEFAULTS, ignoreDeletions: true, setElementOrder: true });
  const deletions = diffMaps(o, m, schema, { ...DEFAULTS, setElementOrder: true, ignoreChangesAndAdditions: true });
  return mergeMap(deletions, delta, schema, MERGE_PATCHES);
}
