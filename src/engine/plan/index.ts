/**
 * The sync preview (ORD-, HOOK-, OPT-, TRK- rules): the ordered task list Argo CD would run for an Application,
 * with phases, waves, hooks and their delete policies, prune, health gating and the warnings a reviewer needs, plus
 * the app's sync status and health against the live state. The sync executor runs `Plan.tasks` as they are.
 */
export { planSync } from './plan.ts';
export type {
  Plan,
  PlanApp,
  PlanInput,
  PlanTask,
  PlanAction,
  PlanHook,
  PlanWave,
  PlanWarning,
  PlanResource,
  TrackingMethod,
  TrackingSettings,
  WaveReason,
} from './types.ts';
export { KIND_ORDER, kindRank } from './kind-order.ts';
export { generatedHookName } from './tasks.ts';
export { parseTrackingId, buildTrackingId, stampTracking, trackedAppName, trackingFor, isSelfReferenced, type Tracking, type AppInstanceValue } from './tracking.ts';
export { isModified } from './modified.ts';
export { appOptions, type AppOptions } from './options.ts';
export { planToJson, type PlanJson } from './json.ts';
export { planSyncWithDiff, type PlanDiffOptions } from './with-diff.ts';
