/**
 * Strategic merge on YAML node trees exactly as kustomize v5.5.0 does it (kyaml's merge2 walker with the
 * "prepend" list direction kustomize's patch filter uses). This is not apimachinery's strategic merge: kyaml
 * knows only `$patch` (delete, replace, merge, at map and list level); `$setElementOrder/…`, `$retainKeys` and
 * `$deleteFromPrimitiveList/…` are copied into the output as ordinary fields; lists merge only where the schema
 * gives a `merge` patch strategy (otherwise the patch's list replaces the resource's); merged lists put the patch's
 * elements first; a scalar a patch sets takes the quoting style of the value it replaces (so `replicas: 3` over
 * `replicas: "2"` gives the string "3"); explicit `null`s clear fields; list elements without their merge key
 * make kyaml drop the keyed elements. The structure below follows kyaml's walker step by step, because its
 * quirks are the behaviour users get from `kubectl kustomize`.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc, MapNode, ScalarNode, SeqNode, YNode } from '../yaml/index.ts';
import { addChange, markAdded, OP_SMP, patchAt, recording, type PatchContext } from './context.ts';
import { cloneNode, field, fieldNames, forEachNode, isEmptyMap, isMissingOrNull, isNilOrEmpty, newKey, overwriteNode, removeField, scalarValue } from './nodes.ts';
import { KustomizeSchema, type MergeSchema } from './schema.ts';

type N = YNode | undefined;
type Directive = 'merge' | 'replace' | 'delete' | 'unknown';

const QUOTED = new Set(['single', 'double', 'literal', 'folded']);
const RETYPED_WHEN_QUOTED = new Set(['!!int', '!!float', '!!bool', '!!timestamp']);

export interface KyamlMergeOptions {
  /** The schema in effect (default: kustomize's built-in v1.21.2 schema). */
  schema?: KustomizeSchema;
  ctx?: PatchContext;
}

/**
 * Merges `patch` into `dest` as kustomize's `patchStrategicMerge` filter does. `dest` is changed in place; the
 * patch is copied first and left untouched. Returns the merged node, or undefined when the patch deletes the whole
 * resource (a top-level `$patch: delete`). When a top-level `$patch: replace` makes kyaml return the patch
 * instead of the resource, the returned node is the (processed) patch and `dest` is left as it was, which is
 * what kustomize then keeps.
 */
export function kyamlMerge(dest: YNode, patch: YNode, opts: KyamlMergeOptions = {}): YNode | undefined {
  const m = new Merger(opts.schema ?? KustomizeSchema.builtin(), opts.ctx);
  const p = cloneNode(patch);
  if (m.record) forEachNode(p, (n) => m.patchNodes.add(n));
  return m.walk([dest, p], undefined, []);
}

class Merger {
  readonly record: boolean;
  readonly patchNodes = new Set<YNode>();
  /** Null nodes kyaml marks `ShouldKeep`: explicit nulls of the resource that the patch does not mention. */
  private readonly keepNulls = new Set<YNode>();

  constructor(
    private readonly schemaRoot: KustomizeSchema,
    private readonly ctx: PatchContext | undefined,
  ) {
    this.record = recording(ctx);
  }

  // ------------------------------------------------------------------ walker

  walk(sources: N[], schema: MergeSchema | undefined, path: string[]): N {
    const s = schema ?? this.schemaFromSources(sources);
    const kind = firstKind(sources);
    switch (kind) {
      case 'map':
        this.checkKinds('map', sources, path);
        return this.walkMap(sources, s, path);
      case 'seq':
        this.checkKinds('seq', sources, path);
        if (s && s.patchStrategy.split(',').includes('merge')) return this.walkAssociativeSequence(sources, s, path);
        return this.visitNonAssociativeList(sources);
      case 'scalar':
        this.checkKinds('scalar', sources, path);
        return sources[1] !== undefined ? sources[1] : sources[0];
      default:
        return this.walkMap(sources, s, path);
    }
  }

