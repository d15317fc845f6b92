/**
 * Choosing objects the way kustomize's `target` selectors do: group, version, kind, name and namespace as anchored
 * regular expressions (name and namespace may match the original or the current value), plus Kubernetes label and
 * annotation selector expressions (`app=web,tier in (a,b),!canary`).
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc } from '../yaml/index.ts';
import type { Resource } from './resource.ts';
import { effectiveNamespace } from './resid.ts';

type Req =
  | { op: 'exists' | '!exists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'gt' | 'lt'; key: string; value: number };

/** Parses a Kubernetes label selector; an empty string selects everything. */
export function parseLabelSelector(sel: string, at?: Loc): Req[] {
  const reqs: Req[] = [];
  let i = 0;
  const s = sel;
  const err = (m: string) => new GitOpsError(`invalid label selector ${JSON.stringify(sel)}: ${m}`, at, 'kustomization');
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const ident = () => {
    ws();
    const start = i;
    while (i < s.length && !/[\s,=!()<>]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  ws();
  if (i >= s.length) return reqs;
  for (;;) {
    ws();
    let neg = false;
    if (s[i] === '!') {
      neg = true;
      i++;
    }
    const key = ident();
    if (!key) throw err('expected a label key');
    ws();
    if (neg) {
      reqs.push({ op: '!exists', key });
    } else if (i >= s.length || s[i] === ',') {
      reqs.push({ op: 'exists', key });
    } else if (s.startsWith('==', i) || s.startsWith('!=', i) || s[i] === '=') {
      const op = s.startsWith('!=', i) ? 'notin' : 'in';
      i += s.startsWith('==', i) || s.startsWith('!=', i) ? 2 : 1;
      const v = ident();
      reqs.push({ op, key, values: [v] });
    } else if (s[i] === '>' || s[i] === '<') {
      const op = s[i] === '>' ? 'gt' : 'lt';
      i++;
      const v = ident();
      const n = Number(v);
      if (!/^-?\d+$/.test(v)) throw err(`for '${op}' the value must be an integer`);
      reqs.push({ op, key, value: n });
    } else {
      const word = ident();
      if (word !== 'in' && word !== 'notin') throw err(`unexpected ${JSON.stringify(word || s[i])}`);
      ws();
      if (s[i] !== '(') throw err("expected '('");
      i++;
      const values: string[] = [];
      for (;;) {
        const v = ident();
        values.push(v);
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ')') {
          i++;
          break;
        }
        throw err("expected ',' or ')'");
      }
      reqs.push({ op: word, key, values });
    }
    ws();
    if (i >= s.length) break;
    if (s[i] !== ',') throw err(`unexpected ${JSON.stringify(s[i])}`);
    i++;
  }
  return reqs;
}

export function matchesSelector(reqs: Req[], labels: Map<string, string>): boolean {
  for (const r of reqs) {
    const has = labels.has(r.key);
    const v = labels.get(r.key);
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        if (r.op === 'gt' ? !(n > r.value) : !(n < r.value)) return false;
      }
    }
  }
  return true;
}

export interface TargetSelector {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
  labelSelector: string;
  annotationSelector: string;
}

/** Go regexp syntax that JavaScript writes differently: `(?P<name>` groups, `\z`. */
function goRegex(pattern: string, at?: Loc): RegExp {
  const js = pattern.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$');
  try {
    return new RegExp(`^(?:${js})$`, 'u');
  } catch {
    try {
      return new RegExp(`^(?:${js})$`);
    } catch (e) {
      throw new GitOpsError(`invalid regular expression ${JSON.stringify(pattern)} in target: ${(e as Error).message}`, at, 'kustomization');
    }
  }
}

/** Compiles a target selector once; `select` then filters objects in order. */
export function compileSelector(t: TargetSelector, at?: Loc): (r: Resource) => boolean {
  const re = {
    group: t.group ? goRegex(t.group, at) : undefined,
    version: t.version ? goRegex(t.version, at) : undefined,
    kind: t.kind ? goRegex(t.kind, at) : undefined,
    name: t.name ? goRegex(t.name, at) : undefined,
    namespace: t.namespace ? goRegex(t.namespace, at) : undefined,
  };
  const labels = parseLabelSelector(t.labelSelector, at);
  const annos = parseLabelSelector(t.annotationSelector, at);
  return (r) => {
    const cur = r.curId();
    const org = r.orgId();
    if (re.namespace && !re.namespace.test(effectiveNamespace(org)) && !re.namespace.test(effectiveNamespace(cur))) return false;
    if (re.name && !re.name.test(org.name) && !re.name.test(cur.name)) return false;
    if (re.group && !re.group.test(cur.group)) return false;
    if (re.version && !re.version.test(cur.version)) return false;
    if (re.kind && !re.kind.test(cur.kind)) return false;
    if (labels.length && !matchesSelector(labels, r.labels())) return false;
    if (annos.length && !matchesSelector(annos, r.annotations())) return false;
    return true;
  };
}
