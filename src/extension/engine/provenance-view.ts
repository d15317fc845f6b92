/**
 * Provenance as the editor shows it: for a line of the rendered stream, the field printed there, where it was
 * written and what changed it, in order (hover, Go to Definition); for a line of a source file, the rendered fields
 * it set or changed, across overlays ("this line affects …"). Built on the emitter's line map (yaml
 * emitDocumentsWithMap) over the renderer's node trees; Secret data values and the details that could spell them
 * (a generator literal) are left out.
 */
import { isAbsolute, join } from 'node:path';
import type { Change, LineInfo, Loc, YNode } from '../../engine/yaml/index.ts';
import type { SourceLink } from './plan-view.ts';

export interface ProvenanceStep {
  op: string;
  detail?: string;
  at?: SourceLink;
}

export interface FieldProvenance {
  /** The field as a dotted path, list items by name where they have one: `spec.template.spec.containers[name=web].image`. */
  path: string;
  /** The object the field belongs to: `Deployment shop-prod/shop`. */
  object: string;
  /** The printed value of a scalar; absent for maps, lists and Secret data. */
  value?: string;
  origin?: SourceLink;
  /** What changed it after it was written, in the order the transformations ran. */
  history: ProvenanceStep[];
  /** Where the final value was set: the last change's location, else the origin. */
  setBy?: SourceLink;
  secret: boolean;
}

function link(loc: Loc | undefined, root: string): SourceLink | undefined {
  if (!loc?.file) return undefined;
  return { file: isAbsolute(loc.file) ? loc.file : join(root, loc.file), line: loc.line };
}

function child(node: YNode | undefined, step: string | number): YNode | undefined {
  if (!node) return undefined;
  if (node.kind === 'map' && typeof step === 'string') return node.entries.find((e) => e.key.value === step)?.value;
  if (node.kind === 'seq' && typeof step === 'number') return node.items[step];
  return undefined;
}

function scalarAt(node: YNode | undefined, key: string): string | undefined {
  const v = child(node, key);
  return v?.kind === 'scalar' ? v.value : undefined;
}

/** Formats a line-map path against the document, naming list items by their `name` when they have one. */
export function formatPath(doc: YNode | undefined, path: (string | number)[]): string {
  let out = '';
  let node = doc;
  for (const step of path) {
    if (typeof step === 'number') {
      const item = child(node, step);
      const name = scalarAt(item, 'name');
      out += name !== undefined && !/[\]\s]/.test(name) ? `[name=${name}]` : `[${step}]`;
    } else out += out ? `.${step}` : step;
    node = child(node, step);
  }
  return out;
}

function describeObject(doc: YNode | undefined): string {
  const kind = scalarAt(doc, 'kind') ?? 'object';
  const meta = child(doc, 'metadata');
  const name = scalarAt(meta, 'name') ?? '';
  const ns = scalarAt(meta, 'namespace');
  return `${kind} ${ns ? `${ns}/` : ''}${name}`;
}

function isSecretData(doc: YNode | undefined, path: (string | number)[]): boolean {
  return scalarAt(doc, 'kind') === 'Secret' && scalarAt(doc, 'apiVersion') === 'v1' && (path[0] === 'data' || path[0] === 'stringData');
}

function steps(history: Change[] | undefined, root: string, secret: boolean): ProvenanceStep[] {
  // The same change recorded twice in a row (a transformer visiting a node again) is one step for the reader.
  const list = (history ?? []).filter(
    (c, i, all) => i === 0 || c.op !== all[i - 1]!.op || c.detail !== all[i - 1]!.detail || c.at?.file !== all[i - 1]!.at?.file || c.at?.line !== all[i - 1]!.at?.line,
  );
  return list.map((c) => ({
    op: c.op,
    // A generator's detail can quote the literal (KEY=value): never for Secret data.
    ...(c.detail && !secret ? { detail: c.detail } : {}),
    ...(c.at ? { at: link(c.at, root) } : {}),
  }));
}

/**
 * The provenance of the field printed on a 1-based line. `lines` is the emitter's map of the same text; `docs` the
 * documents it printed; `root` turns repo-relative locations into absolute paths.
 */
export function fieldAtLine(lines: LineInfo[], docs: YNode[], line: number, root: string): FieldProvenance | undefined {
  const info = lines[line - 1];
  if (!info || info.separator) return undefined;
  const doc = docs[info.doc];
  const node = info.node;
  const secret = isSecretData(doc, info.path);
  // On a key line, the key and its value were usually written together; the value's record says what changed it.
  const origin = link(node?.origin ?? info.key?.origin, root);
  const history = steps(node?.history, root, secret);
  const last = [...history].reverse().find((s) => s.at);
  return {
    path: formatPath(doc, info.path) || '(document)',
    object: describeObject(doc),
    ...(node?.kind === 'scalar' && !secret ? { value: node.value } : {}),
    origin,
    history,
    setBy: last?.at ?? origin,
    secret,
  };
}

export interface AffectedField {
  /** The overlay (or app) folder, absolute. */
  overlay: string;
  object: string;
  path: string;
  /** 'written here' (origin) or the operation that ran from this line. */
  how: string;
}

/**
 * The lines whose instructions a hover on `line` should count: the line itself, and the start of the list item it
 * belongs to (a transformation is recorded at its entry, `- name: …`, while the user points at `newTag: …` below).
 */
export function relatedLines(text: string, line: number): number[] {
  const lines = text.split(/\r?\n/);
  const here = lines[line - 1];
  if (here === undefined) return [line];
  const indent = (l: string) => /^ */.exec(l)![0].length;
  const out = [line];
  if (/^\s*- /.test(here)) return out;
  const own = indent(here);
  for (let i = line - 2; i >= 0; i--) {
    const l = lines[i]!;
    if (!l.trim() || l.trim().startsWith('#')) continue;
    if (indent(l) >= own) continue;
    if (/^\s*- /.test(l) && indent(l) + 2 === own) out.push(i + 1);
    break;
  }
  return out;
}

/** Every field of these documents whose origin or one of whose changes sits at file:line (absolute path). */
export function fieldsFromLine(docs: YNode[], root: string, file: string, line: number | number[], overlay: string): AffectedField[] {
  const out: AffectedField[] = [];
  // The first line is the one pointed at: only it wrote values; the others are where its list entry starts.
  const lines = Array.isArray(line) ? line : [line];
  const wanted = new Set(lines);
  const inFile = (loc: Loc) => (isAbsolute(loc.file) ? loc.file : join(root, loc.file)) === file;
  const at = (loc: Loc | undefined) => !!loc && wanted.has(loc.line) && inFile(loc);
  const visit = (doc: YNode, node: YNode, path: (string | number)[]) => {
    const hows: string[] = [];
    // A map or list starts where its first entry does; the entry itself is the field written on that line.
    if (node.kind === 'scalar' && node.origin && node.origin.line === lines[0] && inFile(node.origin)) {
      hows.push(node.history?.length ? 'written here, then changed' : 'written here');
    }
    for (const c of node.history ?? []) if (at(c.at)) hows.push(c.op);
    if (hows.length) out.push({ overlay, object: describeObject(doc), path: formatPath(doc, path) || '(document)', how: [...new Set(hows)].join(', ') });
    if (node.kind === 'map') for (const e of node.entries) visit(doc, e.value, [...path, e.key.value]);
    else if (node.kind === 'seq') node.items.forEach((it, i) => visit(doc, it, [...path, i]));
  };
  for (const d of docs) visit(d, d, []);
  return out;
}
