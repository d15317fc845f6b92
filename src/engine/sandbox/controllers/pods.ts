/** Shared pieces of the workload controllers: pod creation from templates, ranking pods for deletion, readiness. */
import { clone, isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import { isTerminating, podPhase, podReadySince } from './kubelet.ts';
import type { ControllerContext } from './runtime.ts';

/** A pod that counts toward a controller's replicas: not terminating and not finished. */
export function isActive(pod: JsonObject): boolean {
  const phase = podPhase(pod);
  return !isTerminating(pod) && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isReady(pod: JsonObject): boolean {
  return podReadySince(pod) !== undefined;
}

export function isAvailable(pod: JsonObject, minReadySeconds: number, now: number): boolean {
  const since = podReadySince(pod);
  if (since === undefined) return false;
  return minReadySeconds <= 0 || since + minReadySeconds * 1000 <= now;
}

/** When a ready pod becomes available under minReadySeconds (for requeueing), if later than now. */
export function availableAt(pod: JsonObject, minReadySeconds: number, now: number): number | undefined {
  const since = podReadySince(pod);
  if (since === undefined || minReadySeconds <= 0) return undefined;
  const at = since + minReadySeconds * 1000;
  return at > now ? at : undefined;
}

/** A pod object from a template, owned by `owner`. */
export function podFromTemplate(ctx: ControllerContext, ownerKind: string, owner: JsonObject, template: JsonObject, extra: { name?: string; generateName?: string; labels?: Record<string, string>; spec?: JsonObject } = {}): JsonObject {
  const tmd = isObject(template.metadata) ? template.metadata : {};
  const omd = metaOf(owner);
  const md: JsonObject = {
    namespace: omd.namespace as string,
    labels: extra.labels ? { ...(isObject(tmd.labels) ? (tmd.labels as Record<string, string>) : {}), ...extra.labels } : shared(tmd.labels),
    ownerReferences: sharedOwnerRefs(ctx, ownerKind, owner),
  };
  if (extra.name) md.name = extra.name;
  else md.generateName = extra.generateName ?? `${String(omd.name)}-`;
  if (isObject(tmd.annotations) && Object.keys(tmd.annotations).length) md.annotations = clone(tmd.annotations);
  if (isObject(tmd.finalizers)) md.finalizers = clone(tmd.finalizers);
  const spec = extra.spec ? { ...(isObject(template.spec) ? clone(template.spec) : {}), ...extra.spec } : shared(template.spec);
  return { apiVersion: 'v1', kind: 'Pod', metadata: md, spec };
}

/**
 * One copy of a template's spec (and labels) for all the pods made from it. Stored objects are never mutated
 * (pod defaults only fill what is missing, so the second pod's defaulting finds nothing to do), and pods sharing
 * their spec let the field manager reuse the field set and FieldsV1 it computed for the first one.
 */
const specCopies = new WeakMap<object, JsonObject>();

function shared(v: unknown): JsonObject {
  if (!isObject(v)) return {};
  let copy = specCopies.get(v);
  if (!copy) {
    copy = clone(v);
    specCopies.set(v, copy);
  }
  return copy;
}

/** The owner references of the pods an owner creates in one reconcile (the same owner object), shared likewise. */
const ownerRefs = new WeakMap<object, Json[]>();

function sharedOwnerRefs(ctx: ControllerContext, ownerKind: string, owner: JsonObject): Json[] {
  let refs = ownerRefs.get(owner);
  if (!refs) {
    refs = [ctx.ownerRef(ownerKind, owner)];
    ownerRefs.set(owner, refs);
  }
  return refs;
}

/**
 * Order in which a controller deletes surplus pods (most expendable first): unscheduled, pending, not ready,
 * ready for less time, more restarts, newer.
 */
export function deletionOrder(pods: JsonObject[]): JsonObject[] {
  const restarts = (p: JsonObject) => {
    const cs = isObject(p.status) && Array.isArray(p.status.containerStatuses) ? p.status.containerStatuses : [];
    return cs.reduce<number>((n, c) => n + (isObject(c) ? Number(c.restartCount ?? 0) : 0), 0);
  };
  const rank = (p: JsonObject) => [
    isObject(p.spec) && p.spec.nodeName ? 1 : 0,
    podPhase(p) === 'Pending' ? 0 : podPhase(p) === 'Unknown' ? 1 : 2,
    isReady(p) ? 1 : 0,
    -(podReadySince(p) ?? 0),
    -restarts(p),
    -Date.parse(String(metaOf(p).creationTimestamp)),
  ];
  return [...pods].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return String(metaOf(a).name) < String(metaOf(b).name) ? 1 : -1;
  });
}

/** Resolves an int-or-percent against a total (maxSurge rounds up, maxUnavailable down). */
export function intOrPercent(v: unknown, total: number, roundUp: boolean, dflt: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v.trim());
    if (m) {
      const x = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(x) : Math.floor(x);
    }
    if (/^\d+$/.test(v.trim())) return Number(v);
  }
  return dflt;
}
