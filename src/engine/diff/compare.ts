/**
 * DIF-1..DIF-3: one (target, live) pair through Argo CD's client-side pipeline, giving Modified (the sync decision,
 * computed on real values) and the masked objects and text that may be shown.
 */
import { canonicalJson, clone, deepEqual, isMap, sortKeys, type JsonMap } from './json.ts';
import { identityOf, IgnoreNormalizer, managersFor } from './ignore.ts';
import { normalizeManagedFields } from './managed-fields.ts';
import { remarshal } from './remarshal.ts';
import { normalizeObject, type NormalizeContext } from './normalize.ts';
import { predictLive, predictLiveFallback } from './three-way.ts';
import { applySchemeDefaults } from './scheme-defaults.ts';
import { serverSideApplyOffline } from './ssa.ts';
import { isSecret, LAST_APPLIED, lastAppliedOf, maskSecretPair, normalizeSecret } from './secret.ts';
import { normalizeTracking } from './tracking.ts';
import { defaultSystemSettings, hasOption, type IgnoreRule, type SystemSettings } from './settings.ts';
import { changedPaths } from './paths.ts';
import { unifiedDiff, toYaml } from './text.ts';
import { DEFAULT_JQ_TIMEOUT_MS } from './jq.ts';

export interface DiffOptions {
  /** The Application's `spec.ignoreDifferences`. */
  ignoreDifferences?: IgnoreRule[];
  /** argocd-cm settings; the defaults of an unconfigured Argo CD when absent. */
  system?: SystemSettings;
  /** The Application syncs with `ServerSideApply=true` (DIF-3); Flux always applies server-side. */
  serverSideApply?: boolean;
  /** The field manager whose earlier apply the SSA diff builds on: `argocd-controller`, or Flux's `kustomize-controller`. */
  fieldManager?: string;
  /** jq timeout per expression (Argo CD's `controller.ignore.normalizer.jq.timeout`, 1 s). */
  jqTimeoutMs?: number;
  /** Label for the `---`/`+++` lines of the text diff. */
  label?: string;
}

export type DiffMode = 'create' | 'delete' | 'three-way' | 'two-way' | 'server-side-apply' | 'server-side-diff';

export interface ResourceDiff {
  /** Whether a sync would change the object: decided on real values (DIF-10), before any masking. */
  modified: boolean;
  mode: DiffMode;
  /** Live after normalisation; Secret values masked (DIF-9). null when the object is not live. */
  normalizedLive: JsonMap | null;
  /** What live would be after a sync; Secret values masked. null for a prune. */
  predictedLive: JsonMap | null;
  /** JSON pointers of the fields that differ between the two shown objects. */
  fields: string[];
  /** Unified YAML diff of normalizedLive → predictedLive (masked). Empty when they print the same. */
  diff: string;
  /** Things the user should know (a jq expression that failed, an unknown knownTypeFields type). Never values. */
  warnings: string[];
}

interface RawResult {
  modified: boolean;
  mode: DiffMode;
  normalizedLive: JsonMap | null;
  predictedLive: JsonMap | null;
}

function gk(obj: JsonMap): { group: string; kind: string } {
  const id = identityOf(obj);
  return { group: id.group, kind: id.kind };
}

function usesSsa(target: JsonMap | null, opts: DiffOptions): boolean {
  if (opts.serverSideApply) return true;
  const ann = target && isMap(target.metadata) && isMap(target.metadata.annotations) ? target.metadata.annotations : undefined;
  const v = ann?.['argocd.argoproj.io/sync-options'];
  return typeof v === 'string' && hasOption(v, 'ServerSideApply=true');
}

