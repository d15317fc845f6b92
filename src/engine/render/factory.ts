/**
 * Turning YAML text into objects the way kustomize's resource factory does: every non-empty document must have a
 * kind and (unless it is a list) a metadata.name; `kind: FooList` documents with `items` are replaced by their
 * items, which kustomize appends after the other documents of the file. Parsed files are cached by content, so a
 * re-render parses only what changed; callers get fresh copies they may mutate.
 */
import { GitOpsError } from '../errors/index.ts';
import { readResources, type Loc, type MapNode, type YNode } from '../yaml/index.ts';
import { Resource } from './resource.ts';
import { clone, get, getString, isNull } from './tree.ts';

interface CacheEntry {
  text: string;
  /** A pristine copy, kept from the second read of the same text on (a file read once is never copied). */
  docs?: MapNode[];
}

/** Parsed documents by file, reused while the file's text is unchanged. */
export class ParseCache {
  private byFile = new Map<string, CacheEntry>();
  private memos = new Map<string, { text: string; value: unknown }>();

  /**
   * A value computed from a text (a parsed kustomization, a classified patch), reused while the text is the same.
   * `key` names what is computed and from where; callers must not mutate what they get back.
   */
  memo<T>(key: string, text: string, compute: () => T): T {
    const e = this.memos.get(key);
    if (e && e.text === text) return e.value as T;
    const value = compute();
    this.memos.set(key, { text, value });
    return value;
  }

  /** The file's documents (fresh copies), validated as kustomize validates resources. */
  objects(text: string, file: string): MapNode[] {
    const e = this.byFile.get(file);
    if (e && e.text === text) {
      if (!e.docs) {
        const docs = parseObjects(text, file);
        e.docs = docs.map((d) => clone(d));
        return docs;
      }
      return e.docs.map((d) => clone(d));
    }
    this.byFile.set(file, { text });
    return parseObjects(text, file);
  }
}

function isNilOrEmpty(n: YNode | null | undefined): boolean {
  if (!n || isNull(n)) return true;
  if (n.kind === 'map') return n.entries.length === 0;
  if (n.kind === 'seq') return n.items.length === 0;
  return false;
}

function validate(n: YNode, file: string, start: Loc): MapNode {
  if (n.kind !== 'map') {
    throw new GitOpsError(`expected a Kubernetes object (a YAML map), found a ${n.kind === 'seq' ? 'list' : 'scalar'}`, n.origin ?? start, 'resource');
  }
  const kindNode = get(n, 'kind');
  const meta = get(n, 'metadata');
  const apiVersion = get(n, 'apiVersion');
  if (isNilOrEmpty(kindNode) && isNilOrEmpty(meta) && isNilOrEmpty(apiVersion)) {
    throw new GitOpsError('missing Resource metadata (no apiVersion, kind or metadata)', n.origin ?? start, 'resource');
  }
  const kind = getString(n, 'kind');
  if (kind === '') throw new GitOpsError('missing kind in object', n.origin ?? start, 'resource');
  if (!kind.endsWith('List') && getString(n, 'metadata', 'name') === '') {
    throw new GitOpsError(`missing metadata.name in ${kind} object`, (meta && meta.origin) ?? n.origin ?? start, 'resource');
  }
  return n;
}

/** Parses `text` into validated object trees, lists expanded. */
export function parseObjects(text: string, file: string): MapNode[] {
  const queue: { node: YNode; start: Loc }[] = [];
  // kustomize reads resource files with kio (document splitting, anchors and merge keys resolved), not as a stream.
  for (const d of readResources(text, file)) {
    if (isNilOrEmpty(d.node)) continue;
    queue.push({ node: validate(d.node!, file, d.start), start: d.start });
  }
  const out: MapNode[] = [];
  while (queue.length) {
    const { node, start } = queue.shift()!;
    const m = node as MapNode;
    const kind = getString(m, 'kind');
    if (!kind.endsWith('List')) {
      out.push(m);
      continue;
    }
    const items = get(m, 'items');
    if (items === undefined) {
      out.push(m);
      continue;
    }
    if (isNull(items)) continue;
    if (items.kind !== 'seq') throw new GitOpsError(`expected array in ${kind}/items`, items.origin ?? start, 'resource');
    for (const it of items.items) {
      if (isNilOrEmpty(it)) continue;
      queue.push({ node: validate(it, file, it.origin ?? start), start: it.origin ?? start });
    }
  }
  return out;
}

export function resourcesFrom(docs: MapNode[], source: string): Resource[] {
  return docs.map((d) => new Resource(d, source));
}
