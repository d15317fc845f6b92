/**
 * "Sync this app to that target": the safety rails first (nothing is read or written on a refused target), then
 * the live state, the plan (exactly as `plan` shows it), a server-side dry-run where the rails ask for one, and
 * the operation itself, retried with backoff when a retry strategy is given (AUTO-6): a retry is a fresh
 * operation against the current live state, with the same start time (so generated hook names stay the same).
 */
import { GitOpsError } from '../errors/index.ts';
import type { HealthChecker } from '../health/index.ts';
import type { KubeObject } from '../kube/index.ts';
import { planSyncWithDiff, type Plan, type PlanApp, type PlanDiffOptions, type TrackingSettings } from '../plan/index.ts';
import { assessTarget, decideSafety, DEFAULT_DENY_PATTERNS, listLiveObjects, scopeFromDiscovery, type ClusterTarget, type SafetyDecision } from '../cluster/index.ts';
import { SyncOperation } from './operation.ts';
import { parseDuration, retryDelayMs, kitchenTime } from './retry.ts';
import type { ExecuteOptions, RetryStrategy, SyncResult } from './types.ts';

export interface SyncAppInput extends Omit<ExecuteOptions, 'startedAt' | 'destinationNamespace' | 'attempt'> {
  app: PlanApp;
  /** The rendered manifests. */
  desired: KubeObject[];
  target: ClusterTarget;
  tracking?: TrackingSettings;
  health?: HealthChecker;
  /** ignoreDifferences and argocd-cm settings for the comparison (what "unchanged" means). */
  diff?: PlanDiffOptions['diff'];
  /** The sync prunes; default the app's automated.prune. */
  prune?: boolean;
  retry?: RetryStrategy;
  /** Safety rails: the user's confirmations and the deny patterns (default `*prod*`). */
  confirmContext?: string;
  confirmPrune?: string;
  denyPatterns?: string[];
  /** Called with each plan before it runs (the first, and one per retry). */
  onPlan?: (plan: Plan) => void;
}

export interface SyncOutcome {
  result: SyncResult;
  /** The plan of the last attempt. */
  plan: Plan;
  safety: SafetyDecision;
}

/** A target the rails refuse: nothing was read or written. */
export class SyncRefusedError extends GitOpsError {
  constructor(message: string) {
    super(message, undefined, 'sync-refused');
    this.name = 'SyncRefusedError';
  }
}

/** The safety decision for a target and the user's confirmations (what the editor's modal shows). */
export async function checkTargetSafety(target: ClusterTarget, c: { confirmContext?: string; confirmPrune?: string; prune?: boolean; denyPatterns?: string[] } = {}): Promise<SafetyDecision> {
  const assessment = await assessTarget(target.info, c.denyPatterns ?? DEFAULT_DENY_PATTERNS);
  return decideSafety(target.info, assessment, c);
}

/** Reads the target and plans the sync as `plan --cluster` would. */
export async function planForTarget(input: Pick<SyncAppInput, 'app' | 'desired' | 'target' | 'tracking' | 'health' | 'diff' | 'prune' | 'pruneConfirmed' | 'revision'> & { startedAt?: Date }): Promise<Plan> {
  const live = await listLiveObjects(input.target);
  const scope = await scopeFromDiscovery(input.target);
  return planSyncWithDiff(
    {
      app: input.app,
      desired: input.desired,
      live,
      isNamespaced: scope.isNamespaced,
      isServedKind: scope.isServedKind,
      tracking: input.tracking,
      health: input.health,
      revision: input.revision ?? '',
      startedAt: input.startedAt ?? new Date(input.target.clock.now()),
      prune: input.prune,
      pruneConfirmed: input.pruneConfirmed,
    },
    { diff: input.diff },
  );
}

export async function syncApp(input: SyncAppInput): Promise<SyncOutcome> {
  const { target } = input;
  const prune = input.prune ?? input.app.automated?.prune ?? false;
  const safety = await checkTargetSafety(target, { confirmContext: input.confirmContext, confirmPrune: input.confirmPrune, prune, denyPatterns: input.denyPatterns });
  if (!safety.allowed) throw new SyncRefusedError(safety.refusal ?? 'refused');
  // Argo keeps startedAt to the second (it is what generated hook names carry).
  const startedAt = new Date(Math.floor(target.clock.now() / 1000) * 1000);
  const limit = input.retry?.limit ?? 0;
  let retryCount = 0;
  const retryMessages: string[] = [];
  for (;;) {
    const plan = await planForTarget({ ...input, prune, startedAt });
    input.onPlan?.(plan);
    const op = new SyncOperation(plan, target, {
      ...input,
      startedAt,
      destinationNamespace: input.app.destinationNamespace,
      attempt: retryCount,
    });
    let result: SyncResult;
    if ((safety.serverDryRunFirst || input.serverDryRunFirst) && retryCount === 0 && !plan.failure) {
      const check = await op.serverDryRun();
      if (!check.ok) {
        result = op.result();
        result.phase = 'Failed';
        result.message = `one or more objects failed to apply (server dry run), reason: ${check.failures.join(',')}`;
        return { result, plan, safety };
      }
    }
    result = await op.run();
    const failed = result.phase === 'Failed' || result.phase === 'Error';
    const terminated = !!(result.cancelled || result.timedOut || result.pruneConfirmationNeeded);
    if (failed && !terminated && (limit < 0 || retryCount < limit) && !input.signal?.aborted) {
      const delay = retryDelayMs(input.retry!, retryCount);
      const at = new Date(target.clock.now() + delay);
      retryCount++;
      const message = `${result.message}. Retrying attempt #${retryCount} at ${kitchenTime(at)}.`;
      retryMessages.push(message);
      input.onEvent?.({ type: 'retry', attempt: retryCount, at: at.toISOString(), message });
      try {
        await target.clock.sleep(delay, input.signal);
      } catch {
        result.cancelled = true;
        result.retryCount = retryCount;
        return { result, plan, safety };
      }
      continue;
    }
    result.retryCount = retryCount;
    if (failed && retryCount > 0) result.message = `${result.message} (retried ${retryCount} times).`;
    return { result, plan, safety };
  }
}

export { parseDuration };
