/**
 * JSON 6902 patches as kustomize applies them (`patches:` with an operation list, `patchesJson6902:`): the text is
 * a JSON array when it starts with `[`, otherwise YAML converted to JSON with YAML 1.1 rules; operations run with
 * the json-patch library's semantics (see json-patch-engine.ts). kustomize applies them to the resource's JSON and
 * reads the result back; the visible effects of that round trip are reproduced here (numbers pass through float64,
 * scalars are restyled), while the node tree keeps its provenance.
 */
import { GitOpsError } from '../errors/index.ts';
import { parseYamlDocuments, resolvePlainTag, toPlain, type Loc, type MapNode, type ScalarNode, type SeqNode, type YNode } from '../yaml/index.ts';
import { addChange, markAdded, OP_JSON6902, patchAt, recording, type PatchContext } from './context.ts';
import { applyJsonPatchOps, JsonPatchError, plainEqualsJval, type DocModel, type JsonPatchOp, type OpInfo } from './json-patch-engine.ts';
import { JsonSyntaxError, parseJsonWithRaw, type JVal } from './json-value.ts';
import { cloneNode, forEachNode, mapEntry, newKey, overwriteNode } from './nodes.ts';
import { yamlNodeToJval } from './yaml-v2.ts';

export interface Json6902Patch {
  ops: JsonPatchOp[];
  /** How the text was read: 'json' (it starts with `[`) or 'yaml'. */
  format: 'json' | 'yaml';
}

export interface TextOrigin {
  /** Repo-relative file the text is in. */
  file: string;
  /** Where the text's first character is (1-based); for a block scalar, every line is shifted by the same column. */
  line?: number;
  column?: number;
}

/**
 * Reads a JSON 6902 operation list as kustomize does. A syntax error or a value that is not a list of objects is
 * a GitOpsError carrying Go's message; an empty list is returned as such (callers decide whether that is an
 * error, as `patchesJson6902` does).
 */
export function parseJson6902(text: string, origin: TextOrigin): Json6902Patch {
  const lineShift = (origin.line ?? 1) - 1;
  const colShift = (origin.column ?? 1) - 1;
  const shift = (l: Loc): Loc => ({ file: origin.file, line: l.line + lineShift, column: l.column + colShift });
  let top: JVal;
  let format: 'json' | 'yaml';
  if (text.startsWith('[')) {
    format = 'json';
    const starts = lineStarts(text);
    const locAt = (off: number): Loc => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= off) lo = mid;
        else hi = mid - 1;
      }
      return shift({ file: origin.file, line: lo + 1, column: off - starts[lo]! + 1 });
    };
    try {
      top = parseJsonWithRaw(text, locAt);
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw new GitOpsError(`invalid JSON patch: ${e.message}`, locAt(e.offset), 'patch');
      throw e;
    }
  } else {
    format = 'yaml';
    const docs = parseYamlDocuments(text, origin.file);
    const first = docs[0]?.node;
    top = first ? relocate(yamlNodeToJval(first), shift) : { t: 'null' };
  }
  return { ops: decodeOps(top, shift({ file: origin.file, line: 1, column: 1 })), format };
}

