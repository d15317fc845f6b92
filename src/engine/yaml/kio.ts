/**
 * How kustomize reads a file of resources (kyaml's kio.FromBytes, used for resource files and strategic-merge
 * patch files), which is not the same as parsing a YAML stream:
 *
 * - every CRLF becomes LF first (also inside quoted strings);
 * - the text is cut at every line that starts with `---` (`\n---…\n`); anything but a comment after the dashes
 *   is an error ("invalid document separator"), and each piece is parsed on its own, keeping only its first
 *   document (so content after a `...` end marker is ignored);
 * - empty documents and documents that are only `null`/`~` are dropped;
 * - then every alias is replaced by a copy of its anchor and every merge key (`<<`) is applied in place (kyaml's
 *   DeAnchor), with a quirk kept here on purpose: re-setting each entry of every map loses a null-tagged key
 *   (`~:`, `null:`) and appends it again, so such a key ends up twice and kustomize fails to print the resource.
 */
import { GitOpsError } from '../errors/index.ts';
import type { MapEntry, MapNode, YNode } from './node.ts';
import { checkCharacters, copyTree, parseRawDocuments, type RawNode, type YDocument } from './parse.ts';

/** Splits like kio's splitDocuments; returns each piece with the 1-based line it starts on. */
/** A piece of the text: [start, end) and the line it starts on. */
interface Piece {
  start: number;
  end: number;
  line: number;
}

function splitDocuments(text: string, file: string): Piece[] {
  const out: Piece[] = [];
  if (text.length === 0) return out;
  const sep = /\n---[^\n]*\n/g;
  let prev = 0;
  let prevLine = 1;
  let m: RegExpExecArray | null;
  let line = 1;
  let scanned = 0;
  const countLines = (to: number): void => {
    let i = text.indexOf('\n', scanned);
    while (i >= 0 && i < to) {
      line++;
      i = text.indexOf('\n', i + 1);
    }
    scanned = to;
  };
  while ((m = sep.exec(text))) {
    const separator = m[0];
    const after = separator.slice(4).trim();
    countLines(m.index + 1);
    if (after.length > 0 && after[0] !== '#') {
      throw new GitOpsError(`invalid document separator: ${separator.trim()}`, { file, line, column: 1 }, 'yaml');
    }
    // kio re-adds the newline the split removed to every piece but the last: it is the separator's first character.
    out.push({ start: prev, end: m.index + 1, line: prevLine });
    prev = m.index + separator.length;
    countLines(prev);
    prevLine = line;
  }
  out.push({ start: prev, end: text.length, line: prevLine });
  return out;
}

/** A deep copy of a raw tree; aliases stay aliases (pointing at the same anchors), as kyaml's CopyYNode does. */
function copyRaw(n: RawNode): RawNode {
  switch (n.kind) {
    case 'alias':
      return { ...n };
    case 'scalar':
      return { ...n };
    case 'seq':
      return { ...n, items: (n.items as RawNode[]).map(copyRaw) as YNode[] };
    case 'map':
      return { ...n, entries: (n.entries as unknown as RawEntry[]).map((e) => ({ key: copyRaw(e.key), value: copyRaw(e.value) })) as unknown as MapEntry[] };
  }
}

interface RawEntry {
  key: RawNode;
  value: RawNode;
}

const entriesOf = (m: MapNode): RawEntry[] => m.entries as unknown as RawEntry[];

function mergeError(message: string, at: RawNode): never {
  const o = at.kind === 'alias' ? at.at : at.origin;
  throw new GitOpsError(message, o ? { file: o.file, line: o.line, column: o.column } : undefined, 'yaml');
}

/** kyaml's findMergeValues: the maps a merge key's value names, in the (reversed for lists) order kyaml applies them. */
function mergeSources(v: RawNode): MapNode[] {
  if (v.kind === 'map') return [v];
  if (v.kind === 'alias') {
    if (v.target.kind !== 'map') mergeError('invalid map merge: received alias for a non-map value', v);
    return [v.target];
  }
  if (v.kind === 'seq') {
    let out: MapNode[] = [];
    for (const item of v.items as RawNode[]) {
      if (item.kind === 'seq') mergeError('invalid map merge: received a nested sequence', item);
      out = [...mergeSources(item), ...out];
    }
    return out;
  }
  return mergeError('map merge requires map or sequence of maps as the value', v);
}

/** What kyaml compares keys by: the key's text (an alias key by its alias name). */
function keyText(k: RawNode): string {
  return k.kind === 'alias' ? k.name : k.kind === 'scalar' ? k.value : '';
}