/** The part of `live` that a manager's field set owns (used as "what we applied last" for the SSA diff). */
function ownedSubset(fields: JsonMap, live: unknown): unknown {
  if (isMap(live)) {
    const out: JsonMap = {};
    for (const [k, sub] of Object.entries(fields)) {
      if (!k.startsWith('f:')) continue;
      const name = k.slice(2);
      if (!(name in live)) continue;
      const kids = isMap(sub) ? Object.keys(sub).filter((c) => c !== '.') : [];
      out[name] = kids.length ? ownedSubset(sub as JsonMap, live[name]) : clone(live[name]);
    }
    return out;
  }
  if (Array.isArray(live)) {
    const out: unknown[] = [];
    for (const [k, sub] of Object.entries(fields)) {
      if (!k.startsWith('k:')) continue;
      let key: unknown;
      try {
        key = JSON.parse(k.slice(2));
      } catch {
        continue;
      }
      if (!isMap(key)) continue;
      const item = live.find((e) => isMap(e) && Object.entries(key as JsonMap).every(([kk, v]) => canonicalJson(e[kk]) === canonicalJson(v)));
      if (item !== undefined) out.push({ ...(ownedSubset(sub as JsonMap, item) as JsonMap), ...(key as JsonMap) });
    }
    return out;
  }
  return clone(live);
}

function ssaOrig(live: JsonMap, manager: string): JsonMap {
  const entries = isMap(live.metadata) && Array.isArray(live.metadata.managedFields) ? live.metadata.managedFields : [];
  let orig: JsonMap = {};
  for (const e of entries) {
    if (!isMap(e) || e.manager !== manager || e.operation !== 'Apply' || !isMap(e.fieldsV1)) continue;
    orig = { ...orig, ...(ownedSubset(e.fieldsV1, live) as JsonMap) };
  }
  return orig;
}

function dropLastApplied(obj: JsonMap): JsonMap {
  if (isMap(obj.metadata) && isMap(obj.metadata.annotations)) {
    delete obj.metadata.annotations[LAST_APPLIED];
    if (Object.keys(obj.metadata.annotations).length === 0) delete obj.metadata.annotations;
  }
  return obj;
}

/** An unconfigured Argo CD's settings, made once: the diff only reads them. */
let defaults: SystemSettings | undefined;
function defaultSettings(): SystemSettings {
  return (defaults ??= defaultSystemSettings());
}

/** Normalisers are stateless, so one per (app rules, argocd-cm settings, timeout) serves every pair of a diff. */
const NO_RULES: IgnoreRule[] = [];
const normalizers = new WeakMap<IgnoreRule[], WeakMap<SystemSettings, Map<number, IgnoreNormalizer>>>();
function ignoreNormalizer(rules: IgnoreRule[] | undefined, system: SystemSettings, timeoutMs: number): IgnoreNormalizer {
  const r = rules ?? NO_RULES;
  let bySystem = normalizers.get(r);
  if (!bySystem) normalizers.set(r, (bySystem = new WeakMap()));
  let byTimeout = bySystem.get(system);
  if (!byTimeout) bySystem.set(system, (byTimeout = new Map()));
  let n = byTimeout.get(timeoutMs);
  if (!n) byTimeout.set(timeoutMs, (n = new IgnoreNormalizer(r, system.overrides, timeoutMs)));
  return n;
}

/** A shallow copy whose metadata, labels and annotations are its own. */
function withOwnMetadata(obj: JsonMap): JsonMap {
  if (!isMap(obj.metadata)) return { ...obj };
  const md: JsonMap = { ...obj.metadata };
  if (isMap(md.labels)) md.labels = { ...md.labels };
  if (isMap(md.annotations)) md.annotations = { ...md.annotations };
  return { ...obj, metadata: md };
}