function relocate(v: JVal, shift: (l: Loc) => Loc): JVal {
  if (v.loc) v.loc = shift(v.loc);
  if (v.t === 'arr') v.items.forEach((i) => relocate(i, shift));
  if (v.t === 'obj') for (const x of v.entries.values()) relocate(x, shift);
  return v;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

const GO_KIND: Record<JVal['t'], string> = { null: 'null', bool: 'bool', num: 'number', str: 'string', arr: 'array', obj: 'object' };

/** Go's json.Unmarshal of the value into a jsonpatch.Patch ([]map[string]*json.RawMessage). */
export function decodeOps(top: JVal, at?: Loc): JsonPatchOp[] {
  if (top.t === 'null') return [];
  if (top.t !== 'arr') throw new GitOpsError(`json: cannot unmarshal ${GO_KIND[top.t]} into Go value of type jsonpatch.Patch`, top.loc ?? at, 'patch');
  return top.items.map((item) => {
    if (item.t === 'null') return { fields: new Map(), loc: item.loc ?? at };
    if (item.t !== 'obj') {
      throw new GitOpsError(`json: cannot unmarshal ${GO_KIND[item.t]} into Go value of type jsonpatch.Operation`, item.loc ?? at, 'patch');
    }
    const fields = new Map<string, JVal | null>();
    for (const [k, v] of item.entries) fields.set(k, v.t === 'null' ? null : v);
    return { fields, loc: item.loc ?? at };
  });
}

/**
 * Applies a JSON 6902 patch to a resource node tree, in place (the root object stays the same node even when an
 * operation replaces the whole document). Failing operations throw a GitOpsError with the library's message,
 * located at the operation.
 */
export function applyJson6902(resource: YNode, patch: Json6902Patch, ctx?: PatchContext): YNode {
  const model = new NodeModel(ctx);
  let root: YNode;
  try {
    root = applyJsonPatchOps(model, resource, patch.ops);
  } catch (e) {
    if (e instanceof JsonPatchError) throw new GitOpsError(e.message, e.op?.loc ?? patchAt(ctx), 'patch');
    throw e;
  }
  if (root.kind !== 'map') {
    const what = root.kind === 'seq' ? 'array' : 'string';
    throw new GitOpsError(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`, patchAt(ctx), 'patch');
  }
  if (root !== resource) {
    overwriteNode(resource, root);
    if (model.record) addChange(resource, { op: OP_JSON6902, detail: 'replace (whole document)', at: patchAt(ctx) });
  }
  normalizeAfterJsonRoundTrip(resource);
  return resource;
}

const TWO53 = 2 ** 53;

/**
 * What kustomize's JSON round trip does to values: numbers become float64 (big integers lose precision), every
 * scalar is re-emitted by yaml.v3 (strings that would read as something else get quoted; timestamps and custom
 * tags become plain strings; nulls are written `null`).
 */
export function normalizeAfterJsonRoundTrip(root: YNode): void {
  forEachNode(root, (n) => {
    if (n.kind !== 'scalar') return;
    switch (n.tag) {
      case '!!null':
        n.value = 'null';
        n.style = 'plain';
        return;
      case '!!int': {
        const v = Number(n.value.replace(/_/g, ''));
        if (Number.isFinite(v) && Math.abs(v) > TWO53) n.value = Math.abs(v) < 1e21 ? BigInt(v).toString() : String(v);
        n.style = 'plain';
        return;
      }
      case '!!float':
      case '!!bool':
        n.style = 'plain';
        return;
      case '!!binary':
        n.value = Buffer.from(n.value.replace(/\s+/g, ''), 'base64').toString('utf8');
        n.tag = '!!str';
        break;
      default:
        if (n.tag !== '!!str') n.tag = '!!str';
    }
    n.style = n.value.includes('\n') ? 'literal' : needsQuotes(n.value) ? 'double' : 'plain';
  });
}

function needsQuotes(s: string): boolean {
  if (s === '' || resolvePlainTag(s) !== '!!str') return true;
  return /^[\s\-?:,[\]{}#&*!|>'"%@`]|\s$|: | #/.test(s);
}

class NodeModel implements DocModel<YNode> {
  readonly record: boolean;

  constructor(private readonly ctx: PatchContext | undefined) {
    this.record = recording(ctx);
  }

  private locOf(info: OpInfo): Loc | undefined {
    return info.op.loc ?? patchAt(this.ctx);
  }

  private note(n: YNode, info: OpInfo, detail: string): void {
    if (!this.record) return;
    const at = this.locOf(info);
    addChange(n, at ? { op: OP_JSON6902, detail, at } : { op: OP_JSON6902, detail });
  }

  isMap(v: YNode): boolean {
    return v.kind === 'map';
  }

  isSeq(v: YNode): boolean {
    return v.kind === 'seq';
  }

  has(m: YNode, key: string): boolean {
    return m.kind === 'map' && mapEntry(m, key) !== undefined;
  }

  get(m: YNode, key: string): YNode | undefined {
    const v = m.kind === 'map' ? mapEntry(m, key)?.value : undefined;
    return v && !(v.kind === 'scalar' && v.tag === '!!null') ? v : undefined;
  }

  /** Places a value: a scalar over a scalar updates the node in place (it keeps its origin); else the node moves in. */
  private place(old: YNode | undefined, v: YNode, info: OpInfo, put: (v: YNode) => void): void {
    if (old && old.kind === 'scalar' && v.kind === 'scalar' && (info.kind === 'add' || info.kind === 'replace')) {
      overwriteNode(old, v);
      this.note(old, info, `${info.kind} ${info.path}`);
      return;
    }
    put(v);
    if (!this.record) return;
    if (info.kind === 'move') this.note(v, info, `move from ${info.from} to ${info.path}`);
    else if (info.kind === 'copy') this.note(v, info, `copy from ${info.from} to ${info.path}`);
    else markAdded(v, OP_JSON6902, this.locOf(info));
  }

  set(m: YNode, key: string, v: YNode | undefined, info: OpInfo): void {
    if (m.kind !== 'map') return;
    const node = v ?? nullNode(this.locOf(info));
    const e = mapEntry(m, key);
    this.place(e?.value, node, info, (x) => {
      if (e) e.value = x;
      else m.entries.push({ key: newKey(key, this.locOf(info)), value: x });
    });
  }

  del(m: YNode, key: string, info: OpInfo): void {
    if (m.kind !== 'map') return;
    const i = m.entries.findIndex((e) => e.key.value === key);
    if (i >= 0) m.entries.splice(i, 1);
    this.note(m, info, info.kind === 'move' ? `move from ${info.from} to ${info.path}` : `remove ${info.path}`);
  }

  len(s: YNode): number {
    return s.kind === 'seq' ? s.items.length : 0;
  }

  at(s: YNode, i: number): YNode | undefined {
    const v = s.kind === 'seq' ? s.items[i] : undefined;
    return v && !(v.kind === 'scalar' && v.tag === '!!null') ? v : undefined;
  }

  insert(s: YNode, i: number, v: YNode | undefined, info: OpInfo): void {
    if (s.kind !== 'seq') return;
    const node = v ?? nullNode(this.locOf(info));
    this.place(undefined, node, info, (x) => s.items.splice(i, 0, x));
  }

  replaceAt(s: YNode, i: number, v: YNode | undefined, info: OpInfo, existing: YNode | undefined): void {
    if (s.kind !== 'seq') return;
    const node = v ?? nullNode(this.locOf(info));
    this.place(existing ?? s.items[i], node, info, (x) => {
      s.items[i] = x;
    });
  }

  removeAt(s: YNode, i: number, info: OpInfo): void {
    if (s.kind !== 'seq') return;
    s.items.splice(i, 1);
    this.note(s, info, info.kind === 'move' ? `move from ${info.from} to ${info.path}` : `remove ${info.path}`);
  }

  fromJson(j: JVal | undefined, info: OpInfo): YNode | undefined {
    if (j === undefined) return undefined;
    return jvalToNode(j, this.locOf(info));
  }

  copy(v: YNode | undefined): YNode | undefined {
    return v === undefined ? undefined : cloneNode(v);
  }

  equal(v: YNode | undefined, j: JVal | undefined): boolean {
    return plainEqualsJval(v === undefined ? null : toPlain(v), j);
  }
}

function nullNode(origin: Loc | undefined): ScalarNode {
  const n: ScalarNode = { kind: 'scalar', value: 'null', tag: '!!null', style: 'plain' };
  if (origin) n.origin = origin;
  return n;
}

/** A JSON value as a YAML node, as yaml.v3 would write the Go value JSON decodes it to. */
export function jvalToNode(j: JVal, at: Loc | undefined): YNode {
  const origin = j.loc ?? at;
  const meta = origin ? { origin } : {};
  switch (j.t) {
    case 'null':
      return { kind: 'scalar', value: 'null', tag: '!!null', style: 'plain', ...meta };
    case 'bool':
      return { kind: 'scalar', value: j.v ? 'true' : 'false', tag: '!!bool', style: 'plain', ...meta };
    case 'num':
      return { kind: 'scalar', value: j.raw, tag: /^-?[0-9]+$/.test(j.raw) ? '!!int' : '!!float', style: 'plain', ...meta };
    case 'str':
      return { kind: 'scalar', value: j.v, tag: '!!str', style: j.v.includes('\n') ? 'literal' : needsQuotes(j.v) ? 'double' : 'plain', ...meta };
    case 'arr': {
      const s: SeqNode = { kind: 'seq', items: j.items.map((x) => jvalToNode(x, at)), ...meta };
      return s;
    }
    case 'obj': {
      const m: MapNode = { kind: 'map', entries: [], ...meta };
      for (const [k, v] of j.entries) m.entries.push({ key: newKey(k, v.loc ?? origin), value: jvalToNode(v, at) });
      return m;
    }
  }
}
