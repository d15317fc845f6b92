/**
 * Reading what a target holds for a plan: every listable kind (the way Argo CD's cluster cache sees the cluster),
 * so that tracked objects of any kind become prune candidates, objects at desired keys are adopted, and Namespaces
 * and CRDs are known. Events, leases and review kinds are never listed (Argo CD excludes them too).
 */
import type { KubeObject } from '../kube/index.ts';
import { isSelfReferenced, trackedAppName, trackingFor, type PlanApp, type TrackingSettings } from '../plan/index.ts';
import { isListedForTracking } from './kube-target.ts';
import type { ClusterTarget } from './types.ts';

export async function listLiveObjects(target: ClusterTarget, opts: { labelSelector?: string } = {}): Promise<KubeObject[]> {
  const disc = await target.discover();
  const kinds = disc.resources.filter(isListedForTracking).map((r) => ({ group: r.group, kind: r.kind }));
  return target.list(kinds, undefined, opts);
}

/** Scope answers for the plan (ORD-7, TRK-3) from discovery. */
export async function scopeFromDiscovery(target: ClusterTarget): Promise<{ isNamespaced: (g: string, k: string) => boolean | undefined; isServedKind: (g: string, k: string) => boolean }> {
  const disc = await target.discover();
  return {
    isNamespaced: (g, k) => disc.lookup(g, k)?.namespaced,
    isServedKind: (g, k) => disc.lookup(g, k) !== undefined,
  };
}

/**
 * The objects tracked to an app (TRK-1): with label tracking a label selector on the instance label (the API server
 * filters), otherwise every listable object whose tracking annotation names the app's instance and the object itself
 * (TRK-2: a ReplicaSet carries its Deployment's annotation, but it is not the app's).
 */
export async function listTrackedObjects(target: ClusterTarget, app: PlanApp, settings: TrackingSettings = {}): Promise<KubeObject[]> {
  const tracking = trackingFor(app, settings);
  if (tracking.method === 'label') return listLiveObjects(target, { labelSelector: `${tracking.labelKey}=${tracking.instanceName}` });
  return (await listLiveObjects(target)).filter((o) => trackedAppName(o, tracking) === tracking.instanceName && isSelfReferenced(o, undefined, tracking));
}