function computeDiff(targetIn: JsonMap | null, liveIn: JsonMap | null, opts: DiffOptions, warnings: string[], decisionOnly = false): RawResult {
  const system = opts.system ?? defaultSettings();
  // Step 1 changes only labels and annotations, and remarshal (step 3) builds new objects, so a copy of the metadata
  // is enough to keep the caller's objects unchanged; step 2 edits anywhere and gets full copies.
  let target = targetIn ? withOwnMetadata(targetIn) : null;
  let live = liveIn ? withOwnMetadata(liveIn) : null;
  const rules = opts.ignoreDifferences ?? [];
  // 1. tracking normalisation (TRK-4); 2. managedFieldsManagers (DIF-6).
  if (target && live) {
    normalizeTracking(live, target, system.tracking);
    const managers = managersFor(identityOf(target), rules, system.overrides);
    if (managers.length) {
      target = clone(target);
      live = clone(live);
      normalizeManagedFields(live, target, managers);
    }
  }
  const ctx: NormalizeContext = { ignore: ignoreNormalizer(opts.ignoreDifferences, system, opts.jqTimeoutMs ?? DEFAULT_JQ_TIMEOUT_MS), system, warnings };
  // 3. remarshal, 4. Normalize.
  if (target) target = normalizeObject(remarshal(target, gk(target).group, gk(target).kind), ctx);
  if (live) live = normalizeObject(remarshal(live, gk(live).group, gk(live).kind), ctx);
  // 6. create / delete.
  if (target && !live) return { modified: true, mode: 'create', normalizedLive: null, predictedLive: target };
  if (!target && live) return { modified: false, mode: 'delete', normalizedLive: live, predictedLive: null };
  if (!target || !live) return { modified: false, mode: 'two-way', normalizedLive: null, predictedLive: null };
  const { group, kind } = gk(target);
  if (usesSsa(target, opts)) {
    // DIF-3: the server-side apply itself, run by the sandbox on a scratch copy of live. For kinds it cannot serve,
    // an approximation: fields the manager applied before and that git no longer has are removed, the rest merges.
    const manager = opts.fieldManager ?? 'argocd-controller';
    const offline = serverSideApplyOffline(target, live, manager);
    const predicted = applySchemeDefaults(dropLastApplied(offline?.predicted ?? predictLive(ssaOrig(live, manager), target, live, group, kind)));
    const normalized = applySchemeDefaults(dropLastApplied(offline?.live ?? clone(live)));
    return { modified: canonicalJson(predicted) !== canonicalJson(normalized), mode: 'server-side-apply', normalizedLive: normalized, predictedLive: predicted };
  }
  // 5. three-way with last-applied, else two-way (orig = target).
  let orig = lastAppliedOf(live);
  let mode: DiffMode = 'three-way';
  if (orig) orig = normalizeObject(orig, ctx) ?? undefined;
  if (!orig) {
    orig = target;
    mode = 'two-way';
  }
  // When git has not changed since the last apply (or there is none) and live already holds every field git sets,
  // the patch is empty and predicted live is live itself: no merge needed (the common case of a synced object).
  if ((orig === target || sameApplied(orig, target)) && coveredTop(target, live)) {
    if (decisionOnly) return { modified: false, mode, normalizedLive: null, predictedLive: null };
    live = applySchemeDefaults(live);
    return { modified: false, mode, normalizedLive: live, predictedLive: clone(live) };
  }
  let predicted: JsonMap;
  try {
    predicted = predictLive(orig, target, live, group, kind);
  } catch {
    // A three-way patch that fails falls back to two-way (DIF-1 step 5); if the patch engine refuses the object
    // altogether, the table-driven merge still gives the user a diff.
    mode = 'two-way';
    try {
      predicted = predictLive(target, target, live, group, kind);
    } catch {
      predicted = predictLiveFallback(target, target, live, group, kind);
    }
  }
  // DIF-2: scheme defaults on both sides, so a field git dropped that the API server would default back is no change.
  predicted = applySchemeDefaults(clone(predicted));
  live = applySchemeDefaults(live);
  return { modified: canonicalJson(predicted) !== canonicalJson(live), mode, normalizedLive: live, predictedLive: predicted };
}

/** Every field of `t` is in `l` with the same value; lists compare whole and in order, so a patch would be empty. */
function covered(t: unknown, l: unknown): boolean {
  if (isMap(t)) {
    if (!isMap(l)) return false;
    for (const k of Object.keys(t)) {
      const v = t[k];
      // Directives and nulls (deletions) take the patch path.
      if (k.startsWith('$') || v === null || !(k in l) || !covered(v, l[k])) return false;
    }
    return true;
  }
  if (Array.isArray(t)) return Array.isArray(l) && deepEqual(t, l);
  return t === l;
}

