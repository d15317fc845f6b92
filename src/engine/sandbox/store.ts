/**
 * Object storage: one table per resource type, a global resourceVersion counter, an index of dependents by owner
 * uid (for garbage collection), and a bounded history of change events so watches can resume from a
 * resourceVersion. Stored objects are never mutated: every write stores a fresh object, so readers inside the
 * engine may hold references without copying.
 */
import { isObject, type JsonObject } from './json.ts';
import type { ResourceType } from './registry.ts';

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rv: number;
  t: ResourceType;
  obj: JsonObject;
  prev?: JsonObject;
}

export function typeKey(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${t.group}/${t.plural}`;
}

function nsName(ns: string, name: string): string {
  return `${ns}/${name}`;
}

export function metaOf(obj: JsonObject): JsonObject {
  return isObject(obj.metadata) ? obj.metadata : {};
}

export class ObjectStore {
  /** typeKey → namespace ('' for cluster-scoped) → name → object. */
  private readonly tables = new Map<string, Map<string, Map<string, JsonObject>>>();
  private readonly sizes = new Map<string, number>();
  private readonly types = new Map<string, ResourceType>();
  /** owner uid → keys (`typeKey|ns/name`) of objects that reference it. */
  private readonly dependents = new Map<string, Set<string>>();
  readonly history: StoreEvent[] = [];
  private historyStart = 0;
  rv = 0;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private queue: StoreEvent[] = [];
  private dispatching = false;

  constructor(private readonly historyLimit = 20000) {}

  private nsTable(t: ResourceType, ns: string, create: boolean): Map<string, JsonObject> | undefined {
    const k = typeKey(t);
    let byNs = this.tables.get(k);
    if (!byNs) {
      if (!create) return undefined;
      byNs = new Map();
      this.tables.set(k, byNs);
    }
    this.types.set(k, t);
    let m = byNs.get(ns);
    if (!m && create) {
      m = new Map();
      byNs.set(ns, m);
    }
    return m;
  }

  /** Re-binds a table to a new definition of its type (a CRD updated in place keeps its objects). */
  rebind(t: ResourceType): void {
    this.types.set(typeKey(t), t);
  }

  get(t: ResourceType, ns: string | undefined, name: string): JsonObject | undefined {
    return this.nsTable(t, t.namespaced ? (ns ?? '') : '', false)?.get(name);
  }

  /** Objects of a type, in one namespace or all, ordered by namespace then name (the order lists return). */
  list(t: ResourceType, ns?: string): JsonObject[] {
    const out = this.scan(t, ns);
    out.sort((a, b) => {
      const ma = metaOf(a);
      const mb = metaOf(b);
      const na = String(ma.namespace ?? '');
      const nb = String(mb.namespace ?? '');
      if (na !== nb) return na < nb ? -1 : 1;
      const xa = String(ma.name);
      const xb = String(mb.name);
      return xa < xb ? -1 : xa > xb ? 1 : 0;
    });
    return out;
  }

  /** The same objects in no particular order (what controllers need, without the sort). */
  scan(t: ResourceType, ns?: string): JsonObject[] {
    const byNs = this.tables.get(typeKey(t));
    if (!byNs) return [];
    if (ns !== undefined && t.namespaced) return [...(byNs.get(ns)?.values() ?? [])];
    const out: JsonObject[] = [];
    for (const m of byNs.values()) for (const o of m.values()) out.push(o);
    return out;
  }

  count(t: ResourceType): number {
    return this.sizes.get(typeKey(t)) ?? 0;
  }

  /** Every stored object with its type (for garbage collection, snapshots and namespace cleanup). */
  *all(): Generator<{ t: ResourceType; obj: JsonObject }> {
    for (const [k, byNs] of this.tables) {
      const t = this.types.get(k)!;
      for (const m of byNs.values()) for (const obj of m.values()) yield { t, obj };
    }
  }

  typeOfKey(k: string): ResourceType | undefined {
    return this.types.get(k);
  }

  /** Keys of objects whose ownerReferences name `uid`. */
  dependentsOf(uid: string): { t: ResourceType; obj: JsonObject }[] {
    const keys = this.dependents.get(uid);
    if (!keys) return [];
    const out: { t: ResourceType; obj: JsonObject }[] = [];
    for (const key of keys) {
      const bar = key.indexOf('|');
      const tk = key.slice(0, bar);
      const t = this.types.get(tk);
      const rest = key.slice(bar + 1);
      const slash = rest.indexOf('/');
      const obj = this.tables.get(tk)?.get(rest.slice(0, slash))?.get(rest.slice(slash + 1));
      if (t && obj) out.push({ t, obj });
    }
    return out;
  }

  nextRv(): number {
    return ++this.rv;
  }

  /** Stores `obj` (whose metadata.resourceVersion the caller has set) and records the event. */
  put(t: ResourceType, obj: JsonObject, rv: number): void {
    const md = metaOf(obj);
    const ns = t.namespaced ? String(md.namespace ?? '') : '';
    const name = String(md.name);
    const table = this.nsTable(t, ns, true)!;
    const prev = table.get(name);
    table.set(name, obj);
    if (!prev) this.sizes.set(typeKey(t), (this.sizes.get(typeKey(t)) ?? 0) + 1);
    this.reindex(t, nsName(ns, name), prev, obj);
    this.record({ type: prev ? 'MODIFIED' : 'ADDED', rv, t, obj, prev });
  }

  remove(t: ResourceType, obj: JsonObject, rv: number): void {
    const md = metaOf(obj);
    const ns = t.namespaced ? String(md.namespace ?? '') : '';
    const name = String(md.name);
    const table = this.nsTable(t, ns, false);
    const prev = table?.get(name);
    if (!table || !prev) return;
    table.delete(name);
    this.sizes.set(typeKey(t), (this.sizes.get(typeKey(t)) ?? 1) - 1);
    this.reindex(t, nsName(ns, name), prev, undefined);
    this.record({ type: 'DELETED', rv, t, obj, prev });
  }

  private reindex(t: ResourceType, key: string, prev: JsonObject | undefined, next: JsonObject | undefined): void {
    // Most writes keep the owner references (the very same array, as writes share unchanged parts).
    if (prev && next && metaOf(prev).ownerReferences === metaOf(next).ownerReferences) return;
    const full = `${typeKey(t)}|${key}`;
    const owners = (o: JsonObject | undefined) => {
      const refs = o ? metaOf(o).ownerReferences : undefined;
      return Array.isArray(refs) ? refs.filter(isObject).map((r) => String(r.uid)) : [];
    };
    for (const uid of owners(prev)) this.dependents.get(uid)?.delete(full);
    for (const uid of owners(next)) {
      let s = this.dependents.get(uid);
      if (!s) {
        s = new Set();
        this.dependents.set(uid, s);
      }
      s.add(full);
    }
  }

  private record(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > this.historyLimit * 1.5) {
      const drop = this.history.length - this.historyLimit;
      this.history.splice(0, drop);
    }
    this.historyStart = this.history.length ? this.history[0].rv : this.rv;
    this.queue.push(e);
    this.flush();
  }

  /** The oldest resourceVersion a watch can still resume after. */
  oldestResumable(): number {
    return this.history.length ? this.historyStart - 1 : this.rv;
  }

  /** Listeners run after the write that caused them, one event at a time, even when they write in turn. */
  private flush(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.queue.length) {
        const e = this.queue.shift()!;
        for (const l of [...this.listeners]) l(e);
      }
    } finally {
      this.dispatching = false;
    }
  }

  subscribe(l: (e: StoreEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Drops everything (restore replaces the whole state). Listeners stay. */
  clear(): void {
    this.tables.clear();
    this.sizes.clear();
    this.dependents.clear();
    this.history.length = 0;
    this.historyStart = 0;
  }

  /** Loads an object without events (restore). */
  load(t: ResourceType, obj: JsonObject): void {
    const md = metaOf(obj);
    const ns = t.namespaced ? String(md.namespace ?? '') : '';
    const table = this.nsTable(t, ns, true)!;
    if (!table.has(String(md.name))) this.sizes.set(typeKey(t), (this.sizes.get(typeKey(t)) ?? 0) + 1);
    table.set(String(md.name), obj);
    this.reindex(t, nsName(ns, String(md.name)), undefined, obj);
  }

  dropTable(t: ResourceType): void {
    this.tables.delete(typeKey(t));
    this.sizes.delete(typeKey(t));
  }
}