  /** kyaml looks a schema up by apiVersion/kind on any map that has both, also inside unknown fields. */
  private schemaFromSources(sources: N[]): MergeSchema | undefined {
    for (const src of sources) {
      if (src === undefined || src.kind !== 'map') continue;
      const apiVersion = metaString(src, 'apiVersion');
      const kind = metaString(src, 'kind');
      if (!apiVersion || !kind) continue;
      const found = this.schemaRoot.forResource(apiVersion, kind);
      if (found) return found;
    }
    return undefined;
  }

  private checkKinds(kind: YNode['kind'], sources: N[], path: string[]): void {
    for (let i = 0; i < sources.length; i++) {
      const src = sources[i];
      if (src === undefined || isMissingOrNull(src) || src.kind === kind) continue;
      const names = { map: 'MappingNode', seq: 'SequenceNode', scalar: 'ScalarNode' };
      const where = path.length ? ` (at ${path.join('.')})` : '';
      const blame = sources[1] ?? src;
      throw new GitOpsError(
        `strategic merge patch: wrong node kind: expected ${names[kind]} but got ${names[src.kind]}${where}`,
        patchAt(this.ctx, blame),
        'patch',
      );
    }
  }

  // ------------------------------------------------------------------ maps

  private walkMap(sources: N[], schema: MergeSchema | undefined, path: string[]): N {
    const dest = this.visitMap(sources, path);
    sources[0] = dest;
    if (dest === undefined) return undefined;
    const names = new Set<string>();
    for (const src of sources) for (const n of fieldNames(src)) names.add(n);
    const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const key of sorted) {
      const fv = sources.map((src) => (src === undefined ? undefined : field(src, key)));
      const patchKey = sources[1]?.kind === 'map' ? sources[1].entries.find((e) => e.key.value === key)?.key : undefined;
      const val = this.walk(fv, schema?.field(key), [...path, key]);
      this.setField(dest, key, val, fv[1], patchKey);
    }
    return dest;
  }

  private visitMap(sources: N[], path: string[]): N {
    const [dest, origin] = sources;
    if (isMissingOrNull(dest)) {
      let ps: Directive;
      try {
        ps = this.directive(origin, path);
      } catch {
        ps = 'unknown';
      }
      if (ps === 'delete') return undefined;
      if (origin === undefined && dest !== undefined && scalarValue(dest).length > 0) {
        this.keepNulls.add(dest);
        return dest;
      }
      return origin;
    }
    if (origin !== undefined && isTaggedNull(origin)) return undefined;
    const ps = this.directive(origin, path);
    if (ps === 'delete') return undefined;
    if (ps === 'replace') return origin;
    return dest;
  }

  /**
   * kyaml's FieldSetter: a missing value or a null (unless kept) removes the field; an existing field's node takes
   * the new content in place, after the new value has taken the old one's quoting style; a new field is appended.
   */
  private setField(dest: YNode, key: string, val: N, patchValue: N, patchKey: ScalarNode | undefined): void {
    if (dest.kind !== 'map') {
      if (isMissingOrNull(dest) && (val === undefined || (isTaggedNull(val) && !this.keepNulls.has(val)))) return;
      throw new GitOpsError(`strategic merge patch: cannot set field '${key}' on a ${dest.kind}`, patchAt(this.ctx, patchValue), 'patch');
    }
    if (val === undefined || (isTaggedNull(val) && !this.keepNulls.has(val))) {
      const removed = removeField(dest, key);
      if (removed !== undefined && this.record) addChange(dest, this.change(`removed '${key}'`, patchValue));
      return;
    }
    const existing = field(dest, key);
    if (existing !== undefined) {
      if (existing === val) return;
      if (val.kind === 'scalar' && existing.kind === 'scalar') {
        val.style = existing.style;
        // A quoted or block style on a number, bool or timestamp makes it a string once printed and re-read.
        if (QUOTED.has(val.style) && RETYPED_WHEN_QUOTED.has(val.tag)) val.tag = '!!str';
      }
      const wasScalar = existing.kind === 'scalar' && val.kind === 'scalar';
      // Setting a scalar to the value it already has is no change worth a history entry (patches repeat names).
      const sameScalar = wasScalar && existing.kind === 'scalar' && val.kind === 'scalar' && existing.value === val.value && existing.tag === val.tag;
      const fromPatch = this.patchNodes.has(val);
      const before = this.record && existing.kind !== 'scalar' ? childrenOf(existing) : undefined;
      overwriteNode(existing, val);
      if (!this.record) return;
      if (wasScalar) {
        if (!sameScalar) addChange(existing, this.change('set', val));
      } else if (fromPatch) {
        addChange(existing, this.change('replaced', val));
        for (const c of childrenOf(existing)) if (this.patchNodes.has(c)) markAdded(c, OP_SMP, patchAt(this.ctx, val));
      } else {
        // A merged list: new elements are the patch's, missing ones were deleted by it.
        const after = childrenOf(existing);
        for (const c of after) if (this.patchNodes.has(c) && !before?.includes(c)) markAdded(c, OP_SMP, patchAt(this.ctx, c));
      }
      return;
    }
    dest.entries.push({ key: patchKey ? { ...newKey(key), origin: patchKey.origin } : newKey(key), value: val });
    if (!this.record) return;
    if (this.patchNodes.has(val)) markAdded(val, OP_SMP, patchAt(this.ctx, val));
    else {
      // A new list the merge rebuilt from the patch's list (a fresh node holding the patch's elements).
      addChange(val, this.change('added', patchValue));
      for (const c of childrenOf(val)) if (this.patchNodes.has(c)) markAdded(c, OP_SMP, patchAt(this.ctx, c));
    }
  }

  // ------------------------------------------------------------------ directives

  /** Reads and removes a `$patch` directive, as kyaml's determineSmpDirective does. */
  private directive(patch: N, path: string[]): Directive {
    if (patch === undefined) return 'merge';
    if (patch.kind === 'seq') return this.listDirective(patch);
    if (patch.kind === 'map') {
      const v = patch.entries.find((e) => e.key.value === '$patch')?.value;
      if (v === undefined) return 'merge';
      const d = directiveName(scalarValue(v));
      if (!d) throw this.unknownDirective(scalarValue(v), v);
      removeField(patch, '$patch');
      return d;
    }
    const where = path.length ? ` at ${path.join('.')}` : '';
    throw new GitOpsError(`strategic merge patch: no implemented strategic merge patch strategy for '${patch.tag}'${where}`, patchAt(this.ctx, patch), 'patch');
  }

  private listDirective(patch: SeqNode): Directive {
    let found: MapNode | undefined;
    for (const item of patch.items) {
      if (item.kind !== 'map') continue;
      if (item.entries.some((e) => e.key.value === '$patch')) {
        found = item;
        break;
      }
    }
    if (!found || found.entries.length > 1) return 'merge';
    const v = found.entries.find((e) => e.key.value === '$patch')!.value;
    const value = scalarValue(v);
    const d = directiveName(value);
    if (!d) throw this.unknownDirective(value, v);
    elementSetter(patch, undefined, ['$patch'], [value]);
    return d;
  }

  private unknownDirective(value: string, at: YNode): GitOpsError {
    return new GitOpsError(`strategic merge patch: unknown patch strategy '${value}'`, patchAt(this.ctx, at), 'patch');
  }

  // ------------------------------------------------------------------ lists

  private visitNonAssociativeList(sources: N[]): N {
    return sources[1] !== undefined ? sources[1] : sources[0];
  }

  private visitAssociativeList(sources: N[], path: string[]): N {
    const [dest, origin] = sources;
    if (isMissingOrNull(dest)) return origin;
    if (origin !== undefined && isTaggedNull(origin)) return undefined;
    const ps = this.directive(origin, path);
    if (ps === 'delete') return undefined;
    if (ps === 'replace') return origin;
    return dest;
  }

  private walkAssociativeSequence(sources: N[], schema: MergeSchema, path: string[]): N {
    const originalDest = sources[0];
    const dest = this.visitAssociativeList(sources, path);
    sources[0] = dest;
    if (dest === undefined) return undefined;
    const before = this.record && dest.kind === 'seq' && dest === originalDest ? dest.items.slice() : undefined;
    const keys = schema.mergeKeys.slice();
    if (schema.patchStrategy === '' && keys.length === 0) keys.push(this.inferKey(sources, path));
    const values = elementValues(sources, keys);
    const result =
      values.length !== 0 || keys.length > 0
        ? this.setAssociativeElements(sources, values, keys, dest, schema, path)
        : this.setAssociativeElements(sources, primitiveValues(sources), [''], dest, schema, path);
    if (before && result?.kind === 'seq') {
      const kept = new Set(result.items);
      const removed = before.filter((n) => !kept.has(n)).length;
      if (removed > 0) addChange(dest, this.change(removed === 1 ? 'removed an element' : `removed ${removed} elements`, sources[1]));
    }
    return result;
  }

  /** kyaml's merge-key inference (only reachable with a custom schema that has neither strategy nor keys). */
  private inferKey(sources: N[], path: string[]): string {
    let key = '';
    for (const src of sources) {
      if (!src || src.kind !== 'seq' || src.items.length === 0) continue;
      const k = src.items.every((i) => field(i, 'name') !== undefined) ? 'name' : '';
      if (key !== '' && key !== k) {
        throw new GitOpsError(`strategic merge patch: conflicting merge keys [${key},${k}] for field ${path.join('.')}`, patchAt(this.ctx, sources[1]), 'patch');
      }
      key = k;
    }
    if (key === '') throw new GitOpsError(`strategic merge patch: no merge key found for field ${path.join('.')}`, patchAt(this.ctx, sources[1]), 'patch');
    return key;
  }

  private setAssociativeElements(
    sources: N[],
    valuesListIn: string[][],
    keys: string[],
    destIn: YNode,
    schema: MergeSchema,
    path: string[],
  ): N {
    let dest: YNode = destIn;
    const items: SeqNode = { kind: 'seq', items: [] };
    const elementSchema = schema.elements();
    const valuesList = keys.length > 1 ? mergeValues(valuesListIn) : valuesListIn;
    let validKeys: string[] = [];
    let validValues: string[] = [];
    for (const values of valuesList) {
      if (values.length === 0) continue;
      [validKeys, validValues] = validateKeys(valuesList, values, keys);
      const elementSources = elementValueList(sources, validKeys, validValues);
      const patchElement = elementSources[1];
      const val = this.walk(elementSources, elementSchema, path);
      let exit = false;
      for (let i = 0; i < validKeys.length; i++) {
        if (val === undefined || isMissingOrNull(val) || isEmptyMap(val)) {
          if (dest.kind === 'seq') elementSetter(dest, undefined, validKeys, validValues);
          exit = true;
        } else if (field(val, validKeys[i]!) === undefined && validValues[i] !== '') {
          // kyaml's SetField with an empty name rewrites a scalar element to the same value: nothing visible.
          if (validKeys[i] === '' && val.kind === 'scalar') continue;
          if (val.kind !== 'map') {
            throw new GitOpsError(`strategic merge patch: wrong node kind at ${path.join('.')}: expected MappingNode`, patchAt(this.ctx, patchElement ?? sources[1]), 'patch');
          }
          val.entries.push({ key: newKey(validKeys[i]!), value: { kind: 'scalar', value: validValues[i]!, tag: '!!str', style: 'double' } });
        }
      }
      if (exit) continue;
      elementSetter(items, val, validKeys, validValues);
    }
    if (valuesList.length > 0) dest = appendListNode(items, dest, validKeys, this.ctx);
    if (isMissingOrNull(dest)) return undefined;
    return dest;
  }

  private change(detail: string, patchNode: N) {
    const at = patchAt(this.ctx, patchNode);
    return at ? { op: OP_SMP, detail, at } : { op: OP_SMP, detail };
  }
}