/** `covered` for a whole object, leaving out what the three-way merge leaves out (DIF-2): the namespace and empty annotations. */
function coveredTop(target: JsonMap, live: JsonMap): boolean {
  for (const k of Object.keys(target)) {
    if (k !== 'metadata') {
      if (!(k in live) || target[k] === null || !covered(target[k], live[k])) return false;
      continue;
    }
    const tm = target.metadata;
    const lm = live.metadata;
    if (!isMap(tm) || !isMap(lm)) return false;
    for (const mk of Object.keys(tm)) {
      if (mk === 'namespace') continue;
      const v = tm[mk];
      if (mk === 'annotations' && (v === null || (isMap(v) && Object.keys(v).length === 0))) continue;
      if (v === null || !(mk in lm) || !covered(v, lm[mk])) return false;
    }
  }
  return true;
}

/** The last-applied configuration is the target, as the three-way merge sees them (namespace and empty annotations aside). */
function sameApplied(orig: JsonMap, target: JsonMap): boolean {
  const strip = (o: JsonMap): JsonMap => {
    if (!isMap(o.metadata)) return o;
    const { namespace: _ns, ...md } = o.metadata;
    if (md.annotations === null || (isMap(md.annotations) && Object.keys(md.annotations).length === 0)) delete md.annotations;
    return { ...o, metadata: md };
  };
  return deepEqual(strip(orig), strip(target));
}

/**
 * Diffs one desired object against its live copy (either may be null: create, prune). The returned objects and
 * text are safe to show: Secrets are masked and the shown diff is re-run on the masked pair, as Argo CD does.
 */
export function diffResource(target: JsonMap | null, live: JsonMap | null, opts: DiffOptions = {}): ResourceDiff {
  const warnings: string[] = [];
  const real = computeDiff(target, live, opts, warnings);
  let shown: RawResult = real;
  if (isSecret(target) || isSecret(live)) {
    const system = opts.system ?? defaultSettings();
    const masked = maskSecretPair(target, live, system.sensitiveAnnotations);
    shown = computeDiff(masked.target, masked.live, opts, []);
    // Whatever normalisation produced, only masked values can be in `shown`; mask again defensively.
    const again = maskSecretPair(shown.predictedLive, shown.normalizedLive, system.sensitiveAnnotations);
    shown = { ...shown, predictedLive: again.target, normalizedLive: again.live };
  }
  return shownResult(real, shown, opts.label ?? describe(target ?? live), warnings);
}

/** The result a caller sees: the decision from the real pair, the fields, objects and text from the masked one. */
function shownResult(real: RawResult, shown: RawResult, label: string, warnings: string[]): ResourceDiff {
  const before = shown.normalizedLive ? sortKeys(shown.normalizedLive) : null;
  const after = shown.predictedLive ? sortKeys(shown.predictedLive) : null;
  return {
    modified: real.modified,
    mode: real.mode,
    normalizedLive: before,
    predictedLive: after,
    fields: changedPaths(before, after),
    diff: unifiedDiff(before ? toYaml(before) : '', after ? toYaml(after) : '', `live/${label}`, `desired/${label}`),
    warnings,
  };
}

function describe(obj: JsonMap | null): string {
  if (!obj) return 'object';
  const id = identityOf(obj);
  return [id.group ? `${id.kind}.${id.group}` : id.kind, id.namespace, id.name].filter(Boolean).join('/');
}

/**
 * Only the sync decision (DIF-10): whether a sync would change `live`. Cheaper than `diffResource` (no masking, no
 * text); for the sync planner. A create (live null) is Modified, a prune (target null) is not.
 */
export function isModified(target: JsonMap | null, live: JsonMap | null, opts: DiffOptions = {}): boolean {
  return computeDiff(target, live, opts, [], true).modified;
}

/** What the server-side diff needs besides the client-side options (DIF-4). */
export interface ServerSideDiffOptions extends DiffOptions {
  /** `IncludeMutationWebhook=true`: keep what admission webhooks changed in the dry-run answer. */
  includeMutationWebhook?: boolean;
}

const STRIPPED_METADATA = ['managedFields', 'resourceVersion'];

