/**
 * One sync operation, run the way gitops-engine's sync context runs it (`Sync()`, re-entered until the
 * operation completes):
 *
 * - ORD-14: the first step creates the destination namespace for real (CreateNamespace), then applies every task
 *   with a client-side dry-run; any failure fails the operation and nothing is written;
 * - ORD-12: each step refreshes the tasks' live objects, turns running tasks into results from their health
 *   (hooks by HOOK-6), waits while a multi-step sync has running tasks (a Suspended object waits forever), waits for
 *   pruned objects still being deleted, fails through SyncFail on a completed unsuccessful task, else runs the
 *   lowest pending (phase, wave); the last wave without hooks ends the operation at once;
 * - ORD-11: inside a wave, the hook finalizer is removed from existing pending hooks, prune tasks run (Prune=confirm
 *   waits, OPT-12), BeforeHookCreation deletes run (then the wave resumes on the next step), then the remaining
 *   tasks are applied in runs of the same kind, each run in parallel;
 * - HOOK-5: hooks carry the hook finalizer, which is removed once they complete; HookSucceeded hooks are deleted
 *   when the whole operation succeeds, HookFailed ones when it fails; HOOK-8: SyncFail hooks run on failure;
 * - ORD-13: a pause after each non-final wave; ORD-15: CRDs are given 3 s to become Established.
 *
 * Between steps time passes on the target's clock: the sandbox's virtual clock jumps to its next controller event,
 * a real API is polled. Cancel (AbortSignal) and the timeout terminate the operation as Argo CD's Terminate does.
 */
import type { HealthChecker, HealthStatus } from '../health/index.ts';
import { HealthChecker as Checker } from '../health/index.ts';
import { argocd, describeKey, gvkOf, type KubeObject, type SyncPhase } from '../kube/index.ts';
import type { Plan, PlanTask } from '../plan/index.ts';
import {
  isClusterError,
  isConflict,
  isNotFound,
  kubectlApply,
  kubectlCreate,
  kubectlReplace,
  refOf,
  updateWithLiveVersion,
  CLIENT_SIDE_APPLY_MANAGER,
  SSA_MANAGER,
  type ClusterTarget,
  type DryRun,
  type ObjectRef,
  type PropagationPolicy,
} from '../cluster/index.ts';
import { imagesOf } from './images.ts';
import { SecretScrubber } from './secrets.ts';
import type { ExecuteOptions, OperationPhase, ResourceResult, ResultCode, SyncEvent, SyncResult } from './types.ts';

type RunState = 'successful' | 'pending' | 'failed';

interface TaskState {
  index: number;
  plan: PlanTask;
  phase: SyncPhase;
  wave: number;
  target?: KubeObject;
  live?: KubeObject;
  hook: boolean;
  prune: boolean;
  skipDryRun: boolean;
  syncStatus?: ResultCode;
  operationState: OperationPhase | '';
  message: string;
  /** Gone before it ran (deleted by someone else): Argo's next reconcile would not list it. */
  vanished?: boolean;
  /** Written for real (not a dry-run). */
  applied?: boolean;
  /** Where the object is, whether or not it exists now. */
  ref: ObjectRef;
}

/** Thrown between API calls when the signal is aborted. */
class Cancelled extends Error {}

const ARGO_WAVE_DELAY_ENV = 'ARGOCD_SYNC_WAVE_DELAY';

/** ORD-13: ARGOCD_SYNC_WAVE_DELAY seconds (an integer), 2 when unset or unparsable. */
export function defaultWaveDelayMs(): number {
  const v = process.env[ARGO_WAVE_DELAY_ENV];
  if (v !== undefined) {
    const n = argocd.goAtoi(v);
    if (n !== undefined) return n * 1000;
  }
  return 2000;
}

function running(t: TaskState): boolean {
  return t.operationState === 'Running';
}
function completed(t: TaskState): boolean {
  return t.operationState === 'Succeeded' || t.operationState === 'Failed' || t.operationState === 'Error';
}
function successful(t: TaskState): boolean {
  return t.operationState === 'Succeeded';
}
function pending(t: TaskState): boolean {
  return t.operationState === '';
}
function hasPolicy(t: TaskState, p: argocd.HookDeletePolicy): boolean {
  return t.hook && !!t.plan.hook?.deletePolicies.includes(p);
}
function deleteBeforeCreation(t: TaskState): boolean {
  return !!t.live && pending(t) && hasPolicy(t, 'BeforeHookCreation');
}
function obj(t: TaskState): KubeObject {
  return (t.target ?? t.live)!;
}
function gkn(t: TaskState): string {
  return `${t.plan.group}/${t.plan.kind}/${t.plan.name}`;
}

/** ORD-12 "multi-step": the first and last task differ in phase or wave. */
function multiStep(tasks: TaskState[]): boolean {
  if (tasks.length === 0) return false;
  const a = tasks[0]!;
  const b = tasks[tasks.length - 1]!;
  return a.phase !== b.phase || a.wave !== b.wave;
}

function propagation(p: Plan['prunePropagationPolicy']): PropagationPolicy {
  return p === 'background' ? 'Background' : p === 'orphan' ? 'Orphan' : 'Foreground';
}

