/**
 * The controller runtime: a work queue of (controller, object) keys fed by store events, owner references and
 * timers on the virtual clock. Controllers are level-based — each reconcile reads the current state, writes what
 * should change, and asks to be called again at the next virtual time something is due — so a snapshot restored
 * into a fresh sandbox resumes by reconciling everything once.
 */
import { formatApiVersion, parseApiVersion } from '../../kube/index.ts';
import type { ApiCore, PropagationPolicy } from '../api.ts';
import type { VirtualClock } from '../clock.ts';
import { deepEqual, isObject, type Json, type JsonObject } from '../json.ts';
import type { Random } from '../names.ts';
import type { ResourceType } from '../registry.ts';
import { metaOf, type StoreEvent } from '../store.ts';
import { rfc3339 } from '../time.ts';
import type { FailureRules } from '../failures.ts';

export interface Key {
  /** `group/Kind`, e.g. `apps/Deployment`, `/Pod`. */
  kind: string;
  namespace?: string;
  name: string;
}

export interface Controller {
  name: string;
  /** Kinds reconciled; `*` for every kind (the garbage collector). */
  kinds: string[];
  /** Kinds whose changes enqueue their controlling owner. */
  owns?: string[];
  /** Other objects whose changes concern this controller. */
  watches?: { kind: string; map(obj: JsonObject, ctx: ControllerContext): Key[] }[];
  reconcile(ctx: ControllerContext, key: Key): void;
  /** Custom routing of store events to keys (beyond kinds, owners and watches). */
  routeEvent?(e: StoreEvent, enqueue: (k: Key) => void, ctx: ControllerContext): void;
  /** Controller memory that snapshots carry (JSON). */
  saveState?(): Json;
  loadState?(s: Json): void;
}

/** Timings and shapes of the simulated cluster. */
export interface SimulationConfig {
  /** Pod scheduled → containers running. */
  podStartMs: number;
  /**
   * Pod scheduled → Ready (unless a readiness failure is injected); never before the containers start, and a
   * readiness probe's initialDelaySeconds comes on top of the start. By default pods without a probe are Ready as
   * soon as they run, as on a real node.
   */
  podReadyMs: number;
  /** Deleted pod → gone (capped by its grace period). */
  podTerminationMs: number;
  /** How long a Job's pod runs before it completes. */
  jobRunMs: number;
  /** Claim → Bound. */
  pvcBindMs: number;
  /** Service type LoadBalancer → ingress IP; Ingress → address. */
  loadBalancerMs: number;
  /** HPA sync period. */
  hpaSyncMs: number;
  /** Simulated nodes (DaemonSets run one pod on each). */
  nodes: number;
}

export const DEFAULT_SIMULATION: SimulationConfig = {
  podStartMs: 1000,
  podReadyMs: 1000,
  podTerminationMs: 1000,
  jobRunMs: 5000,
  pvcBindMs: 1000,
  loadBalancerMs: 2000,
  hpaSyncMs: 15000,
  nodes: 1,
};

export const CONTROLLER_MANAGER = 'kube-controller-manager';

export function kindOf(t: Pick<ResourceType, 'group' | 'kind'>): string {
  return `${t.group}/${t.kind}`;
}

export class ControllerContext {
  constructor(
    readonly api: ApiCore,
    readonly clock: VirtualClock,
    readonly runtime: ControllerRuntime,
    readonly config: SimulationConfig,
    readonly failures: FailureRules,
    readonly random: Random,
  ) {}

  now(): number {
    return this.clock.now();
  }

  private nowCache = { at: NaN, text: '' };

  nowString(): string {
    const at = this.clock.now();
    if (this.nowCache.at !== at) this.nowCache = { at, text: rfc3339(at) };
    return this.nowCache.text;
  }

  private typeCache = new Map<string, ResourceType | undefined>();
  private typeCacheGen = -1;

  type(kind: string): ResourceType | undefined {
    const reg = this.api.registry;
    if (this.typeCacheGen !== reg.generationCounter) {
      this.typeCache.clear();
      this.typeCacheGen = reg.generationCounter;
    }
    if (this.typeCache.has(kind)) return this.typeCache.get(kind);
    const i = kind.indexOf('/');
    const t = reg.byKind(kind.slice(0, i), kind.slice(i + 1));
    this.typeCache.set(kind, t);
    return t;
  }

