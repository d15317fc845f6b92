/**
 * From rendered objects and a cluster to the app's resource pairs, as the controller does before a sync:
 * target normalisation (ORD-7, ORD-8, HOOK-9), the managed live set (TRK-3), hooks split out (HOOK-1..3) and
 * the pairing of targets with live objects (`Reconcile`).
 */
import { argocd, gvkOf, keyString, objectKey, type KubeObject, type ObjectKey } from '../kube/index.ts';
import type { ScopeOf } from './scope.ts';
import { stampTracking, trackedAppName, type Tracking } from './tracking.ts';
import type { PlanWarning } from './types.ts';

export interface NormalizedTargets {
  /** Targets in first-seen order; for duplicates, the last copy. */
  targets: KubeObject[];
  warnings: PlanWarning[];
  hasPreDeleteHooks: boolean;
  hasPostDeleteHooks: boolean;
}

/** A key for maps: group/Kind/namespace/name. */
export function keyOf(o: KubeObject): string {
  const av = o.apiVersion ?? '';
  const slash = av.indexOf('/');
  return `${slash < 0 ? '' : av.slice(0, slash)}/${o.kind ?? ''}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

function copyMeta(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...(o.metadata ?? {}) } };
}

/**
 * NormalizeTargetObjects: a namespaced (or unknown-scope) object without a namespace gets the destination
 * namespace, a cluster-scoped one loses any namespace; tracking is stamped as the repo-server does; duplicates keep
 * the last copy and raise RepeatedResourceWarning. Then PreDelete/PostDelete-only hooks are set aside (HOOK-9).
 */
export function normalizeTargets(desired: KubeObject[], destNs: string, scopeOf: ScopeOf, tracking: Tracking): NormalizedTargets {
  const warnings: PlanWarning[] = [];
  const byKey = new Map<string, KubeObject[]>();
  for (let i = 0; i < desired.length; i++) {
    let o = copyMeta(desired[i]!);
    const gvk = gvkOf(o);
    const namespaced = scopeOf(gvk.group, gvk.kind) !== false;
    if (!namespaced && o.metadata.namespace) {
      warnings.push({
        code: 'cluster-scoped-namespace',
        message: `${gvk.kind}/${o.metadata.name ?? ''} is cluster-scoped: its namespace "${o.metadata.namespace}" is dropped (ORD-7)`,
        object: objectKey(o),
      });
      delete o.metadata.namespace;
    } else if (namespaced && !o.metadata.namespace) {
      o.metadata.namespace = destNs;
    }
    o = stampTracking(o, tracking, true);
    const key = objectKey(o);
    if (!key.name && o.metadata.generateName) key.name = `${o.metadata.generateName}${i}`;
    const k = keyString(key);
    const list = byKey.get(k);
    if (list) list.push(o);
    else byKey.set(k, [o]);
  }
  const targets: KubeObject[] = [];
  let hasPreDeleteHooks = false;
  let hasPostDeleteHooks = false;
  for (const [k, list] of byKey) {
    if (list.length > 1) {
      const last = list[list.length - 1]!;
      warnings.push({
        code: 'repeated-resource',
        message: `Resource ${k} appeared ${list.length} times among application resources. The last one is used (ORD-8).`,
        object: objectKey(last),
      });
    }
    const o = list[list.length - 1]!;
    const pre = argocd.isDeleteHookOfType(o, 'PreDelete');
    const post = argocd.isDeleteHookOfType(o, 'PostDelete');
    if (pre) hasPreDeleteHooks = true;
    if (post) hasPostDeleteHooks = true;
    if ((pre || post) && !argocd.hasSyncPhaseHookType(o)) continue;
    targets.push(o);
  }
  return { targets, warnings, hasPreDeleteHooks, hasPostDeleteHooks };
}

export interface ManagedLive {
  /** Live objects the app manages, by key. */
  byKey: Map<string, KubeObject>;
  /** Objects at a target's key that another app tracks (SharedResourceWarning). */
  shared: { live: KubeObject; otherApp: string }[];
}

/**
 * TRK-3: every live object tracked to this app that has no ownerReferences, plus whatever exists at a target's key
 * even without tracking (adoption).
 */
export function managedLiveObjects(live: KubeObject[], targets: KubeObject[], tracking: Tracking): ManagedLive {
  const byKey = new Map<string, KubeObject>();
  const all = new Map<string, KubeObject>();
  for (const o of live) {
    const k = keyOf(o);
    all.set(k, o);
    const owners = o.metadata?.ownerReferences;
    if ((!owners || owners.length === 0) && trackedAppName(o, tracking) === tracking.instanceName) byKey.set(k, o);
  }
  for (const t of targets) {
    const k = keyOf(t);
    if (!byKey.has(k)) {
      const existing = all.get(k);
      if (existing) byKey.set(k, existing);
    }
  }
  const shared: ManagedLive['shared'] = [];
  for (const o of byKey.values()) {
    const other = trackedAppName(o, tracking);
    if (other !== '' && other !== tracking.instanceName) shared.push({ live: o, otherApp: other });
  }
  return { byKey, shared };
}

export interface Reconciled {
  target?: KubeObject;
  live?: KubeObject;
}

export interface ReconcileResult {
  pairs: Reconciled[];
  hooks: KubeObject[];
  /** Objects dropped because they are hooks without a usable type (HOOK-3). */
  ignoredHooks: KubeObject[];
}

/** gitops-engine `Reconcile`: split hooks out, pair targets with live objects, leave the rest as prune candidates. */
export function reconcile(targets: KubeObject[], managed: Map<string, KubeObject>, destNs: string, scopeOf: ScopeOf): ReconcileResult {
  const hooks: KubeObject[] = [];
  const ignoredHooks: KubeObject[] = [];
  const resources: KubeObject[] = [];
  for (const t of targets) {
    if (argocd.isIgnoredHook(t)) ignoredHooks.push(t);
    else if (argocd.isHook(t)) hooks.push(t);
    else resources.push(t);
  }
  const liveByKey = new Map(managed);
  dedupByUid(resources, liveByKey);
  const pairs: Reconciled[] = [];
  for (const t of resources) {
    const gvk = gvkOf(t);
    const ns = t.metadata.namespace || destNs;
    const scope = scopeOf(gvk.group, gvk.kind);
    const keys: ObjectKey[] = [];
    if (scope !== false) keys.push({ group: gvk.group, kind: gvk.kind, namespace: ns, name: t.metadata.name ?? '' });
    if (scope !== true) keys.push({ group: gvk.group, kind: gvk.kind, namespace: '', name: t.metadata.name ?? '' });
    let live: KubeObject | undefined;
    for (const k of keys) {
      const ks = keyString(k);
      const found = liveByKey.get(ks);
      if (found) {
        live = found;
        liveByKey.delete(ks);
        break;
      }
    }
    pairs.push({ target: t, live });
  }
  for (const live of liveByKey.values()) pairs.push({ live });
  return { pairs, hooks, ignoredHooks };
}

/** One object seen under several keys (API-group aliases): keep only the keys that match targets. */
function dedupByUid(targets: KubeObject[], liveByKey: Map<string, KubeObject>): void {
  // Almost always every uid is seen once: look for a repeat before building anything.
  const seen = new Set<string>();
  let repeated = false;
  for (const o of liveByKey.values()) {
    const uid = o.metadata?.uid;
    if (!uid) continue;
    if (seen.has(uid)) {
      repeated = true;
      break;
    }
    seen.add(uid);
  }
  if (!repeated) return;
  const targetKeys = new Set(targets.map(keyOf));
  const byUid = new Map<string, string[]>();
  for (const [k, o] of liveByKey) {
    const uid = o.metadata?.uid;
    if (!uid) continue;
    const list = byUid.get(uid);
    if (list) list.push(k);
    else byUid.set(uid, [k]);
  }
  for (const keys of byUid.values()) {
    if (keys.length < 2) continue;
    let left = keys.length;
    for (const k of keys) {
      if (!targetKeys.has(k)) {
        liveByKey.delete(k);
        if (--left === 1) break;
      }
    }
  }
}
