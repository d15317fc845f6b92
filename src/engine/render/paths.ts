/**
 * Dotted field paths as replacements and vars use them (`spec.template.spec.containers.[name=app].image`,
 * `spec.ports.0.port`, `data.*`): a getter that reads one node without creating anything, and a matcher that finds
 * every node a path names, creating missing ones on request (replacement `create: true`).
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc, MapNode, YNode } from '../yaml/index.ts';
import { resolvePlainTag } from '../yaml/index.ts';
import { entry, isNull, newMap, newSeq, scalar, setField } from './tree.ts';

function isIndex(p: string): boolean {
  return /^\d+$/.test(p);
}

function isListIndex(p: string): boolean {
  return p.startsWith('[') && p.endsWith(']');
}

function splitIndex(p: string, at?: Loc): [string, string] {
  const inner = p.slice(1, -1);
  const i = inner.indexOf('=');
  if (i < 0) throw new GitOpsError(`list path element ${p} must contain fieldName=fieldValue`, at, 'kustomization');
  return [inner.slice(0, i), inner.slice(i + 1)];
}

function wrongKind(expected: string, n: YNode, at?: Loc): GitOpsError {
  return new GitOpsError(`wrong node kind: expected ${expected} but got ${n.kind === 'map' ? 'a map' : n.kind === 'seq' ? 'a list' : 'a scalar'}`, n.origin ?? at, 'kustomize');
}

/** kyaml's PathGetter without create: the node at `path`, or undefined. */
export function lookupPath(n: YNode, path: string[], at?: Loc): YNode | undefined {
  let cur: YNode | undefined = n;
  for (const raw of path) {
    const part = raw.trim();
    if (part === '') continue;
    if (!cur || isNull(cur)) return undefined;
    if (isIndex(part) || part === '-') {
      if (cur.kind !== 'seq') throw wrongKind('a list', cur, at);
      cur = part === '-' ? cur.items[cur.items.length - 1] : cur.items[Number(part)];
    } else if (part === '*') {
      throw new GitOpsError('wildcard is not supported here', at, 'kustomization');
    } else if (isListIndex(part)) {
      const [k, v] = splitIndex(part, at);
      if (cur.kind !== 'seq') throw wrongKind('a list', cur, at);
      cur = cur.items.find((it) => {
        if (k === '') return it.kind === 'scalar' && it.value === v;
        if (it.kind !== 'map') return false;
        const f = entry(it, k);
        return !!f && f.value.kind === 'scalar' && f.value.value === v;
      });
    } else {
      if (cur.kind !== 'map') throw wrongKind('a map', cur, at);
      cur = entry(cur, part)?.value;
    }
  }
  return cur;
}

/** A node `create` makes on the way; `at` (the entry that asked for it) becomes its origin, for provenance. */
function kindFor(next: string | undefined, create: 'map' | 'seq' | 'scalar', at: Loc | undefined): YNode {
  if (next !== undefined && (isListIndex(next) || isIndex(next))) return newSeq(at);
  // A created scalar has no tag yet: its text decides, once written (kyaml leaves the tag empty).
  if (next === undefined) return create === 'map' ? newMap(at) : create === 'seq' ? newSeq(at) : scalar('', '', at);
  return newMap(at);
}

function goRegex(p: string, at?: Loc): RegExp {
  try {
    return new RegExp(p.replace(/\(\?P</g, '(?<'));
  } catch (e) {
    throw new GitOpsError(`invalid regular expression ${JSON.stringify(p)}: ${(e as Error).message}`, at, 'kustomization');
  }
}

/**
 * kyaml's PathMatcher: every node `path` names. `[k=v]` matches list items whose k matches the regular expression
 * v (unanchored, as in kustomize), `*` every item, a number one item. With `create`, missing fields and list items
 * are created (`create` is the kind of the value that will be written).
 */
export function matchPath(n: YNode, path: string[], create: 'map' | 'seq' | 'scalar' | undefined, at?: Loc): YNode[] {
  const out: YNode[] = [];
  match(n, path.filter((p) => p.trim() !== ''), 0, create, at, out);
  return out;
}

function match(n: YNode, path: string[], i: number, create: 'map' | 'seq' | 'scalar' | undefined, at: Loc | undefined, out: YNode[]): void {
  if (i === path.length) {
    out.push(n);
    return;
  }
  const part = path[i]!;
  const next = path[i + 1];
  if (isIndex(part)) {
    if (n.kind !== 'seq') {
      if (isNull(n)) return;
      throw wrongKind('a list', n, at);
    }
    const idx = Number(part);
    if (n.items.length === idx && create) n.items.push(kindFor(next, create, at));
    if (n.items.length < idx + 1) throw new GitOpsError(`index ${idx} specified but only ${n.items.length} elements found`, n.origin ?? at, 'kustomize');
    match(n.items[idx]!, path, i + 1, create, at, out);
    return;
  }
  if (isListIndex(part)) {
    if (n.kind !== 'seq') {
      if (isNull(n)) return;
      throw wrongKind('a list', n, at);
    }
    const [k, v] = splitIndex(part, at);
    const re = goRegex(v, at);
    const before = out.length;
    for (const it of n.items) {
      if (k === '') {
        if (it.kind === 'scalar' && re.test(it.value)) {
          out.push(it);
        }
        continue;
      }
      if (it.kind !== 'map') continue;
      const f = entry(it, k);
      if (!f || f.value.kind !== 'scalar' || isNull(f.value)) continue;
      if (!re.test(f.value.value)) continue;
      match(it, path, i + 1, create, at, out);
    }
    if (!create || out.length > before) return;
    const elem: YNode = k === '' ? scalar(v, resolvePlainTag(v), at) : newMap(at);
    if (elem.kind === 'map') setField(elem, k, scalar(v, resolvePlainTag(v), at));
    n.items.push(elem);
    match(n, path, i, create, at, out);
    return;
  }
  if (part === '*') {
    if (n.kind !== 'seq') {
      if (isNull(n)) return;
      throw wrongKind('a list', n, at);
    }
    for (const it of n.items) match(it, path, i + 1, create, at, out);
    return;
  }
  if (isNull(n)) return;
  if (n.kind !== 'map') throw wrongKind('a map', n, at);
  let e = entry(n, part);
  if (!e) {
    if (!create) return;
    e = setField(n as MapNode, part, kindFor(next, create, at));
  }
  match(e.value, path, i + 1, create, at, out);
}
