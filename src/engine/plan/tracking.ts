/** Resource tracking (TRK-1..TRK-5): which live objects belong to the app, and the marks Argo CD writes. */
import { argocd, gvkOf, type KubeObject } from '../kube/index.ts';
import type { PlanApp, TrackingMethod, TrackingSettings } from './types.ts';

export interface Tracking {
  method: TrackingMethod;
  labelKey: string;
  installationID: string;
  /** The app's instance name: its name, or `<ns>_<name>` outside the control-plane namespace. */
  instanceName: string;
  destinationNamespace: string;
}

export function trackingFor(app: PlanApp, settings: TrackingSettings = {}): Tracking {
  const control = app.controlPlaneNamespace ?? 'argocd';
  const ns = app.namespace ?? '';
  return {
    method: settings.method ?? 'annotation',
    labelKey: settings.labelKey ?? argocd.DEFAULT_INSTANCE_LABEL,
    installationID: settings.installationID ?? '',
    instanceName: ns === '' || ns === control ? app.name : `${ns}_${app.name}`,
    destinationNamespace: app.destinationNamespace,
  };
}

export interface AppInstanceValue {
  appName: string;
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** TRK-1: `<app>:<group>/<Kind>:<namespace>/<name>`; at most 3 parts on ':', exactly one '/' in each of the last two. */
export function parseTrackingId(value: string): AppInstanceValue | undefined {
  const first = value.indexOf(':');
  if (first < 0) return undefined;
  const second = value.indexOf(':', first + 1);
  if (second < 0) return undefined;
  const gk = value.slice(first + 1, second).split('/');
  const nn = value.slice(second + 1).split('/');
  if (gk.length !== 2 || nn.length !== 2) return undefined;
  return { appName: value.slice(0, first), group: gk[0]!, kind: gk[1]!, namespace: nn[0]!, name: nn[1]! };
}

export function buildTrackingId(v: AppInstanceValue): string {
  return `${v.appName}:${v.group}/${v.kind}:${v.namespace}/${v.name}`;
}

const parsed = new WeakMap<KubeObject, { raw: string | undefined; value: AppInstanceValue | undefined }>();

function annotationValue(obj: KubeObject, t: Tracking): AppInstanceValue | undefined {
  if (t.installationID && argocd.annotation(obj, argocd.ANNOTATION_INSTALLATION_ID) !== t.installationID) return undefined;
  const raw = argocd.annotation(obj, argocd.ANNOTATION_TRACKING_ID);
  // Live objects are read several times per plan; the parse is cached while the annotation stays the same.
  const hit = parsed.get(obj);
  if (hit && hit.raw === raw) return hit.value;
  const value = raw === undefined ? undefined : parseTrackingId(raw);
  parsed.set(obj, { raw, value });
  return value;
}

/** The app a live object is tracked to ('' when none), as the controller's cache reads it. */
export function trackedAppName(obj: KubeObject, t: Tracking): string {
  if (t.method === 'label') {
    const v = obj.metadata?.labels?.[t.labelKey];
    return typeof v === 'string' ? v : '';
  }
  return annotationValue(obj, t)?.appName ?? '';
}

/** TRK-2: whether a live object's tracking id refers to the object itself (copies are not the app's). */
export function isSelfReferenced(live: KubeObject | undefined, target: KubeObject | undefined, t: Tracking): boolean {
  if (!live) return true;
  if (t.method === 'label') return true;
  let aiv: AppInstanceValue | undefined;
  if (target) {
    const gvk = gvkOf(target);
    aiv = { appName: t.instanceName, group: gvk.group, kind: gvk.kind, namespace: target.metadata?.namespace || t.destinationNamespace, name: target.metadata?.name ?? '' };
  } else {
    aiv = annotationValue(live, t);
    if (!aiv) return true;
  }
  const gvk = gvkOf(live);
  const ns = live.metadata?.namespace ?? '';
  return (ns === aiv.namespace || ns === '') && live.metadata?.name === aiv.name && gvk.group === aiv.group && gvk.kind === aiv.kind;
}

/** Label values are cut to 63 characters and trimmed until they end in an alphanumeric (TRK-1). */
function truncateLabel(v: string): string {
  let out = v.length <= 63 ? v : v.slice(0, 63);
  while (out.length > 1 && !/[a-zA-Z0-9]$/.test(out)) out = out.slice(0, -1);
  return out;
}

/**
 * Stamps tracking on a rendered object as the repo-server does (a copy; CRDs are left alone, TRK-5). For a
 * cluster-scoped object the tracking id carries the destination namespace.
 */
export function stampTracking(obj: KubeObject, t: Tracking, inPlace = false): KubeObject {
  if (isCrd(obj)) return obj;
  const out: KubeObject = inPlace ? obj : { ...obj, metadata: { ...obj.metadata } };
  const gvk = gvkOf(obj);
  if (t.method === 'label' || t.method === 'annotation+label') {
    out.metadata.labels = { ...(obj.metadata.labels ?? {}), [t.labelKey]: t.method === 'label' ? t.instanceName : truncateLabel(t.instanceName) };
  }
  if (t.method === 'annotation' || t.method === 'annotation+label') {
    const ann = { ...(obj.metadata.annotations ?? {}) };
    ann[argocd.ANNOTATION_TRACKING_ID] = buildTrackingId({
      appName: t.instanceName,
      group: gvk.group,
      kind: gvk.kind,
      namespace: obj.metadata.namespace || t.destinationNamespace,
      name: obj.metadata.name ?? '',
    });
    if (t.installationID) ann[argocd.ANNOTATION_INSTALLATION_ID] = t.installationID;
    else delete ann[argocd.ANNOTATION_INSTALLATION_ID];
    out.metadata.annotations = ann;
  }
  return out;
}

export function isCrd(obj: KubeObject | undefined): boolean {
  return !!obj && obj.kind === 'CustomResourceDefinition' && gvkOf(obj).group === 'apiextensions.k8s.io';
}
