import type { DiffMode } from './compare.ts';
import type { SyncStatus } from './reconcile.ts';

/** What happened to one object. `prune`: live only, tracked to the app, a sync with prune would delete it. */
export type ChangeKind = 'added' | 'removed' | 'changed' | 'renamed' | 'prune' | 'unchanged';

export interface ObjectChange {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  change: ChangeKind;
  /** JSON pointers of the changed fields ("" for a whole object added or removed). */
  fields: string[];
  /** Unified YAML diff, Secret values masked. */
  diff: string;
  /** For `renamed`: the name before (a generated ConfigMap/Secret whose hash suffix changed). */
  previousName?: string;
  /** Live diff only: the resource's sync status (DIF-10); absent for hooks and objects not self-referenced. */
  status?: SyncStatus;
  /** Live diff only: how the comparison was made. */
  mode?: DiffMode;
}

export interface AppDiff {
  name: string;
  /** The overlay or app path the desired state was rendered from. */
  path?: string;
  objects: ObjectChange[];
  /** Live diff only: the app's sync status. */
  status?: SyncStatus;
  warnings: string[];
}

export function hasChanges(app: AppDiff): boolean {
  return app.objects.some((o) => o.change !== 'unchanged');
}
