/**
 * Applying a strategic merge patch to a JSON object as the Kubernetes API server does
 * (k8s.io/apimachinery/pkg/util/strategicpatch, mergeMap and friends): `$patch: replace|delete` on maps and list
 * elements, `$patch: replace` on lists, `$retainKeys`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`,
 * merge keys from the type's patch metadata, nulls deleting fields, and the element order rules (patch elements in
 * the patch's order, the rest where they were). The same routine also merges two patches (for three-way patches),
 * where the parallel directives are carried instead of applied. Go iterates maps in random order; the only place
 * that shows is a patch that both deletes a value from a primitive list and adds it back: we delete first.
 */
import {
  deepEqual,
  errBadArgType,
  errBadPatchFormatForRetainKeys,
  errBadPatchFormatForSetElementOrderList,
  errBadPatchType,
  errNoListOfLists,
  errNoMergeKey,
  fmtV,
  goKind,
  isObject,
  PatchError,
  type GoKind,
  type Json,
  type JsonObject,
} from './go.ts';
import type { PatchLookup } from './lookup.ts';

export const DIRECTIVE = '$patch';
export const RETAIN_KEYS = '$retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
export const SET_ELEMENT_ORDER = '$setElementOrder';

export interface MergeOptions {
  /** Apply `$setElementOrder`, `$retainKeys`, `$deleteFromPrimitiveList` (true when applying to an object). */
  mergeParallelList: boolean;
  /** A null in the patch deletes and is then forgotten (true when applying to an object). */
  ignoreUnmatchedNulls: boolean;
}

export const APPLY: MergeOptions = { mergeParallelList: true, ignoreUnmatchedNulls: true };
export const MERGE_PATCHES: MergeOptions = { mergeParallelList: false, ignoreUnmatchedNulls: false };

/** [retainKeys, the other strategy] from a field's strategies. */
export function splitStrategies(strategies: string[]): [boolean, string] {
  const s = strategies.filter((x, i) => !(x === '' && strategies.length === 1));
  switch (s.length) {
    case 0:
      return [false, ''];
    case 1:
      return s[0] === 'retainKeys' ? [true, ''] : [false, s[0]!];
    case 2:
      if (s[0] === 'retainKeys') return [true, s[1]!];
      if (s[1] === 'retainKeys') return [true, s[0]!];
      throw new PatchError(`unexpected patch strategy: [${s.join(' ')}]`);
    default:
      throw new PatchError(`unexpected patch strategy: [${s.join(' ')}]`);
  }
}

export function mergeMap(originalIn: JsonObject | null, patch: JsonObject, schema: PatchLookup, opts: MergeOptions): JsonObject {
  if (Object.prototype.hasOwnProperty.call(patch, DIRECTIVE)) return handleDirectiveInMergeMap(patch[DIRECTIVE], patch);
  const original = originalIn ?? {};
  applyRetainKeysDirective(original, patch, opts);
  mergePatchIntoOriginal(original, patch, schema, opts);

  // Go visits the keys in random order; deletions from primitive lists go first here (a value both deleted and
  // added ends up present, as it does in one of Go's orders).
  const keys = Object.keys(patch);
  const ordered = [...keys.filter((k) => k.startsWith(DELETE_FROM_PRIMITIVE_LIST)), ...keys.filter((k) => !k.startsWith(DELETE_FROM_PRIMITIVE_LIST))];
  for (const key of ordered) {
    if (!Object.prototype.hasOwnProperty.call(patch, key)) continue;
    const patchV = patch[key]!;
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      if (!opts.mergeParallelList) {
        original[key] = patchV;
        continue;
      }
      k = extractKey(key, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete original[k];
      if (opts.ignoreUnmatchedNulls) continue;
    }
    if (!Object.prototype.hasOwnProperty.call(original, k) || goKind(original[k]) !== goKind(patchV)) {
      if (!isDeleteList) {
        if (opts.ignoreUnmatchedNulls) discardNullValuesFromPatch(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) original[k] = v;
        else delete original[k];
      }
      continue;
    }
    const orig = original[k]!;
    switch (goKind(orig)) {
      case 'map': {
        const { schema: sub, strategies } = schema.lookupStruct(k);
        const [, strategy] = splitStrategies(strategies);
        original[k] = strategy !== 'replace' ? mergeMap(orig as JsonObject, patchV as JsonObject, sub, opts) : patchV;
        break;
      }
      case 'slice': {
        const { schema: sub, strategies, mergeKey } = schema.lookupSlice(k);
        const [, strategy] = splitStrategies(strategies);
        original[k] = mergeSliceHandler(orig as Json[], patchV as Json[], sub, strategy, mergeKey, isDeleteList, opts);
        break;
      }
      default: {
        const [v, keep] = removeDirectives(patchV);
        if (keep) original[k] = v;
        else delete original[k];
      }
    }
  }
  return original;
}

