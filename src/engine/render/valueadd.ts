/**
 * kustomize's builtin ValueAddTransformer (alpha): writes one value (by default the name of the kustomization's
 * folder) into a field of the selected objects, creating the field and the maps and list items on the way, or
 * inserts it as a path segment of the field's current value (`filePathPosition`). `metadata/namespace` is special:
 * it runs the namespace transformation on each selected object.
 */
import { posix } from 'node:path';
import { GitOpsError } from '../errors/index.ts';
import { parseYamlDocuments, resolvePlainTag, type Change, type Loc, type YNode } from '../yaml/index.ts';
import { decode, S, type DStruct } from './decode.ts';
import { selectorArg } from './kustomization.ts';
import type { Loader } from './loader.ts';
import type { ResMap } from './resource.ts';
import { compileSelector } from './select.ts';
import { entry, newMap, newSeq, scalar, setField, type Recorder } from './tree.ts';
import { namespaceTransform } from './transformers.ts';

const selector = S.struct('Selector', { group: S.string, version: S.string, kind: S.string, name: S.string, namespace: S.string, annotationSelector: S.string, labelSelector: S.string });
const target = S.struct('Target', { selector, fieldPath: S.string, filePathPosition: S.int });

export const valueAddSchema = S.struct('ValueAddTransformerPlugin', { value: S.string, targets: S.list(target), targetFilePath: S.string });

interface Target {
  select?: (r: import('./resource.ts').Resource) => boolean;
  fieldPath: string;
  filePathPosition: number;
  at: Loc;
}

async function targetsOf(st: DStruct, ldr: Loader, where: Loc): Promise<Target[]> {
  const raw = [...((st.targets as DStruct[] | undefined) ?? [])];
  if (st.targetFilePath) {
    const { file, text } = await ldr.loadText(st.targetFilePath as string, st.fieldAt.targetFilePath ?? where, 'targetFilePath');
    const doc = parseYamlDocuments(text, file)[0]?.node;
    if (doc) {
      const more = decode(doc, S.struct('Targets', { targets: S.list(target) }), { what: 'ValueAddTransformer targets', path: '', lenient: true }) as DStruct | undefined;
      raw.push(...((more?.targets as DStruct[] | undefined) ?? []));
    }
  }
  if (raw.length === 0) throw new GitOpsError('ValueAddTransformer: must specify at least one target', where, 'kustomization');
  return raw.map((t) => {
    const fieldPath = (t.fieldPath as string | undefined) ?? '';
    if (fieldPath === '') throw new GitOpsError('ValueAddTransformer: fieldPath cannot be empty', t.at, 'kustomization');
    const pos = (t.filePathPosition as number | undefined) ?? 0;
    if (pos < 0) throw new GitOpsError(`ValueAddTransformer: value of FilePathPosition (${pos}) cannot be negative`, t.fieldAt.filePathPosition ?? t.at, 'kustomization');
    const sel = t.selector as DStruct | undefined;
    return { select: sel ? compileSelector(selectorArg(sel), sel.at) : undefined, fieldPath, filePathPosition: pos, at: t.at };
  });
}

