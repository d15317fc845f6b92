/**
 * HLT-13: custom health checks from an `argocd-cm` ConfigMap. Both forms Argo CD reads are accepted: the split keys
 * `resource.customizations.health.<group_Kind>` / `resource.customizations.useOpenLibs.<group_Kind>`, and the YAML
 * map in `resource.customizations` keyed `group/Kind` with `health.lua` and `health.lua.useOpenLibs`. Split keys are
 * applied after the map, so they win for the same key, as in `GetResourceOverrides`.
 */
import { parse as parseYaml } from 'yaml';
import { GitOpsError, type Location } from '../errors/index.ts';
import { gvkOf, type GVK, type KubeObject } from '../kube/index.ts';
import { builtinLuaKey } from './builtin-lua.ts';
import { globMatch } from './glob.ts';

export interface HealthOverride {
  /** The Lua script; empty means "no health override here" (Argo skips empty scripts). */
  healthLua: string;
  useOpenLibs: boolean;
}

/** Overrides keyed `group/Kind` (`Kind` for the core group, `*∕*` for `…health.all`), in the order first seen. */
export type HealthOverrides = Map<string, HealthOverride>;

export interface ConfigMapSource {
  /** Repo-relative file holding the ConfigMap, for error messages. */
  file: string;
  /** Where each `data` key is written (1-based), when known. */
  keyLocations?: Map<string, { line: number; column: number }>;
}

const PREFIX = 'resource.customizations';
/** Customization types Argo accepts in split keys; only `health` and `useOpenLibs` matter to health. */
const KNOWN_TYPES = new Set(['health', 'useOpenLibs', 'actions', 'ignoreDifferences', 'ignoreResourceUpdates', 'knownTypeFields']);

/** Go's `strconv.ParseBool`. */
function goParseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** `group_Kind` → `group/Kind`, `Kind` → `Kind` (convertToOverrideKey). */
function overrideKey(groupKind: string): string | undefined {
  const parts = groupKind.split('_');
  if (parts.length === 2) return `${parts[0]}/${parts[1]}`;
  if (parts.length === 1 && groupKind !== '') return groupKind;
  return undefined;
}

/**
 * The health overrides an argocd-cm's `data` declares. A malformed entry (an unsupported customization type, a
 * useOpenLibs that is not a boolean, a `resource.customizations` that is not YAML) is the user's mistake: Argo
 * would refuse the whole settings set, so we throw a GitOpsError pointing at the key.
 */
export function parseHealthOverrides(data: Record<string, unknown> | undefined, source?: ConfigMapSource): HealthOverrides {
  const out: HealthOverrides = new Map();
  if (!data) return out;
  const where = (key: string): Location | undefined => {
    if (!source) return undefined;
    const at = source.keyLocations?.get(key);
    return at ? { file: source.file, line: at.line, column: at.column } : { file: source.file };
  };
  const get = (key: string): HealthOverride => {
    let o = out.get(key);
    if (!o) {
      o = { healthLua: '', useOpenLibs: false };
      out.set(key, o);
    }
    return o;
  };

  const mapText = data[PREFIX];
  if (typeof mapText === 'string' && mapText !== '') {
    let parsed: unknown;
    try {
      parsed = parseYaml(mapText, { version: '1.1' });
    } catch (err) {
      throw new GitOpsError(`argocd-cm ${PREFIX} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, where(PREFIX), 'argocd-cm');
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new GitOpsError(`argocd-cm ${PREFIX} must be a map of group/Kind to customizations`, where(PREFIX), 'argocd-cm');
      }
      for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
        const o = get(key);
        if (value === null || value === undefined) continue;
        if (typeof value !== 'object' || Array.isArray(value)) {
          throw new GitOpsError(`argocd-cm ${PREFIX}: the entry for ${key} must be a map`, where(PREFIX), 'argocd-cm');
        }
        const v = value as Record<string, unknown>;
        const lua = v['health.lua'];
        if (lua !== undefined && lua !== null) {
          if (typeof lua !== 'string') throw new GitOpsError(`argocd-cm ${PREFIX}: ${key} health.lua must be a string`, where(PREFIX), 'argocd-cm');
          o.healthLua = lua;
        }
        const open = v['health.lua.useOpenLibs'];
        if (open !== undefined && open !== null) {
          if (typeof open !== 'boolean') {
            throw new GitOpsError(`argocd-cm ${PREFIX}: ${key} health.lua.useOpenLibs must be true or false`, where(PREFIX), 'argocd-cm');
          }
          o.useOpenLibs = open;
        }
      }
    }
  }

  for (const [k, v] of Object.entries(data)) {
    if (!k.startsWith(PREFIX)) continue;
    const parts = splitN(k, '.', 4);
    if (parts.length < 4) continue;
    const type = parts[2]!;
    let key = overrideKey(parts[3]!);
    if (key === undefined) {
      throw new GitOpsError(
        `argocd-cm key ${k}: group kind should be in format \`resource.customizations.<type>.<group_kind>\` or \`resource.customizations.<type>.<kind>\``,
        where(k),
        'argocd-cm',
      );
    }
    if (key === 'all') key = '*/*';
    if (!KNOWN_TYPES.has(type)) throw new GitOpsError(`argocd-cm key ${k}: resource customization type ${type} not supported`, where(k), 'argocd-cm');
    const text = typeof v === 'string' ? v : v == null ? '' : String(v);
    if (type === 'health') get(key).healthLua = text;
    else if (type === 'useOpenLibs') {
      const b = goParseBool(text);
      if (b === undefined) throw new GitOpsError(`argocd-cm key ${k}: "${text}" is not a boolean`, where(k), 'argocd-cm');
      get(key).useOpenLibs = b;
    }
  }
  return out;
}

/** Go's `strings.SplitN`. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/** Where an object's health script comes from (HLT-13 lookup order). */
export type ScriptChoice =
  | { source: 'override'; key: string; script: string; useOpenLibs: boolean }
  | { source: 'builtin'; key: string };

/** The override key Argo looks up for an object: `group/Kind`, or `Kind` for the core group. */
export function configMapKey(obj: KubeObject, gvk: GVK = gvkOf(obj)): string {
  return gvk.group ? `${gvk.group}/${gvk.kind}` : gvk.kind;
}

/**
 * HLT-13 lookup: an exact override, then the first wildcard override whose glob matches (Argo iterates a Go map,
 * so which one wins among several is random; we take the first in key order and the plan warns), then Argo's
 * built-in script for the kind. Undefined means no script: the Go check (if any) decides.
 */
export function chooseHealthScript(obj: KubeObject, overrides: HealthOverrides | undefined, gvk: GVK = gvkOf(obj)): ScriptChoice | undefined {
  const key = configMapKey(obj, gvk);
  if (overrides && overrides.size > 0) {
    const exact = overrides.get(key);
    if (exact && exact.healthLua !== '') return { source: 'override', key, script: exact.healthLua, useOpenLibs: exact.useOpenLibs };
    for (const k of [...overrides.keys()].sort()) {
      const o = overrides.get(k)!;
      if (o.healthLua !== '' && globMatch(k, key)) return { source: 'override', key: k, script: o.healthLua, useOpenLibs: o.useOpenLibs };
    }
  }
  const builtin = builtinLuaKey(obj, gvk);
  return builtin ? { source: 'builtin', key: builtin } : undefined;
}

/** Whether any override carries a script (only then is the Lua VM needed). */
export function hasLuaScripts(overrides: HealthOverrides | undefined): boolean {
  if (!overrides) return false;
  for (const o of overrides.values()) if (o.healthLua !== '') return true;
  return false;
}