// -------------------------------------------------------------------- kyaml list helpers (pure)

function firstKind(sources: N[]): YNode['kind'] | undefined {
  for (const s of sources) if (s !== undefined && !isMissingOrNull(s)) return s.kind;
  return undefined;
}

function isTaggedNull(n: YNode): boolean {
  return n.kind === 'scalar' && n.tag === '!!null';
}

function directiveName(v: string): Directive | undefined {
  return v === 'delete' || v === 'replace' || v === 'merge' ? v : undefined;
}

function metaString(m: MapNode, key: string): string {
  const v = field(m, key);
  return v && !isNilOrEmpty(v) && v.kind === 'scalar' ? v.value : '';
}

function childrenOf(n: YNode): YNode[] {
  if (n.kind === 'map') return n.entries.map((e) => e.value);
  if (n.kind === 'seq') return n.items.slice();
  return [];
}

/** The merge-key values of every element, patch first, without repeats (kyaml's elementValues, prepend order). */
function elementValues(sources: N[], keys: string[]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of [sources[1], sources[0]]) {
    if (src === undefined || src.kind !== 'seq') continue;
    for (const item of src.items) {
      const s = keys.map((k) => {
        const f = field(item, k);
        return f !== undefined && !isNilOrEmpty(f) ? scalarValue(f) : '';
      });
      if (s.length === 0) continue;
      const id = JSON.stringify(s);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(s);
    }
  }
  return out;
}

