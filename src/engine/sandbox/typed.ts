/**
 * Schema-aware operations on JSON objects, the way structured-merge-diff performs them for server-side apply:
 * the field set a value sets, the comparison of two values (added, modified, removed paths), the apply merge
 * (keyed lists merged by key, sets unioned, atomic values replaced) and the removal of a field set.
 */
import { FieldSet } from './fieldset.ts';
import { canonical, clone, deepEqual, isObject, type Json, type JsonObject } from './json.ts';
import { ANY, fieldOf, isDeclaredField, type ListSchema, type Schema, type TypeRegistry } from './schema.ts';

type Shape = 'scalar' | 'map' | 'list' | 'atomic';

/** How a value at a schema node is walked: described structure wins, else the value's JSON type decides. */
function shapeOf(reg: TypeRegistry, s: Schema, l: unknown, r?: unknown): { shape: Shape; list?: ListSchema; schema: Schema } {
  const rs = reg.resolve(s);
  const v = l !== undefined && l !== null ? l : r;
  if (rs.kind === 'list') {
    if (!Array.isArray(v) && v !== undefined && v !== null) return { shape: 'scalar', schema: rs };
    if (rs.listType === 'atomic') return { shape: 'atomic', schema: rs };
    return { shape: 'list', list: rs, schema: rs };
  }
  if (rs.kind === 'struct' || rs.kind === 'map') {
    if (!isObject(v) && v !== undefined && v !== null) return { shape: 'scalar', schema: rs };
    return { shape: rs.atomic ? 'atomic' : 'map', schema: rs };
  }
  if (rs.kind === 'scalar') return { shape: 'scalar', schema: rs };
  // deduced
  if (Array.isArray(v)) return { shape: 'atomic', schema: ANY };
  if (isObject(v)) return { shape: 'map', schema: ANY };
  return { shape: 'scalar', schema: ANY };
}

/** The path element of a list item: `k:{...}` for keyed lists, `v:<json>` for sets; undefined when a key is missing. */
export function itemElement(list: ListSchema, item: unknown): string | undefined {
  if (list.listType === 'set') return `v:${canonical(item)}`;
  if (list.listType === 'map') {
    if (!isObject(item)) return undefined;
    const keys = [...(list.keys ?? [])].sort();
    const parts: string[] = [];
    for (const k of keys) {
      let kv = item[k];
      if (kv === undefined || kv === null) kv = list.keyDefaults?.[k] as Json;
      if (kv === undefined || kv === null) return undefined;
      parts.push(`${JSON.stringify(k)}:${JSON.stringify(kv)}`);
    }
    return `k:{${parts.join(',')}}`;
  }
  return undefined;
}

export class MissingKeyError extends Error {}

function elementOrThrow(list: ListSchema, item: unknown, path: string[], i: number): string {
  const pe = itemElement(list, item);
  if (pe !== undefined) return pe;
  const missing = (list.keys ?? []).filter((k) => !isObject(item) || item[k] === undefined || item[k] === null);
  throw new MissingKeyError(
    `.${path.filter((p) => p.startsWith('f:')).map((p) => p.slice(2)).join('.')}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(missing[0] ?? '?')} (and doesn't have default value)`,
  );
}

/** The fields `value` sets (what an applier owns after applying it). */
export function toFieldSet(reg: TypeRegistry, s: Schema, value: unknown, lenient = false): FieldSet {
  const set = new FieldSet();
  walkSet(reg, s, value, set, [], lenient);
  return set;
}

