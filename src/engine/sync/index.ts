/**
 * Sync for real (issue 10): the plan's tasks executed against a target exactly as Argo CD's sync engine runs them
 * (ORD-11..ORD-15, HOOK-5..HOOK-9, OPT-, AUTO-6 retries, TRK- tracking on every applied object), with progress
 * events, cancel through an AbortSignal, and a result shaped like Argo CD's operation state.
 *
 *   const target = await openTarget(parseTargetSpec('sandbox:state.json'));
 *   const { result } = await syncApp({ app, desired, target, prune: true, onEvent: (e) => show(e), signal });
 *   await target.close();
 *
 * `executePlan(plan, target, opts)` runs a plan made elsewhere (the editor's plan view).
 *
 * For an editor or another front end:
 * - `checkTargetSafety(target, { confirmContext, confirmPrune, prune })` is the rails' decision (local or not and why,
 *   a refusal in words, whether a server-side dry-run runs first); `syncApp` applies the same decision itself and
 *   throws `SyncRefusedError` (nothing read or written) when it refuses.
 * - `planForTarget(...)` is the plan `syncApp` will run, for a confirmation dialog's summary.
 * - `onEvent` receives `SyncEvent`s: `started`, `server-dry-run`, `wave`, `task` (a `ResourceResult` with done/total),
 *   `hook-deleted`, `retry`, `waiting`, `operation` (phase and message). No event carries a Secret value.
 * - `approvePrune(names)` is asked once when a wave holds Prune=confirm objects; without it the sync stops there
 *   and the result lists them in `pruneConfirmationNeeded`.
 * - The result (`SyncResult`) has Argo CD's operation-state fields (`phase` Succeeded/Failed/Error, `message`,
 *   `resources`), the result of each plan task by index (`tasks`), and `report` (applied, pruned, pending,
 *   hooksDeleted); `cancelled`, `timedOut` and `waitingFor` say why an operation stopped early.
 */
import type { Plan } from '../plan/index.ts';
import type { ClusterTarget } from '../cluster/index.ts';
import { SyncOperation } from './operation.ts';
import type { ExecuteOptions, SyncResult } from './types.ts';

export { SyncOperation, defaultWaveDelayMs } from './operation.ts';
export { syncApp, planForTarget, checkTargetSafety, SyncRefusedError, type SyncAppInput, type SyncOutcome } from './run.ts';
export { parseDuration, retryDelayMs, kitchenTime } from './retry.ts';
export { SecretScrubber, SECRET_MASK } from './secrets.ts';
export { imagesOf } from './images.ts';
export type { ExecuteOptions, OperationPhase, ResourceResult, ResultCode, RetryStrategy, SyncEvent, SyncReport, SyncResult } from './types.ts';

/** Runs a plan against a target (no safety rails: the caller has checked them with `checkTargetSafety`). */
export function executePlan(plan: Plan, target: ClusterTarget, opts: ExecuteOptions = {}): Promise<SyncResult> {
  return new SyncOperation(plan, target, opts).run();
}
