/**
 * managedFields bookkeeping, after the API server's field manager: every write records which manager set which
 * fields (operation Update), server-side apply merges a manager's configuration, reports conflicts with other
 * managers, takes ownership on `force`, and removes the fields a manager stopped applying when nobody else owns them.
 */
import type { ManagedFieldsEntry } from '../kube/index.ts';
import { FieldSet, pathString } from './fieldset.ts';
import { clone, deepEqual, isObject, type JsonObject } from './json.ts';
import type { Schema, TypeRegistry } from './schema.ts';
import { compare, merge, removeItems, toFieldSet, type Comparison } from './typed.ts';

export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
  /** The stored entry this manager was read from, reused while the manager does not change. */
  encoded?: ManagedFieldsEntry;
}

/** Identity of a manager entry, as the API server keys them (Apply entries ignore the apiVersion). */
export function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? '']);
}

export type Managers = Map<string, Manager>;

/** Decoded managers per stored managedFields array (stored objects never change, so neither do their entries). */
const decoded = new WeakMap<object, Managers>();

export function decodeManaged(entries: unknown): Managers {
  if (Array.isArray(entries)) {
    const hit = decoded.get(entries);
    if (hit) return new Map(hit);
  }
  const out: Managers = new Map();
  if (!Array.isArray(entries)) return out;
  for (const e of entries) {
    if (!isObject(e)) continue;
    if ((e.operation !== 'Apply' && e.operation !== 'Update') || typeof e.apiVersion !== 'string' || !e.apiVersion) continue;
    const m: Manager = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: typeof e.subresource === 'string' && e.subresource ? e.subresource : undefined,
      time: typeof e.time === 'string' ? e.time : undefined,
      set: FieldSet.fromFieldsV1(e.fieldsV1),
      encoded: e as ManagedFieldsEntry,
    };
    out.set(managerId(m), m);
  }
  decoded.set(entries, new Map(out));
  return out;
}

export function encodeManaged(managers: Managers): ManagedFieldsEntry[] | undefined {
  const list = [...managers.values()].filter((m) => !m.set.isEmpty());
  if (!list.length) return undefined;
  const out = encodeList(list);
  // The next write of this object will decode exactly these managers: remember them.
  const again: Managers = new Map();
  out.forEach((e, i) => again.set(managerId(list[i]), { ...list[i], encoded: e }));
  decoded.set(out, again);
  return out;
}