export class SyncOperation {
  readonly tasks: TaskState[];
  phase: OperationPhase = 'Running';
  message = '';
  private readonly results = new Map<number, ResourceResult>();
  private readonly checker: HealthChecker;
  private readonly scrubber = new SecretScrubber();
  private readonly dryRun: boolean;
  private pruneConfirmed: boolean;
  private pruneAsked = false;
  private readonly deleteOptions: { propagationPolicy: PropagationPolicy };
  private readonly hooksDeleted: string[] = [];
  private readonly hooksDeletedSet = new Set<number>();
  private readonly waveDelayMs: number;
  private wrote = false;
  /** A task's result changed in this step: the next step may move on without waiting. */
  private progressed = false;
  private inDryRunPass = false;
  /** Set when a wave waits for pruning confirmation nobody can give (no confirmPrune, or it said no). */
  private awaitingPruneConfirmation: string[] | undefined;
  private waitingFor: string | undefined;
  private cancelled = false;
  /**
   * Progress is announced once: a wave that only deleted BeforeHookCreation copies runs again on the next step (and
   * with no result yet, so does the dry-run, as in gitops-engine), but the user sees one start and one line per wave.
   */
  private announcedStart = false;
  private readonly announcedWaves = new Set<string>();
  private timedOut = false;
  private readonly startWall = performance.now();
  private readonly startClock: number;
  readonly startedAt: Date;

  constructor(
    readonly plan: Plan,
    readonly target: ClusterTarget,
    readonly opts: ExecuteOptions = {},
  ) {
    this.checker = opts.health ?? Checker.builtin();
    this.dryRun = !!opts.dryRun;
    this.pruneConfirmed = !!opts.pruneConfirmed;
    this.deleteOptions = { propagationPolicy: propagation(plan.prunePropagationPolicy) };
    this.waveDelayMs = opts.waveDelayMs ?? defaultWaveDelayMs();
    this.startClock = target.clock.now();
    this.startedAt = opts.startedAt ?? new Date(this.startClock);
    // ApplyOutOfSyncOnly (OPT-3): tasks the plan marked `skip` never run, in the dry-run or after.
    this.tasks = plan.tasks
      .map((t, index) => ({ t, index }))
      .filter(({ t }) => t.action !== 'skip')
      .map(({ t, index }) => ({
        index,
        plan: t,
        phase: t.phase,
        wave: t.wave,
        target: t.target,
        live: t.live,
        hook: !!t.hook,
        prune: !t.target,
        skipDryRun: t.skipDryRun,
        operationState: '' as const,
        message: '',
        ref: refOf((t.target ?? t.live)!),
      }));
    for (const t of plan.tasks) {
      this.scrubber.add(t.target);
      this.scrubber.add(t.live);
    }
  }

  // ------------------------------------------------------------------ public

  /** Runs the operation to its end (or until cancelled or timed out) and returns Argo CD's operation state. */
  async run(): Promise<SyncResult> {
    const timeout = this.opts.timeoutMs ?? 600_000;
    const poll = this.opts.pollIntervalMs ?? 1000;
    const clock = this.target.clock;
    const deadline = this.startClock + timeout;
    try {
      for (;;) {
        this.checkCancel();
        this.wrote = false;
        this.progressed = false;
        const done = await this.step();
        if (done) break;
        if (this.awaitingPruneConfirmation) {
          // Nobody can approve the pruning now: stop and say what is waiting (OPT-12).
          await this.terminate();
          break;
        }
        if (this.wrote || this.progressed) {
          // Something was written or a result changed: look again at once (controllers react first on a virtual clock).
          await clock.sleep(0, this.opts.signal);
          continue;
        }
        if (clock.now() >= deadline) {
          this.timedOut = true;
          await this.terminate();
          break;
        }
        const changed = await clock.waitForChange(Math.min(poll, Math.max(0, deadline - clock.now())), this.opts.signal);
        if (!changed) {
          // The virtual clock has nothing scheduled: what the operation waits for can never happen.
          this.timedOut = true;
          await this.terminate();
          break;
        }
      }
    } catch (e) {
      if (e instanceof Cancelled || this.opts.signal?.aborted) {
        this.cancelled = true;
        await this.terminate();
      } else {
        this.setPhase('Error', this.scrub((e as Error)?.message ?? String(e)));
      }
    }
    if (clock.virtual && !this.cancelled) await this.settleDeletions();
    return this.result();
  }

  /**
   * On a virtual clock time passes only when we move it: let the deletions this sync started (pruned objects,
   * deleted hooks) finish, as they would on a real cluster after the operation, so the next command sees them gone.
   */
  private async settleDeletions(): Promise<void> {
    const clock = this.target.clock;
    const until = clock.now() + 120_000;
    const deleted = this.tasks.filter((t) => (t.syncStatus === 'Pruned' && !this.dryRun) || this.hooksDeletedSet.has(t.index));
    for (;;) {
      const still = await Promise.all(deleted.map((t) => this.target.get(t.ref).catch(() => undefined)));
      if (!still.some((o) => o?.metadata?.deletionTimestamp)) return;
      if (clock.now() >= until || !(await clock.waitForChange(1000))) return;
    }
  }

  // ------------------------------------------------------------------ Sync()

