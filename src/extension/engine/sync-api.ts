/**
 * Sync for real, as the editor runs it: its own bundle (dist/sync.cjs), loaded the first time the user syncs, so the
 * cluster clients (@kubernetes/client-node) cost nothing to activation or to the renders. No `vscode` import. The
 * render arrives from the engine facade (api.ts `syncInput`); what leaves here is plain data with every message
 * scrubbed of Secret values by the sync engine.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isGitOpsError } from '../../engine/errors/index.ts';
import {
  DEFAULT_DENY_PATTERNS,
  DockerUnavailableError,
  assessTarget,
  listKubeContexts,
  openTarget,
  parseTargetSpec,
  type ClusterTarget,
  type TargetSpec,
} from '../../engine/cluster/index.ts';
import { planForTarget, syncApp, SyncRefusedError, type ResourceResult, type SyncResult } from '../../engine/sync/index.ts';
import type { Plan } from '../../engine/plan/index.ts';
import { planView, viewRows, type PlanView, type RowOutcome, type SourceLink, type SyncSummary } from './plan-view.ts';
import type { SyncInput } from './api.ts';

export type { RowOutcome, SyncSummary };

export interface TargetChoice {
  /** What `runSync` takes: `sandbox:<state file>`, `k3s`, `context:<name>`. */
  spec: string;
  label: string;
  description: string;
  detail: string;
  local: boolean;
  /** The deny pattern a context matches: it is listed, and refused if picked. */
  denied?: string;
  current?: boolean;
}

export interface TargetOptions {
  /** Where the editor's sandbox keeps its state between syncs. */
  sandboxStateFile?: string;
  kubeconfigPath?: string;
  denyPatterns?: string[];
  /** An untrusted workspace syncs to the embedded sandbox only: k3s runs Docker, and a kubeconfig can run programs. */
  trusted?: boolean;
}

/** The kubeconfig files kubectl would read: the setting, else $KUBECONFIG's list, else ~/.kube/config. */
function kubeconfigFiles(configured: string | undefined): string[] {
  if (configured) return [configured];
  const env = process.env.KUBECONFIG?.split(delimiter).filter(Boolean);
  return env?.length ? env : [join(homedir(), '.kube', 'config')];
}

function sandboxSpec(opts: TargetOptions): string {
  return opts.sandboxStateFile ? `sandbox:${opts.sandboxStateFile}` : 'sandbox';
}

/** What the target picker offers: the sandbox, a k3s container, and each kube context with its safety verdict. */
export async function targetChoices(opts: TargetOptions): Promise<{ choices: TargetChoice[]; note?: string }> {
  const choices: TargetChoice[] = [
    {
      spec: sandboxSpec(opts),
      label: 'Embedded sandbox',
      description: 'in process, virtual clock',
      detail: 'An API server and controllers inside the editor; its state is kept between syncs in this workspace.',
      local: true,
    },
  ];
  if (opts.trusted === false) {
    return { choices, note: 'Restricted Mode: only the embedded sandbox (k3s runs Docker; a kubeconfig can run credential programs).' };
  }
  choices.push({
    spec: 'k3s',
    label: 'k3s container',
    description: 'needs Docker',
    detail: "A throwaway k3s in a container, started on first use and reused (gitops-sandbox k3s stop ends it).",
    local: true,
  });
  const files = kubeconfigFiles(opts.kubeconfigPath);
  // Without a kubeconfig, client-node makes up a context for localhost:8080: offer nothing rather than that.
  if (!files.some((f) => existsSync(f))) return { choices, note: `No kube contexts: no kubeconfig at ${files.join(', ')}` };
  let note: string | undefined;
  try {
    for (const c of await listKubeContexts({ kubeconfigPath: opts.kubeconfigPath, denyPatterns: opts.denyPatterns ?? DEFAULT_DENY_PATTERNS })) {
      const verdict = c.safety.denied ? `refused: matches "${c.safety.denied}"` : c.safety.local ? 'local' : 'not local: asks for confirmation';
      choices.push({
        spec: `context:${c.name}`,
        label: `context ${c.name}`,
        description: `${c.server ?? 'no server'}${c.current ? ' · current' : ''}`,
        detail: `${verdict} (${c.safety.reason})`,
        local: c.safety.local,
        ...(c.safety.denied ? { denied: c.safety.denied } : {}),
        ...(c.current ? { current: true } : {}),
      });
    }
  } catch (e) {
    note = `No kube contexts: ${e instanceof Error ? e.message : String(e)}`;
  }
  return { choices, ...(note ? { note } : {}) };
}