function primitiveValues(sources: N[]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of [sources[1], sources[0]]) {
    if (src === undefined || src.kind !== 'seq') continue;
    for (const item of src.items) {
      const v = scalarValue(item);
      if (seen.has(v)) continue;
      seen.add(v);
      out.push([v]);
    }
  }
  return out;
}

/** Keeps the keys that have a value somewhere in the list, so elements missing a secondary key still match. */
function validateKeys(valuesList: string[][], values: string[], keys: string[]): [string[], string[]] {
  const valid = new Set<string>();
  for (const vs of valuesList) vs.forEach((v, i) => v !== '' && valid.add(keys[i]!));
  if (valid.size === 0) return [keys, values];
  return [keys.filter((k) => valid.has(k)), values.filter((v, i) => v !== '' || valid.has(keys[i]!))];
}

/** Multi-key lists: value tuples that agree where both have a value are the same element (port 80 ~ 80/TCP). */
function mergeValues(valuesList: string[][]): string[][] {
  const list = valuesList.slice();
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < list.length; j++) {
      const m = matchValues(list[i]!, list[j]!);
      if (m) {
        list[i] = m;
        list[j] = m;
      }
    }
  }
  return list;
}

function matchValues(a: string[], b: string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      common = true;
      res.push(a[i]!);
      continue;
    }
    if (a[i] !== '' && b[i] !== '') return undefined;
    res.push(a[i] !== '' ? a[i]! : b[i]!);
  }
  return common ? res : undefined;
}