  /** One pass of gitops-engine's Sync(); true when the operation has completed. */
  private async step(): Promise<boolean> {
    if (this.plan.failure) {
      this.setPhase('Failed', this.plan.failure);
      return true;
    }
    let tasks = this.tasks.filter((t) => !t.vanished);
    if (!this.started()) {
      if (!this.announcedStart) {
        this.announcedStart = true;
        this.emit({ type: 'started', target: this.target.label, tasks: tasks.length, waves: this.plan.waves.length, dryRun: this.dryRun, attempt: this.opts.attempt ?? 0 });
      }
      let dryRunTasks = tasks;
      const ns = this.opts.destinationNamespace;
      const nsTask = ns ? tasks.find((t) => !t.live && t.target && t.plan.group === '' && t.plan.kind === 'Namespace' && t.plan.name === ns) : undefined;
      if (nsTask) {
        // ORD-14 / OPT-1: the namespace is created for real before the dry-run, which would fail without it.
        if ((await this.runTasks([nsTask], false)) === 'failed') {
          return this.executeSyncFailPhase([], [nsTask], 'the namespace failed to apply');
        }
        dryRunTasks = tasks.filter((t) => t !== nsTask);
      }
      if ((await this.runTasks(dryRunTasks, true)) === 'failed') {
        this.setPhase('Failed', 'one or more objects failed to apply (dry run)');
        return true;
      }
    } else {
      await this.refresh(tasks);
      tasks = this.tasks.filter((t) => !t.vanished);
    }

    // Running tasks take their result from the live object's health (ORD-12, HOOK-6).
    for (const t of tasks.filter((x) => running(x) && x.live)) {
      if (t.hook) {
        const [phase, message] = this.operationPhaseOf(t.live!);
        this.setResult(t, t.syncStatus, phase, message);
      } else {
        const h = this.health(t.live!);
        if (!h) this.setResult(t, t.syncStatus, 'Succeeded', t.message);
        else if (h.status === 'Healthy') this.setResult(t, t.syncStatus, 'Succeeded', h.message);
        else if (h.status === 'Degraded') this.setResult(t, t.syncStatus, 'Failed', h.message);
      }
    }

    const isMultiStep = multiStep(tasks);
    const runningTasks = tasks.filter((t) => (isMultiStep || t.hook) && running(t));
    if (runningTasks.length > 0) {
      for (const t of runningTasks) {
        if (t.live) continue;
        let fresh: KubeObject | undefined;
        try {
          this.checkCancel();
          fresh = await this.target.get(t.ref);
        } catch (e) {
          if (e instanceof Cancelled) throw e;
          this.setResult(t, t.syncStatus, 'Error', `Failed to get live resource ${this.errText(e)}`);
          continue;
        }
        if (fresh) {
          t.live = fresh;
          continue;
        }
        if (this.results.has(t.index)) this.setResult(t, 'SyncFailed', 'Error', `Resource ${gkn(t)} is missing, it might have been deleted`);
      }
      this.setRunningPhase(runningTasks, false);
      return false;
    }

    const prunedPendingDelete = tasks.filter((t) => t.syncStatus === 'Pruned' && t.live?.metadata?.deletionTimestamp);
    if (prunedPendingDelete.length > 0) {
      this.setRunningPhase(prunedPendingDelete, true);
      return false;
    }

    for (const t of tasks.filter((x) => x.hook && completed(x))) {
      try {
        await this.removeHookFinalizer(t);
      } catch (e) {
        // A cancel is not the hook's failure: terminate() takes the finalizer off without the signal.
        if (this.isCancel(e)) throw e;
        this.setResult(t, t.syncStatus, 'Error', `Failed to remove hook finalizer: ${this.errText(e)}`);
      }
    }
    const hooksPendingDeletionSuccessful = tasks.filter((t) => t.hook && t.live && !running(t) && hasPolicy(t, 'HookSucceeded'));
    const hooksPendingDeletionFailed = tasks.filter((t) => t.hook && t.live && !running(t) && hasPolicy(t, 'HookFailed'));

    const syncFailTasks = tasks.filter((t) => t.phase === 'SyncFail');
    tasks = tasks.filter((t) => t.phase !== 'SyncFail');
    const syncFailedTasks = tasks.filter((t) => t.syncStatus === 'SyncFailed');

    if (tasks.some((t) => completed(t) && !successful(t))) {
      await this.deleteHooks(hooksPendingDeletionFailed);
      return this.executeSyncFailPhase(syncFailTasks, syncFailedTasks, 'one or more synchronization tasks completed unsuccessfully');
    }

    const pendingTasks = tasks.filter(pending);
    if (pendingTasks.length === 0) {
      await this.deleteHooks(hooksPendingDeletionSuccessful);
      this.setPhase('Succeeded', 'successfully synced (no more tasks)');
      return true;
    }

    const phase = pendingTasks[0]!.phase;
    const wave = pendingTasks[0]!.wave;
    const last = pendingTasks[pendingTasks.length - 1]!;
    const finalWave = phase === last.phase && wave === last.wave;
    const waveTasks = pendingTasks.filter((t) => t.phase === phase && t.wave === wave);
    const remaining = pendingTasks.filter((t) => !(t.phase === phase && t.wave === wave));

    this.setPhase('Running', 'one or more tasks are running');
    // What an earlier wave waited for is over; a cancel from here on must not report it.
    if (!this.waitingFor?.startsWith('Waiting for pruning confirmation')) this.waitingFor = undefined;
    if (!this.announcedWaves.has(`${phase}/${wave}`)) {
      this.announcedWaves.add(`${phase}/${wave}`);
      this.emit({ type: 'wave', phase, wave, final: finalWave, tasks: waveTasks.length, dryRun: this.dryRun });
    }
    const runState = await this.runTasks(waveTasks, false);

    if (runState !== 'failed' && !finalWave && this.waveDelayMs > 0) {
      // ORD-13: Argo's wave hook sleeps after every wave but the final one.
      await this.target.clock.sleep(this.waveDelayMs, this.opts.signal);
    }

    switch (runState) {
      case 'failed': {
        const failedHere = waveTasks.filter((t) => t.syncStatus === 'SyncFailed');
        let runningHooks = waveTasks.filter(running);
        if (runningHooks.length > 0) {
          if (syncFailTasks.length > 0) {
            const done = await this.executeSyncFailPhase(syncFailTasks, failedHere, 'one or more objects failed to apply');
            if (!done) runningHooks = [...runningHooks, ...syncFailTasks];
          }
          this.setRunningPhase(runningHooks, false);
          return false;
        }
        const done = await this.executeSyncFailPhase(syncFailTasks, failedHere, 'one or more objects failed to apply');
        if (done) await this.deleteHooks(hooksPendingDeletionFailed);
        return done;
      }
      case 'successful':
        if (remaining.length === 0 && !waveTasks.some((t) => t.hook)) {
          // The last wave is not waited for: an apply that succeeded is a sync that succeeded (ORD-12).
          await this.deleteHooks(hooksPendingDeletionSuccessful);
          this.setPhase('Succeeded', 'successfully synced (all tasks run)');
          return true;
        }
        this.setRunningPhase(waveTasks, false);
        return false;
      default:
        if (!this.waitingFor?.startsWith('Waiting for pruning confirmation')) {
          this.setRunningPhase(waveTasks.filter((t) => deleteBeforeCreation(t) || (t.prune && pending(t))), true);
        }
        return false;
    }
  }

