/**
 * The live diff: an app's desired objects against what a cluster holds, paired by Argo CD's tracking and
 * compared with its normalisation. Live objects come from a `LiveSource`, so the sandbox, a kube context and later
 * the shared cluster interface plug in the same way.
 */
import { keyString, parseApiVersion, type KubeObject, type ObjectKey } from '../kube/index.ts';
import { diffResource, diffResourceServerSide } from './compare.ts';
import { serverSideApplyOffline } from './ssa.ts';
import { normalizeSecret } from './secret.ts';
import type { JsonMap } from './json.ts';
import { appStatus, isHook, reconcile, resourceStatus, type CrdScope, type SyncStatus } from './reconcile.ts';
import { defaultSystemSettings, hasOption, type IgnoreRule, type SystemSettings } from './settings.ts';
import { appInstanceName, stampTracking } from './tracking.ts';
import { isNamespaced } from '../kube/index.ts';
import type { AppDiff, ObjectChange } from './types.ts';

export interface GroupKind {
  group: string;
  kind: string;
}

/** Where live objects come from. Implementations must not change anything on the cluster. */
export interface LiveSource {
  /** Shown to the user: "sandbox state.json", "context kind-dev". */
  readonly label: string;
  /**
   * Every object of these kinds (in these namespaces when given; cluster-scoped kinds ignore namespaces). The
   * caller filters by tracking; a source may return more than asked.
   */
  list(kinds: GroupKind[], namespaces?: string[]): Promise<KubeObject[]>;
  /**
   * The server's answer to a server-side-apply dry-run of `obj` by `manager` with force (DIF-4): nothing is written.
   * Sources without a server leave it out; the diff then asks the sandbox's apply on a scratch copy of live.
   */
  serverSideDryRun?(obj: KubeObject, manager: string): Promise<KubeObject>;
}

/** A fixed set of objects (tests, a saved cluster dump). */
export function staticLiveSource(objects: KubeObject[], label = 'objects'): LiveSource {
  return {
    label,
    async list(kinds) {
      const want = new Set(kinds.map((k) => `${k.group}/${k.kind}`));
      return objects.filter((o) => want.has(`${parseApiVersion(o.apiVersion ?? '').group}/${o.kind}`));
    },
  };
}

/** Kinds a removed object is likely to have: listed besides the target kinds so that prune candidates are found. */
export const COMMON_KINDS: GroupKind[] = [
  ['', 'ConfigMap'], ['', 'Secret'], ['', 'Service'], ['', 'ServiceAccount'], ['', 'PersistentVolumeClaim'],
  ['apps', 'Deployment'], ['apps', 'StatefulSet'], ['apps', 'DaemonSet'], ['batch', 'Job'], ['batch', 'CronJob'],
  ['networking.k8s.io', 'Ingress'], ['networking.k8s.io', 'NetworkPolicy'], ['policy', 'PodDisruptionBudget'],
  ['autoscaling', 'HorizontalPodAutoscaler'], ['rbac.authorization.k8s.io', 'Role'], ['rbac.authorization.k8s.io', 'RoleBinding'],
  ['rbac.authorization.k8s.io', 'ClusterRole'], ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
].map(([group, kind]) => ({ group: group!, kind: kind! }));

export interface LiveApp {
  name: string;
  /** Namespace of the Application object (apps outside the control-plane namespace are `ns_name` in tracking). */
  appNamespace?: string;
  destNamespace: string;
  ignoreDifferences?: IgnoreRule[];
  syncOptions?: string[];
  /**
   * A Flux Kustomization instead of an Argo CD Application: live objects are its own by the owner labels
   * `kustomize.toolkit.fluxcd.io/name` and `/namespace` (FLX-7), never by Argo CD tracking; objects it would
   * garbage-collect are listed only when `spec.prune` is on and the object does not opt out (FLX-8).
   */
  flux?: { name: string; namespace: string; prune: boolean };
  /** The Application's `argocd.argoproj.io/compare-options` annotation (ServerSideDiff, IncludeMutationWebhook). */
  compareOptions?: string;
}

