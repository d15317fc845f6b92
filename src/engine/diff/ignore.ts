/**
 * DIF-5: the ignore-differences normaliser. Rules from the Application come first, then system overrides; every
 * rule that matches the object is applied to the same document in turn. A JSON pointer that does not exist and a jq
 * expression that fails are skipped (the failure is reported as a warning without quoting any value).
 */
import { globMatch } from './glob.ts';
import { isMap, parsePointer, removeAtPointer, type JsonMap } from './json.ts';
import { runJq, DEFAULT_JQ_TIMEOUT_MS } from './jq.ts';
import type { IgnoreRule, OverrideIgnore } from './settings.ts';
import { isSecret } from './secret.ts';

export interface ObjectIdentity {
  group: string;
  kind: string;
  name: string;
  namespace: string;
}

export function identityOf(obj: JsonMap): ObjectIdentity {
  const av = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const i = av.indexOf('/');
  const md = isMap(obj.metadata) ? obj.metadata : {};
  return {
    group: i < 0 ? '' : av.slice(0, i),
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    name: typeof md.name === 'string' ? md.name : '',
    namespace: typeof md.namespace === 'string' ? md.namespace : '',
  };
}

interface NormalizerPatch {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  pointer?: string;
  jq?: string;
  origin: string;
}

/** How an override key (`apps/Deployment`, `Service`, `*\/*`) reads as group and kind. */
function overrideGroupKind(key: string): { group: string; kind: string } | undefined {
  const parts = key.split('/');
  if (parts.length === 2) return { group: parts[0]!, kind: parts[1]! };
  if (parts.length === 1) return { group: '', kind: parts[0]! };
  return undefined;
}

export class IgnoreNormalizer {
  private readonly patches: NormalizerPatch[] = [];
  constructor(appRules: IgnoreRule[], overrides: Map<string, OverrideIgnore>, private readonly jqTimeoutMs = DEFAULT_JQ_TIMEOUT_MS) {
    const add = (g: string, k: string, name: string, ns: string, pointers: string[] | undefined, jq: string[] | undefined, origin: string) => {
      for (const p of pointers ?? []) this.patches.push({ group: g, kind: k, name, namespace: ns, pointer: p, origin });
      for (const e of jq ?? []) this.patches.push({ group: g, kind: k, name, namespace: ns, jq: e, origin });
    };
    appRules.forEach((r, i) => add(r.group ?? '', r.kind, r.name ?? '', r.namespace ?? '', r.jsonPointers, r.jqPathExpressions, `ignoreDifferences[${i}]`));
    for (const [key, o] of overrides) {
      const gk = overrideGroupKind(key);
      if (gk) add(gk.group, gk.kind, '', '', o.jsonPointers, o.jqPathExpressions, `argocd-cm ${key}`);
    }
  }

  get empty(): boolean {
    return this.patches.length === 0;
  }

  /** Normalises `obj` in place (returns the possibly replaced document). Warnings never quote values. */
  normalize(obj: JsonMap, warnings: string[]): JsonMap {
    const id = identityOf(obj);
    let doc = obj;
    for (const p of this.patches) {
      if (!(globMatch(p.group, id.group) && globMatch(p.kind, id.kind) && (p.name === '' || p.name === id.name) && (p.namespace === '' || p.namespace === id.namespace))) continue;
      if (p.pointer !== undefined) {
        const tokens = parsePointer(p.pointer);
        if (!tokens) {
          warnings.push(`${p.origin}: jsonPointer ${JSON.stringify(p.pointer)} is not a JSON pointer (it must start with /)`);
          continue;
        }
        removeAtPointer(doc, tokens);
        continue;
      }
      const r = runJq(doc, `del(${p.jq})`, this.jqTimeoutMs);
      if (r.error !== undefined || !r.values) {
        // jq's messages quote the input; for a Secret that input is the plaintext.
        const why = r.timedOut ? `timed out after ${this.jqTimeoutMs} ms` : isSecret(doc) ? 'failed' : `failed: ${firstLine(r.error ?? '')}`;
        warnings.push(`${p.origin}: jqPathExpression ${JSON.stringify(p.jq)} ${why}; skipped`);
        continue;
      }
      if (r.values.length !== 1 || !isMap(r.values[0])) {
        warnings.push(`${p.origin}: jqPathExpression ${JSON.stringify(p.jq)} did not yield exactly one object; skipped`);
        continue;
      }
      doc = r.values[0];
    }
    return doc;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/^jq: error[^:]*: /, '');
}

/**
 * The managedFieldsManagers that apply to an object (DIF-6). Quirk kept on purpose: overrides are looked up by
 * `group/kind`, which is `/Kind` for core kinds, so a core-kind override written as plain `Kind` is not found.
 */
export function managersFor(id: ObjectIdentity, appRules: IgnoreRule[], overrides: Map<string, OverrideIgnore>): string[] {
  const out: string[] = [];
  for (const r of appRules) {
    if (globMatch(r.group ?? '', id.group) && globMatch(r.kind, id.kind) && (!r.name || r.name === id.name) && (!r.namespace || r.namespace === id.namespace)) {
      out.push(...(r.managedFieldsManagers ?? []));
    }
  }
  out.push(...(overrides.get(`${id.group}/${id.kind}`)?.managedFieldsManagers ?? []));
  out.push(...(overrides.get('*/*')?.managedFieldsManagers ?? []));
  return out;
}