  private mustType(kind: string): ResourceType {
    const t = this.type(kind);
    if (!t) throw new Error(`sandbox controller: unknown kind ${kind}`);
    return t;
  }

  get(kind: string, ns: string | undefined, name: string): JsonObject | undefined {
    const t = this.type(kind);
    return t ? this.api.peek(t, ns, name) : undefined;
  }

  /** Objects of a kind (one namespace or all), in no particular order. */
  list(kind: string, ns?: string): JsonObject[] {
    const t = this.type(kind);
    return t ? this.api.store.scan(t, ns) : [];
  }

  /** Objects of a kind in a namespace that no controller owns (candidates for adoption). */
  orphans(kind: string, ns: string): JsonObject[] {
    const names = this.runtime.orphanNames(kind, ns);
    if (!names) return [];
    const out: JsonObject[] = [];
    for (const n of names) {
      const o = this.get(kind, ns, n);
      if (o) out.push(o);
    }
    return out;
  }

  /** Objects of `kind` whose controller owner reference points at `owner`. */
  owned(owner: JsonObject, kind: string): JsonObject[] {
    const uid = String(metaOf(owner).uid);
    const t = this.type(kind);
    if (!t) return [];
    return this.api.store
      .dependentsOf(uid)
      .filter((d) => d.t === t && controllerRef(d.obj)?.uid === uid)
      .map((d) => d.obj);
  }

  apiVersionOf(kind: string): string {
    const t = this.mustType(kind);
    return formatApiVersion(t.group, t.storageVersion);
  }