export interface LiveDiffOptions {
  system?: SystemSettings;
  crdScope?: CrdScope;
  /** Namespace of the Argo CD control plane (default `argocd`). */
  controlNamespace?: string;
  jqTimeoutMs?: number;
  /** The controller runs with `--server-side-diff-enabled` (argocd-cmd-params-cm `controller.diff.server.side`). */
  serverSideDiff?: boolean;
}

/** DIF-4: on when the app's compare-options say ServerSideDiff=true, or the controller default says so and the app does not turn it off. */
export function serverSideDiffMode(app: LiveApp, controllerDefault = false): { enabled: boolean; includeMutationWebhook: boolean } {
  const opts = (app.compareOptions ?? '').split(',').map((o) => o.trim());
  const enabled = opts.includes('ServerSideDiff=true') ? true : opts.includes('ServerSideDiff=false') ? false : controllerDefault;
  return { enabled: enabled && !app.flux, includeMutationWebhook: opts.includes('IncludeMutationWebhook=true') };
}

function label(k: ObjectKey): string {
  const kind = k.group ? `${k.kind}.${k.group}` : k.kind;
  return [kind, k.namespace, k.name].filter(Boolean).join('/');
}

export const FLUX_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
export const FLUX_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';
const FLUX_PREFIX = 'kustomize.toolkit.fluxcd.io/';

/** Flux's per-object opt-outs (FLX-7, FLX-8), read from labels or annotations, values compared case-insensitively. */
function fluxOptOut(obj: KubeObject, key: string, value: string): boolean {
  const m = obj.metadata ?? {};
  return [m.labels?.[FLUX_PREFIX + key], m.annotations?.[FLUX_PREFIX + key]].some((v) => typeof v === 'string' && v.toLowerCase() === value.toLowerCase());
}

/** The owner labels kustomize-controller sets on everything it applies (FLX-7). */
function withFluxLabels(obj: KubeObject, flux: { name: string; namespace: string }): KubeObject {
  const s = structuredClone(obj);
  s.metadata = { ...s.metadata, labels: { ...(s.metadata?.labels ?? {}), [FLUX_NAME_LABEL]: flux.name, [FLUX_NAMESPACE_LABEL]: flux.namespace } };
  return s;
}

function ownedByFlux(flux: { name: string; namespace: string; prune: boolean }): (live: KubeObject) => boolean {
  return (l) => {
    const labels = l.metadata?.labels ?? {};
    if (labels[FLUX_NAME_LABEL] !== flux.name || labels[FLUX_NAMESPACE_LABEL] !== flux.namespace) return false;
    // Garbage collection leaves these alone, so they are not shown as pruned.
    if (!flux.prune) return false;
    return !fluxOptOut(l, 'prune', 'disabled') && !fluxOptOut(l, 'reconcile', 'disabled') && !fluxOptOut(l, 'ssa', 'Ignore');
  };
}

/** A hook as Argo CD's CLI sees one: the hook annotation with any value but Skip, or a Helm hook. */
function runsAsHook(obj: KubeObject | null): boolean {
  const hook = obj?.metadata?.annotations?.['argocd.argoproj.io/hook'];
  return hook !== undefined ? hook !== 'Skip' : isHook(obj);
}