  private started(): boolean {
    return this.results.size > 0;
  }

  /** HOOK-8: runs the pending SyncFail hooks, or fails the operation once they are done. True when completed. */
  private async executeSyncFailPhase(syncFailTasks: TaskState[], syncFailedTasks: TaskState[], message: string): Promise<boolean> {
    const withReasons = (ts: TaskState[], m: string) => (ts.length > 0 ? `${m}, reason: ${ts.map((t) => t.message).join(',')}` : m);
    let errorMessage = withReasons(syncFailedTasks, message);
    if (syncFailTasks.length === 0) {
      this.setPhase('Failed', errorMessage);
      return true;
    }
    if (syncFailTasks.every(completed)) {
      const failed = syncFailTasks.filter((t) => t.syncStatus === 'SyncFailed');
      if (failed.length > 0) errorMessage = `${errorMessage}\n${withReasons(failed, 'one or more SyncFail hooks failed')}`;
      this.setPhase('Failed', errorMessage);
      return true;
    }
    const toRun = syncFailTasks.filter((t) => !completed(t) && !running(t));
    await this.runTasks(toRun, false);
    this.setRunningPhase(toRun, false);
    return false;
  }

  // ------------------------------------------------------------------ runTasks (ORD-11)

  private async runTasks(tasks: TaskState[], dryRunPass: boolean): Promise<RunState> {
    this.inDryRunPass = dryRunPass;
    try {
      return await this.runTasksInner(tasks, dryRunPass);
    } finally {
      this.inDryRunPass = false;
    }
  }

