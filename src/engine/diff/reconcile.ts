/**
 * TRK-3 and DIF-10: which live objects belong to an app, how they pair with the desired objects, which would be
 * pruned, and each object's sync status.
 */
import { isNamespaced, objectKey, keyString, type KubeObject, type ObjectKey } from '../kube/index.ts';
import { isSelfReferenced, trackedAppName, type TrackingSettings, DEFAULT_TRACKING } from './tracking.ts';

export type CrdScope = (group: string, kind: string) => boolean | undefined;

export interface Pair {
  key: ObjectKey;
  target: KubeObject | null;
  live: KubeObject | null;
  /** TRK-2: false for a live copy whose tracking id names another object; such objects get no status. */
  selfReferenced: boolean;
  /** A hook or a Skip object: never diffed for status, never pruned. */
  hook: boolean;
  /** Live only, tracked to this app, self-referenced, not a hook: a sync with prune would delete it. */
  requiresPruning: boolean;
  /** `compare-options: IgnoreExtraneous` on a prune candidate: OutOfSync itself without making the app so. */
  ignoreExtraneous: boolean;
}

const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
const COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';

export function isHook(obj: KubeObject | null | undefined): boolean {
  const a = obj?.metadata?.annotations ?? {};
  return HOOK_ANNOTATION in a || HELM_HOOK_ANNOTATION in a;
}

function hasCompareOption(obj: KubeObject | null, opt: string): boolean {
  const v = obj?.metadata?.annotations?.[COMPARE_OPTIONS];
  return typeof v === 'string' && v.split(',').map((s) => s.trim()).includes(opt);
}

/** The key a target is paired under: namespaced kinds without a namespace take the destination's. */
export function targetKey(obj: KubeObject, destNamespace: string, crdScope?: CrdScope): ObjectKey {
  const k = objectKey(obj);
  if (!isNamespaced(k.group, k.kind, crdScope)) return { ...k, namespace: '' };
  return { ...k, namespace: k.namespace || destNamespace };
}

function liveKey(obj: KubeObject, crdScope?: CrdScope): ObjectKey {
  const k = objectKey(obj);
  return isNamespaced(k.group, k.kind, crdScope) ? k : { ...k, namespace: '' };
}

export interface ReconcileInput {
  targets: KubeObject[];
  live: KubeObject[];
  appInstance: string;
  destNamespace: string;
  tracking?: TrackingSettings;
  crdScope?: CrdScope;
  /**
   * Which live objects the app manages, when it is not Argo CD's tracking (a Flux Kustomization's owner labels).
   * Such apps have no hooks and no tracking ids, so every object counts as self-referenced.
   */
  owns?: (live: KubeObject) => boolean;
}

/** Pairs desired and live objects the way Argo CD's reconcile does. */
export function reconcile(input: ReconcileInput): Pair[] {
  const tracking = input.tracking ?? DEFAULT_TRACKING;
  const liveByKey = new Map<string, KubeObject>();
  for (const l of input.live) liveByKey.set(keyString(liveKey(l, input.crdScope)), l);
  const pairs: Pair[] = [];
  const used = new Set<string>();
  for (const t of input.targets) {
    const key = targetKey(t, input.destNamespace, input.crdScope);
    const ks = keyString(key);
    // Adoption: an existing object at a target's exact key is paired even without tracking.
    const l = liveByKey.get(ks) ?? null;
    if (l) used.add(ks);
    const self = l && !input.owns ? isSelfReferenced(l, t, input.appInstance, input.destNamespace, tracking, input.crdScope) : true;
    const hook = !input.owns && (isHook(t) || isSkip(t));
    pairs.push({ key, target: t, live: l, selfReferenced: self, hook, requiresPruning: false, ignoreExtraneous: false });
  }
  for (const l of input.live) {
    const key = liveKey(l, input.crdScope);
    const ks = keyString(key);
    if (used.has(ks)) continue;
    if (input.owns ? !input.owns(l) : trackedAppName(l, tracking) !== input.appInstance) continue;
    if ((l.metadata?.ownerReferences ?? []).length > 0) continue;
    used.add(ks);
    const self = input.owns ? true : isSelfReferenced(l, undefined, input.appInstance, input.destNamespace, tracking, input.crdScope);
    const hook = !input.owns && isHook(l);
    pairs.push({ key, target: null, live: l, selfReferenced: self, hook, requiresPruning: self && !hook, ignoreExtraneous: hasCompareOption(l, 'IgnoreExtraneous') });
  }
  return pairs;
}

function isSkip(obj: KubeObject): boolean {
  return obj.metadata?.annotations?.[HOOK_ANNOTATION] === 'Skip';
}

export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';

/** DIF-10 for one resource: undefined (no status) for hooks and objects that are not self-referenced. */
export function resourceStatus(pair: Pair, modified: boolean): SyncStatus | undefined {
  if (pair.hook || !pair.selfReferenced) return undefined;
  if (!pair.target || !pair.live) return 'OutOfSync';
  return modified ? 'OutOfSync' : 'Synced';
}

/** DIF-10 for the app: OutOfSync when any counted resource is; IgnoreExtraneous prune candidates do not count. */
export function appStatus(items: { pair: Pair; status: SyncStatus | undefined }[]): SyncStatus {
  let out: SyncStatus = 'Synced';
  for (const { pair, status } of items) {
    if (status === 'Unknown') return 'Unknown';
    if (status === 'OutOfSync' && !(pair.target === null && pair.ignoreExtraneous)) out = 'OutOfSync';
  }
  return out;
}
