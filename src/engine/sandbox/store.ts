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

function nsName(ns: string | undefined, name: string): string {
  return `${ns ?? ''}/${name}`;
}

export function metaOf(obj: JsonObject): JsonObject {
  return isObject(obj.metadata) ? obj.metadata : {};
}

export class ObjectStore {
  private readonly tables = new Map<string, Map<string, JsonObject>>();
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

  table(t: ResourceType): Map<string, JsonObject> {
    const k = typeKey(t);
    let m = this.tables.get(k);
    if (!m) {
      m = new Map();
      this.tables.set(k, m);
    }
    this.types.set(k, t);
    return m;
  }

  /** Re-binds a table to a new definition of its type (a CRD updated in place keeps its objects). */
  rebind(t: ResourceType): void {
    this.types.set(typeKey(t), t);
  }

  get(t: ResourceType, ns: string | undefined, name: string): JsonObject | undefined {
    return this.tables.get(typeKey(t))?.get(nsName(t.namespaced ? ns : undefined, name));
  }

  /** Objects of a type, in one namespace or all, ordered by namespace then name (the order lists return). */
  list(t: ResourceType, ns?: string): JsonObject[] {
    const m = this.tables.get(typeKey(t));
    if (!m) return [];
    const out: JsonObject[] = [];
    if (ns !== undefined && t.namespaced) {
      const prefix = `${ns}/`;
      for (const [k, v] of m) if (k.startsWith(prefix)) out.push(v);
    } else out.push(...m.values());
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

  count(t: ResourceType): number {
    return this.tables.get(typeKey(t))?.size ?? 0;
  }

  /** Every stored object with its type (for garbage collection, snapshots and namespace cleanup). */
  *all(): Generator<{ t: ResourceType; obj: JsonObject }> {
    for (const [k, m] of this.tables) {
      const t = this.types.get(k)!;
      for (const obj of m.values()) yield { t, obj };
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
      const obj = this.tables.get(tk)?.get(key.slice(bar + 1));
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
    const key = nsName(t.namespaced ? (md.namespace as string) : undefined, String(md.name));
    const table = this.table(t);
    const prev = table.get(key);
    table.set(key, obj);
    this.reindex(t, key, prev, obj);
    this.record({ type: prev ? 'MODIFIED' : 'ADDED', rv, t, obj, prev });
  }

  remove(t: ResourceType, obj: JsonObject, rv: number): void {
    const md = metaOf(obj);
    const key = nsName(t.namespaced ? (md.namespace as string) : undefined, String(md.name));
    const table = this.table(t);
    const prev = table.get(key);
    if (!prev) return;
    table.delete(key);
    this.reindex(t, key, prev, undefined);
    this.record({ type: 'DELETED', rv, t, obj, prev });
  }

  private reindex(t: ResourceType, key: string, prev: JsonObject | undefined, next: JsonObject | undefined): void {
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
    this.dependents.clear();
    this.history.length = 0;
    this.historyStart = 0;
  }

  /** Loads an object without events (restore). */
  load(t: ResourceType, obj: JsonObject): void {
    const md = metaOf(obj);
    const key = nsName(t.namespaced ? (md.namespace as string) : undefined, String(md.name));
    this.table(t).set(key, obj);
    this.reindex(t, key, undefined, obj);
  }

  dropTable(t: ResourceType): void {
    this.tables.delete(typeKey(t));
  }
}