/** For each source, its element with these key values (kyaml's ElementMatcher). */
function elementValueList(sources: N[], keysIn: string[], valuesIn: string[]): N[] {
  const [keys, values] = validateKeys([valuesIn], valuesIn, keysIn);
  return sources.map((src) => (src === undefined ? undefined : matchElement(src, keys, values)));
}

function matchElement(list: YNode, keysIn: string[], valuesIn: string[]): N {
  const keys = keysIn.length ? keysIn : [''];
  const values = valuesIn.length ? valuesIn : [''];
  if (list.kind !== 'seq') return undefined;
  if (keys[0] === '') {
    for (const item of list.items) if (scalarValue(item) === values[0]) return item;
    return undefined;
  }
  if (keys.length !== values.length) throw new Error('length of keys must equal length of values when MatchAnyValue is false');
  for (const item of list.items) {
    if (item.kind !== 'map') continue;
    let all = true;
    for (let i = 0; i < keys.length; i++) {
      const f = item.entries.find((e) => e.key.value === keys[i]);
      if (!f || scalarValue(f.value) !== values[i]) {
        all = false;
        break;
      }
    }
    if (all) return item;
  }
  return undefined;
}

/** kyaml's FieldMatcher with a string value: '' matches any value of a present field. */
function fieldMatches(elem: YNode, name: string, value: string, ctx: PatchContext | undefined): YNode | undefined {
  if (isMissingOrNull(elem)) return undefined;
  if (name === '') {
    if (elem.kind !== 'scalar') {
      throw new GitOpsError('strategic merge patch: wrong node kind: expected ScalarNode but got ' + (elem.kind === 'map' ? 'MappingNode' : 'SequenceNode'), patchAt(ctx, elem), 'patch');
    }
    return elem.value === value ? elem : undefined;
  }
  if (elem.kind !== 'map') {
    throw new GitOpsError('strategic merge patch: wrong node kind: expected MappingNode but got ' + (elem.kind === 'seq' ? 'SequenceNode' : 'ScalarNode'), patchAt(ctx, elem), 'patch');
  }
  const f = elem.entries.find((e) => e.key.value === name);
  if (!f) return undefined;
  return value === '' || scalarValue(f.value) === value ? f.value : undefined;
}