  private async runTasksInner(tasks: TaskState[], dryRunPass: boolean): Promise<RunState> {
    const dryRun = dryRunPass || this.dryRun;
    let state: RunState = 'successful';
    const pruneTasks = tasks.filter((t) => t.prune);
    const createTasks = tasks.filter((t) => !t.prune);

    // 1. The hook finalizer comes off existing pending hooks, so the run is idempotent.
    if (!dryRun) {
      const outcomes = await Promise.all(
        tasks
          .filter((t) => t.hook && pending(t) && t.live)
          .map(async (t) => {
            try {
              await this.removeHookFinalizer(t);
              return undefined;
            } catch (e) {
              return { t, e };
            }
          }),
      );
      // Every call has returned (its result recorded in t.live) before a cancel propagates.
      const cancelled = outcomes.find((o) => o && this.isCancel(o.e));
      if (cancelled) throw cancelled.e;
      for (const o of outcomes) {
        if (!o) continue;
        state = 'failed';
        this.setResult(o.t, o.t.syncStatus, 'Error', `failed to remove hook finalizer: ${this.errText(o.e)}`);
      }
      if (state !== 'successful') return state;
    }

    // 2. Prune, unless confirmation is missing (OPT-12).
    if (!this.pruneConfirmed) {
      const needs = pruneTasks.filter((t) => t.plan.options.includes('Prune=confirm') && this.plan.prune);
      if (needs.length > 0) {
        const names = needs.map((t) => `${obj(t).apiVersion}/${t.plan.kind}/${t.plan.name}`);
        // The dry-run pass stops here too (a quirk of runTasks): the wet waves before this one still run.
        if (!dryRunPass && !this.pruneAsked && this.opts.approvePrune) {
          this.pruneAsked = true;
          this.pruneConfirmed = await this.opts.approvePrune(names);
        }
        if (!this.pruneConfirmed) {
          const msg = `Waiting for pruning confirmation of ${names[0]}${names.length > 1 ? ` and ${names.length - 1} more resources` : ''}`;
          if (!dryRunPass) {
            this.waitingFor = msg;
            this.awaitingPruneConfirmation = names;
            this.setPhase('Running', msg);
            this.emit({ type: 'waiting', message: msg });
          }
          return 'pending';
        }
      }
    }
    const pruneOutcomes = await this.allThenCancel(pruneTasks.map(async (t) => ({ t, r: await this.pruneObject(t, dryRun) })), (o) => {
      if (!dryRun && o.r.code === 'Pruned') this.setResult(o.t, o.r.code, 'Succeeded', o.r.message);
    });
    for (const { t, r } of pruneOutcomes) {
      if (r.code === 'SyncFailed') state = 'failed';
      if (!dryRun || this.dryRun || r.code === 'SyncFailed') this.setResult(t, r.code, r.code === 'SyncFailed' ? 'Failed' : 'Succeeded', r.message);
    }
    if (state !== 'successful') return state;

    // 3. BeforeHookCreation: delete the copy left by an earlier sync, and come back next step.
    const toDelete = createTasks.filter(deleteBeforeCreation);
    if (toDelete.length > 0) {
      const outcomes = await Promise.all(
        toDelete.map(async (t) => {
          if (dryRun) return 'successful' as RunState;
          try {
            this.checkCancel();
            const answer = await this.target.delete(t.ref, this.deleteOptions);
            this.wrote = true;
            t.live = answer.deleted ? undefined : (answer.object ?? t.live);
            return 'pending' as RunState;
          } catch (e) {
            if (e instanceof Cancelled) throw e;
            if (isNotFound(e)) {
              t.live = undefined;
              return 'successful' as RunState;
            }
            this.setResult(t, t.syncStatus, 'Error', `failed to delete resource: ${this.errText(e)}`);
            return 'failed' as RunState;
          }
        }),
      );
      for (const o of outcomes) state = merge(state, o);
    }
    if (state !== 'successful') return state;

    // 4. Apply in runs of consecutive tasks of the same kind, each run in parallel.
    let group: TaskState[] = [];
    for (const t of createTasks) {
      if (group.length > 0 && group[0]!.target!.kind !== t.plan.kind) {
        state = await this.processCreateTasks(state, group, dryRun);
        group = [t];
      } else group.push(t);
    }
    if (group.length > 0) state = await this.processCreateTasks(state, group, dryRun);
    return state;
  }

  private async processCreateTasks(state: RunState, tasks: TaskState[], dryRun: boolean): Promise<RunState> {
    const outcomes = await this.allThenCancel(
      tasks.filter((t) => !(dryRun && t.skipDryRun)).map(async (t) => ({ t, r: await this.applyObject(t, dryRun) })),
      // An object the cancel did not stop was written: the report lists it as applied.
      (o) => {
        if (!dryRun && o.r.code === 'Synced') {
          o.t.applied = true;
          this.setResult(o.t, o.r.code, this.dryRun ? 'Succeeded' : 'Running', o.r.message);
        }
      },
    );
    // Results are recorded in task order, whatever order the calls returned in.
    for (const { t, r } of outcomes) {
      if (r.code === 'SyncFailed') state = 'failed';
      if (!dryRun || this.dryRun || r.code === 'SyncFailed') {
        let phase: OperationPhase = r.code === 'SyncFailed' ? 'Failed' : 'Running';
        // In a dry-run operation nothing is created: a valid task has succeeded.
        if (this.dryRun && phase === 'Running') phase = 'Succeeded';
        if (!dryRun && r.code === 'Synced') t.applied = true;
        this.setResult(t, r.code, phase, r.message);
      }
    }
    return state;
  }

  // ------------------------------------------------------------------ one object

  /** applyObject: Replace (OPT-4), Force (OPT-5), ServerSideApply with CSA migration (OPT-6), Validate (OPT-7). */
  private async applyObject(t: TaskState, dryRun: boolean, strategy?: DryRun): Promise<{ code: ResultCode; message: string }> {
    const target = t.target!;
    const opts = t.plan.options;
    const dry: DryRun | undefined = strategy ?? (dryRun ? 'client' : undefined);
    const replace = opts.includes('Replace=true');
    const force = opts.includes('Force=true');
    const ssa = !dryRun && opts.includes('ServerSideApply=true');
    const validate = !opts.includes('Validate=false');
    try {
      this.checkCancel();
      if (ssa && this.opts.clientSideApplyMigration !== false && !this.plan.options.includes('ClientSideApplyMigration=false') && t.live?.metadata?.managedFields?.some((m) => m.manager === CLIENT_SIDE_APPLY_MANAGER)) {
        // OPT-6: a client-side apply as kubectl-client-side-apply first, so SSA takes its fields over.
        await kubectlApply(this.target, target, { fieldManager: CLIENT_SIDE_APPLY_MANAGER, validate });
      }
      let message: string;
      if (replace) {
        const live = dry === 'client' ? t.live : await this.target.get(refOf(target));
        if (live) {
          const isCrdOrNs = (gvkOf(target).group === 'apiextensions.k8s.io' && target.kind === 'CustomResourceDefinition') || (gvkOf(target).group === '' && target.kind === 'Namespace');
          message = (isCrdOrNs ? await updateWithLiveVersion(this.target, target, live, { dryRun: dry }) : await kubectlReplace(this.target, target, { dryRun: dry, force })).message;
        } else message = (await kubectlCreate(this.target, target, { dryRun: dry, validate })).message;
      } else {
        message = (await kubectlApply(this.target, target, { dryRun: dry, force, validate, serverSide: ssa ? { fieldManager: this.opts.fieldManager ?? SSA_MANAGER } : undefined })).message;
      }
      if (!dry) {
        this.wrote = true;
        if (gvkOf(target).group === 'apiextensions.k8s.io' && target.kind === 'CustomResourceDefinition') await this.ensureCrdReady(target);
      }
      return { code: 'Synced', message };
    } catch (e) {
      if (e instanceof Cancelled) throw e;
      return { code: 'SyncFailed', message: this.errText(e) };
    }
  }

