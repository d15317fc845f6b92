/** The sync operation's vocabulary, shaped like Argo CD's operation state (gitops-engine `common` types). */
import type { HealthChecker } from '../health/index.ts';
import type { PlanAction, PlanTask } from '../plan/index.ts';
import type { SyncPhase } from '../kube/index.ts';

/** Argo CD's OperationPhase. Terminating is transient (cancel, timeout); a finished sync is one of the last three. */
export type OperationPhase = 'Running' | 'Terminating' | 'Succeeded' | 'Failed' | 'Error';

/** Argo CD's ResultCode for one resource. */
export type ResultCode = 'Synced' | 'SyncFailed' | 'Pruned' | 'PruneSkipped';

/** One task's result (Argo CD's ResourceSyncResult), plus where it sits in the plan. */
export interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
  status?: ResultCode;
  message: string;
  /** The hook type for hooks (the phase it runs in). */
  hookType?: SyncPhase;
  /** The task's operation state: Running while waiting for health or completion, then Succeeded/Failed/Error. */
  hookPhase: OperationPhase | '';
  syncPhase: SyncPhase;
  wave: number;
  /** Container images of the object (workloads). */
  images?: string[];
  /** 1-based order in which results first appeared (Argo CD sorts results by it). */
  order: number;
  /** The plan's action for this task. */
  action: PlanAction;
  /** Index of the task in the plan. */
  task: number;
}

export interface RetryStrategy {
  /** Retries after the first attempt; < 0 unlimited, 0 none (AUTO-6). */
  limit: number;
  backoff?: {
    /** Default 5s; a number is seconds; strings like "10s", "1m", "2m30s". */
    duration?: string | number;
    /** Default 2. */
    factor?: number;
    /** Default 3m; 0 means no cap. */
    maxDuration?: string | number;
  };
}

/** What the sync reports as it goes (the CLI's lines and progress bar, the editor's notification). */
export type SyncEvent =
  | { type: 'started'; target: string; tasks: number; waves: number; dryRun: boolean; attempt: number }
  | { type: 'server-dry-run'; ok: boolean; message: string }
  | { type: 'wave'; phase: SyncPhase; wave: number; final: boolean; tasks: number; dryRun: boolean }
  | { type: 'task'; result: ResourceResult; dryRun: boolean; done: number; total: number }
  | { type: 'operation'; phase: OperationPhase; message: string }
  | { type: 'hook-deleted'; key: string }
  | { type: 'retry'; attempt: number; at: string; message: string }
  | { type: 'waiting'; message: string };

export interface ExecuteOptions {
  /** Judges health (HLT-), with any argocd-cm Lua checks; default the built-in checks. */
  health?: HealthChecker;
  /** Argo CD's dry-run operation: nothing is written, every task is checked (client-side). */
  dryRun?: boolean;
  /** A server-side dry-run of every task before anything is written (always on for non-local targets). */
  serverDryRunFirst?: boolean;
  /** The app annotation argocd.argoproj.io/deletion-approved is set (OPT-12): Prune=confirm objects may go. */
  pruneConfirmed?: boolean;
  /** Asked once when a wave waits for pruning confirmation; true approves (the editor's modal). */
  approvePrune?: (resources: string[]) => Promise<boolean>;
  /** The destination namespace (for the CreateNamespace task that runs before the dry-run, ORD-14). */
  destinationNamespace?: string;
  /** ClientSideApplyMigration (OPT-6); default true. */
  clientSideApplyMigration?: boolean;
  /** The field manager of server-side apply; default argocd-controller. */
  fieldManager?: string;
  /** ORD-13: pause after each non-final wave; default ARGOCD_SYNC_WAVE_DELAY seconds or 2 s. */
  waveDelayMs?: number;
  /** Give up waiting after this long on the target's clock (then the operation is terminated); default 10 min. */
  timeoutMs?: number;
  /** How long one wait lasts at most before the state is checked again (default 1 s). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  onEvent?: (e: SyncEvent) => void;
  /** When the operation started (generated hook names); default the target's clock. */
  startedAt?: Date;
  /** The sync revision, reported in the result. */
  revision?: string;
  /** Which attempt this is (retries, AUTO-6). */
  attempt?: number;
}

export interface SyncReport {
  /** Objects written (created, configured, unchanged, replaced), as `Kind.group/ns/name`. */
  applied: string[];
  pruned: string[];
  /** Tasks that never ran (a later wave, a blocked sync, a cancel). */
  pending: string[];
  /** Hooks deleted per their delete policy. */
  hooksDeleted: string[];
}

/** The end state of a sync, shaped like Argo CD's operationState.syncResult. */
export interface SyncResult {
  phase: 'Succeeded' | 'Failed' | 'Error';
  message: string;
  startedAt: string;
  finishedAt: string;
  revision: string;
  dryRun: boolean;
  retryCount: number;
  /** Results in the order they appeared (Argo CD's list). */
  resources: ResourceResult[];
  /** The result of each plan task by index (undefined for tasks that never ran). */
  tasks: (ResourceResult | undefined)[];
  report: SyncReport;
  /** Ctrl-C or the editor's cancel stopped it. */
  cancelled?: boolean;
  /** It was terminated after waiting too long (or for something that could never happen on the sandbox). */
  timedOut?: boolean;
  /** What the operation was waiting for when it stopped (health, deletion, pruning confirmation). */
  waitingFor?: string;
  /** Prune=confirm objects nobody approved (OPT-12): the sync stopped before their wave. */
  pruneConfirmationNeeded?: string[];
  target: string;
  /** Time spent: wall-clock ms, and on the target's clock (virtual for the sandbox). */
  durationMs: number;
  clockMs: number;
}

export type { PlanTask };