/** Diffs one app's desired objects (as rendered) against live objects. */
export async function diffAppLive(app: LiveApp, targets: KubeObject[], source: LiveSource, opts: LiveDiffOptions = {}): Promise<AppDiff> {
  const system = opts.system ?? defaultSystemSettings();
  const instance = appInstanceName(app.name, app.appNamespace, opts.controlNamespace ?? 'argocd');
  const flux = app.flux;
  // The repo-server stamps tracking (Flux: its owner labels), and the controller defaults the namespace of
  // namespaced targets.
  const desired = targets.map((t) => {
    const s = flux ? withFluxLabels(t, flux) : stampTracking(t, instance, app.destNamespace, system.tracking, opts.crdScope);
    const g = parseApiVersion(s.apiVersion ?? '').group;
    if (!s.metadata?.namespace && isNamespaced(g, s.kind, opts.crdScope) && app.destNamespace) s.metadata = { ...s.metadata, namespace: app.destNamespace };
    return s;
  });
  const kinds = new Map<string, GroupKind>();
  for (const k of [...COMMON_KINDS, ...desired.map((t) => ({ group: parseApiVersion(t.apiVersion ?? '').group, kind: t.kind }))]) kinds.set(`${k.group}/${k.kind}`, k);
  const namespaces = [...new Set([app.destNamespace, ...desired.map((t) => t.metadata?.namespace ?? '')].filter(Boolean))];
  const live = await source.list([...kinds.values()], namespaces);
  const pairs = reconcile({
    targets: desired,
    live,
    appInstance: instance,
    destNamespace: app.destNamespace,
    tracking: system.tracking,
    crdScope: opts.crdScope,
    owns: flux ? ownedByFlux(flux) : undefined,
  });
  // Flux applies everything server-side as kustomize-controller (FLX-7).
  const ssa = flux !== undefined || hasOption(app.syncOptions, 'ServerSideApply=true');
  const objects: ObjectChange[] = [];
  const statuses: { pair: (typeof pairs)[number]; status: SyncStatus | undefined }[] = [];
  const warnings: string[] = [...system.warnings];
  const ssd = serverSideDiffMode(app, opts.serverSideDiff);
  for (const pair of pairs) {
    const diffOpts = {
      ignoreDifferences: app.ignoreDifferences,
      system,
      serverSideApply: ssa,
      fieldManager: flux ? 'kustomize-controller' : undefined,
      jqTimeoutMs: opts.jqTimeoutMs,
      label: label(pair.key),
    };
    let response: JsonMap | undefined;
    if (ssd.enabled && pair.target && pair.live) {
      // DIF-4: creates and deletes need no API call; an update is asked of the server (dry-run) or the sandbox.
      // The target is pre-normalised before the dry-run (DIF-1 step 4 without ignore rules): a Secret's stringData
      // is sent as data.
      const body = structuredClone(pair.target) as unknown as JsonMap;
      normalizeSecret(body);
      try {
        response = source.serverSideDryRun
          ? ((await source.serverSideDryRun(body as unknown as KubeObject, 'argocd-controller')) as unknown as JsonMap)
          : serverSideApplyOffline(body, pair.live as JsonMap, 'argocd-controller')?.response;
        if (!response) warnings.push(`${label(pair.key)}: no server-side dry-run possible offline for this kind; compared client-side`);
      } catch (e) {
        // A rejected apply's message may quote the object; for a Secret it is left out.
        const why = pair.key.kind === 'Secret' && pair.key.group === '' ? '' : `: ${(e as Error).message.split('\n')[0]}`;
        warnings.push(`${label(pair.key)}: the server-side apply dry-run failed${why}; compared client-side`);
      }
    }
    const d = response
      ? diffResourceServerSide(pair.target as JsonMap, pair.live as JsonMap, response, { ...diffOpts, includeMutationWebhook: ssd.includeMutationWebhook })
      : diffResource(pair.target as JsonMap | null, pair.live as JsonMap | null, diffOpts);
    for (const w of d.warnings) warnings.push(`${label(pair.key)}: ${w}`);
    const status = resourceStatus(pair, d.modified);
    statuses.push({ pair, status });
    // DIF-10: hooks have no sync status, and `argocd app diff` leaves them out: a hook deleted by its policy, or
    // re-created on every sync, is not a difference.
    if (pair.hook && (runsAsHook(pair.target) || runsAsHook(pair.live))) continue;
    if (!pair.target && !pair.requiresPruning) continue; // tracked elsewhere, a hook, or a foreign copy
    const change = !pair.live ? 'added' : !pair.target ? 'prune' : d.modified ? 'changed' : 'unchanged';
    objects.push({ ...pair.key, change, fields: change === 'unchanged' ? [] : d.fields, diff: change === 'unchanged' ? '' : d.diff, status, mode: d.mode });
  }
  return { name: app.name, objects, status: appStatus(statuses), warnings: [...new Set(warnings)] };
}

export { keyString };
