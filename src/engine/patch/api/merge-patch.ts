/**
 * JSON merge patch (RFC 7386) with the behaviour of the json-patch library the API server and kubectl use:
 * applying (`application/merge-patch+json`), computing the patch between two documents, and the three-way form
 * kubectl and Argo CD use for kinds without strategic merge metadata (custom resources): additions and changes
 * from live to desired, deletions only of what the last-applied configuration had.
 */
import { deepEqual, goKind, isObject, PatchError, type Json, type JsonObject } from './go.ts';

function pruneNulls(v: Json): Json {
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else pruneNulls(v[k]!);
    }
  } else if (Array.isArray(v)) {
    // Arrays keep their null elements; only objects inside them lose null members.
    for (const x of v) if (x !== null) pruneNulls(x);
  }
  return v;
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = doc[k];
    if (cur === undefined || cur === null) doc[k] = pruneNulls(v);
    else doc[k] = mergeValue(cur, v);
  }
}

function mergeValue(cur: Json, patch: Json): Json {
  if (!isObject(cur)) return pruneNulls(patch);
  if (!isObject(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

/**
 * Applies a JSON merge patch. The document is not changed; the result is a new value. A patch that is not an
 * object replaces the document (nulls inside it pruned); a document that is not an object is replaced by the patch.
 */
export function applyMergePatch(doc: unknown, patch: unknown): Json {
  if (patch === null || patch === undefined) throw new PatchError('Invalid JSON Patch');
  if (doc === null) throw new PatchError('Invalid JSON Document', 'bad-document');
  const p = structuredClone(patch) as Json;
  if (!isObject(doc) || !isObject(p)) {
    if (isObject(p)) return pruneNulls(p);
    if (Array.isArray(p)) return pruneNulls(p);
    throw new PatchError('Invalid JSON Patch');
  }
  const d = structuredClone(doc) as JsonObject;
  mergeDocs(d, p);
  return d;
}

function matchesValue(a: Json, b: Json): boolean {
  return deepEqual(a, b);
}

function getDiff(a: JsonObject, b: JsonObject): JsonObject {
  const into: JsonObject = {};
  for (const [key, bv] of Object.entries(b)) {
    if (!Object.prototype.hasOwnProperty.call(a, key)) {
      into[key] = bv;
      continue;
    }
    const av = a[key]!;
    if (goKind(av) !== goKind(bv)) {
      into[key] = bv;
      continue;
    }
    if (isObject(av)) {
      const d = getDiff(av, bv as JsonObject);
      if (Object.keys(d).length > 0) into[key] = d;
    } else if (av !== null && !matchesValue(av, bv)) {
      into[key] = bv;
    }
  }
  for (const key of Object.keys(a)) if (!Object.prototype.hasOwnProperty.call(b, key)) into[key] = null;
  return into;
}

/** The merge patch from `original` to `modified` (both objects). */
export function createMergePatch(original: unknown, modified: unknown): JsonObject {
  if (!isObject(original) || !isObject(modified)) throw new PatchError('Invalid JSON Document', 'bad-document');
  return getDiff(original, modified);
}

function keepOrDeleteNull(m: JsonObject, keepNull: boolean): JsonObject {
  const out: JsonObject = {};
  for (const [key, val] of Object.entries(m)) {
    if (keepNull && val === null) out[key] = null;
    else if (val !== null) {
      if (isObject(val)) {
        // An explicitly empty map is a value, not an empty patch.
        if (Object.keys(val).length === 0) {
          if (!keepNull) out[key] = val;
          continue;
        }
        const sub = keepOrDeleteNull(val, keepNull);
        if (Object.keys(sub).length !== 0) out[key] = sub;
      } else if (!keepNull) out[key] = val;
    }
  }
  return out;
}

function hasConflicts(left: Json | undefined, right: Json | undefined): boolean {
  if (isObject(left)) {
    if (!isObject(right)) return true;
    for (const [k, lv] of Object.entries(left)) {
      if (!Object.prototype.hasOwnProperty.call(right, k)) continue;
      if (hasConflicts(lv, right[k])) return true;
    }
    return false;
  }
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length) return true;
    return left.some((x, i) => hasConflicts(x, right[i]));
  }
  return !deepEqual(left ?? null, right ?? null);
}

/**
 * apimachinery's CreateThreeWayJSONMergePatch(original, modified, current): additions and changes from current to
 * modified, deletions from original to modified. A conflict between the two is an error, as there.
 */
export function createThreeWayMergePatchJson(original: unknown, modified: unknown, current: unknown): JsonObject {
  const o = (original ?? {}) as JsonObject;
  const m = (modified ?? {}) as JsonObject;
  const c = (current ?? {}) as JsonObject;
  const addAndChange = keepOrDeleteNull(createMergePatch(c, m), false);
  const deletions = keepOrDeleteNull(createMergePatch(o, m), true);
  if (hasConflicts(addAndChange, deletions)) throw new PatchError('patch conflicts: changes and deletions overlap', 'conflict');
  const merged = applyMergePatch(deletions, addAndChange);
  return merged as JsonObject;
}