export interface SyncRequest extends TargetOptions {
  /** A target spec from `targetChoices`. */
  to: string;
  prune?: boolean;
  dryRun?: boolean;
  /** The context the user confirmed by name (non-local contexts), and the one they confirmed pruning for. */
  confirmContext?: string;
  confirmPrune?: string;
  signal?: AbortSignal;
  onProgress?: (p: SyncProgress) => void;
  /** Prune=confirm objects are waiting (OPT-12): true lets them go. */
  approvePrune?: (resources: string[]) => Promise<boolean>;
  /** ORD-13's pause after each non-final wave (default 2 s on the target's clock; virtual on the sandbox). */
  waveDelayMs?: number;
}

export type SyncProgress =
  | { type: 'plan'; view: PlanView }
  | { type: 'wave'; phase: string; wave: number; tasks: number }
  | { type: 'task'; task: number; outcome: RowOutcome; row: string; done: number; total: number }
  | { type: 'message'; text: string };

/** What a target is, as the confirmation modal shows it (context, server, why it is not local). */
export interface TargetCheck {
  label: string;
  context?: string;
  server?: string;
  local: boolean;
  reason: string;
  /** Refused outright (deny pattern): the message says why. */
  refusal?: string;
  /** The plan against the target's live state, for the modal's summary (non-local targets only). */
  view?: PlanView;
}

function targetSpec(to: string): TargetSpec {
  return parseTargetSpec(to);
}

function describe(t: ClusterTarget): string {
  const i = t.info;
  if (i.type === 'sandbox') return 'the embedded sandbox';
  if (i.type === 'k3s') return 'the k3s container';
  return `context ${i.context ?? i.label}`;
}

