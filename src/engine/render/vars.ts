/**
 * The deprecated `vars`: each var names an object and a field; once everything is built, `$(NAME)` in the fields of
 * kustomize's varReference table is replaced by that field's final value. Kept exactly as kustomize does it,
 * including its side effects (when any var exists, `$$` in those fields becomes `$`, and they all become strings
 * unless the whole field was one `$(VAR)` of another type).
 */
import { GitOpsError } from '../errors/index.ts';
import type { Change, Loc, YNode } from '../yaml/index.ts';
import type { FieldSpec } from './config.ts';
import { smarterPathSplitter, walkFieldSpec } from './fieldspec.ts';
import type { VarArg } from './kustomization.ts';
import { lookupPath } from './paths.ts';
import type { ResMap } from './resource.ts';
import { gvknEquals, idEquals, parseGroupVersion, type ResId } from './resid.ts';
import { sourceLocs, type Recorder } from './tree.ts';

export interface VarDef extends VarArg {
  /** The kustomization that declared it. */
  file: string;
}

/** kustomize's VarSet: names are unique across a whole build. */
export class VarSet {
  vars = new Map<string, VarDef>();

  merge(v: VarDef): void {
    if (this.vars.has(v.name)) throw new GitOpsError(`var '${v.name}' already encountered`, v.at, 'kustomization');
    this.vars.set(v.name, v);
  }

  mergeSet(other: VarSet): void {
    for (const v of other.vars.values()) this.merge(v);
  }

  clone(): VarSet {
    const s = new VarSet();
    s.vars = new Map(this.vars);
    return s;
  }
}

function targetId(v: VarArg): ResId {
  let { group, version } = v.objref;
  if (v.objref.apiVersion) {
    const parts = v.objref.apiVersion.split('/');
    if (parts.length === 2) [group, version] = parts as [string, string];
    else if (parts.length === 1) version = parts[0]!;
  }
  return { group, version, kind: v.objref.kind, name: v.objref.name, namespace: v.objref.namespace };
}

/** Attaches this kustomization's vars to the objects they name (kustomize's MergeVars), then adds them to the set. */
export function mergeVars(m: ResMap, set: VarSet, incoming: VarArg[], file: string): void {
  for (const v of incoming) {
    const id = targetId(v);
    const matcher = id.namespace !== '' ? (x: ResId) => idEquals(id, x) : (x: ResId) => gvknEquals(id, x);
    const matched = m.byAnyId(matcher);
    if (matched.length > 1) throw new GitOpsError(`found ${matched.length} objects matching var ${v.name} (unable to disambiguate)`, v.at, 'kustomization');
    if (matched.length === 1) matched[0]!.refVarNames.push(v.name);
  }
  for (const v of incoming) set.merge({ ...v, file });
}

type VarValue = string | number | boolean;

function fieldValue(n: YNode): VarValue | undefined {
  if (n.kind !== 'scalar') return undefined;
  switch (n.tag) {
    case '!!str':
      return n.value;
    case '!!int': {
      if (!/^[-+]?\d+$/.test(n.value)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(n.value)}: invalid syntax`);
      return Number(n.value);
    }
    case '!!float':
      return Number(n.value);
    case '!!bool':
      return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(n.value);
    default:
      return n.value;
  }
}

/** Go's %v for the primitive types vars can hold. */
function goFormat(v: VarValue): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
    const abs = Math.abs(v);
    if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
      const [mm, e] = v.toExponential().split('e') as [string, string];
      return `${mm}e${e.startsWith('-') ? '-' : '+'}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
    }
    return String(v);
  }
  return String(v);
}

/** Expands $(NAME) references; `$$` is an escaped `$`. A string that is exactly one reference yields the value. */
export function expandVars(input: string, lookup: (name: string) => VarValue | undefined): VarValue {
  let out = '';
  let checkpoint = 0;
  for (let cur = 0; cur < input.length; cur++) {
    if (input[cur] !== '$' || cur + 1 >= input.length) continue;
    out += input.slice(checkpoint, cur);
    const rest = input.slice(cur + 1);
    let advance = 1;
    if (rest[0] === '$') {
      out += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close < 0) {
        out += '$(';
      } else {
        const name = rest.slice(1, close);
        const v = lookup(name);
        const mapped = v === undefined ? `$(${name})` : v;
        if (input === `$(${name})`) return mapped;
        out += typeof mapped === 'string' ? mapped : goFormat(mapped);
        advance = close + 1;
      }
    } else {
      out += '$' + rest[0];
    }
    cur += advance;
    checkpoint = cur + 1;
  }
  return out + input.slice(checkpoint);
}