/** kyaml's GetValue on a key: a null-tagged key reads as "". */
function setterName(k: RawNode): string {
  return k.kind === 'scalar' && k.tag === '!!null' ? '' : keyText(k);
}

/** kyaml's removeMergeTags + mergeAll on one mapping (its children are handled by the caller). */
function mergeMap(n: MapNode): void {
  const entries = entriesOf(n);
  let merges = 0;
  let nullKeys = false;
  for (const e of entries) {
    if (e.key.kind === 'scalar' && e.key.tag === '!!merge') merges++;
    else if (e.key.kind === 'scalar' && e.key.tag === '!!null' && e.key.value !== '') nullKeys = true;
  }
  // Re-setting every field of a map onto a copy of itself changes nothing unless there is a merge key or a
  // null-tagged key (which kyaml loses track of and appends again).
  if (merges === 0 && !nullKeys) return;
  let sources: MapNode[] = [];
  if (merges > 0) {
    const mergeEntries = entries.filter((e) => e.key.kind === 'scalar' && e.key.tag === '!!merge');
    if (mergeEntries.length > 1) mergeError('duplicate merge key', mergeEntries[1]!.key);
    sources = mergeSources(mergeEntries[0]!.value);
    const first = entries.findIndex((e) => keyText(e.key) === '<<');
    entries.splice(first, 1);
  }
  const result = entries.map((e) => ({ key: copyRaw(e.key), value: copyRaw(e.value) }));
  for (const m of [...sources, n]) {
    const copy = entriesOf(copyRaw(m) as MapNode);
    for (const e of copy) {
      const name = keyText(e.key);
      const field = copy.find((f) => keyText(f.key) === name)!;
      const target = setterName(field.key);
      const at = result.findIndex((r) => keyText(r.key) === target);
      if (at >= 0) result[at] = { key: field.key, value: field.value };
      else result.push({ key: field.key, value: field.value });
    }
  }
  n.entries = result as unknown as MapEntry[];
}

/** kyaml's DeAnchor: merge keys applied in place, then every alias replaced by a copy of its (de-anchored) anchor. */
function deAnchor(n: RawNode, depth: number): YNode {
  if (depth > 10_000) mergeError('YAML nesting is too deep', n);
  switch (n.kind) {
    case 'scalar':
      return n;
    case 'alias': {
      const c = copyTree(deAnchor(n.target, depth + 1));
      c.alias = n.at;
      return c;
    }
    case 'seq': {
      const items = n.items as RawNode[];
      for (let i = 0; i < items.length; i++) items[i] = deAnchor(items[i]!, depth + 1);
      return n;
    }
    case 'map': {
      mergeMap(n);
      for (const e of entriesOf(n)) {
        e.key = deAnchor(e.key, depth + 1);
        if (e.key.kind !== 'scalar') mergeError('a mapping key must be a scalar: kustomize cannot use a map or a list as a key', e.key);
        e.value = deAnchor(e.value, depth + 1);
      }
      return n;
    }
  }
}

/**
 * Reads a file of Kubernetes resources the way kustomize does (see the module comment). Returns the non-empty
 * documents, each with merge keys applied; line numbers refer to the original file.
 */
export function readResources(text: string, file: string): YDocument[] {
  const normalized = text.indexOf('\r') >= 0 ? text.replace(/\r\n/g, '\n') : text;
  checkCharacters(normalized, file, 0);
  const pieces = splitDocuments(normalized, file);
  const raw: { root: RawNode; start: YDocument['start']; plain: boolean }[] = [];
  for (const p of pieces) {
    const d = parseRawDocuments(normalized, file, { firstLine: p.line, firstDocumentOnly: true, range: p })[0];
    if (!d || !d.root) continue;
    // kio drops documents whose root is null (`~`, `null`, or nothing but an anchor).
    const rootTag = d.root.kind === 'scalar' ? d.root.tag : '';
    if (rootTag === '!!null') continue;
    // kyaml keeps comments; a comment after a final `|+` scalar that ends in an empty line is written back one
    // line further down, and the scalar keeps that extra line break.
    if (d.commentAfterKeptBreaks) d.commentAfterKeptBreaks.value += '\n';
    raw.push({ root: d.root, start: d.start, plain: !d.aliases && !d.specialKeys });
  }
  return raw.map((d) => ({ node: d.plain ? (d.root as YNode) : deAnchor(d.root, 0), start: d.start }));
}
