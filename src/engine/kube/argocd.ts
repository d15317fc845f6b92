/**
 * Argo CD's annotation vocabulary as gitops-engine reads it: hooks (HOOK-1..4, HOOK-9), sync waves (ORD-3), hook
 * delete policies (HOOK-4, HOOK-5) and per-resource sync options (section 6). Shared by health (a Pod's health
 * depends on whether it is a hook), plan, sync and diff, so it lives with the rest of the Kubernetes vocabulary.
 */
import type { KubeObject } from './types.ts';

export const ANNOTATION_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const ANNOTATION_HOOK = 'argocd.argoproj.io/hook';
export const ANNOTATION_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
export const ANNOTATION_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const ANNOTATION_COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';
export const ANNOTATION_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
export const ANNOTATION_INSTALLATION_ID = 'argocd.argoproj.io/installation-id';
export const ANNOTATION_IGNORE_HEALTHCHECK = 'argocd.argoproj.io/ignore-healthcheck';
export const ANNOTATION_IGNORE_RESTART_POLICY = 'argocd.argoproj.io/ignore-restart-policy';
export const ANNOTATION_DELETION_APPROVED = 'argocd.argoproj.io/deletion-approved';
export const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';
export const DEFAULT_INSTANCE_LABEL = 'app.kubernetes.io/instance';

export const HELM_HOOK = 'helm.sh/hook';
export const HELM_HOOK_WEIGHT = 'helm.sh/hook-weight';
export const HELM_HOOK_DELETE_POLICY = 'helm.sh/hook-delete-policy';

/** The hook types gitops-engine accepts in `argocd.argoproj.io/hook` (PreDelete/PostDelete are the controller's). */
export type HookType = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'Skip';
/** The four sync phases, in execution order (ORD-2). */
export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
export type HookDeletePolicy = 'BeforeHookCreation' | 'HookSucceeded' | 'HookFailed';

export const SYNC_PHASES: readonly SyncPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];
/** ORD-2: PreSync -1, Sync 0, PostSync 1, SyncFail 2. */
export const SYNC_PHASE_ORDER: Readonly<Record<SyncPhase, number>> = { PreSync: -1, Sync: 0, PostSync: 1, SyncFail: 2 };

const HOOK_TYPES = new Set<string>(['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip']);
const DELETE_POLICIES = new Set<string>(['BeforeHookCreation', 'HookSucceeded', 'HookFailed']);
/** HOOK-4: the Helm hook types Argo CD maps onto its own; anything else (test, pre-rollback, …) is not usable. */
const HELM_TYPES: Record<string, HookType> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};
const HELM_DELETE_POLICIES: Record<string, HookDeletePolicy> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};

function annotations(obj: KubeObject | undefined): Record<string, string> | undefined {
  const a = obj?.metadata?.annotations;
  return a && typeof a === 'object' ? a : undefined;
}

/** The value of an annotation, or undefined when it is absent (an empty value is present). */
export function annotation(obj: KubeObject | undefined, key: string): string | undefined {
  const a = annotations(obj);
  if (!a || !Object.prototype.hasOwnProperty.call(a, key)) return undefined;
  const v = a[key];
  return typeof v === 'string' ? v : v == null ? '' : String(v);
}