function setVarNode(n: YNode, v: VarValue, rec: Recorder, change: Change | undefined): void {
  if (n.kind !== 'scalar') return;
  const before = n.value;
  if (typeof v === 'number') {
    n.value = Number.isInteger(v) ? String(v) : String(v);
    n.tag = Number.isInteger(v) && !String(v).includes('e') ? '!!int' : '!!float';
  } else if (typeof v === 'boolean') {
    n.value = v ? 'true' : 'false';
    n.tag = '!!bool';
  } else {
    n.value = v;
    n.tag = '!!str';
  }
  n.style = 'plain';
  delete n.tagged;
  if (change && before !== n.value) rec.note(n, change);
}

/** Resolves every var and expands references at the varReference field specs (kustomize's ResolveVars). */
export function resolveVars(m: ResMap, set: VarSet, specs: FieldSpec[], rec: Recorder, warnings: string[]): void {
  if (!set.vars.size) return;
  const values = new Map<string, { value: VarValue; def: VarDef; from?: Loc[] }>();
  for (const name of [...set.vars.keys()].sort()) {
    const def = set.vars.get(name)!;
    const holder = m.list.find((r) => r.refVarNames.includes(name));
    if (!holder) throw new GitOpsError(`var '${name}' cannot be mapped to a field in the set of known resources`, def.at, 'kustomization');
    const path = def.fieldPath || 'metadata.name';
    const parts = smarterPathSplitter(path, '.').flatMap((p) => {
      const mm = /^(.*)\[(\d+)\]$/.exec(p);
      return mm ? (mm[1] ? [mm[1], mm[2]!] : [mm[2]!]) : [p];
    });
    let node: YNode | undefined;
    try {
      node = lookupPath(holder.node, parts, def.at);
    } catch {
      node = undefined;
    }
    if (!node) throw new GitOpsError(`field specified in var '${name}' (${path}) not found in ${holder.describe()}`, def.at, 'kustomization');
    let value: VarValue | undefined;
    try {
      value = fieldValue(node);
    } catch (e) {
      throw new GitOpsError(`var '${name}': ${(e as Error).message}`, def.at, 'kustomization');
    }
    if (value === undefined) continue; // maps and lists are not substituted; the reference stays as written
    values.set(name, { value, def, from: sourceLocs(rec, node) });
  }
  const used = new Set<string>();
  const lookup = (name: string) => {
    const v = values.get(name);
    if (v) used.add(name);
    return v?.value;
  };
  for (const r of m.list) {
    for (const f of specs) {
      walkFieldSpec(r.node, f, (n) => {
        const apply = (s: YNode) => {
          if (s.kind !== 'scalar' || s.tag !== '!!str') return false;
          const refs = [...s.value.matchAll(/\$\(([^)]*)\)/g)].map((x) => x[1]!).filter((x) => values.has(x));
          const v = expandVars(s.value, lookup);
          const from = refs.flatMap((x) => values.get(x)!.from ?? []);
          const change: Change | undefined = refs.length
            ? { op: 'vars', detail: refs.map((x) => `$(${x}) from ${values.get(x)!.def.objref.kind}/${values.get(x)!.def.objref.name} ${values.get(x)!.def.fieldPath || 'metadata.name'}`).join(', '), at: values.get(refs[0]!)!.def.at, ...(from.length ? { from } : {}) }
            : undefined;
          setVarNode(s, v, rec, change);
          return true;
        };
        if (n.kind === 'scalar') {
          if (n.tag === '!!null') return;
          apply(n);
        } else if (n.kind === 'map') {
          for (const e of n.entries) {
            if (e.key.tag !== '!!str') throw new GitOpsError(`invalid map key: value='${e.key.value}', tag='${e.key.tag}'`, e.key.origin, 'kustomize');
            apply(e.value);
          }
        } else {
          for (const it of n.items) {
            if (it.kind !== 'scalar' || it.tag !== '!!str') throw new GitOpsError('invalid value type: expected a string', it.origin, 'kustomize');
            apply(it);
          }
        }
      });
    }
  }
  const unused = [...values.keys()].filter((n) => !used.has(n));
  if (unused.length) warnings.push(`well-defined vars that were never replaced: ${unused.join(',')}`);
}

export { parseGroupVersion };