/**
 * kyaml's ElementSetter: rebuilds the list dropping null and empty-map elements, replaces (or, with no element,
 * deletes) the elements matching the keys, and appends the element when nothing matched.
 */
function elementSetter(list: SeqNode, element: N, keysIn: string[], values: string[], ctx?: PatchContext): N {
  const keys = keysIn.length ? keysIn : [''];
  const mappingSetter = keys[0] !== '' && values.length > 0 && values[0] !== '';
  const next: YNode[] = [];
  let found = false;
  for (const elem of list.items) {
    if (isMissingOrNull(elem) || isEmptyMap(elem)) continue;
    if (elem.kind !== 'map' && mappingSetter) {
      next.push(elem);
      continue;
    }
    let val: N;
    let matched = true;
    for (let j = 0; j < keys.length; j++) {
      if (j < values.length) val = fieldMatches(elem, keys[j]!, values[j]!, ctx);
      if (val === undefined) {
        matched = false;
        break;
      }
    }
    if (!matched) {
      if (values.length > 0) next.push(elem);
      continue;
    }
    found = true;
    if (element === undefined) continue;
    next.push(element);
  }
  list.items = next;
  if (element === undefined || isMissingOrNull(element)) return undefined;
  if (!found) list.items.push(element);
  return element;
}

/** kyaml's appendListNode: puts each element of `src` into `dst`, replacing the one with the same keys. */
function appendListNode(dst: SeqNode, src: YNode, keys: string[], ctx: PatchContext | undefined): SeqNode {
  if (src.kind !== 'seq') return dst;
  for (const elem of src.items.slice()) {
    if (keys[0] === '') {
      elementSetter(dst, elem, [''], [scalarValue(elem)], ctx);
      continue;
    }
    const v: string[] = [];
    for (const key of keys) {
      let valueNode: N;
      if (elem !== undefined && !isMissingOrNull(elem)) {
        if (elem.kind !== 'map') {
          throw new GitOpsError('strategic merge patch: wrong node kind: expected MappingNode but got ' + (elem.kind === 'seq' ? 'SequenceNode' : 'ScalarNode'), patchAt(ctx, elem), 'patch');
        }
        valueNode = elem.entries.find((e) => e.key.value === key)?.value;
      }
      if (valueNode === undefined) {
        dst.items.push(elem);
        continue;
      }
      v.push(scalarValue(valueNode));
    }
    if (keys.length > 1) elementSetter(dst, undefined, keys, v, ctx);
    elementSetter(dst, elem, keys, v, ctx);
  }
  return dst;
}

export type { Loc };
