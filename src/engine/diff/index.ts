/**
 * Diffs as Argo CD computes them, offline: a render against another git revision, desired objects against a live
 * cluster (normalised per DIF-1..DIF-10, paired by resource tracking TRK-1..TRK-4), with Secret values masked
 * (DIF-9) before anything leaves this folder.
 */
export { diffResource, diffResourceServerSide, isModified, isModifiedServerSide, type DiffOptions, type ServerSideDiffOptions, type DiffMode, type ResourceDiff } from './compare.ts';
export { diffRenders, type RevisionDiffOptions } from './revision.ts';
export { diffAppLive, serverSideDiffMode, staticLiveSource, COMMON_KINDS, FLUX_NAME_LABEL, FLUX_NAMESPACE_LABEL, type LiveSource, type LiveApp, type LiveDiffOptions, type GroupKind } from './live.ts';
export { reconcile, resourceStatus, appStatus, targetKey, isHook, type Pair, type SyncStatus, type CrdScope, type ReconcileInput } from './reconcile.ts';
export {
  parseArgocdCm,
  defaultSystemSettings,
  findArgocdCm,
  ignoreRulesOf,
  syncOptionsOf,
  hasOption,
  type SystemSettings,
  type IgnoreRule,
  type OverrideIgnore,
  type KnownTypeField,
  type StatusIgnore,
} from './settings.ts';
export {
  buildTrackingId,
  parseTrackingId,
  appInstanceName,
  trackedAppName,
  isSelfReferenced,
  stampTracking,
  normalizeTracking,
  TRACKING_ANNOTATION,
  DEFAULT_TRACKING,
  type TrackingSettings,
  type TrackingMethod,
  type AppInstanceValue,
} from './tracking.ts';
export { maskSecretPair, maskSecret, normalizeSecret, isSecret, MASK } from './secret.ts';
export { respectIgnoreDifferences } from './respect.ts';
export { parseQuantity, formatQuantity, canonicalQuantity } from './quantity.ts';
export { globMatch } from './glob.ts';
export { unifiedDiff, toYaml } from './text.ts';
export { changedPaths } from './paths.ts';
export { stopJq } from './jq.ts';
export { hasChanges, type AppDiff, type ObjectChange, type ChangeKind } from './types.ts';
export { diffJson, diffText, diffMarkdown, MARKDOWN_LIMIT } from './report.ts';
export { renderFolder, folderRenderer, readDirectorySource, isKustomization, type FolderRenderer, type KustomizeFolderRenderer } from './targets.ts';
export { diffFolderRevisions, type FolderRevisionInput } from './folder.ts';
export { kubeContextLiveSource } from './kube-source.ts';
export { sandboxLiveSource, sandboxStateLiveSource } from './sandbox-source.ts';
export { diffAppsRevisions, diffAppsLive, type AppsDiffResult, type AppsRevisionInput, type AppsLiveInput } from './apps-diff.ts';
export { cachedRenderer } from './render-cache.ts';
