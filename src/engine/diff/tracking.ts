/**
 * Argo CD resource tracking (TRK-1..TRK-4): how a live object is tied to an app, whether that tie points at the
 * object itself, and the diff normalisation that makes a change of tracking method invisible.
 */
import { isNamespaced, parseApiVersion } from '../kube/index.ts';
import type { KubeObject } from '../kube/index.ts';
import { isMap, type JsonMap } from './json.ts';

export const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
export const INSTALLATION_ID_ANNOTATION = 'argocd.argoproj.io/installation-id';
export const DEFAULT_INSTANCE_LABEL = 'app.kubernetes.io/instance';

export type TrackingMethod = 'annotation' | 'label' | 'annotation+label';

export interface TrackingSettings {
  method: TrackingMethod;
  labelKey: string;
  installationID?: string;
}

export const DEFAULT_TRACKING: TrackingSettings = { method: 'annotation', labelKey: DEFAULT_INSTANCE_LABEL };

export interface AppInstanceValue {
  appName: string;
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** `<app>:<group>/<Kind>:<namespace>/<name>`; a cluster-scoped object gets the app's destination namespace. */
export function buildTrackingId(appInstanceName: string, obj: KubeObject, destNamespace: string, crdScope?: (g: string, k: string) => boolean | undefined): string {
  const { group } = parseApiVersion(obj.apiVersion ?? '');
  const kind = obj.kind ?? '';
  const namespaced = isNamespaced(group, kind, crdScope);
  const ns = namespaced ? obj.metadata?.namespace || destNamespace : destNamespace;
  return `${appInstanceName}:${group}/${kind}:${ns}/${obj.metadata?.name ?? ''}`;
}

/** Splits at most three parts on `:`; each of the last two must hold exactly one `/`. */
export function parseTrackingId(value: string): AppInstanceValue | undefined {
  const i = value.indexOf(':');
  if (i < 0) return undefined;
  const j = value.indexOf(':', i + 1);
  if (j < 0) return undefined;
  const appName = value.slice(0, i);
  const gk = value.slice(i + 1, j).split('/');
  const nn = value.slice(j + 1).split('/');
  if (gk.length !== 2 || nn.length !== 2) return undefined;
  return { appName, group: gk[0]!, kind: gk[1]!, namespace: nn[0]!, name: nn[1]! };
}

/** The app instance name Argo CD writes: `<appNamespace>_<name>` for apps outside the control-plane namespace. */
export function appInstanceName(appName: string, appNamespace?: string, controlNamespace = 'argocd'): string {
  return appNamespace && appNamespace !== controlNamespace ? `${appNamespace}_${appName}` : appName;
}

function annotations(obj: KubeObject | JsonMap | null | undefined): Record<string, unknown> {
  const md = obj && isMap((obj as JsonMap).metadata) ? ((obj as JsonMap).metadata as JsonMap) : undefined;
  return md && isMap(md.annotations) ? (md.annotations as Record<string, unknown>) : {};
}
function labels(obj: KubeObject | JsonMap | null | undefined): Record<string, unknown> {
  const md = obj && isMap((obj as JsonMap).metadata) ? ((obj as JsonMap).metadata as JsonMap) : undefined;
  return md && isMap(md.labels) ? (md.labels as Record<string, unknown>) : {};
}

/** The app a live object is tracked to under the given method, or undefined (TRK-1). */
export function trackedAppName(obj: KubeObject, settings: TrackingSettings = DEFAULT_TRACKING): string | undefined {
  const ann = annotations(obj);
  if (settings.installationID !== undefined && settings.installationID !== '') {
    if (ann[INSTALLATION_ID_ANNOTATION] !== settings.installationID) return undefined;
  }
  if (settings.method === 'label') {
    const v = labels(obj)[settings.labelKey];
    return typeof v === 'string' && v ? v : undefined;
  }
  const id = ann[TRACKING_ANNOTATION];
  if (typeof id === 'string') {
    const parsed = parseTrackingId(id);
    if (parsed) return parsed.appName;
  }
  return undefined;
}

/**
 * TRK-2: with annotation tracking, the tracking id must name the object itself (group, kind, name, and namespace
 * unless the object has none). Copies made by other controllers carry a foreign id and are left alone.
 */
export function isSelfReferenced(live: KubeObject, target: KubeObject | undefined, appInstance: string, destNamespace: string, settings: TrackingSettings = DEFAULT_TRACKING, crdScope?: (g: string, k: string) => boolean | undefined): boolean {
  if (settings.method === 'label') return true;
  const id = annotations(live)[TRACKING_ANNOTATION];
  if (typeof id !== 'string') return true;
  const expected = target ? parseTrackingId(buildTrackingId(appInstance, target, destNamespace, crdScope)) : undefined;
  const actual = parseTrackingId(id);
  if (!actual) return false;
  const ref = expected ?? actual;
  const { group } = parseApiVersion(live.apiVersion ?? '');
  const ns = live.metadata?.namespace ?? '';
  return ref.group === group && ref.kind === live.kind && ref.name === (live.metadata?.name ?? '') && (ns === '' || ref.namespace === ns) &&
    actual.group === group && actual.kind === live.kind && actual.name === (live.metadata?.name ?? '') && (ns === '' || actual.namespace === ns);
}

/**
 * Stamps tracking on a rendered target as the repo-server does (TRK-1, TRK-5: never on CRDs), so desired objects
 * compare against what a sync would have written.
 */
export function stampTracking(obj: KubeObject, appInstance: string, destNamespace: string, settings: TrackingSettings = DEFAULT_TRACKING, crdScope?: (g: string, k: string) => boolean | undefined): KubeObject {
  if (isCrd(obj)) return obj;
  const out = JSON.parse(JSON.stringify(obj)) as KubeObject;
  out.metadata ??= {};
  if (settings.method !== 'label') {
    out.metadata.annotations = { ...(out.metadata.annotations ?? {}), [TRACKING_ANNOTATION]: buildTrackingId(appInstance, obj, destNamespace, crdScope) };
    if (settings.installationID) out.metadata.annotations[INSTALLATION_ID_ANNOTATION] = settings.installationID;
  }
  if (settings.method !== 'annotation') {
    out.metadata.labels = { ...(out.metadata.labels ?? {}), [settings.labelKey]: truncateLabel(appInstance) };
  }
  return out;
}

export function truncateLabel(v: string): string {
  let s = v.length > 63 ? v.slice(0, 63) : v;
  while (s && !/[A-Za-z0-9]$/.test(s)) s = s.slice(0, -1);
  return s;
}

export function isCrd(obj: KubeObject | JsonMap | null | undefined): boolean {
  if (!obj) return false;
  const { group } = parseApiVersion(String((obj as JsonMap).apiVersion ?? ''));
  return group === 'apiextensions.k8s.io' && (obj as JsonMap).kind === 'CustomResourceDefinition';
}

/**
 * TRK-4, in place on the live copy: with annotation methods, when live carries the instance label, the target's
 * tracking annotation is copied onto live (as the code does, whether or not live had one), and the label is removed
 * from live when the target has none. Label tracking and CRDs are left alone.
 */
export function normalizeTracking(live: JsonMap | null, target: JsonMap | null, settings: TrackingSettings = DEFAULT_TRACKING): void {
  if (!live || !target || settings.method === 'label') return;
  const lmd = isMap(live.metadata) ? (live.metadata as JsonMap) : undefined;
  const llabels = lmd && isMap(lmd.labels) ? (lmd.labels as JsonMap) : undefined;
  const liveLabel = llabels?.[settings.labelKey];
  if (!lmd || !llabels || typeof liveLabel !== 'string' || liveLabel === '') return;
  if (isCrd(live)) return;
  const tann = annotations(target)[TRACKING_ANNOTATION];
  lmd.annotations = { ...(isMap(lmd.annotations) ? (lmd.annotations as JsonMap) : {}), [TRACKING_ANNOTATION]: typeof tann === 'string' ? tann : '' };
  const tl = labels(target)[settings.labelKey];
  if (typeof tl !== 'string' || tl === '') {
    delete llabels[settings.labelKey];
  }
}