function stripServerSide(obj: JsonMap): JsonMap {
  if (isMap(obj.metadata)) for (const k of STRIPPED_METADATA) delete obj.metadata[k];
  return dropLastApplied(obj);
}

/**
 * Webhook mutations removed from a dry-run answer: only the fields `manager` owns in the answer are kept, merged onto
 * live, so everything else (what webhooks and other managers set) reads as live has it. As in Argo CD, a field git
 * dropped is not in the manager's set any more, so this merge keeps live's value.
 */
function removeWebhookMutation(response: JsonMap, live: JsonMap, manager: string): JsonMap | undefined {
  const entries = isMap(response.metadata) && Array.isArray(response.metadata.managedFields) ? response.metadata.managedFields : [];
  let owned: JsonMap | undefined;
  for (const e of entries) {
    if (!isMap(e) || e.manager !== manager || !isMap(e.fieldsV1)) continue;
    owned = { ...(owned ?? {}), ...(ownedSubset(e.fieldsV1, response) as JsonMap) };
  }
  if (!owned) return undefined;
  const { group, kind } = gk(live);
  owned.apiVersion = response.apiVersion;
  owned.kind = response.kind;
  return predictLive({}, owned, live, group, kind);
}

function computeServerSide(target: JsonMap, liveIn: JsonMap, response: JsonMap, opts: ServerSideDiffOptions, warnings: string[]): RawResult {
  const system = opts.system ?? defaultSettings();
  const manager = opts.fieldManager ?? 'argocd-controller';
  let live = clone(liveIn);
  normalizeTracking(live, clone(target), system.tracking);
  let predicted = clone(response);
  if (!opts.includeMutationWebhook) {
    const cleaned = removeWebhookMutation(predicted, live, manager);
    if (!cleaned) warnings.push(`the dry-run answer has no fields managed by ${manager}; webhook mutations are kept`);
    else predicted = cleaned;
  }
  const ctx: NormalizeContext = { ignore: new IgnoreNormalizer(opts.ignoreDifferences ?? [], system.overrides, opts.jqTimeoutMs ?? DEFAULT_JQ_TIMEOUT_MS), system, warnings };
  predicted = stripServerSide(normalizeObject(remarshal(predicted, gk(predicted).group, gk(predicted).kind), ctx) ?? {});
  live = stripServerSide(normalizeObject(remarshal(live, gk(live).group, gk(live).kind), ctx) ?? {});
  return { modified: canonicalJson(predicted) !== canonicalJson(live), mode: 'server-side-diff', normalizedLive: live, predictedLive: predicted };
}

/**
 * DIF-4: the server-side diff of a (target, live) pair, given the server's answer to a server-side-apply dry-run of
 * the target. Secrets are masked as a pair (predicted, live) before anything is returned.
 */
export function diffResourceServerSide(target: JsonMap, live: JsonMap, response: JsonMap, opts: ServerSideDiffOptions = {}): ResourceDiff {
  const warnings: string[] = [];
  const real = computeServerSide(target, live, response, opts, warnings);
  let shown: RawResult = real;
  if (isSecret(target) || isSecret(live)) {
    const system = opts.system ?? defaultSettings();
    const masked = maskSecretPair(real.predictedLive, real.normalizedLive, system.sensitiveAnnotations);
    shown = { ...real, predictedLive: masked.target, normalizedLive: masked.live };
  }
  return shownResult(real, shown, opts.label ?? describe(target), warnings);
}

/**
 * DIF-4 without a server: whether a sync would change `live`, judged by the server-side diff with the sandbox's
 * apply on a scratch copy of live standing in for the dry-run. Undefined when that cannot be computed offline.
 */
export function isModifiedServerSide(target: JsonMap, live: JsonMap, opts: ServerSideDiffOptions = {}): boolean | undefined {
  const body = clone(target);
  normalizeSecret(body);
  const applied = serverSideApplyOffline(body, live, opts.fieldManager ?? 'argocd-controller');
  if (!applied) return undefined;
  return computeServerSide(target, live, applied.response, opts, []).modified;
}
