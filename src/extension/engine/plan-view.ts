/**
 * What the sync preview webview shows, built from the planner's Plan: the tasks grouped by phase and wave, each row
 * with its action, hook policy, why it moved wave, and the source line that wrote the object. Only these plain
 * fields cross to the webview; the Plan's objects (which may hold Secret data) never do.
 */
import type { Plan, PlanTask, PlanWave } from '../../engine/plan/index.ts';

export interface SourceLink {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
}

export interface PlanViewRow {
  /** The task's index in the plan: sync progress and results refer to rows by it. */
  task: number;
  kind: string;
  group: string;
  namespace: string;
  name: string;
  action: PlanTask['action'];
  actionDetail?: string;
  /** The hook types, delete policies and, in words, when the hook object goes away. */
  hook?: { types: string[]; deletePolicies: string[]; deleteWhen: string; generatedName: boolean };
  /** Why the task runs in another wave than it declares (Namespace/CRD first use, mirrored prune, PruneLast). */
  waveNote?: string;
  declaredWave: number;
  healthGated: boolean;
  options: string[];
  source?: SourceLink;
  /** After a sync (or while it runs): what happened to this task. */
  outcome?: RowOutcome;
}

/** One task's result as the sync reported it (Argo CD's resource result), already scrubbed of Secret values. */
export interface RowOutcome {
  /** Synced, SyncFailed, Pruned, PruneSkipped; absent while nothing was written yet. */
  status?: string;
  /** The task's operation phase: Running while waited for, then Succeeded, Failed or Error. */
  phase: string;
  message: string;
}

/** The sync the view shows the outcome of. */
export interface SyncSummary {
  /** "the embedded sandbox", "context kind-dev", … */
  target: string;
  phase: 'Running' | 'Succeeded' | 'Failed' | 'Error';
  message: string;
  dryRun: boolean;
  cancelled?: boolean;
  applied: number;
  pruned: number;
  pending: number;
  hooksDeleted: number;
  /** Wall-clock ms, and ms on the target's clock (virtual for the sandbox). */
  durationMs: number;
  clockMs: number;
  waitingFor?: string;
  pruneConfirmationNeeded?: string[];
}

export interface PlanViewWave {
  phase: string;
  wave: number;
  healthGated: boolean;
  final: boolean;
  waitsForDeletion: boolean;
  delayAfter: boolean;
  rows: PlanViewRow[];
}

export interface PlanViewPhase {
  phase: string;
  waves: PlanViewWave[];
}

export interface PlanView {
  title: string;
  app: string;
  /** What was planned against: "no cluster (everything is created)", "sandbox", … */
  against: string;
  syncStatus: Plan['syncStatus'];
  options: string[];
  prune: boolean;
  phases: PlanViewPhase[];
  warnings: { code: string; message: string; source?: SourceLink }[];
  counts: Record<string, number>;
  failure?: string;
  /** The render or plan could not be made: the message, located when possible. */
  error?: { message: string; source?: SourceLink };
  /** Present when the view shows a sync (running or done) rather than a preview. */
  sync?: SyncSummary;
}

const WAVE_NOTES: Record<string, string> = {
  'namespace-first-use': 'moved to the wave of the first resource in this Namespace (ORD-5)',
  'crd-first-use': 'moved to the wave of the first resource of this CRD (ORD-5)',
  'prune-reversed': 'prune waves run in reverse order (ORD-9)',
  'prune-last': 'PruneLast: pruned after every other wave (OPT-6)',
};

export type SourceOf = (t: { group: string; kind: string; namespace: string; name: string }) => SourceLink | undefined;

function row(t: PlanTask, task: number, sourceOf: SourceOf): PlanViewRow {
  return {
    task,
    kind: t.kind,
    group: t.group,
    namespace: t.namespace,
    name: t.name,
    action: t.action,
    ...(t.actionDetail ? { actionDetail: t.actionDetail } : {}),
    ...(t.hook
      ? { hook: { types: [...t.hook.types], deletePolicies: [...t.hook.deletePolicies], deleteWhen: t.hook.deleteWhen, generatedName: t.hook.generatedName } }
      : {}),
    ...(t.waveReason ? { waveNote: WAVE_NOTES[t.waveReason] ?? t.waveReason } : {}),
    declaredWave: t.declaredWave,
    healthGated: t.healthGated,
    options: [...t.options],
    source: sourceOf(t),
  };
}

function waveOf(w: PlanWave, tasks: PlanTask[], sourceOf: SourceOf): PlanViewWave {
  return {
    phase: w.phase,
    wave: w.wave,
    healthGated: w.healthGated,
    final: w.final,
    waitsForDeletion: w.waitsForDeletion,
    delayAfter: w.delayAfter,
    rows: w.tasks.map((i) => row(tasks[i]!, i, sourceOf)),
  };
}

export function planView(plan: Plan, opts: { title: string; against: string; sourceOf: SourceOf }): PlanView {
  const phases: PlanViewPhase[] = [];
  for (const w of plan.waves) {
    let p = phases[phases.length - 1];
    if (!p || p.phase !== w.phase) phases.push((p = { phase: w.phase, waves: [] }));
    p.waves.push(waveOf(w, plan.tasks, opts.sourceOf));
  }
  const counts: Record<string, number> = {};
  for (const t of plan.tasks) counts[t.action] = (counts[t.action] ?? 0) + 1;
  return {
    title: opts.title,
    app: plan.app,
    against: opts.against,
    syncStatus: plan.syncStatus,
    options: [...plan.options],
    prune: plan.prune,
    phases,
    warnings: plan.warnings.map((w) => ({
      code: w.code,
      message: w.message,
      ...(w.object ? { source: opts.sourceOf(w.object) } : {}),
    })),
    counts,
    ...(plan.failure ? { failure: plan.failure } : {}),
  };
}

/** The rows of a view, in the order the page shows them. */
export function viewRows(view: PlanView): PlanViewRow[] {
  return view.phases.flatMap((p) => p.waves.flatMap((w) => w.rows));
}