  /** pruneObject: the sync's prune flag, Prune=false, and objects already being deleted. */
  private async pruneObject(t: TaskState, dryRun: boolean, strategy?: DryRun): Promise<{ code: ResultCode; message: string }> {
    if (!this.plan.prune) return { code: 'PruneSkipped', message: 'ignored (requires pruning)' };
    if (t.plan.options.includes('Prune=false')) return { code: 'PruneSkipped', message: 'ignored (no prune)' };
    if (dryRun && strategy !== 'server') return { code: 'Pruned', message: 'pruned (dry run)' };
    if (!t.live?.metadata?.deletionTimestamp) {
      try {
        this.checkCancel();
        const answer = await this.target.delete(t.ref, { ...this.deleteOptions, dryRun: strategy === 'server' });
        if (strategy !== 'server') {
          this.wrote = true;
          // What the next step checks: still there with a deletionTimestamp (finalizers, foreground), or gone.
          t.live = answer.deleted ? undefined : (answer.object ?? t.live);
        }
      } catch (e) {
        if (e instanceof Cancelled) throw e;
        return { code: 'SyncFailed', message: this.errText(e) };
      }
    }
    return { code: 'Pruned', message: strategy === 'server' ? 'pruned (server dry run)' : 'pruned' };
  }

  /** ORD-15: poll up to 3 s, every 100 ms, for Established; a timeout only matters to the log. */
  private async ensureCrdReady(crd: KubeObject): Promise<void> {
    const clock = this.target.clock;
    const until = clock.now() + 3000;
    for (;;) {
      const live = await this.target.get(refOf(crd)).catch(() => undefined);
      const conds = ((live?.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? []);
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (clock.now() >= until) break;
      // The CRD was written: a cancel ends the wait (only the log would have cared), not the apply's result.
      if (this.opts.signal?.aborted) break;
      await clock.sleep(100, this.opts.signal).catch(() => undefined);
    }
    this.target.invalidateDiscovery();
  }

  private async removeHookFinalizer(t: TaskState): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const live = t.live;
      if (!live) return;
      const finalizers = live.metadata?.finalizers ?? [];
      if (!finalizers.includes(argocd.HOOK_FINALIZER)) return;
      this.checkCancel();
      try {
        const updated: KubeObject = { ...live, metadata: { ...live.metadata, finalizers: finalizers.filter((f) => f !== argocd.HOOK_FINALIZER) } };
        const answer = await this.target.update(updated);
        this.wrote = true;
        t.live = answer;
        return;
      } catch (e) {
        if (isNotFound(e)) {
          t.live = undefined;
          return;
        }
        if (!isConflict(e)) throw e;
        t.live = await this.target.get(refOf(live));
      }
    }
  }

  private async deleteHooks(tasks: TaskState[]): Promise<void> {
    for (const t of tasks) {
      try {
        this.checkCancel();
        await this.target.delete(t.ref, this.deleteOptions);
        this.wrote = true;
        const key = describeKey({ group: t.plan.group, kind: t.plan.kind, namespace: t.plan.namespace, name: t.plan.name });
        this.hooksDeleted.push(key);
        this.hooksDeletedSet.add(t.index);
        this.emit({ type: 'hook-deleted', key });
      } catch (e) {
        if (e instanceof Cancelled) throw e;
        if (!isNotFound(e)) this.setResult(t, t.syncStatus, 'Error', `failed to delete resource: ${this.errText(e)}`);
      }
    }
  }

  // ------------------------------------------------------------------ state

  /** Re-reads the live objects the next step looks at. */
  private async refresh(tasks: TaskState[]): Promise<void> {
    // Pending tasks matter only in the wave that runs next (and SyncFail hooks, which may run on failure).
    const next = tasks.find((t) => pending(t) && t.phase !== 'SyncFail');
    const inNextWave = (t: TaskState) => !!next && t.phase === next.phase && t.wave === next.wave;
    await Promise.all(
      tasks.map(async (t) => {
        const interesting = running(t) || (t.hook && !pending(t)) || (t.syncStatus === 'Pruned' && t.live?.metadata?.deletionTimestamp) || (pending(t) && (inNextWave(t) || t.phase === 'SyncFail'));
        if (!interesting) return;
        this.checkCancel();
        const fresh = await this.target.get(t.ref);
        if (t.prune && pending(t) && !fresh) {
          t.vanished = true;
          return;
        }
        t.live = fresh;
      }),
    );
  }

  /** getOperationPhase (HOOK-6): a hook's state from its health. */
  private operationPhaseOf(live: KubeObject): [OperationPhase, string] {
    const h = this.health(live);
    const name = live.metadata?.name ?? '';
    if (!h) return ['Succeeded', `${name} created`];
    switch (h.status) {
      case 'Unknown':
      case 'Degraded':
        return ['Failed', h.message];
      case 'Progressing':
      case 'Suspended':
        return ['Running', h.message];
      case 'Healthy':
        return ['Succeeded', h.message];
      default:
        return ['Succeeded', `${name} created`];
    }
  }

  private health(live: KubeObject): HealthStatus | undefined {
    try {
      return this.checker.health(live);
    } catch (e) {
      return { status: 'Unknown', message: (e as Error).message };
    }
  }

  private setRunningPhase(tasks: TaskState[], pendingDeletion: boolean): void {
    if (tasks.length === 0) {
      this.setPhase('Running', '');
      return;
    }
    const hooks = tasks.filter((t) => t.hook);
    const resources = tasks.filter((t) => !t.hook);
    let reason = hooks.length > 0 ? 'completion of hook' : 'healthy state of';
    const taskType = resources.length === 0 ? 'hooks' : 'resources';
    if (pendingDeletion) reason = hooks.length > 0 ? 'deletion of hook' : 'deletion of';
    const first = hooks[0] ?? resources[0]!;
    let message = `waiting for ${reason} ${gkn(first)}`;
    if (tasks.length > 1) message = `${message} and ${tasks.length - 1} more ${taskType}`;
    this.waitingFor = message;
    this.setPhase('Running', message);
  }

  private setPhase(phase: OperationPhase, message: string): void {
    const m = this.scrub(message);
    if (phase !== this.phase || m !== this.message) {
      this.phase = phase;
      this.message = m;
      this.emit({ type: 'operation', phase, message: m });
    }
  }

  private setResult(t: TaskState, status: ResultCode | undefined, state: OperationPhase, message: string): void {
    t.syncStatus = status;
    t.operationState = state;
    // Argo keeps the latest non-empty message.
    if (message) t.message = this.scrub(message);
    const existing = this.results.get(t.index);
    const r: ResourceResult = {
      group: t.plan.group,
      version: t.plan.version,
      kind: t.plan.kind,
      namespace: t.plan.namespace,
      name: t.plan.name,
      message: t.message,
      hookPhase: t.operationState,
      syncPhase: t.phase,
      wave: t.wave,
      order: existing?.order ?? this.results.size + 1,
      action: t.plan.action,
      task: t.index,
    };
    if (status) r.status = status;
    if (t.hook) r.hookType = t.phase;
    const images = imagesOf(obj(t));
    if (images.length) r.images = images;
    const changed = !existing || existing.status !== r.status || existing.hookPhase !== r.hookPhase || existing.message !== r.message;
    if (changed) this.progressed = true;
    this.results.set(t.index, r);
    if (changed) this.emit({ type: 'task', result: r, dryRun: this.dryRun || this.inDryRunPass, done: this.doneCount(), total: this.tasks.length });
  }

  private doneCount(): number {
    return this.tasks.filter((t) => completed(t) || t.vanished).length;
  }

  // ------------------------------------------------------------------ terminate, cancel, result

  /** Argo CD's Terminate: completed hooks lose their finalizer, running hooks are stopped and deleted. */
  private async terminate(): Promise<void> {
    const why = this.cancelled ? '' : this.awaitingPruneConfirmation ? ': pruning needs confirmation' : ' due to timeout';
    this.setPhase('Terminating', `operation is terminating${why}`);
    let ok = true;
    // Cleanup must run even though the signal is aborted: hooks left with our finalizer could never be deleted.
    const signalWas = this.opts.signal;
    (this.opts as { signal?: AbortSignal }).signal = undefined;
    try {
      for (const t of this.tasks.filter((x) => x.hook && completed(x))) {
        try {
          await this.removeHookFinalizer(t);
        } catch (e) {
          this.setResult(t, t.syncStatus, 'Error', `Failed to remove hook finalizer: ${this.errText(e)}`);
          ok = false;
        }
      }
      for (const t of this.tasks.filter((x) => x.hook && running(x))) {
        if (!t.live) t.live = await this.target.get(t.ref).catch(() => undefined);
        if (!t.live) {
          this.setResult(t, t.syncStatus, 'Succeeded', 'Terminated');
          continue;
        }
        const [phase, msg] = this.operationPhaseOf(t.live);
        try {
          await this.removeHookFinalizer(t);
        } catch (e) {
          this.setResult(t, t.syncStatus, 'Error', `Failed to remove hook finalizer: ${this.errText(e)}`);
          ok = false;
          continue;
        }
        if (phase === 'Running' || hasPolicy(t, 'HookFailed')) {
          try {
            await this.target.delete(t.ref, this.deleteOptions);
          } catch (e) {
            if (!isNotFound(e)) {
              this.setResult(t, t.syncStatus, 'Failed', `Failed to delete: ${this.errText(e)}`);
              ok = false;
              continue;
            }
          }
        }
        if (phase !== 'Running') this.setResult(t, t.syncStatus, phase, msg);
        else this.setResult(t, t.syncStatus, 'Failed', 'Terminated');
      }
    } finally {
      (this.opts as { signal?: AbortSignal }).signal = signalWas;
    }
    if (ok) this.setPhase('Failed', 'Operation terminated');
    else this.setPhase('Error', 'Operation termination had errors');
  }

  /**
   * Promise.all for calls run in parallel, except that a cancel waits for the calls already under way: the ones that
   * completed are recorded (`record`) before the cancel propagates, so the report says what was really written.
   */
  private async allThenCancel<T>(calls: Promise<T>[], record: (value: T) => void): Promise<T[]> {
    const settled = await Promise.allSettled(calls);
    const cancel = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && this.isCancel(s.reason));
    if (cancel) {
      for (const s of settled) if (s.status === 'fulfilled') record(s.value);
      throw cancel.reason;
    }
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  }

  private checkCancel(): void {
    if (this.opts.signal?.aborted) throw new Cancelled('cancelled');
  }

  /** A cancel, not a failure of the call: our own check, or a wait the signal cut short. */
  private isCancel(e: unknown): boolean {
    return e instanceof Cancelled || !!this.opts.signal?.aborted;
  }

  private emit(e: SyncEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      /* a listener's failure is not the sync's */
    }
  }

  private scrub(text: string): string {
    return this.scrubber.scrub(text);
  }

  private errText(e: unknown): string {
    return this.scrub(isClusterError(e) || e instanceof Error ? e.message : String(e));
  }

  result(): SyncResult {
    const resources = [...this.results.values()].sort((a, b) => a.order - b.order);
    const tasks: (ResourceResult | undefined)[] = this.plan.tasks.map((_, i) => this.results.get(i));
    const key = (t: TaskState) => describeKey({ group: t.plan.group, kind: t.plan.kind, namespace: t.plan.namespace, name: t.plan.name });
    const phase: SyncResult['phase'] = this.phase === 'Succeeded' ? 'Succeeded' : this.phase === 'Error' ? 'Error' : 'Failed';
    const out: SyncResult = {
      phase,
      message: this.phase === 'Running' || this.phase === 'Terminating' ? this.message || 'Operation terminated' : this.message,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date(this.target.clock.now()).toISOString(),
      revision: this.opts.revision ?? '',
      dryRun: this.dryRun,
      retryCount: 0,
      resources,
      tasks,
      report: {
        applied: this.tasks.filter((t) => t.applied).map(key),
        pruned: this.tasks.filter((t) => t.syncStatus === 'Pruned' && !this.dryRun).map(key),
        pending: this.tasks.filter((t) => pending(t) && !t.vanished).map(key),
        hooksDeleted: [...this.hooksDeleted],
      },
      target: this.target.label,
      durationMs: Math.round(performance.now() - this.startWall),
      clockMs: this.target.clock.now() - this.startClock,
    };
    if (this.cancelled) out.cancelled = true;
    if (this.timedOut) out.timedOut = true;
    if ((this.cancelled || this.timedOut || this.awaitingPruneConfirmation) && this.waitingFor) out.waitingFor = this.waitingFor;
    if (this.awaitingPruneConfirmation) out.pruneConfirmationNeeded = [...this.awaitingPruneConfirmation];
    return out;
  }

  // ------------------------------------------------------------------ safety: server-side dry-run

  /**
   * A server-side dry-run of every task (for targets that are not local): nothing is stored. Failures that only say
   * "this namespace / this kind does not exist yet" are expected when the sync itself creates them.
   */
  async serverDryRun(): Promise<{ ok: boolean; failures: string[] }> {
    const createdNamespaces = new Set(this.tasks.filter((t) => t.target && t.plan.group === '' && t.plan.kind === 'Namespace').map((t) => t.plan.name));
    const crdKinds = new Set<string>();
    for (const t of this.tasks) {
      const spec = t.target?.kind === 'CustomResourceDefinition' ? (t.target.spec as { group?: string; names?: { kind?: string } } | undefined) : undefined;
      if (spec?.group && spec.names?.kind) crdKinds.add(`${spec.group}/${spec.names.kind}`);
    }
    const failures: string[] = [];
    for (const t of this.tasks) {
      this.checkCancel();
      const r = t.prune ? await this.pruneObject(t, true, 'server') : await this.applyObject(t, true, 'server');
      if (r.code !== 'SyncFailed') continue;
      const ns = t.target?.metadata?.namespace;
      const expected = (ns && createdNamespaces.has(ns) && /namespaces? "[^"]+" not found/.test(r.message)) || (crdKinds.has(`${t.plan.group}/${t.plan.kind}`) && /no matches for kind|could not find the requested resource/.test(r.message));
      if (!expected) failures.push(`${describeKey({ group: t.plan.group, kind: t.plan.kind, namespace: t.plan.namespace, name: t.plan.name })}: ${r.message}`);
    }
    const ok = failures.length === 0;
    this.emit({ type: 'server-dry-run', ok, message: ok ? 'server-side dry-run passed' : `one or more objects failed to apply (server dry run): ${failures.join('; ')}` });
    return { ok, failures };
  }
}

function merge(a: RunState, b: RunState): RunState {
  if (a === 'failed' || b === 'failed') return 'failed';
  if (a === 'pending' || b === 'pending') return 'pending';
  return 'successful';
}