function walkSet(reg: TypeRegistry, s: Schema, v: unknown, node: FieldSet, path: string[], lenient: boolean): void {
  const { shape, list, schema } = shapeOf(reg, s, v);
  if (shape === 'scalar' || shape === 'atomic') {
    node.member = true;
    return;
  }
  if (shape === 'list') {
    if (!Array.isArray(v)) return;
    const seen = new Set<string>();
    v.forEach((item, i) => {
      let pe: string;
      if (lenient) pe = itemElement(list!, item) ?? `i:${i}`;
      else pe = elementOrThrow(list!, item, path, i);
      const c = node.ensure(pe);
      if (seen.has(pe)) {
        c.member = true;
        return;
      }
      seen.add(pe);
      path.push(pe);
      walkSet(reg, list!.items, item, c, path, lenient);
      path.pop();
      c.member = true;
    });
    return;
  }
  if (!isObject(v)) return;
  for (const k of Object.keys(v)) {
    const val = v[k];
    if (val === undefined) continue;
    const pe = `f:${k}`;
    const c = node.ensure(pe);
    path.push(pe);
    walkSet(reg, fieldOf(reg, schema, k), val, c, path, lenient);
    path.pop();
    if (val === null || (isObject(val) && Object.keys(val).length === 0) || !isDeclaredField(reg, schema, k)) c.member = true;
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `l` to `r`, path by path (intermediate nodes count as added or removed too). */
export function compare(reg: TypeRegistry, s: Schema, l: unknown, r: unknown): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  cmp(reg, s, l, r, [], c);
  return c;
}

function isEmptyish(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

/**
 * The field set of a value found wholly added, per value object and schema. Stored objects are never mutated and
 * writes share unchanged subtrees (the pods of one ReplicaSet share their spec), so a value seen before as new is
 * not walked again, and its FieldsV1 encoding, memoised on the shared FieldSet nodes, is not rebuilt either.
 */
const addedMemo = new WeakMap<object, { s: Schema; set: FieldSet }>();

function cmp(reg: TypeRegistry, s: Schema, l: unknown, r: unknown, path: string[], c: Comparison, memo = true): void {
  // Writes share unchanged subtrees with the stored object: nothing to walk there.
  if (l === r) return;
  if (memo && l === undefined && path.length && typeof r === 'object' && r !== null) {
    let hit = addedMemo.get(r);
    if (!hit || hit.s !== s) {
      const sub: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
      cmp(reg, s, undefined, r, [], sub, false);
      hit = { s, set: sub.added };
      addedMemo.set(r, hit);
    }
    // Graft: a fresh node for this path (the value itself is added) over the shared children.
    let node = c.added;
    for (const pe of path) node = node.ensure(pe);
    node.member = true;
    if (hit.set.children) node.children = new Map(hit.set.children);
    return;
  }
  const { shape, list, schema } = shapeOf(reg, s, l, r);
  const bothShaped =
    (shape === 'map' && (l === undefined || isObject(l)) && (r === undefined || isObject(r))) ||
    (shape === 'list' && (l === undefined || Array.isArray(l)) && (r === undefined || Array.isArray(r)));
  const leaf = shape === 'scalar' || shape === 'atomic' || !bothShaped || (isEmptyish(l) && isEmptyish(r));
  if (leaf) {
    if (!path.length) return;
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
    return;
  }
  if (shape === 'map') {
    const lo = (l ?? {}) as JsonObject;
    const ro = (r ?? {}) as JsonObject;
    for (const k in lo) {
      path.push(`f:${k}`);
      cmp(reg, fieldOf(reg, schema, k), lo[k], ro[k], path, c, memo);
      path.pop();
    }
    for (const k in ro)
      if (!(k in lo)) {
        path.push(`f:${k}`);
        cmp(reg, fieldOf(reg, schema, k), undefined, ro[k], path, c, memo);
        path.pop();
      }
  } else {
    const la = (l ?? []) as Json[];
    const ra = (r ?? []) as Json[];
    const lm = new Map<string, Json[]>();
    const rm = new Map<string, Json[]>();
    const order: string[] = [];
    la.forEach((it, i) => {
      const pe = itemElement(list!, it) ?? `i:${i}`;
      const e = lm.get(pe);
      if (e) e.push(it);
      else {
        lm.set(pe, [it]);
        order.push(pe);
      }
    });
    ra.forEach((it, i) => {
      const pe = itemElement(list!, it) ?? `i:${i}`;
      const e = rm.get(pe);
      if (e) e.push(it);
      else {
        rm.set(pe, [it]);
        if (!lm.has(pe)) order.push(pe);
      }
    });
    for (const pe of order) {
      const ll = lm.get(pe) ?? [];
      const rl = rm.get(pe) ?? [];
      path.push(pe);
      if (ll.length <= 1 && rl.length <= 1) cmp(reg, list!.items, ll[0], rl[0], path, c, memo);
      else if (ll.length >= 2 && rl.length >= 2) {
        if (!deepEqual(ll, rl)) c.modified.insert(path);
      } else if (ll.length >= 2) c.removed.insert(path);
      else c.added.insert(path);
      path.pop();
    }
  }
  if (path.length) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  }
}

/** The apply merge: `r` (the applied configuration) over `l` (the live object). */
export function merge(reg: TypeRegistry, s: Schema, l: unknown, r: unknown): unknown {
  if (r === undefined) return clone(l);
  if (l === undefined) return clone(r);
  const { shape, list, schema } = shapeOf(reg, s, l, r);
  if (shape === 'map' && isObject(l) && isObject(r)) {
    if (Object.keys(l).length === 0 && Object.keys(r).length === 0) return {};
    const out: JsonObject = {};
    for (const k of Object.keys(l)) out[k] = merge(reg, fieldOf(reg, schema, k), l[k], r[k]) as Json;
    for (const k of Object.keys(r)) if (!(k in l)) out[k] = merge(reg, fieldOf(reg, schema, k), undefined, r[k]) as Json;
    return out;
  }
  if (shape === 'list' && Array.isArray(l) && Array.isArray(r)) {
    if (l.length === 0 && r.length === 0) return [];
    return mergeList(reg, list!, l, r);
  }
  return clone(r);
}

function mergeList(reg: TypeRegistry, list: ListSchema, l: Json[], r: Json[]): Json[] {
  const index = (arr: Json[]) => {
    const pes: string[] = [];
    const byPe = new Map<string, Json>();
    arr.forEach((it, i) => {
      const pe = itemElement(list, it) ?? `i:${i}`;
      if (byPe.has(pe)) return;
      byPe.set(pe, it);
      pes.push(pe);
    });
    return { pes, byPe };
  };
  const L = index(l);
  const R = index(r);
  const shared = R.pes.filter((pe) => L.byPe.has(pe));
  let sharedIdx = 0;
  let nextShared: string | undefined = shared[sharedIdx++];
  const merged = new Set<string>();
  const out: Json[] = [];
  let li = 0;
  let ri = 0;
  while (li < L.pes.length || ri < R.pes.length) {
    if (li < L.pes.length && ri < R.pes.length) {
      const pe = L.pes[li];
      if (pe === R.pes[ri]) {
        merged.add(pe);
        out.push(merge(reg, list.items, L.byPe.get(pe), R.byPe.get(pe)) as Json);
        li++;
        ri++;
        nextShared = shared[sharedIdx++];
        continue;
      }
      if (R.byPe.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < L.pes.length) {
      const pe = L.pes[li];
      if (!R.byPe.has(pe)) {
        out.push(clone(L.byPe.get(pe)!));
        li++;
        continue;
      } else if (merged.has(pe)) {
        li++;
      }
    }
    if (ri < R.pes.length) {
      const pe = R.pes[ri];
      merged.add(pe);
      out.push(merge(reg, list.items, L.byPe.get(pe), R.byPe.get(pe)) as Json);
      ri++;
      if (nextShared !== undefined && nextShared === pe) nextShared = shared[sharedIdx++];
    }
  }
  return out;
}

/** `v` without the paths in `set` (whole subtrees for member paths); containers emptied by the removal vanish. */
export function removeItems(reg: TypeRegistry, s: Schema, v: unknown, set: FieldSet): unknown {
  if (!set.children) return v;
  const { shape, list, schema } = shapeOf(reg, s, v);
  if (shape === 'map' && isObject(v)) {
    if (Object.keys(v).length === 0) return v;
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      const c = set.child(`f:${k}`);
      if (c?.member) continue;
      if (c?.children) {
        const inner = removeItems(reg, fieldOf(reg, schema, k), v[k], c);
        if (inner === undefined) continue;
        out[k] = inner as Json;
      } else out[k] = v[k];
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (shape === 'list' && Array.isArray(v)) {
    if (v.length === 0) return v;
    const out: Json[] = [];
    v.forEach((it, i) => {
      const pe = itemElement(list!, it) ?? `i:${i}`;
      const c = set.child(pe);
      if (c?.member) return;
      if (c?.children) {
        const inner = removeItems(reg, list!.items, it, c);
        out.push((inner ?? {}) as Json);
      } else out.push(it);
    });
    return out.length ? out : undefined;
  }
  return v;
}

/** Drops null members recursively: an applied `null` means "unset", and the stored object carries no nulls. */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    if (v[k] === null) continue;
    out[k] = dropNulls(v[k]) as Json;
  }
  return out;
}
