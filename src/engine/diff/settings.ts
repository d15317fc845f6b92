/**
 * What shapes a diff besides the two objects: the Application's ignoreDifferences and sync options, and the
 * system-level settings of an `argocd-cm` ConfigMap (DIF-5, DIF-7, DIF-8, DIF-9, TRK-1).
 */
import { parse as parseYaml } from 'yaml';
import { isMap, type JsonMap } from './json.ts';
import { DEFAULT_INSTANCE_LABEL, type TrackingMethod, type TrackingSettings } from './tracking.ts';

/** One `spec.ignoreDifferences[]` entry. `group` '' matches only the core group; use `*` for any. */
export interface IgnoreRule {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

/** A system-level override's ignore part (argocd-cm `resource.customizations.ignoreDifferences.*`). */
export interface OverrideIgnore {
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

export interface KnownTypeField {
  field: string;
  type: string;
}

export type StatusIgnore = 'all' | 'crd' | 'none';

export interface SystemSettings {
  /** Keyed `group/Kind`, plain `Kind` for the core group (as argocd-cm writes it), `*\/*` for all. */
  overrides: Map<string, OverrideIgnore>;
  knownTypeFields: Map<string, KnownTypeField[]>;
  ignoreAggregatedRoles: boolean;
  ignoreResourceStatusField: StatusIgnore;
  tracking: TrackingSettings;
  sensitiveAnnotations: Set<string>;
  /** Problems found reading argocd-cm, worded for the user. */
  warnings: string[];
}

/** An unconfigured Argo CD (v3): annotation tracking, status ignored for every kind. */
export function defaultSystemSettings(): SystemSettings {
  const s = bareSettings();
  addStatusOverride(s);
  return s;
}

function bareSettings(): SystemSettings {
  return {
    overrides: new Map(),
    knownTypeFields: new Map(),
    ignoreAggregatedRoles: false,
    ignoreResourceStatusField: 'all',
    tracking: { method: 'annotation', labelKey: DEFAULT_INSTANCE_LABEL },
    sensitiveAnnotations: new Set(),
    warnings: [],
  };
}

const IGNORE_PREFIX = 'resource.customizations.ignoreDifferences.';
const KNOWN_TYPES_PREFIX = 'resource.customizations.knownTypeFields.';

/** `apps_Deployment` → `apps/Deployment`; `Service` stays `Service`; `all` → `*\/*`. */
function overrideKey(suffix: string): string {
  if (suffix === 'all') return '*/*';
  const i = suffix.indexOf('_');
  return i < 0 ? suffix : `${suffix.slice(0, i)}/${suffix.slice(i + 1)}`;
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/**
 * Reads the `data` of an argocd-cm ConfigMap. Malformed values are reported in `warnings` and skipped, as Argo CD
 * logs and skips them.
 */
export function parseArgocdCm(data: Record<string, unknown> | undefined, source = 'argocd-cm'): SystemSettings {
  if (!data) return defaultSystemSettings();
  const s = bareSettings();
  for (const [key, raw] of Object.entries(data)) {
    if (typeof raw !== 'string') continue;
    if (key.startsWith(IGNORE_PREFIX)) {
      try {
        const v = parseYaml(raw) as unknown;
        if (!isMap(v)) throw new Error('expected a map');
        s.overrides.set(overrideKey(key.slice(IGNORE_PREFIX.length)), {
          jsonPointers: stringList(v.jsonPointers),
          jqPathExpressions: stringList(v.jqPathExpressions),
          managedFieldsManagers: stringList(v.managedFieldsManagers),
        });
      } catch (e) {
        s.warnings.push(`${source}: ${key}: cannot read: ${(e as Error).message}`);
      }
    } else if (key.startsWith(KNOWN_TYPES_PREFIX)) {
      try {
        const v = parseYaml(raw) as unknown;
        if (!Array.isArray(v)) throw new Error('expected a list');
        const fields = v.filter(isMap).map((f) => ({ field: String(f.field ?? ''), type: String(f.type ?? '') }));
        s.knownTypeFields.set(overrideKey(key.slice(KNOWN_TYPES_PREFIX.length)), fields);
      } catch (e) {
        s.warnings.push(`${source}: ${key}: cannot read: ${(e as Error).message}`);
      }
    } else if (key === 'resource.compareoptions') {
      try {
        const v = (parseYaml(raw) ?? {}) as unknown;
        if (!isMap(v)) throw new Error('expected a map');
        s.ignoreAggregatedRoles = v.ignoreAggregatedRoles === true;
        const st = String(v.ignoreResourceStatusField ?? '').toLowerCase();
        s.ignoreResourceStatusField = st === 'crd' ? 'crd' : st === 'none' || st === 'off' || st === 'false' ? 'none' : 'all';
      } catch (e) {
        s.warnings.push(`${source}: resource.compareoptions: cannot read: ${(e as Error).message}`);
      }
    } else if (key === 'application.resourceTrackingMethod') {
      const m = raw.trim();
      s.tracking.method = (m === 'label' || m === 'annotation+label' ? m : 'annotation') as TrackingMethod;
    } else if (key === 'application.instanceLabelKey') {
      if (raw.trim()) s.tracking.labelKey = raw.trim();
    } else if (key === 'installationID') {
      s.tracking.installationID = raw;
    } else if (key === 'resource.sensitive.mask.annotations') {
      for (const a of raw.replace(/\s+/g, '').split(',')) if (a) s.sensitiveAnnotations.add(a);
    }
  }
  addStatusOverride(s);
  return s;
}

/** DIF-7: `/status` is ignored for every kind by default since v3.0, for CRDs only with `crd`. */
function addStatusOverride(s: SystemSettings): void {
  if (s.ignoreResourceStatusField === 'none') return;
  const key = s.ignoreResourceStatusField === 'crd' ? 'apiextensions.k8s.io/CustomResourceDefinition' : '*/*';
  const o = s.overrides.get(key) ?? {};
  s.overrides.set(key, { ...o, jsonPointers: [...(o.jsonPointers ?? []), '/status'] });
}

/** Finds argocd-cm among parsed objects (a ConfigMap named `argocd-cm`, in any namespace). */
export function findArgocdCm(objects: Iterable<unknown>): JsonMap | undefined {
  for (const o of objects) {
    if (!isMap(o) || o.kind !== 'ConfigMap' || o.apiVersion !== 'v1') continue;
    const md = o.metadata;
    if (isMap(md) && md.name === 'argocd-cm') return o;
  }
  return undefined;
}

/** Reads `spec.ignoreDifferences` of an Application (malformed entries are skipped). */
export function ignoreRulesOf(app: unknown): IgnoreRule[] {
  if (!isMap(app) || !isMap(app.spec) || !Array.isArray(app.spec.ignoreDifferences)) return [];
  return app.spec.ignoreDifferences.filter(isMap).map((r) => ({
    group: typeof r.group === 'string' ? r.group : '',
    kind: typeof r.kind === 'string' ? r.kind : '',
    name: typeof r.name === 'string' ? r.name : '',
    namespace: typeof r.namespace === 'string' ? r.namespace : '',
    jsonPointers: stringList(r.jsonPointers),
    jqPathExpressions: stringList(r.jqPathExpressions),
    managedFieldsManagers: stringList(r.managedFieldsManagers),
  }));
}

/** `spec.syncPolicy.syncOptions` of an Application. */
export function syncOptionsOf(app: unknown): string[] {
  if (!isMap(app) || !isMap(app.spec) || !isMap(app.spec.syncPolicy)) return [];
  return stringList(app.spec.syncPolicy.syncOptions) ?? [];
}

/** Whether a CSV option list (`ServerSideApply=true, Prune=false`) holds `opt`. */
export function hasOption(list: string | string[] | undefined, opt: string): boolean {
  if (!list) return false;
  const items = Array.isArray(list) ? list : list.split(',');
  return items.map((x) => x.trim()).includes(opt);
}
