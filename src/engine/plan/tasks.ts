/**
 * The sync task list as gitops-engine's `getSyncTasks` builds it: one task per (object, phase) (ORD-1), generated
 * hook names (HOOK-7), the destination namespace on targets (ORD-7), the auto-created namespace (OPT-1), mirrored
 * prune waves (ORD-9), PruneLast (ORD-10), then the sort (ORD-2..5) and dependency bubbling (ORD-6).
 */
import { argocd, gvkOf, type KubeObject, type SyncPhase } from '../kube/index.ts';
import { kindRank } from './kind-order.ts';
import type { WaveReason } from './types.ts';

export interface Work {
  phase: SyncPhase;
  /** What is applied; undefined for a prune task. */
  target?: KubeObject;
  live?: KubeObject;
  /** The reconciled (target, live) pair the task came from; undefined for hooks and the auto-created namespace. */
  pair?: { target?: KubeObject; live?: KubeObject };
  hook: boolean;
  /** The namespace shown to the user: '' for cluster-scoped objects (Argo sets the destination namespace on every target). */
  displayNamespace: string;
  waveOverride?: number;
  waveReason?: WaveReason;
  generatedName: boolean;
  namespaceCreation: boolean;
  skipDryRun: boolean;
  /** Sort keys, filled in by sortTasks (the wave is read once: parsing annotations in the comparator is slow). */
  cache?: { declaredWave: number; rank: number; name: string; group: string };
}

export function cached(w: Work): NonNullable<Work['cache']> {
  if (!w.cache) {
    const o = taskObj(w);
    w.cache = { declaredWave: argocd.syncWave(o), rank: kindRank(o.kind), name: o.metadata.name ?? '', group: gvkOf(o).group };
  }
  return w.cache;
}

export function taskObj(w: Work): KubeObject {
  return (w.target ?? w.live)!;
}

export function taskWave(w: Work): number {
  return w.waveOverride ?? cached(w).declaredWave;
}

export function isPrune(w: Work): boolean {
  return w.target === undefined;
}

/** HOOK-7: `generateName + lower(rev7 + "-" + phase + "-" + unixSeconds)`. */
export function generatedHookName(generateName: string, revision: string, phase: SyncPhase, startedAt: Date): string {
  const rev = revision.length >= 8 ? revision.slice(0, 7) : revision;
  return `${generateName}${`${rev}-${phase}-${Math.floor(startedAt.getTime() / 1000)}`.toLowerCase()}`;
}

/** A hook's target for one phase: the generated name when it has none, and the hook finalizer. */
export function hookTarget(hook: KubeObject, phase: SyncPhase, revision: string, startedAt: Date): { target: KubeObject; generated: boolean } {
  const target: KubeObject = { ...hook, metadata: { ...hook.metadata } };
  let generated = false;
  if (!target.metadata.name) {
    target.metadata.name = generatedHookName(hook.metadata.generateName ?? '', revision, phase, startedAt);
    generated = true;
  }
  const finalizers = target.metadata.finalizers ?? [];
  if (!finalizers.includes(argocd.HOOK_FINALIZER)) target.metadata.finalizers = [...finalizers, argocd.HOOK_FINALIZER];
  return { target, generated };
}

/** ORD-9: the distinct prune waves, sorted, swapped symmetrically (i-th smallest ↔ i-th largest). */
export function mirrorPruneWaves(tasks: Work[]): void {
  const byWave = new Map<number, Work[]>();
  for (const t of tasks) {
    if (!isPrune(t)) continue;
    const w = taskWave(t);
    const list = byWave.get(w);
    if (list) list.push(t);
    else byWave.set(w, [t]);
  }
  const waves = [...byWave.keys()].sort((a, b) => a - b);
  const n = waves.length;
  for (let i = 0; i < Math.floor(n / 2); i++) {
    const start = waves[i]!;
    const end = waves[n - 1 - i]!;
    for (const t of byWave.get(start)!) {
      t.waveOverride = end;
      t.waveReason = 'prune-reversed';
    }
    for (const t of byWave.get(end)!) {
      t.waveOverride = start;
      t.waveReason = 'prune-reversed';
    }
  }
}

/** ORD-10: prune tasks with PruneLast (app option or the live object's annotation) go to max(0, last Sync wave) + 1. */
export function applyPruneLast(tasks: Work[], appPruneLast: boolean): void {
  let last = 0;
  for (const t of tasks) if (t.phase === 'Sync' && taskWave(t) > last) last = taskWave(t);
  last += 1;
  for (const t of tasks) {
    if (isPrune(t) && (appPruneLast || argocd.hasSyncOption(t.live, 'PruneLast=true'))) {
      t.waveOverride = last;
      t.waveReason = 'prune-last';
    }
  }
}

function compare(a: Work, b: Work): number {
  const d = argocd.SYNC_PHASE_ORDER[a.phase] - argocd.SYNC_PHASE_ORDER[b.phase];
  if (d !== 0) return d;
  const w = taskWave(a) - taskWave(b);
  if (w !== 0) return w;
  const ca = cached(a);
  const cb = cached(b);
  const k = ca.rank - cb.rank;
  if (k !== 0) return k;
  if (ca.name !== cb.name) return ca.name < cb.name ? -1 : 1;
  // ORD-4: Argo's sort is unstable here; we settle ties by group, then namespace.
  if (ca.group !== cb.group) return ca.group < cb.group ? -1 : 1;
  if (a.displayNamespace !== b.displayNamespace) return a.displayNamespace < b.displayNamespace ? -1 : 1;
  return 0;
}

/** ORD-4 sort, then ORD-6 bubbling: Namespaces, then CRDs, move before their first user and take its phase and wave. */
export function sortTasks(tasks: Work[]): Work[] {
  const sorted = [...tasks].sort(compare);
  adjustDeps(
    sorted,
    (o) => (o.kind === 'Namespace' && !o.apiVersion.includes('/') ? o.metadata.name ?? '' : undefined),
    (o) => (o.metadata.namespace ? o.metadata.namespace : undefined),
    'namespace-first-use',
  );
  adjustDeps(
    sorted,
    (o) => {
      if (o.kind !== 'CustomResourceDefinition' || !o.apiVersion.startsWith('apiextensions.k8s.io/')) return undefined;
      const spec = o.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
      if (typeof spec?.group !== 'string' || typeof spec.names?.kind !== 'string') return undefined;
      return `${spec.group}/${spec.names.kind}`;
    },
    (o, w) => `${cached(w).group}/${o.kind}`,
    'crd-first-use',
  );
  return sorted;
}

function adjustDeps(
  s: Work[],
  isDep: (o: KubeObject) => string | undefined,
  refersTo: (o: KubeObject, w: Work) => string | undefined,
  reason: WaveReason,
): void {
  const firstIndex = new Map<string, number>();
  for (let i = 0; i < s.length; i++) {
    const t = s[i]!;
    if (!t.target) continue;
    const depKey = isDep(t.target);
    if (depKey !== undefined) {
      const index = firstIndex.get(depKey);
      if (index !== undefined) {
        const first = s[index]!;
        t.waveOverride = taskWave(first);
        t.waveReason = reason;
        t.phase = first.phase;
        for (let j = i; j > index; j--) s[j] = s[j - 1]!;
        s[index] = t;
        for (const [k, v] of firstIndex) if (v >= index) firstIndex.set(k, v + 1);
      }
    } else {
      const ref = refersTo(t.target, t);
      if (ref !== undefined && !firstIndex.has(ref)) firstIndex.set(ref, i);
    }
  }
}
