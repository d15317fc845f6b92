/**
 * Walking a field spec (`spec/template/spec/containers[]/image` for kind X) through an object, as kustomize's
 * fieldspec filter does: sequences are crossed transparently (every item is visited with the same remaining path),
 * `[]` marks a field that must already be a list, missing fields are created only when the spec says `create` and
 * the caller says what to create, and a null field on the way is turned into what was expected.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Change, Loc, MapNode, YNode } from '../yaml/index.ts';
import type { FieldSpec } from './config.ts';
import { parseGroupVersion } from './resid.ts';
import { entry, get, getString, isNull, newMap, newSeq, nullNode, setField, type Recorder } from './tree.ts';

/** Splits a path on `delimiter`, honouring `\` escapes (`metadata/annotations/a.b\/c`) and a leading delimiter. */
export function pathSplitter(path: string, delimiter: string): string[] {
  let parts = path.split(delimiter);
  if (parts.length > 1 && parts[0] === '') parts = parts.slice(1);
  const out: string[] = [parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const last = out.length - 1;
    if (out[last]!.endsWith('\\')) out[last] = out[last]!.slice(0, -1) + delimiter + parts[i];
    else out.push(parts[i]!);
  }
  return out;
}

/** kyaml's SmarterPathSplitter: dots inside `[...]` do not split; `[a.b]` without `=` names a key with dots. */
export function smarterPathSplitter(path: string, delimiter: string): string[] {
  const split = pathSplitter(path, delimiter);
  const out: string[] = [];
  for (let i = 0; i < split.length; i++) {
    const elem = split[i]!;
    if (elem.startsWith('[') && !elem.endsWith(']')) {
      const bracketed = [elem];
      while (i < split.length - 1) {
        i++;
        bracketed.push(split[i]!);
        if (split[i]!.endsWith(']')) break;
      }
      const joined = bracketed.join(delimiter);
      out.push(joined.includes('=') ? joined : joined.replace(/^\[+|\]+$/g, ''));
    } else {
      out.push(elem);
    }
  }
  return out;
}

export function gvkMatchesSpec(fs: { group: string; version: string; kind: string }, obj: MapNode): boolean {
  const kind = getString(obj, 'kind');
  if (fs.kind && fs.kind !== kind) return false;
  const { group, version } = parseGroupVersion(getString(obj, 'apiVersion'));
  if (fs.group && fs.group !== group) return false;
  if (fs.version && fs.version !== version) return false;
  return true;
}

export interface WalkOptions {
  /** What to create at the end of the path when the spec says `create` (nothing is created without this). */
  createKind?: 'map' | 'scalar';
  /** The change to note on containers created along the way. */
  change?: Change;
  rec?: Recorder;
  /** The object's id, for error messages. */
  describe?: () => string;
  at?: Loc;
}

const splitCache = new Map<string, string[]>();

/** The setter gets the node at the end of the path; it may change it in place. */
export type SetFn = (node: YNode, holder: { map: MapNode; key: string } | undefined) => void;

/**
 * Applies `set` to every node the spec's path reaches in `obj`. Does nothing when the spec's kind/group/version do
 * not select the object (callers that already matched can pass `matched`).
 */
export function walkFieldSpec(obj: MapNode, fs: FieldSpec, set: SetFn, opts: WalkOptions = {}, matched = false): void {
  if (!matched && !gvkMatchesSpec(fs, obj)) return;
  let path = splitCache.get(fs.path);
  if (!path) splitCache.set(fs.path, (path = pathSplitter(fs.path, '/')));
  walk(obj, path, 0, fs, set, opts, undefined);
}

function walk(node: YNode, path: string[], i: number, fs: FieldSpec, set: SetFn, opts: WalkOptions, holder: { map: MapNode; key: string } | undefined): void {
  if (i === path.length) {
    set(node, holder);
    return;
  }
  if (isNull(node)) return;
  if (node.kind === 'seq') {
    for (const item of node.items) walk(item, path, i, fs, set, opts, undefined);
    return;
  }
  if (node.kind !== 'map') {
    throw new GitOpsError(
      `field spec ${fs.path}: expected a map or a list at ${path.slice(0, i).join('/') || 'the top'}${opts.describe ? ` of ${opts.describe()}` : ''}, found a scalar`,
      node.origin ?? opts.at,
      'kustomize',
    );
  }
  let name = path[i]!;
  const isSeq = name.endsWith('[]');
  if (isSeq) name = name.slice(0, -2);
  if (name === '') throw new GitOpsError(`field spec ${fs.path}: cannot set or create an empty field name`, opts.at, 'kustomization');
  const last = i === path.length - 1;
  const create = fs.create && opts.createKind !== undefined && !isSeq;
  let e = entry(node, name);
  if (!e) {
    if (!create) return;
    const made = last ? (opts.createKind === 'map' ? newMap() : nullNode()) : newMap();
    if (opts.change && made.kind === 'map') opts.rec?.note(made, opts.change);
    e = setField(node, name, made);
  } else if (isNull(e.value)) {
    // A null field on the way becomes what the walker expected there (kustomize changes the node's kind in place).
    if (isSeq) e.value = newSeq(e.value.origin);
    else if (create && (!last || opts.createKind === 'map')) {
      const m = newMap(e.value.origin);
      if (opts.change) opts.rec?.note(m, opts.change);
      e.value = m;
    }
  }
  walk(e.value, path, i + 1, fs, set, opts, { map: node, key: name });
}

/** Reads the value at a field spec's path (first match), without creating anything. */
export function lookupFieldSpec(obj: MapNode, path: string): YNode | undefined {
  let found: YNode | undefined;
  walkFieldSpec(obj, { group: '', version: '', kind: '', path, create: false }, (n) => {
    found ??= n;
  }, {}, true);
  return found;
}

export { get };
