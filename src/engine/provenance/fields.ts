/**
 * Field provenance of one rendered object: every field (scalars, maps, list items) in printed order, with its
 * JSON pointer, the printed value, where it was written and what changed it since. Read off the renderer's node
 * tree, which records `origin` and `history` on every node when rendered with `{ provenance: true }`; walking the
 * printed value (`toOutput`) keeps paths and values exactly as `kubectl kustomize` prints them.
 */
import { GitOpsError } from '../errors/index.ts';
import type { RenderedResource } from '../render/index.ts';
import { fromOutput, toOutput, v2KeyOrder, type Change, type Loc, type OValue, type ScalarNode, type YNode } from '../yaml/index.ts';
import { isSecret, isSecretDataPath, maskCopied, maskData, SecretValues } from './mask.ts';
import { escapeSegment } from './nodes.ts';
import { parseFieldPath, type Segment } from './paths.ts';
import type { FieldProvenance, HistoryEntry, ObjectId, ObjectProvenance, SourceLocation } from './types.ts';

/** What provenance says for a field kustomize made without any instruction to point at. */
export const KUSTOMIZE_ITSELF = 'kustomize adds this field itself';

export function toSource(l: Loc): SourceLocation {
  return { file: l.file, line: l.line, column: l.column };
}

export function historyEntry(c: Change): HistoryEntry {
  return {
    file: c.at?.file ?? null,
    line: c.at?.line ?? null,
    column: c.at?.column ?? null,
    operation: c.op,
    detail: c.detail ?? (c.at ? '' : 'kustomize does this itself'),
  };
}

/**
 * Where a field was written. A scalar: its value. A map or list under a key: that key (where the field is
 * named), else the node. A field without a node position was made by a transformation: its first change.
 */
export function originLoc(node: YNode, key: ScalarNode | undefined): Loc | undefined {
  if (node.kind === 'scalar') return node.origin ?? firstAt(node.history) ?? key?.origin;
  return key?.origin ?? node.origin ?? firstAt(node.history);
}

function firstAt(h: Change[] | undefined): Loc | undefined {
  if (h) for (const c of h) if (c.at) return c.at;
  return undefined;
}

export function objectId(r: RenderedResource): ObjectId {
  return { group: r.id.group, version: r.id.version, kind: r.id.kind, namespace: r.id.namespace, name: r.id.name };
}

interface WalkCtx {
  secret: boolean;
  secrets: SecretValues;
  out: FieldProvenance[];
}

function fieldOf(v: OValue, pointer: string, key: ScalarNode | undefined, ctx: WalkCtx): FieldProvenance {
  const node = v.node;
  const origin = originLoc(node, key);
  const history = (node.history ?? []).map(historyEntry);
  if (!origin && !history.length) history.push({ file: null, line: null, column: null, operation: 'kustomize', detail: KUSTOMIZE_ITSELF });
  let value = fromOutput(v);
  if (ctx.secret && isSecretDataPath(pointer)) value = maskData(value);
  else value = maskCopied(value, ctx.secrets);
  return { path: pointer, value, origin: origin ? toSource(origin) : null, history };
}

function walk(v: OValue, pointer: string, key: ScalarNode | undefined, ctx: WalkCtx, self: boolean): void {
  if (self) ctx.out.push(fieldOf(v, pointer, key, ctx));
  if (v.k === 'map') {
    for (const i of v2KeyOrder(v.keys)) walk(v.values[i]!, `${pointer}/${escapeSegment(v.keys[i]!)}`, v.keyNodes[i], ctx, true);
  } else if (v.k === 'seq') {
    v.items.forEach((it, i) => walk(it, `${pointer}/${i}`, undefined, ctx, true));
  }
}

export interface ExplainOptions {
  /** A dotted path or JSON pointer: explain that field and everything under it (default: every field). */
  field?: string;
  /** Secret values of the whole render, so values copied out of a Secret are masked too (see SecretValues.of). */
  secrets?: SecretValues;
}