function encodeList(list: Manager[]): ManagedFieldsEntry[] {
  const secs = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  list.sort(
    (p, q) =>
      cmpStr(p.operation, q.operation) ||
      secs(p.time) - secs(q.time) ||
      cmpStr(p.manager, q.manager) ||
      cmpStr(p.apiVersion, q.apiVersion) ||
      cmpStr(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map((m) => {
    if (m.encoded) return m.encoded;
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Fields the server owns for itself and never records for a manager. */
const STRIP = FieldSet.fromPaths([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:clusterName'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:managedFields'],
  ['f:metadata', 'f:resourceVersion'],
]);

/** Server-managed metadata that is never compared between versions of an object. */
export function forCompare(obj: unknown): unknown {
  if (!isObject(obj)) return obj;
  const md = isObject(obj.metadata) ? { ...obj.metadata } : undefined;
  const out: JsonObject = { ...obj };
  if (md) {
    delete md.managedFields;
    delete md.resourceVersion;
    delete md.generation;
    delete md.uid;
    delete md.creationTimestamp;
    delete md.selfLink;
    out.metadata = md;
  }
  return out;
}

export class ApplyConflict extends Error {
  constructor(
    message: string,
    readonly causes: { reason: string; message: string; field: string }[],
    readonly paths: string[][] = [],
  ) {
    super(message);
  }
}

export interface FieldManagerContext {
  reg: TypeRegistry;
  schema: Schema;
  now: string;
}

function describeManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += m.time ? ` using ${m.apiVersion} at ${m.time}` : ` using ${m.apiVersion}`;
  return s;
}

/** Ownership after a change from `live` to `next`, credited to `who` (update semantics: force, no conflicts). */
function updateSets(ctx: FieldManagerContext, live: unknown, next: unknown, managers: Managers, selfId: string, force: boolean, given?: Comparison): Managers {
  const c = given ?? compare(ctx.reg, ctx.schema, forCompare(live), forCompare(next));
  const changed = c.modified.union(c.added);
  const conflicts: { m: Manager; set: FieldSet }[] = [];
  for (const [id, m] of managers) {
    if (id === selfId) continue;
    const cs = m.set.intersection(changed);
    if (!cs.isEmpty()) conflicts.push({ m, set: cs });
  }
  if (!force && conflicts.length) throw conflictError(conflicts);
  const out: Managers = new Map();
  for (const [id, m] of managers) {
    if (id === selfId) {
      out.set(id, m);
      continue;
    }
    let set = m.set;
    const cf = conflicts.find((x) => x.m === m);
    if (cf) set = set.difference(cf.set);
    if (!c.removed.isEmpty() && m.set.intersection(c.removed).isEmpty() === false) set = set.difference(c.removed);
    if (set === m.set) out.set(id, m);
    else if (!set.isEmpty()) out.set(id, { ...m, set, encoded: undefined });
  }
  return out;
}

function conflictError(conflicts: { m: Manager; set: FieldSet }[]): ApplyConflict {
  const flat: { m: Manager; path: string }[] = [];
  const raw: string[][] = [];
  for (const { m, set } of conflicts)
    for (const p of set.paths()) {
      flat.push({ m, path: pathString(p) });
      raw.push(p);
    }
  const causes = flat.map((f) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeManager(f.m)}`, field: f.path }));
  let message: string;
  if (flat.length === 1) message = `Apply failed with 1 conflict: conflict with ${describeManager(flat[0].m)}: ${flat[0].path}`;
  else {
    const byManager = new Map<string, string[]>();
    for (const f of flat) {
      const k = describeManager(f.m);
      byManager.set(k, [...(byManager.get(k) ?? []), f.path]);
    }
    const lines: string[] = [];
    for (const k of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${k}:`);
      for (const p of byManager.get(k)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApplyConflict(message, causes, raw);
}

/**
 * Fields a first server-side apply by `kubectl` may take over from client-side apply without `--force-conflicts`:
 * those of the last-applied-configuration annotation whose live values still match it (the API server's
 * lastAppliedManager).
 */
export function allowedFromLastApplied(ctx: FieldManagerContext, live: JsonObject): FieldSet | undefined {
  const md = isObject(live.metadata) ? live.metadata : {};
  const ann = isObject(md.annotations) ? md.annotations : {};
  const text = ann['kubectl.kubernetes.io/last-applied-configuration'];
  if (typeof text !== 'string' || !text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(last) || last.apiVersion !== live.apiVersion) return undefined;
  const set = toFieldSet(ctx.reg, ctx.schema, last, true);
  const c = compare(ctx.reg, ctx.schema, last, live);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}

/** The managers recorded in a write's body: its own list when it carries one, a reset for `[]` or `[{}]`. */
export function managersForWrite(live: JsonObject | undefined, body: JsonObject, subresource: string | undefined): Managers {
  const liveManaged = decodeManaged(isObject(live?.metadata) ? live!.metadata.managedFields : undefined);
  if (subresource) return liveManaged;
  const mf = isObject(body.metadata) ? body.metadata.managedFields : undefined;
  if (Array.isArray(mf)) {
    if (mf.length === 0 || (mf.length === 1 && isObject(mf[0]) && Object.keys(mf[0]).length === 0)) return new Map();
    const fromBody = decodeManaged(mf);
    if (fromBody.size) return fromBody;
  }
  return liveManaged;
}

/**
 * Records an Update by `manager`: the changed fields become its own and are taken from everyone else. On create
 * (`live` undefined) the whole object is credited to the creator.
 */
export function recordUpdate(
  ctx: FieldManagerContext,
  live: JsonObject | undefined,
  next: JsonObject,
  managers: Managers,
  who: { manager: string; apiVersion: string; subresource?: string },
  given?: Comparison,
): Managers {
  // Objects written before anyone tracked fields stay untracked, as the API server does.
  if (live && managers.size === 0) return managers;
  const self: Manager = { manager: who.manager || 'unknown', operation: 'Update', apiVersion: who.apiVersion, subresource: who.subresource, set: new FieldSet() };
  const selfId = managerId(self);
  const base = live ?? skeleton(ctx, next);
  const c = (live ? given : undefined) ?? compare(ctx.reg, ctx.schema, forCompare(base), forCompare(next));
  const out = updateSets(ctx, base, next, managers, selfId, true, c);
  const prev = managers.get(selfId);
  if (prev && c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty()) return out;
  // A manager rewriting fields it already owns keeps its set; only its time moves (and its encoding is reused).
  if (prev && c.added.isSubsetOf(prev.set) && c.modified.isSubsetOf(prev.set) && prev.set.intersection(c.removed).isEmpty()) {
    out.set(selfId, { ...prev, time: ctx.now, encoded: prev.encoded ? { ...prev.encoded, time: ctx.now } : undefined });
    return out;
  }
  let set = (prev?.set ?? new FieldSet()).difference(c.removed).union(c.modified).union(c.added);
  set = set.difference(STRIP);
  if (!set.isEmpty()) out.set(selfId, { ...(prev ?? self), set, time: ctx.now, encoded: undefined });
  else out.delete(selfId);
  return out;
}

/**
 * The object a create is compared against: the struct-typed containers Go's zero value always has, so a created
 * object credits `spec.template` as a path through, not as a new member (the `.` markers match the API server's).
 */
function skeleton(ctx: FieldManagerContext, next: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of ['metadata', 'spec', 'status']) if (isObject(next[k])) out[k] = {};
  return out;
}

export interface ApplyResult {
  object: JsonObject;
  managers: Managers;
  changed: boolean;
}

/** Server-side apply of `config` by `manager` over `live`. Throws ApplyConflict unless `force`. */
export function applyConfig(
  ctx: FieldManagerContext,
  live: JsonObject,
  config: JsonObject,
  managers: Managers,
  who: { manager: string; apiVersion: string; subresource?: string },
  force: boolean,
): ApplyResult {
  let liveObj = live;
  if (managers.size === 0) {
    managers = recordUpdate(ctx, undefined, liveObj, new Map(), { manager: 'before-first-apply', apiVersion: who.apiVersion, subresource: who.subresource });
  }
  const self: Manager = { manager: who.manager, operation: 'Apply', apiVersion: who.apiVersion, subresource: who.subresource, set: new FieldSet() };
  const selfId = managerId(self);
  let merged = merge(ctx.reg, ctx.schema, liveObj, config) as JsonObject;
  const lastSet = managers.get(selfId)?.set;
  const configSet = toFieldSet(ctx.reg, ctx.schema, config).difference(STRIP);
  const next: Managers = new Map(managers);
  next.set(selfId, { ...self, set: configSet, time: managers.get(selfId)?.time, encoded: undefined });
  if (lastSet && !lastSet.isEmpty()) {
    let others = new FieldSet();
    for (const [id, m] of next) if (id !== selfId) others = others.union(m.set);
    const owned = others.union(configSet);
    const candidates = lastSet.difference(owned);
    const toRemove = new FieldSet();
    for (const p of candidates.paths()) if (!owned.hasPrefix(p)) toRemove.insert(p);
    if (!toRemove.isEmpty()) merged = (removeItems(ctx.reg, ctx.schema, merged, toRemove) ?? {}) as JsonObject;
  }
  const after = updateSets(ctx, liveObj, merged, next, selfId, force);
  const changed = !deepEqual(forCompare(liveObj), forCompare(merged));
  const mine = after.get(selfId)!;
  if (changed) mine.time = ctx.now;
  if (configSet.isEmpty()) after.delete(selfId);
  return { object: changed ? merged : clone(liveObj), managers: after, changed };
}

export { FieldSet };
