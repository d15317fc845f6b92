/** The sync plan's vocabulary: what goes in (desired and live objects, the Application's policy) and what comes out. */
import type { HealthChecker, HealthStatus, AppHealth } from '../health/index.ts';
import type { HookDeletePolicy, HookType, KubeObject, ObjectKey, SyncPhase } from '../kube/index.ts';

export type TrackingMethod = 'annotation' | 'label' | 'annotation+label';

/** What the plan needs to know about the Application (spec.destination, spec.syncPolicy). */
export interface PlanApp {
  name: string;
  /** Where the Application object lives; apps outside `controlPlaneNamespace` are tracked as `<ns>_<name>` (TRK-1). */
  namespace?: string;
  /** Argo CD's own namespace; default `argocd`. */
  controlPlaneNamespace?: string;
  /** spec.destination.namespace ('' when unset). */
  destinationNamespace: string;
  /** spec.syncPolicy.syncOptions. */
  syncOptions?: string[];
  /** spec.syncPolicy.automated; undefined for a manual app. */
  automated?: { prune?: boolean; selfHeal?: boolean; allowEmpty?: boolean; enabled?: boolean };
  /** The Application's `argocd.argoproj.io/compare-options` annotation (ServerSideDiff, DIF-4). */
  compareOptions?: string;
  /** spec.syncPolicy.managedNamespaceMetadata (OPT-1). */
  managedNamespaceMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface TrackingSettings {
  /** argocd-cm application.resourceTrackingMethod; default annotation (TRK-1). */
  method?: TrackingMethod;
  /** argocd-cm application.instanceLabelKey; default app.kubernetes.io/instance. */
  labelKey?: string;
  /** argocd-cm installationID. */
  installationID?: string;
}

export interface PlanInput {
  app: PlanApp;
  /** The rendered manifests, in render order. */
  desired: KubeObject[];
  /**
   * Objects in the cluster, or undefined when there is no cluster to compare with (then everything is created).
   * Pass everything that may matter: the app's tracked objects, objects at the desired keys, Namespaces, CRDs.
   */
  live?: KubeObject[];
  /** Scope of kinds the built-in table and the CRDs (desired and live) do not answer; undefined means unknown. */
  isNamespaced?: (group: string, kind: string) => boolean | undefined;
  /**
   * Whether the cluster serves a kind (discovery). Default: built-in kinds, and kinds with a CRD among the live
   * objects. Only consulted when `live` is given.
   */
  isServedKind?: (group: string, kind: string) => boolean;
  tracking?: TrackingSettings;
  /** Judges live health; default built-in checks only. */
  health?: HealthChecker;
  /** The sync revision (a commit id), for generateName hook names (HOOK-7). */
  revision?: string;
  /** When the operation starts, for generateName hook names; default now. */
  startedAt?: Date;
  /** The operation's prune flag; default `automated.prune` (false for a manual sync). */
  prune?: boolean;
  /** The app annotation `argocd.argoproj.io/deletion-approved` is at or after the start (OPT-12). */
  pruneConfirmed?: boolean;
  /** A self-heal operation (AUTO-5): only non-Synced resources, no hooks. */
  selfHeal?: boolean;
  /** A selective sync of these resources (no hooks, ORD-14). */
  resources?: ObjectKey[];
  /** The "apply" strategy instead of "hook" (no hooks, ORD-14). */
  applyStrategy?: boolean;
  /** Whether a live object differs from its desired state; default the engine's normalised comparison. */
  isModified?: (target: KubeObject, live: KubeObject) => boolean;
}

/**
 * What happens to a task's object:
 * - create / update / unchanged: applied (unchanged objects are applied too, as a no-op);
 * - skip: unchanged and left out under ApplyOutOfSyncOnly (OPT-3);
 * - prune: deleted; prune-skipped: a prune candidate left alone (Prune=false, or the sync's prune flag is off);
 * - needs-confirmation: Prune=confirm; the wave waits for `deletion-approved` (OPT-12);
 * - hook: a hook created; hook-recreate: an earlier copy with the same name is deleted first (BeforeHookCreation).
 */
export type PlanAction = 'create' | 'update' | 'unchanged' | 'skip' | 'prune' | 'prune-skipped' | 'needs-confirmation' | 'hook' | 'hook-recreate';

/** Why a task runs in another wave than its object declares. */
export type WaveReason = 'namespace-first-use' | 'crd-first-use' | 'prune-reversed' | 'prune-last';

export interface PlanHook {
  types: HookType[];
  deletePolicies: HookDeletePolicy[];
  /** When the hook object is deleted, in words (HOOK-5). */
  deleteWhen: string;
  /** The name came from generateName (HOOK-7). */
  generatedName: boolean;
  /** A live copy with this name exists now. */
  liveExists: boolean;
}

export interface PlanTask {
  phase: SyncPhase;
  /** The wave the task runs in, after dependency bubbling, mirrored prune waves and PruneLast. */
  wave: number;
  /** The wave the object declares (ORD-3). */
  declaredWave: number;
  waveReason?: WaveReason;
  kindRank: number;
  group: string;
  version: string;
  kind: string;
  /** The object's namespace ('' for cluster-scoped objects). */
  namespace: string;
  name: string;
  action: PlanAction;
  /** More about the action, in Argo CD's words where it has some ("ignored (no prune)"). */
  actionDetail?: string;
  hook?: PlanHook;
  /** The sync waits for this task's object to be healthy (or the hook to complete) before the next wave (ORD-12). */
  healthGated: boolean;
  /** Sync options in force for this task (app-level and per-resource), e.g. ServerSideApply=true, Replace=true. */
  options: string[];
  /** How the executor writes it: apply, server-side apply, replace, create, update (PUT), or delete. */
  method: 'apply' | 'server-side-apply' | 'replace' | 'replace-force' | 'create' | 'update' | 'delete' | 'none';
  /** Skip the client-side dry-run (OPT-8). */
  skipDryRun: boolean;
  /** What the executor applies: the target with namespace defaulting, tracking and (hooks) the generated name and finalizer. */
  target?: KubeObject;
  live?: KubeObject;
  /** The live object's health now, when it exists. */
  health?: HealthStatus;
}

export interface PlanWave {
  phase: SyncPhase;
  wave: number;
  /** Indexes into `tasks`. */
  tasks: number[];
  /** The last wave of the sync: its resources are not waited for unless it holds a hook (ORD-12). */
  final: boolean;
  /** The next wave starts only when this wave's gated tasks are healthy / complete. */
  healthGated: boolean;
  /** Pruned objects must be gone (no deletionTimestamp left) before the next wave. */
  waitsForDeletion: boolean;
  /** Argo sleeps ARGOCD_SYNC_WAVE_DELAY (2 s) after this wave (ORD-13). */
  delayAfter: boolean;
}

export interface PlanWarning {
  code: string;
  message: string;
  object?: ObjectKey;
}

/** One entry of the app's resource list: sync status and health (CompareAppState). */
export interface PlanResource {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  /** undefined for hooks, Skip and objects tracked by copy (no status, as in Argo). */
  status?: 'Synced' | 'OutOfSync';
  health?: HealthStatus;
  hook: boolean;
  requiresPruning: boolean;
  syncWave: number;
}

export interface Plan {
  app: string;
  /** App-level sync options in force. */
  options: string[];
  tasks: PlanTask[];
  waves: PlanWave[];
  warnings: PlanWarning[];
  resources: PlanResource[];
  syncStatus: 'Synced' | 'OutOfSync';
  health: AppHealth;
  /** The first and last task differ in phase or wave: every wave but a hook-less last one is health-gated (ORD-12). */
  multiStep: boolean;
  prune: boolean;
  /** The propagation policy for prunes and hook deletions (OPT-9). */
  prunePropagationPolicy: 'foreground' | 'background' | 'orphan';
  skipHooks: boolean;
  /** Finalizers Argo CD adds to the Application for PreDelete/PostDelete hooks (HOOK-9). */
  appFinalizers: string[];
  /** Set when Argo CD would refuse or fail the operation before applying anything. */
  failure?: string;
}