/** Splits a field path on `/`, where `\/` keeps a slash inside a key. */
function splitFieldPath(p: string): string[] {
  const out: string[] = [];
  for (const f of p.split('/')) {
    const last = out[out.length - 1];
    if (last !== undefined && last.endsWith('\\')) out[out.length - 1] = last.slice(0, -1) + '/' + f;
    else out.push(f);
  }
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

const isIndex = (p: string) => /^\d+$/.test(p);
const isListIndex = (p: string) => p.startsWith('[') && p.endsWith(']');

function wrongKind(expected: string, n: YNode, at: Loc): GitOpsError {
  const got = n.kind === 'map' ? 'MappingNode' : n.kind === 'seq' ? 'SequenceNode' : 'ScalarNode';
  return new GitOpsError(`ValueAddTransformer: wrong node kind: expected ${expected} but got ${got}`, n.origin ?? at, 'kustomize');
}

/** kyaml's PathGetter with create (a scalar at the end): the node at `path`, created as needed; undefined when an index is out of range. */
function lookupCreate(root: YNode, path: string[], at: Loc): YNode | undefined {
  let cur: YNode = root;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    const next = path[i + 1];
    if (isIndex(part) || part === '-') {
      if (cur.kind !== 'seq') throw wrongKind('SequenceNode', cur, at);
      const item: YNode | undefined = part === '-' ? cur.items[cur.items.length - 1] : cur.items[Number(part)];
      if (!item) return undefined;
      cur = item;
    } else if (isListIndex(part)) {
      const inner = part.slice(1, -1);
      const eq = inner.indexOf('=');
      if (eq < 0) throw new GitOpsError(`ValueAddTransformer: list path element ${part} must contain fieldName=fieldValue`, at, 'kustomization');
      const [k, v] = [inner.slice(0, eq), inner.slice(eq + 1)];
      if (cur.kind !== 'seq') throw wrongKind('SequenceNode', cur, at);
      let found = cur.items.find((it) =>
        k === '' ? it.kind === 'scalar' && it.value === v : it.kind === 'map' && entry(it, k)?.value.kind === 'scalar' && (entry(it, k)!.value as { value: string }).value === v,
      );
      if (!found) {
        found = k === '' ? scalar(v, resolvePlainTag(v), at) : newMap(at);
        if (found.kind === 'map') setField(found, k, scalar(v, resolvePlainTag(v), at));
        cur.items.push(found);
      }
      cur = found;
    } else {
      if (cur.kind !== 'map') throw wrongKind('MappingNode', cur, at);
      let e = entry(cur, part);
      if (!e) {
        const made: YNode = next === undefined ? scalar('', '', at) : isListIndex(next) || isIndex(next) ? newSeq(at) : newMap(at);
        e = setField(cur, part, made);
      }
      cur = e.value;
    }
  }
  return cur;
}

/** Go's filepath.Join over kyaml's PathSplit, inserting `part` at `pos` (kyaml's InsertPathPart). */
export function insertPathPart(path: string, pos: number, part: string): string {
  if (part === '') return path;
  const parts = pathSplit(path);
  let p = Math.min(Math.max(pos, 0), parts.length);
  if (parts.length > 0 && parts[0] === '' && p < parts.length) p++;
  const all = [...parts.slice(0, p), part, ...parts.slice(p)];
  if (all[0] === '') return '/' + goJoin(all.slice(1));
  return goJoin(all);
}

function pathSplit(s: string): string[] {
  if (s === '') return [];
  const slash = s.lastIndexOf('/');
  const dir = s.slice(0, slash + 1);
  const file = s.slice(slash + 1);
  if (dir === '/') return file === '' ? [''] : ['', file];
  const d = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  if (d === '') return [file];
  return [...pathSplit(d), file];
}

function goJoin(parts: string[]): string {
  const joined = parts.filter((x) => x !== '').join('/');
  if (joined === '') return '';
  let n = posix.normalize(joined);
  if (n.length > 1 && n.endsWith('/')) n = n.slice(0, -1);
  return n;
}

export async function valueAdd(m: ResMap, st: DStruct, ldr: Loader, folderName: string, where: Loc, rec: Recorder): Promise<void> {
  let value = ((st.value as string | undefined) ?? '').trim();
  if (value === '') value = folderName;
  const targets = await targetsOf(st, ldr, where);
  const at = st.fieldAt.value ?? where;
  const change: Change = { op: 'ValueAddTransformer', detail: `value ${value}`, at };
  for (const t of targets) {
    const selected = t.select ? m.list.filter(t.select) : m.list.slice();
    for (const r of selected) {
      if (t.fieldPath === 'metadata/namespace') {
        const one = { list: [r] } as unknown as ResMap;
        namespaceTransform(one, value, at, { fs: { namespace: [] } } as never, rec, { filterOnly: true });
        continue;
      }
      const n = lookupCreate(r.node, splitFieldPath(t.fieldPath), t.at);
      if (!n) continue;
      if (n.kind !== 'scalar') throw wrongKind('ScalarNode', n, t.at);
      const text = t.filePathPosition > 0 ? insertPathPart(n.value, t.filePathPosition - 1, value) : value;
      // kustomize puts a new untagged scalar in place, keeping the old one's style: plain text is typed by YAML.
      n.value = text;
      n.tag = n.style === 'plain' ? resolvePlainTag(text) : '!!str';
      rec.note(n, change);
    }
  }
}