/** The field a path names, with its JSON pointer; throws a GitOpsError naming what exists when it is not there. */
export function resolveField(root: OValue, segments: Segment[], field: string, what: string): { value: OValue; pointer: string; key?: ScalarNode } {
  let cur: OValue = root;
  let pointer = '';
  let key: ScalarNode | undefined;
  const missing = (why: string): never => {
    throw new GitOpsError(`${what} has no field ${field}: ${why}`, undefined, 'field-not-found');
  };
  for (const seg of segments) {
    const at = pointer || 'the top';
    if (cur.k === 'map') {
      const k = 'key' in seg ? seg.key : 'index' in seg ? String(seg.index) : undefined;
      if (k === undefined) missing(`${at} is a map, not a list (it has ${cur.keys.join(', ') || 'no fields'})`);
      const i = cur.keys.indexOf(k!);
      if (i < 0) missing(`${at} has no ${JSON.stringify(k)} (it has ${cur.keys.join(', ') || 'no fields'})`);
      key = cur.keyNodes[i];
      cur = cur.values[i]!;
      pointer += '/' + escapeSegment(k!);
    } else if (cur.k === 'seq') {
      let idx: number;
      if ('match' in seg) {
        const { key: mk, value: mv } = seg.match;
        idx = cur.items.findIndex((it) => {
          if (it.k !== 'map') return false;
          const j = it.keys.indexOf(mk);
          const x = j < 0 ? undefined : it.values[j]!;
          return x !== undefined && x.k !== 'map' && x.k !== 'seq' && x.text === mv;
        });
        if (idx < 0) missing(`no item of ${at} has ${mk}=${mv}`);
      } else {
        const raw = 'index' in seg ? String(seg.index) : seg.key;
        if (!/^(0|[1-9]\d*)$/.test(raw)) missing(`${at} is a list; pick an item by index ([0]) or by key ([name=…])`);
        idx = Number(raw);
        if (idx >= cur.items.length) missing(`${at} has ${cur.items.length} item${cur.items.length === 1 ? '' : 's'}`);
      }
      key = undefined;
      cur = cur.items[idx]!;
      pointer += '/' + idx;
    } else {
      missing(`${at} is a scalar`);
    }
  }
  return { value: cur, pointer, key };
}

/** Field provenance of one rendered object (every field, or one field and everything under it). */
export function explainObject(r: RenderedResource, opts: ExplainOptions = {}): ObjectProvenance {
  const root = toOutput(r.node);
  const ctx: WalkCtx = { secret: isSecret(r), secrets: opts.secrets ?? new SecretValues(), out: [] };
  if (opts.field !== undefined && opts.field !== '' && opts.field !== '/') {
    const what = `${r.id.kind}/${r.id.namespace ? r.id.namespace + '/' : ''}${r.id.name}`;
    const hit = resolveField(root, parseFieldPath(opts.field), opts.field, what);
    walk(hit.value, hit.pointer, hit.key, ctx, true);
  } else {
    walk(root, '', undefined, ctx, false);
  }
  return { object: objectId(r), fields: ctx.out };
}

/** Field provenance of every object of a render (what `render --provenance` prints). */
export function explainAll(resources: readonly RenderedResource[]): ObjectProvenance[] {
  const secrets = SecretValues.of(resources);
  return resources.map((r) => explainObject(r, { secrets }));
}

/** What set a field's final value: its last change, else where it was written. */
export function finalSetter(f: FieldProvenance): { at: SourceLocation | null; operation: string; detail: string } {
  const h = f.history[f.history.length - 1];
  if (h) return { at: h.file !== null && h.line !== null && h.column !== null ? { file: h.file, line: h.line, column: h.column } : null, operation: h.operation, detail: h.detail };
  return { at: f.origin, operation: 'written', detail: '' };
}