function handleDirectiveInMergeMap(directive: Json, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw errBadPatchType(directive, patch);
}

export function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw new PatchError('invalid patch format of primitive list');
    if (prefix === SET_ELEMENT_ORDER) throw errBadPatchFormatForSetElementOrderList();
    throw new PatchError(`fail to find unknown prefix "${prefix}" in ${s}\n`);
  }
  return s.slice(i + 1);
}

function applyRetainKeysDirective(original: JsonObject, patch: JsonObject, opts: MergeOptions): void {
  if (!Object.prototype.hasOwnProperty.call(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS]!;
  delete patch[RETAIN_KEYS];
  if (!opts.mergeParallelList) {
    if (Object.prototype.hasOwnProperty.call(original, RETAIN_KEYS)) {
      if (!deepEqual(original[RETAIN_KEYS], retain)) {
        throw new PatchError(`${fmtV(original[RETAIN_KEYS])} and ${fmtV(retain)} are not deep equal: this may happen when calculating the 3-way diff patch`);
      }
    } else original[RETAIN_KEYS] = retain;
    return;
  }
  if (!Array.isArray(retain)) throw errBadPatchFormatForRetainKeys();
  const keep = new Set<Json>(retain);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw errBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, schema: PatchLookup, opts: MergeOptions): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !Object.prototype.hasOwnProperty.call(patch, key)) continue;
    const order = patch[key]!;
    if (!opts.mergeParallelList) {
      if (Object.prototype.hasOwnProperty.call(original, key)) {
        if (!deepEqual(original[key], order)) throw errBadPatchFormatForSetElementOrderList();
      } else original[key] = order;
    }
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('[]interface {}', order);
    const originalKey = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = Object.prototype.hasOwnProperty.call(original, originalKey);
    const foundPatch = Object.prototype.hasOwnProperty.call(patch, originalKey);
    let originalList: Json[] = [];
    let patchList: Json[] = [];
    if (foundOriginal) {
      if (!Array.isArray(original[originalKey])) throw errBadArgType('[]interface {}', original[originalKey]);
      originalList = original[originalKey] as Json[];
    }
    if (foundPatch) {
      if (!Array.isArray(patch[originalKey])) throw errBadArgType('[]interface {}', patch[originalKey]);
      patchList = patch[originalKey] as Json[];
    }
    const { schema: sub, strategies, mergeKey } = schema.lookupSlice(originalKey);
    const [, strategy] = splitStrategies(strategies);
    validatePatchWithSetOrderList(patchList, order, mergeKey);
    let merged: Json[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0] as Json[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalList, patchList, sub, strategy, mergeKey, false, opts);
    else continue;
    const [patchItems, serverOnly] = mergeKey === '' ? partitionPrimitives(merged, order) : partitionMaps(merged, order, mergeKey);
    const kind = sliceElementKind(originalList, patchList);
    original[originalKey] = normalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, kind);
    delete patch[originalKey];
  }
}