/** An annotation as a CSV: items trimmed, empty ones dropped, duplicates removed keeping the first (as AC does). */
export function annotationCSV(obj: KubeObject | undefined, key: string): string[] {
  const raw = annotation(obj, key);
  if (!raw) return [];
  const out: string[] = [];
  for (const item of raw.split(',')) {
    const v = item.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * Go's `strconv.Atoi`: an optional sign and decimal digits only, within int64; anything else (" 5", "5.0", "1e3",
 * "") does not parse.
 */
export function goAtoi(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  // Up to 15 digits always fits; only longer numbers need the exact int64 range check.
  if (text.length <= 16) return Number(text);
  const big = BigInt(text);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return undefined;
  return Number(big);
}

/** ORD-3: `sync-wave`, else `helm.sh/hook-weight`, else 0, for every object, hook or not. */
export function syncWave(obj: KubeObject): number {
  const wave = annotation(obj, ANNOTATION_SYNC_WAVE);
  if (wave !== undefined) {
    const v = goAtoi(wave);
    if (v !== undefined) return v;
  }
  const weight = annotation(obj, HELM_HOOK_WEIGHT);
  if (weight !== undefined) {
    const v = goAtoi(weight);
    if (v !== undefined) return v;
  }
  return 0;
}

/** Helm's hook types that map onto Argo's (HOOK-4), in annotation order. */
function helmHookTypes(obj: KubeObject): HookType[] {
  const out: HookType[] = [];
  for (const t of annotationCSV(obj, HELM_HOOK)) {
    const mapped = HELM_TYPES[t];
    // pre-install and pre-upgrade both map to PreSync; one is enough.
    if (mapped && !out.includes(mapped)) out.push(mapped);
  }
  return out;
}

/**
 * HOOK-1: the valid hook types of an object. The Argo annotation's valid items win; when it yields none, the Helm
 * types are used (so `argocd.argoproj.io/hook: Foo` with `helm.sh/hook: pre-install` is a PreSync hook).
 */
export function hookTypes(obj: KubeObject): HookType[] {
  const out: HookType[] = [];
  for (const t of annotationCSV(obj, ANNOTATION_HOOK)) if (HOOK_TYPES.has(t)) out.push(t as HookType);
  if (out.length === 0) out.push(...helmHookTypes(obj));
  return out;
}

/** HOOK-2: `Skip` as the only type: neither a hook nor a resource task, never applied, never pruned. */
export function isSkipped(obj: KubeObject): boolean {
  const types = hookTypes(obj);
  return types.length === 1 && types[0] === 'Skip';
}

/** HOOK-1: a hook is an object with the Argo annotation that is not Skip-only, or a Helm hook other than crd-install. */
export function isHook(obj: KubeObject): boolean {
  if (annotation(obj, ANNOTATION_HOOK) !== undefined) return !isSkipped(obj);
  const helm = annotation(obj, HELM_HOOK);
  return helm !== undefined && helm !== 'crd-install';
}

/** HOOK-3: a hook with no usable type is dropped from the target set: not applied, not diffed, not pruned. */
export function isIgnoredHook(obj: KubeObject): boolean {
  return isHook(obj) && hookTypes(obj).length === 0;
}

/** ORD-1: the sync phases an object gets tasks in: none for Skip, one per distinct hook phase, else Sync. */
export function syncPhasesOf(obj: KubeObject): SyncPhase[] {
  if (isSkipped(obj)) return [];
  if (!isHook(obj)) return ['Sync'];
  const out: SyncPhase[] = [];
  for (const t of hookTypes(obj)) if (t !== 'Skip' && !out.includes(t)) out.push(t);
  return out.sort((a, b) => SYNC_PHASE_ORDER[a] - SYNC_PHASE_ORDER[b]);
}

/**
 * HOOK-4/HOOK-5: the Argo policies, then the Helm ones added (a union; duplicates kept out), defaulting to
 * BeforeHookCreation when neither gives a valid one.
 */
export function hookDeletePolicies(obj: KubeObject): HookDeletePolicy[] {
  const out: HookDeletePolicy[] = [];
  for (const p of annotationCSV(obj, ANNOTATION_HOOK_DELETE_POLICY)) {
    if (DELETE_POLICIES.has(p) && !out.includes(p as HookDeletePolicy)) out.push(p as HookDeletePolicy);
  }
  for (const p of annotationCSV(obj, HELM_HOOK_DELETE_POLICY)) {
    const mapped = HELM_DELETE_POLICIES[p];
    if (mapped && !out.includes(mapped)) out.push(mapped);
  }
  if (out.length === 0) out.push('BeforeHookCreation');
  return out;
}

/** Whether the delete policies were given explicitly (Argo or Helm) rather than defaulted. */
export function hasExplicitDeletePolicy(obj: KubeObject): boolean {
  return (
    annotationCSV(obj, ANNOTATION_HOOK_DELETE_POLICY).some((p) => DELETE_POLICIES.has(p)) ||
    annotationCSV(obj, HELM_HOOK_DELETE_POLICY).some((p) => p in HELM_DELETE_POLICIES)
  );
}

export function hasHookFinalizer(obj: KubeObject): boolean {
  const f = obj.metadata?.finalizers;
  return Array.isArray(f) && f.includes(HOOK_FINALIZER);
}

/** Whether the object's `argocd.argoproj.io/sync-options` CSV holds exactly this item (e.g. `PruneLast=true`). */
export function hasSyncOption(obj: KubeObject | undefined, option: string): boolean {
  return annotationCSV(obj, ANNOTATION_SYNC_OPTIONS).includes(option);
}

/** The value of the first `key=value` item for `key` in the sync-options CSV. */
export function syncOptionValue(obj: KubeObject | undefined, key: string): string | undefined {
  const prefix = `${key}=`;
  for (const item of annotationCSV(obj, ANNOTATION_SYNC_OPTIONS)) if (item.startsWith(prefix)) return item.slice(prefix.length);
  return undefined;
}

/** HOOK-9: PreDelete / PostDelete as the controller recognises them (either annotation, trimmed CSV items). */
export function isDeleteHookOfType(obj: KubeObject | undefined, type: 'PreDelete' | 'PostDelete'): boolean {
  const a = annotations(obj);
  if (!a) return false;
  const argo = a[ANNOTATION_HOOK];
  const helm = a[HELM_HOOK];
  if (argo === undefined && helm === undefined) return false;
  const has = (v: unknown, item: string) => typeof v === 'string' && v.split(',').some((x) => x.trim() === item);
  return type === 'PreDelete' ? has(argo, 'PreDelete') || has(helm, 'pre-delete') : has(argo, 'PostDelete') || has(helm, 'post-delete');
}

/** Whether an object has one of the four gitops-engine sync-phase hook types. */
export function hasSyncPhaseHookType(obj: KubeObject): boolean {
  return hookTypes(obj).some((t) => t !== 'Skip');
}
