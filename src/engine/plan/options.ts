/** Sync options (section 6): the app's list and per-resource annotations, as the sync context reads them. */
import { argocd, type KubeObject } from '../kube/index.ts';

export interface AppOptions {
  list: string[];
  has(option: string): boolean;
  value(key: string): string | undefined;
  createNamespace: boolean;
  serverSideApply: boolean;
  replace: boolean;
  pruneLast: boolean;
  applyOutOfSyncOnly: boolean;
  failOnSharedResource: boolean;
  validate: boolean;
  skipDryRunOnMissingResource: boolean;
  prunePropagationPolicy: 'foreground' | 'background' | 'orphan';
  /** The app-level Prune default (since v3.4.0): 'false', 'confirm' or undefined. */
  defaultPrune?: string;
}

export function appOptions(syncOptions: string[] | undefined): AppOptions {
  const list = [...(syncOptions ?? [])];
  const has = (o: string) => list.includes(o);
  const value = (key: string) => {
    const prefix = `${key}=`;
    for (const o of list) if (o.startsWith(prefix)) return o.slice(prefix.length);
    return undefined;
  };
  // controller/sync.go checks background, then foreground, then orphan; foreground is the default.
  let prunePropagationPolicy: AppOptions['prunePropagationPolicy'] = 'foreground';
  if (has('PrunePropagationPolicy=background')) prunePropagationPolicy = 'background';
  else if (has('PrunePropagationPolicy=foreground')) prunePropagationPolicy = 'foreground';
  else if (has('PrunePropagationPolicy=orphan')) prunePropagationPolicy = 'orphan';
  return {
    list,
    has,
    value,
    createNamespace: has('CreateNamespace=true'),
    serverSideApply: has('ServerSideApply=true'),
    replace: has('Replace=true'),
    pruneLast: has('PruneLast=true'),
    applyOutOfSyncOnly: has('ApplyOutOfSyncOnly=true'),
    failOnSharedResource: has('FailOnSharedResource=true'),
    validate: !has('Validate=false'),
    skipDryRunOnMissingResource: has('SkipDryRunOnMissingResource=true'),
    prunePropagationPolicy,
    defaultPrune: value('Prune'),
  };
}

/** The app-level options a reader should see as "in force", defaults included. */
export function optionsInForce(o: AppOptions): string[] {
  const known = [
    'CreateNamespace=true',
    'ServerSideApply=true',
    'Replace=true',
    'PruneLast=true',
    'ApplyOutOfSyncOnly=true',
    'FailOnSharedResource=true',
    'Validate=false',
    'SkipDryRunOnMissingResource=true',
    'RespectIgnoreDifferences=true',
    'ClientSideApplyMigration=false',
  ];
  const out = known.filter((k) => o.has(k));
  out.push(`PrunePropagationPolicy=${o.prunePropagationPolicy}`);
  if (o.defaultPrune !== undefined) out.push(`Prune=${o.defaultPrune}`);
  const del = o.value('Delete');
  if (del !== undefined) out.push(`Delete=${del}`);
  return out;
}

/** The Prune option of a live object, or the app default (OPT-12). */
export function pruneOption(live: KubeObject | undefined, o: AppOptions): string | undefined {
  return argocd.syncOptionValue(live, 'Prune') ?? o.defaultPrune;
}