  create(kind: string, obj: JsonObject, manager = CONTROLLER_MANAGER): JsonObject | undefined {
    const t = this.mustType(kind);
    const md = metaOf(obj);
    try {
      return this.api.create({ t, version: t.storageVersion, namespace: md.namespace as string | undefined }, obj, { fieldManager: manager, internal: true });
    } catch (e) {
      this.runtime.note(`${this.nameOf(kind, md)}: create failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Writes the whole object (spec or metadata changes); a no-op when nothing changed. */
  update(kind: string, obj: JsonObject, manager = CONTROLLER_MANAGER): JsonObject | undefined {
    const t = this.mustType(kind);
    const md = metaOf(obj);
    try {
      return this.api.update({ t, version: t.storageVersion, namespace: md.namespace as string | undefined, name: String(md.name) }, obj, { fieldManager: manager, internal: true });
    } catch (e) {
      this.runtime.note(`${this.nameOf(kind, md)}: update failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Writes `status` through the status subresource when it differs from the stored one. */
  setStatus(kind: string, obj: JsonObject, status: JsonObject, manager = CONTROLLER_MANAGER): JsonObject | undefined {
    const t = this.mustType(kind);
    const md = metaOf(obj);
    const current = this.api.peek(t, md.namespace as string | undefined, String(md.name));
    if (!current) return undefined;
    if (deepEqual(current.status, status)) return current;
    try {
      if (!t.status) return this.api.update({ t, version: t.storageVersion, namespace: md.namespace as string | undefined, name: String(md.name) }, { ...current, status }, { fieldManager: manager, internal: true });
      return this.api.update(
        { t, version: t.storageVersion, namespace: md.namespace as string | undefined, name: String(md.name), subresource: 'status' },
        { ...current, status },
        { fieldManager: manager, internal: true },
      );
    } catch (e) {
      this.runtime.note(`${this.nameOf(kind, md)}: status update failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  delete(kind: string, ns: string | undefined, name: string, propagationPolicy?: PropagationPolicy, gracePeriodSeconds?: number): void {
    const t = this.type(kind);
    if (!t) return;
    try {
      this.api.delete({ t, version: t.storageVersion, namespace: ns, name }, { propagationPolicy, gracePeriodSeconds });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) this.runtime.note(`${kind} ${ns ?? ''}/${name}: delete failed: ${(e as Error).message}`);
    }
  }

  /** Removes an object whose finalization is complete. */
  remove(kind: string, ns: string | undefined, name: string): void {
    const t = this.type(kind);
    if (t) this.api.forceRemove(t, ns, name);
  }

  requeue(ctl: Controller, key: Key, afterMs: number): void {
    this.runtime.requeueAt(ctl, key, this.clock.now() + Math.max(0, afterMs));
  }

  ownerRef(kind: string, owner: JsonObject): JsonObject {
    const md = metaOf(owner);
    return { apiVersion: this.apiVersionOf(kind), kind: kind.slice(kind.indexOf('/') + 1), name: md.name as string, uid: md.uid as string, controller: true, blockOwnerDeletion: true };
  }

  private nameOf(kind: string, md: JsonObject): string {
    return `${kind} ${md.namespace ? `${String(md.namespace)}/` : ''}${String(md.name ?? md.generateName ?? '')}`;
  }
}

export function controllerRef(obj: JsonObject): JsonObject | undefined {
  const refs = metaOf(obj).ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  return refs.find((r): r is JsonObject => isObject(r) && r.controller === true);
}

export class ControllerRuntime {
  private readonly controllers: Controller[] = [];
  private readonly byKind = new Map<string, Controller[]>();
  private readonly byOwned = new Map<string, Controller[]>();
  private readonly watchers = new Map<string, { ctl: Controller; map: (obj: JsonObject, ctx: ControllerContext) => Key[] }[]>();
  private readonly wildcard: Controller[] = [];
  private readonly routers: Controller[] = [];
  private readonly queue = new Map<string, { ctl: Controller; key: Key }>();
  private readonly scheduled = new Map<string, number>();
  ctx!: ControllerContext;
  /** Problems controllers met (failed writes); the newest last, bounded. */
  readonly notes: string[] = [];
  reconciles = 0;

  constructor(private readonly clock: VirtualClock) {}

  add(ctl: Controller): void {
    this.controllers.push(ctl);
    for (const k of ctl.kinds) {
      if (k === '*') this.wildcard.push(ctl);
      else this.byKind.set(k, [...(this.byKind.get(k) ?? []), ctl]);
    }
    for (const k of ctl.owns ?? []) this.byOwned.set(k, [...(this.byOwned.get(k) ?? []), ctl]);
    for (const w of ctl.watches ?? []) this.watchers.set(w.kind, [...(this.watchers.get(w.kind) ?? []), { ctl, map: w.map }]);
    if (ctl.routeEvent) this.routers.push(ctl);
  }

  all(): readonly Controller[] {
    return this.controllers;
  }

  note(text: string): void {
    this.notes.push(`${rfc3339(this.clock.now())} ${text}`);
    if (this.notes.length > 200) this.notes.splice(0, this.notes.length - 200);
  }

  enqueue(ctl: Controller, key: Key): void {
    const id = `${ctl.name}|${key.kind}|${key.namespace ?? ''}|${key.name}`;
    // A controller's own write to the object it is reconciling does not call it back: it already knows.
    if (id === this.currentId) return;
    if (!this.queue.has(id)) this.queue.set(id, { ctl, key });
  }

  private currentId: string | undefined;

  requeueAt(ctl: Controller, key: Key, at: number): void {
    const id = `${ctl.name}|${key.kind}|${key.namespace ?? ''}|${key.name}`;
    const pending = this.scheduled.get(id);
    // One pending wake-up per key, the earliest one: later ones are re-requested by the reconcile it causes.
    if (pending !== undefined && pending <= at && pending >= this.clock.now()) return;
    this.scheduled.set(id, at);
    this.clock.schedule(at, () => {
      if (this.scheduled.get(id) === at) this.scheduled.delete(id);
      this.enqueue(ctl, key);
    });
  }

  /** kind|namespace → names of objects without a controller owner (pods and ReplicaSets, for adoption). */
  private readonly orphanIndex = new Map<string, Set<string>>();
  private static readonly ADOPTABLE = new Set(['/Pod', 'apps/ReplicaSet']);

  orphanNames(kind: string, ns: string): ReadonlySet<string> | undefined {
    return this.orphanIndex.get(`${kind}|${ns}`);
  }

  private indexOrphan(kind: string, e: StoreEvent): void {
    if (!ControllerRuntime.ADOPTABLE.has(kind)) return;
    const md = metaOf(e.obj);
    const k = `${kind}|${String(md.namespace ?? '')}`;
    const name = String(md.name);
    let set = this.orphanIndex.get(k);
    if (e.type !== 'DELETED' && !controllerRef(e.obj)) {
      if (!set) this.orphanIndex.set(k, (set = new Set()));
      set.add(name);
    } else set?.delete(name);
  }

  /** Routes a committed change to the controllers it concerns. */
  onEvent(e: StoreEvent): void {
    const kind = kindOf(e.t);
    const md = metaOf(e.obj);
    this.indexOrphan(kind, e);
    const key: Key = { kind, namespace: md.namespace as string | undefined, name: String(md.name) };
    for (const c of this.byKind.get(kind) ?? []) this.enqueue(c, key);
    for (const c of this.wildcard) this.enqueue(c, key);
    const owners = this.byOwned.get(kind);
    if (owners) {
      const refs = [controllerRef(e.obj), e.prev ? controllerRef(e.prev) : undefined];
      for (const ref of refs) {
        if (!ref) continue;
        const g = parseApiVersion(String(ref.apiVersion)).group;
        const ownerKind = `${g}/${String(ref.kind)}`;
        for (const c of owners) if (c.kinds.includes(ownerKind)) this.enqueue(c, { kind: ownerKind, namespace: md.namespace as string | undefined, name: String(ref.name) });
      }
    }
    for (const w of this.watchers.get(kind) ?? []) for (const k of w.map(e.obj, this.ctx)) this.enqueue(w.ctl, k);
    for (const c of this.routers) c.routeEvent!(e, (k) => this.enqueue(c, k), this.ctx);
  }

  /** Everything reconciled once (after a restore, or at start). */
  resyncAll(): void {
    this.orphanIndex.clear();
    for (const { t, obj } of this.ctx.api.store.all()) {
      const md = metaOf(obj);
      const synthetic: StoreEvent = { type: 'ADDED', rv: 0, t, obj };
      this.indexOrphan(kindOf(t), synthetic);
      for (const c of this.routers) c.routeEvent!(synthetic, (k) => this.enqueue(c, k), this.ctx);
      const key: Key = { kind: kindOf(t), namespace: md.namespace as string | undefined, name: String(md.name) };
      for (const c of this.byKind.get(key.kind) ?? []) this.enqueue(c, key);
      for (const c of this.wildcard) this.enqueue(c, key);
    }
  }

  /** Runs queued reconciles at the current instant; returns false if it stopped at the step limit. */
  drain(limit = 500000): boolean {
    let n = 0;
    while (this.queue.size) {
      if (++n > limit) {
        this.note(`controllers did not settle after ${limit} reconciles at one instant; continuing at the next advance`);
        return false;
      }
      const [id, item] = this.queue.entries().next().value as [string, { ctl: Controller; key: Key }];
      this.queue.delete(id);
      this.reconciles++;
      this.currentId = id;
      try {
        item.ctl.reconcile(this.ctx, item.key);
      } catch (e) {
        this.note(`${item.ctl.name} ${item.key.kind} ${item.key.namespace ?? ''}/${item.key.name}: ${(e as Error).stack ?? (e as Error).message}`);
      } finally {
        this.currentId = undefined;
      }
    }
    return true;
  }

  pendingWork(): number {
    return this.queue.size;
  }
}

/** Sets a condition in a status.conditions list, keeping lastTransitionTime when the status does not change. */
export function setCondition(conditions: JsonObject[], c: { type: string; status: string; reason?: string; message?: string }, now: string, opts: { updateTime?: boolean; probeTime?: boolean } = {}): JsonObject[] {
  const out = conditions.map((x) => ({ ...x }));
  const i = out.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? out[i] : undefined;
  const next: JsonObject = { type: c.type, status: c.status };
  if (opts.probeTime) next.lastProbeTime = prev?.lastProbeTime ?? null;
  if (opts.updateTime) next.lastUpdateTime = prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message ? (prev.lastUpdateTime as Json) : now;
  next.lastTransitionTime = prev && prev.status === c.status ? (prev.lastTransitionTime as Json) : now;
  if (c.reason !== undefined) next.reason = c.reason;
  if (c.message !== undefined) next.message = c.message;
  if (i >= 0) out[i] = next;
  else out.push(next);
  return out;
}

export function conditionsOf(obj: JsonObject): JsonObject[] {
  const st = obj.status;
  return isObject(st) && Array.isArray(st.conditions) ? st.conditions.filter(isObject) : [];
}

export function getCondition(obj: JsonObject, type: string): JsonObject | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

/** Drops zero-valued counters, as the API's `omitempty` integers do. */
export function omitZero(st: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(st)) if (v === 0 || v === undefined) delete st[k];
  return st;
}
