/**
 * The three non-apply patch types the API server accepts: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and
 * strategic merge patch (built-in kinds only). The strategic merge patch here is the sandbox's own small
 * implementation over its type graph (merge keys, `$patch`, `$setElementOrder`, `$retainKeys`,
 * `$deleteFromPrimitiveList`); the shared patch engine replaces it once it is on main.
 */
import { clone, deepEqual, isObject, type Json, type JsonObject } from './json.ts';
import { fieldOf, type ListSchema, type Schema, type TypeRegistry } from './schema.ts';
import { ApiError, badRequest } from './status.ts';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

function unprocessable(message: string): ApiError {
  return new ApiError({ code: 422, reason: 'Invalid', message });
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

function splitPointer(p: unknown, op: string): string[] {
  if (typeof p !== 'string') throw badRequest(`${op} operation: missing or invalid "path"`);
  if (p === '') return [];
  if (!p.startsWith('/')) throw unprocessable(`${op} operation does not apply: doc is missing path: ${JSON.stringify(p)}: missing value`);
  return p.slice(1).split('/').map(unescapePointer);
}

interface Loc {
  parent: Json[] | JsonObject;
  key: string;
}

function locate(doc: Json, segs: string[], op: string, path: string): Loc {
  let cur: Json = doc;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i];
    if (Array.isArray(cur)) {
      const idx = Number(s);
      if (!/^\d+$/.test(s) || idx >= cur.length) throw unprocessable(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
      cur = cur[idx];
    } else if (isObject(cur)) {
      if (!(s in cur)) throw unprocessable(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
      cur = cur[s];
    } else throw unprocessable(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw unprocessable(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
  return { parent: cur, key: segs[segs.length - 1] };
}

function getAt(doc: Json, segs: string[], op: string, path: string): Json {
  if (!segs.length) return doc;
  const { parent, key } = locate(doc, segs, op, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!/^\d+$/.test(key) || i >= parent.length) throw unprocessable(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
    return parent[i];
  }
  if (!(key in parent)) throw unprocessable(`${op} operation does not apply: doc is missing key: ${path}: missing value`);
  return parent[key];
}

/** RFC 6902. Errors are 422 with the operation that failed, as the API server reports them. */
export function applyJsonPatch(doc: Json, patch: unknown): Json {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  if (patch.length > 10000) throw new ApiError({ code: 413, reason: 'RequestEntityTooLarge', message: `Request entity too large: The allowed maximum operations in a JSON patch is 10000, got ${patch.length}` });
  let out = clone(doc);
  for (const raw of patch) {
    if (!isObject(raw)) throw badRequest('invalid JSON patch operation');
    const op = String(raw.op ?? '');
    const path = raw.path;
    switch (op) {
      case 'add':
      case 'replace': {
        if (!('value' in raw)) throw badRequest(`${op} operation: missing "value"`);
        const segs = splitPointer(path, op);
        if (!segs.length) {
          out = clone(raw.value);
          break;
        }
        const { parent, key } = locate(out, segs, op, String(path));
        if (Array.isArray(parent)) {
          if (op === 'add') {
            const i = key === '-' ? parent.length : Number(key);
            if (!(key === '-' || /^\d+$/.test(key)) || i > parent.length) throw unprocessable(`add operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
            parent.splice(i, 0, clone(raw.value));
          } else {
            const i = Number(key);
            if (!/^\d+$/.test(key) || i >= parent.length) throw unprocessable(`replace operation does not apply: doc is missing key: ${path}: missing value`);
            parent[i] = clone(raw.value);
          }
        } else {
          if (op === 'replace' && !(key in parent)) throw unprocessable(`replace operation does not apply: doc is missing key: ${path}: missing value`);
          parent[key] = clone(raw.value);
        }
        break;
      }
      case 'remove': {
        const segs = splitPointer(path, op);
        if (!segs.length) throw unprocessable('remove operation does not apply: doc is missing path: "": missing value');
        const { parent, key } = locate(out, segs, op, String(path));
        if (Array.isArray(parent)) {
          const i = Number(key);
          if (!/^\d+$/.test(key) || i >= parent.length) throw unprocessable(`remove operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
          parent.splice(i, 1);
        } else {
          if (!(key in parent)) throw unprocessable(`remove operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
          delete parent[key];
        }
        break;
      }
      case 'move':
      case 'copy': {
        const fromSegs = splitPointer(raw.from, op);
        const v = clone(getAt(out, fromSegs, op, String(raw.from)));
        if (op === 'move') out = applyJsonPatch(out, [{ op: 'remove', path: raw.from as string }]);
        out = applyJsonPatch(out, [{ op: 'add', path: path as string, value: v }]);
        break;
      }
      case 'test': {
        const v = getAt(out, splitPointer(path, op), op, String(path));
        if (!deepEqual(v, raw.value)) throw unprocessable(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${op}`);
    }
  }
  return out;
}

/** RFC 7386: objects merge, null deletes, everything else replaces. */
export function applyMergePatch(doc: unknown, patch: unknown): Json {
  if (!isObject(patch)) return clone(patch as Json);
  const out: JsonObject = isObject(doc) ? clone(doc) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/** Strategic merge patch over the sandbox type graph. */
export function applyStrategicPatch(reg: TypeRegistry, s: Schema, doc: unknown, patch: unknown): Json {
  if (!isObject(patch)) throw badRequest('unable to find api field in struct for the patch: patch is not an object');
  return smpMap(reg, s, isObject(doc) ? doc : {}, patch);
}

function smpMap(reg: TypeRegistry, s: Schema, doc: JsonObject, patch: JsonObject): JsonObject {
  if (patch.$patch === 'replace') {
    const r = { ...patch };
    delete r.$patch;
    return stripDirectives(r) as JsonObject;
  }
  if (patch.$patch === 'delete') return {};
  let out: JsonObject = clone(doc);
  const retain = patch.$retainKeys;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/')) continue;
    const fs = fieldOf(reg, s, k);
    if (v === null) {
      delete out[k];
      continue;
    }
    const rs = reg.resolve(fs);
    if (isObject(v) && (rs.kind === 'struct' || rs.kind === 'map' || rs.kind === 'any') && !(rs.kind === 'struct' && rs.atomic) && !(rs.kind === 'map' && rs.atomic)) {
      out[k] = smpMap(reg, fs, isObject(out[k]) ? (out[k] as JsonObject) : {}, v);
    } else if (Array.isArray(v) && rs.kind === 'list') {
      out[k] = smpList(reg, rs, Array.isArray(out[k]) ? (out[k] as Json[]) : [], v);
    } else out[k] = stripDirectives(v);
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f]) && Array.isArray(v)) out[f] = (out[f] as Json[]).filter((x) => !v.some((d) => deepEqual(d, x)));
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/') || !Array.isArray(v)) continue;
    const f = k.slice('$setElementOrder/'.length);
    const list = reg.resolve(fieldOf(reg, s, f));
    if (!Array.isArray(out[f])) continue;
    out[f] = reorder(out[f] as Json[], v, list.kind === 'list' ? list.patchMergeKey : undefined);
  }
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  return out;
}

function reorder(items: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (x: Json) => (key && isObject(x) ? JSON.stringify(x[key]) : JSON.stringify(x));
  const want = order.map((o) => (key && isObject(o) ? JSON.stringify(o[key]) : JSON.stringify(o)));
  const rank = new Map(want.map((w, i) => [w, i]));
  const listed = items.filter((x) => rank.has(id(x))).sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  const rest = items.filter((x) => !rank.has(id(x)));
  return [...listed, ...rest];
}

function smpList(reg: TypeRegistry, list: ListSchema, doc: Json[], patch: Json[]): Json[] {
  const strategy = list.patchStrategy ?? '';
  if (!strategy.includes('merge')) return stripDirectives(patch) as Json[];
  const key = list.patchMergeKey;
  if (!key) {
    // A merged list of primitives: union, keeping the document's order.
    const out = [...doc];
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(clone(v));
    return out;
  }
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) return stripDirectives(patch.filter((p) => !(isObject(p) && p.$patch === 'replace'))) as Json[];
  const out = doc.map((x) => clone(x));
  for (const p of patch) {
    if (!isObject(p)) continue;
    const idx = out.findIndex((x) => isObject(x) && deepEqual(x[key], p[key]));
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smpMap(reg, list.items, out[idx] as JsonObject, p);
    else out.push(smpMap(reg, list.items, {}, p));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !(isObject(x) && x.$patch === 'delete')).map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}