function validatePatchWithSetOrderList(patchList: Json[], order: Json[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < order.length) {
    if (isObject(nonDelete[p]) && Object.prototype.hasOwnProperty.call(nonDelete[p], DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p]!, order[o]!, mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= order.length) {
    throw new PatchError(`The order in patch list:\n${fmtV(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${fmtV(order)}\n`);
  }
}

function mergeKeyValueEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isObject(left)) throw errBadArgType('map[string]interface {}', left);
  if (!isObject(right)) throw errBadArgType('map[string]interface {}', right);
  if (!Object.prototype.hasOwnProperty.call(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!Object.prototype.hasOwnProperty.call(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** Drops maps carrying `$patch` (and their entries) from a value the original does not have yet. */
export function removeDirectives(obj: Json): [Json, boolean] {
  if (obj === null) return [obj, true];
  if (isObject(obj)) {
    if (Object.prototype.hasOwnProperty.call(obj, DIRECTIVE)) return [null, false];
    for (const k of Object.keys(obj)) {
      const [v, keep] = removeDirectives(obj[k]!);
      if (keep) obj[k] = v;
      else delete obj[k];
    }
    return [obj, true];
  }
  if (Array.isArray(obj)) {
    const res: Json[] = [];
    for (const v of obj) {
      const [nv, keep] = removeDirectives(v);
      if (keep) res.push(nv);
    }
    return [res, true];
  }
  return [obj, true];
}

function discardNullValuesFromPatch(v: Json): void {
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNullValuesFromPatch(v[k]!);
    }
  } else if (Array.isArray(v)) v.forEach(discardNullValuesFromPatch);
}

export function mergeSliceHandler(
  original: Json[],
  patch: Json[],
  schema: PatchLookup,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
  opts: MergeOptions,
): Json[] {
  if (strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, opts, isDeleteList);
  return patch;
}

function mergeSlice(originalIn: Json[], patchIn: Json[], schema: PatchLookup, mergeKey: string, opts: MergeOptions, isDeleteList: boolean): Json[] {
  let original = originalIn;
  let patch = patchIn;
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: Json[];
  if (kind !== 'map') {
    if (opts.mergeParallelList && isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') throw new PatchError(`cannot merge lists without merge key for ${schema.name()}`);
    [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(original, patch, mergeKey, schema, opts);
  }
  const [patchItems, serverOnly] = mergeKey === '' ? partitionPrimitives(merged, patch) : partitionMaps(merged, patch, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

function mergeSliceWithSpecialElements(original: Json[], patch: Json[], mergeKey: string): [Json[], Json[]] {
  const without: Json[] = [];
  let replace = false;
  let orig = original;
  for (const v of patch) {
    if (!isObject(v)) throw errBadArgType('map[string]interface {}', v);
    if (!Object.prototype.hasOwnProperty.call(v, DIRECTIVE)) {
      without.push(v);
      continue;
    }
    const t = v[DIRECTIVE];
    if (t === 'delete') {
      if (!Object.prototype.hasOwnProperty.call(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      orig = deleteMatchingEntries(orig, mergeKey, v[mergeKey]!);
    } else if (t === 'replace') replace = true;
    else if (t === 'merge') throw new PatchError('merging lists cannot yet be specified in the patch');
    else throw errBadPatchType(t, v);
  }
  return replace ? [without, []] : [orig, without];
}

function deleteMatchingEntries(original: Json[], mergeKey: string, value: Json): Json[] {
  let list = original;
  for (;;) {
    const i = findMapIndex(list, mergeKey, value);
    if (i < 0) return list;
    list = [...list.slice(0, i), ...list.slice(i + 1)];
  }
}

function mergeSliceWithoutSpecialElements(originalIn: Json[], patch: Json[], mergeKey: string, schema: PatchLookup, opts: MergeOptions): Json[] {
  const original = originalIn.slice();
  for (const v of patch) {
    const m = v as JsonObject;
    if (!Object.prototype.hasOwnProperty.call(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const i = findMapIndex(original, mergeKey, m[mergeKey]!);
    if (i >= 0) original[i] = mergeMap(original[i] as JsonObject, m, schema, opts);
    else original.push(v);
  }
  return original;
}

/** findMapInSliceBasedOnKeyValue: elements must be maps; values compare as Go's == does for scalars. */
export function findMapIndex(list: Json[], key: string, value: Json): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isObject(v)) throw new PatchError(`value for key ${i} is not a map`);
    if (Object.prototype.hasOwnProperty.call(v, key) && v[key] === value) return i;
  }
  return -1;
}

function deleteFromSlice(current: Json[], toDelete: Json[]): Json[] {
  const del = new Set<Json>(toDelete);
  return current.filter((v) => !del.has(v));
}

/** The common kind of a list's elements (lists of lists are refused, mixed kinds too). */
export function sliceElementKind(...slices: Json[][]): GoKind {
  let prev: GoKind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = goKind(v);
      if (prev === undefined) {
        prev = k;
        if (k === 'slice') throw errNoListOfLists();
      } else if (prev !== k) {
        throw new PatchError(`list element types are not identical: ${fmtV(slices)}`);
      }
    }
  }
  if (prev === undefined) throw new PatchError('no elements in any of the given slices');
  return prev;
}

/** Go's in-place dedupe (swaps the last element into each duplicate's place). */
export function deduplicateScalars(sIn: Json[]): Json[] {
  const s = sIn.slice();
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length]!;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function partitionPrimitives(original: Json[], by: Json[]): [Json[], Json[]] {
  const inPatch = new Set<Json>(by);
  const patch: Json[] = [];
  const serverOnly: Json[] = [];
  for (const v of original) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMaps(original: Json[], by: Json[], mergeKey: string): [Json[], Json[]] {
  const patch: Json[] = [];
  const serverOnly: Json[] = [];
  for (const v of original) {
    if (!isObject(v)) throw errBadArgType('map[string]interface {}', v);
    if (!Object.prototype.hasOwnProperty.call(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findMapIndex(by, mergeKey, v[mergeKey]!) >= 0 ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

function indexIn(list: Json[], value: Json, mergeKey: string, kind: GoKind): number {
  const get = (item: Json): Json | undefined => (kind === 'map' ? (isObject(item) ? item[mergeKey] : undefined) : item);
  const want = get(value);
  for (let i = 0; i < list.length; i++) if (get(list[i]!) === want) return i;
  return -1;
}

export function extractToDeleteItems(l: Json[]): [Json[], Json[]] {
  const nonDelete: Json[] = [];
  const toDelete: Json[] = [];
  for (const v of l) {
    if (!isObject(v)) throw errBadArgType('map[string]interface {}', v);
    (v[DIRECTIVE] === 'delete' ? toDelete : nonDelete).push(v);
  }
  return [nonDelete, toDelete];
}

function validateMergeKeyInLists(mergeKey: string, ...lists: Json[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType('map[string]interface {}', item);
      if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** Sorts by position in `order` (stable; elements `order` lacks keep their place), deletions last. */
export function normalizeSliceOrder(toSortIn: Json[], order: Json[], mergeKey: string, kind: GoKind): Json[] {
  let toSort = toSortIn;
  let toDelete: Json[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    [toSort, toDelete] = extractToDeleteItems(toSort);
  }
  const idx = toSort.map((v) => indexIn(order, v, mergeKey, kind));
  const positions = toSort.map((_, i) => i);
  positions.sort((a, b) => (idx[a]! >= 0 && idx[b]! >= 0 ? idx[a]! - idx[b]! : 0));
  return [...positions.map((i) => toSort[i]!), ...toDelete];
}

export function normalizeElementOrder(patch: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, kind: GoKind): Json[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

/** Interleaves server-only items with patch items by their position on the server; unknown positions yield to the patch. */
function mergeSortedSlice(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: GoKind): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j]!, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}