function messageOf(e: unknown): string {
  // The CLI's wording names its flags; the editor names its picker.
  if (e instanceof DockerUnavailableError) return `Docker is not available: ${e.why}. Pick the embedded sandbox or a kube context instead.`;
  if (isGitOpsError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The safety verdict for a target before anything runs; for a context that is not local, also the plan against its
 * live state (read only), so that the confirmation can say what would change.
 */
export async function checkTarget(input: SyncInput, req: SyncRequest): Promise<TargetCheck> {
  const spec = targetSpec(req.to);
  if (spec.type !== 'context') return { label: spec.type === 'sandbox' ? 'the embedded sandbox' : 'the k3s container', local: true, reason: spec.type };
  const target = await openTarget(spec, { kubeconfigPath: req.kubeconfigPath });
  try {
    const safety = await assessTarget(target.info, req.denyPatterns ?? DEFAULT_DENY_PATTERNS);
    const out: TargetCheck = {
      label: describe(target),
      context: target.info.context,
      server: target.info.server,
      local: safety.local,
      reason: safety.reason,
      ...(safety.denied ? { refusal: `refusing to sync to ${describe(target)}: it matches the deny pattern "${safety.denied}" (setting gitopsSandbox.sync.denyPatterns)` } : {}),
    };
    if (!safety.local && !safety.denied) {
      const plan = await planForTarget({ app: input.app, desired: input.desired, target, prune: req.prune });
      out.view = toView(input, plan, `${describe(target)} (live state read, nothing written)`);
    }
    return out;
  } finally {
    await target.close().catch(() => undefined);
  }
}

function toView(input: SyncInput, plan: Plan, against: string): PlanView {
  const map = new Map(input.sources);
  const key = (k: { group: string; kind: string; namespace: string; name: string }) => `${k.group}/${k.kind}/${k.namespace}/${k.name}`;
  return planView(plan, {
    title: `Sync: ${input.name}`,
    against,
    sourceOf: (k) => map.get(key(k)) ?? map.get(key({ ...k, namespace: '' })),
  });
}

function outcomeOf(r: ResourceResult): RowOutcome {
  return { ...(r.status ? { status: r.status } : {}), phase: r.hookPhase || '', message: r.message };
}

function summaryOf(result: SyncResult, target: string): SyncSummary {
  return {
    target,
    phase: result.phase,
    message: result.message,
    dryRun: result.dryRun,
    ...(result.cancelled ? { cancelled: true } : {}),
    applied: result.report.applied.length,
    pruned: result.report.pruned.length,
    pending: result.report.pending.length,
    hooksDeleted: result.report.hooksDeleted.length,
    durationMs: Math.round(result.durationMs),
    clockMs: Math.round(result.clockMs),
    ...(result.waitingFor ? { waitingFor: result.waitingFor } : {}),
    ...(result.pruneConfirmationNeeded?.length ? { pruneConfirmationNeeded: [...result.pruneConfirmationNeeded] } : {}),
  };
}

/**
 * Syncs the render to the target as Argo CD would (safety rails, plan against the live state, server-side dry-run
 * where the rails ask for one, waves, hooks, prune), reporting each task as it goes. Never throws for a user's
 * situation (refused target, no Docker, unreachable cluster): the returned view's error says what happened.
 */
export async function runSync(input: SyncInput, req: SyncRequest): Promise<PlanView> {
  const t0 = performance.now();
  const failed = (message: string, against = req.to): PlanView => ({
    title: `Sync: ${input.name}`,
    app: input.name,
    against,
    syncStatus: 'OutOfSync',
    options: [],
    prune: !!req.prune,
    phases: [],
    warnings: [],
    counts: {},
    error: { message },
    sync: { target: against, phase: 'Error', message, dryRun: !!req.dryRun, applied: 0, pruned: 0, pending: 0, hooksDeleted: 0, durationMs: Math.round(performance.now() - t0), clockMs: 0 },
  });
  if (input.error) return { ...failed(input.error.message), error: input.error };
  let target: ClusterTarget;
  try {
    target = await openTarget(targetSpec(req.to), { kubeconfigPath: req.kubeconfigPath });
  } catch (e) {
    return failed(messageOf(e));
  }
  const label = describe(target);
  let view: PlanView | undefined;
  const rowName = new Map<number, string>();
  try {
    const out = await syncApp({
      app: input.app,
      desired: input.desired,
      target,
      prune: req.prune ?? input.app.automated?.prune ?? false,
      dryRun: req.dryRun,
      confirmContext: req.confirmContext,
      confirmPrune: req.confirmPrune,
      denyPatterns: req.denyPatterns ?? DEFAULT_DENY_PATTERNS,
      signal: req.signal,
      approvePrune: req.approvePrune,
      ...(req.waveDelayMs !== undefined ? { waveDelayMs: req.waveDelayMs } : {}),
      onPlan: (plan) => {
        view = toView(input, plan, label);
        view.sync = { target: label, phase: 'Running', message: 'syncing', dryRun: !!req.dryRun, applied: 0, pruned: 0, pending: 0, hooksDeleted: 0, durationMs: 0, clockMs: 0 };
        for (const r of viewRows(view)) rowName.set(r.task, `${r.kind}/${r.name}`);
        req.onProgress?.({ type: 'plan', view });
      },
      onEvent: (e) => {
        if (e.type === 'wave') req.onProgress?.({ type: 'wave', phase: e.phase, wave: e.wave, tasks: e.tasks });
        else if (e.type === 'task') {
          const outcome = outcomeOf(e.result);
          req.onProgress?.({ type: 'task', task: e.result.task, outcome, row: rowName.get(e.result.task) ?? `${e.result.kind}/${e.result.name}`, done: e.done, total: e.total });
        } else if (e.type === 'retry' || e.type === 'waiting') req.onProgress?.({ type: 'message', text: e.message });
        else if (e.type === 'server-dry-run') req.onProgress?.({ type: 'message', text: `server-side dry run: ${e.ok ? 'ok' : e.message}` });
      },
    });
    const final = toView(input, out.plan, label);
    const rows = viewRows(final);
    for (const r of rows) {
      const res = out.result.tasks[r.task];
      if (res) r.outcome = outcomeOf(res);
    }
    final.sync = summaryOf(out.result, label);
    return final;
  } catch (e) {
    const v = failed(e instanceof SyncRefusedError ? e.message : messageOf(e), label);
    return view ? { ...view, error: v.error, sync: v.sync } : v;
  } finally {
    await target.close().catch(() => undefined);
  }
}
