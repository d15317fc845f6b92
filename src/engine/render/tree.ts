/**
 * Small operations on YAML node trees, with the same effects as the kyaml calls kustomize makes (lookups that do not
 * create, lookups that create, setting a scalar in place), plus provenance: every change a transformation makes is
 * noted on the node it changed, when recording is on.
 */
import { resolvePlainTag, type Change, type Loc, type MapEntry, type MapNode, type ScalarNode, type SeqNode, type YNode } from '../yaml/index.ts';

/** Notes changes on nodes; a disabled recorder does nothing, so rendering without provenance pays nothing. */
export class Recorder {
  constructor(readonly enabled: boolean) {}

  note(node: YNode, change: Change): void {
    if (!this.enabled) return;
    const h = (node.history ??= []);
    // A transformer that visits a field twice in one run (images: the container pass, then its field specs) is
    // one change, not two.
    if (h[h.length - 1] !== change) h.push(change);
  }

  /** Notes a change on a node and everything below it (a subtree a transformation created or replaced). */
  noteTree(node: YNode, change: Change): void {
    if (!this.enabled) return;
    walk(node, (n) => (n.history ??= []).push(change));
  }
}

export const OFF = new Recorder(false);

function walk(n: YNode, fn: (n: YNode) => void): void {
  fn(n);
  if (n.kind === 'map') for (const e of n.entries) walk(e.value, fn);
  else if (n.kind === 'seq') for (const it of n.items) walk(it, fn);
}

export function scalar(value: string, tag = '!!str', origin?: Loc): ScalarNode {
  const s: ScalarNode = { kind: 'scalar', value, tag, style: 'plain' };
  if (origin) s.origin = origin;
  return s;
}

export function nullNode(origin?: Loc): ScalarNode {
  return scalar('', '!!null', origin);
}

export function newMap(origin?: Loc): MapNode {
  const m: MapNode = { kind: 'map', entries: [] };
  if (origin) m.origin = origin;
  return m;
}

export function newSeq(origin?: Loc): SeqNode {
  const s: SeqNode = { kind: 'seq', items: [] };
  if (origin) s.origin = origin;
  return s;
}

export function isNull(n: YNode | undefined): boolean {
  return !n || (n.kind === 'scalar' && n.tag === '!!null');
}

/** The first entry with this key (kyaml's FieldMatcher takes the first). */
export function entry(m: MapNode, key: string): MapEntry | undefined {
  for (const e of m.entries) if (e.key.value === key) return e;
  return undefined;
}

export function get(m: YNode | undefined, key: string): YNode | undefined {
  if (!m || m.kind !== 'map') return undefined;
  for (const e of m.entries) if (e.key.value === key) return e.value;
  return undefined;
}

export function getPath(n: YNode | undefined, ...keys: string[]): YNode | undefined {
  let cur = n;
  for (let i = 0; i < keys.length; i++) {
    cur = get(cur, keys[i]!);
    if (!cur) return undefined;
  }
  return cur;
}

/** The text of a scalar (kyaml's GetValue: '' for a missing or null node and for collections). */
export function text(n: YNode | undefined): string {
  if (!n || n.kind !== 'scalar' || n.tag === '!!null') return '';
  return n.value;
}

export function getString(n: YNode | undefined, ...keys: string[]): string {
  return text(getPath(n, ...keys));
}

/** Sets a field: replaces the value of an existing key (keeping its position) or appends a new entry. */
export function setField(m: MapNode, key: string, value: YNode, keyOrigin?: Loc): MapEntry {
  const e = entry(m, key);
  if (e) {
    e.value = value;
    return e;
  }
  const k = scalar(key, '!!str', keyOrigin ?? value.origin);
  const ne = { key: k, value };
  m.entries.push(ne);
  return ne;
}

export function removeField(m: MapNode, key: string): boolean {
  const i = m.entries.findIndex((e) => e.key.value === key);
  if (i < 0) return false;
  m.entries.splice(i, 1);
  return true;
}

/**
 * Looks up `key` in a map, creating it as an empty map when missing; a null value is turned into a map in place
 * (what kustomize's field-spec walker and LookupCreate do).
 */
export function ensureMap(m: MapNode, key: string, rec: Recorder = OFF, change?: Change): MapNode | undefined {
  const e = entry(m, key);
  if (!e) {
    const created = newMap();
    if (change) rec.note(created, change);
    setField(m, key, created);
    return created;
  }
  if (e.value.kind === 'map') return e.value;
  if (isNull(e.value)) {
    const created = newMap(e.value.origin);
    if (change) rec.note(created, change);
    e.value = created;
    return created;
  }
  return undefined;
}

/**
 * Replaces a scalar's value in place, as kyaml's FieldSetter does with an empty name: the style of the old node is
 * kept, so a value set without an explicit tag resolves the way the old node's style makes it resolve.
 */
export function setScalarValue(n: ScalarNode, value: string, tag: string | undefined, rec: Recorder, change?: Change): void {
  n.value = value;
  n.tag = tag ?? (n.style === 'plain' ? resolvePlainTag(value) : '!!str');
  // kyaml puts a new node in place (only the style carries over), so an explicit tag from the file is gone.
  delete n.tagged;
  if (change) rec.note(n, change);
}

/** Replaces a node's content in place with another's (kyaml SetYNode), keeping object identity for the parent. */
export function morph(target: YNode, source: YNode): void {
  const t = target as unknown as Record<string, unknown>;
  for (const k of Object.keys(t)) delete t[k];
  Object.assign(t, source);
}

/** A deep copy; every property of the node model is kept (flow style, explicit tags, provenance). */
export function clone<T extends YNode>(n: T): T {
  switch (n.kind) {
    case 'scalar': {
      const s = { ...n };
      if (n.history) s.history = n.history.slice();
      return s;
    }
    case 'map': {
      const m = { ...n, entries: new Array(n.entries.length) };
      for (let i = 0; i < n.entries.length; i++) {
        const e = n.entries[i]!;
        m.entries[i] = { key: clone(e.key), value: clone(e.value) };
      }
      if (n.history) m.history = n.history.slice();
      return m;
    }
    case 'seq': {
      const s = { ...n, items: n.items.map(clone) };
      if (n.history) s.history = n.history.slice();
      return s;
    }
  }
  return n;
}

/** A string → string map read the way kyaml reads labels and annotations (GetValue of each value). */
export function stringMap(n: YNode | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!n || n.kind !== 'map') return out;
  for (const e of n.entries) out.set(e.key.value, text(e.value));
  return out;
}

/**
 * Builds a map node from string pairs, keys sorted (kyaml's SortedMapKeys), values tagged as strings. `origins`
 * carries each value's provenance over; `olds` (the maps being rebuilt, oldest first) carry the map's own origin and
 * history and each key's origin, so a rebuilt labels or annotations map still says where it was written.
 */
export function mapFromStrings(pairs: Map<string, string>, origins?: Map<string, YNode>, olds?: (YNode | undefined)[]): MapNode {
  const m = newMap();
  let keyAt: Map<string, Loc> | undefined;
  if (olds) {
    keyAt = new Map();
    let first: MapNode | undefined;
    for (const o of olds) {
      if (!o || o.kind !== 'map') continue;
      first ??= o;
      for (const e of o.entries) if (e.key.origin) keyAt.set(e.key.value, e.key.origin);
    }
    if (first?.origin) m.origin = first.origin;
    if (first?.history) m.history = first.history.slice();
  }
  for (const k of [...pairs.keys()].sort()) {
    const prev = origins?.get(k);
    const v = scalar(pairs.get(k)!, '!!str', prev?.origin);
    if (prev?.history) v.history = prev.history.slice();
    m.entries.push({ key: scalar(k, '!!str', keyAt?.get(k)), value: v });
  }
  return m;
}

/**
 * Where a field's current value came from: its origin, then each change that set it. Handed to `Change.from` when a
 * transformation copies the value elsewhere (only computed while recording).
 */
export function sourceLocs(rec: Recorder, n: YNode | undefined): Loc[] | undefined {
  if (!rec.enabled || !n) return undefined;
  const out: Loc[] = [];
  if (n.origin) out.push(n.origin);
  for (const c of n.history ?? []) if (c.at) out.push(c.at);
  return out.length ? out : undefined;
}

/** Values of a map by key (for carrying provenance over when kustomize rebuilds a map). */
export function valuesByKey(n: YNode | undefined): Map<string, YNode> {
  const out = new Map<string, YNode>();
  if (n && n.kind === 'map') for (const e of n.entries) if (!out.has(e.key.value)) out.set(e.key.value, e.value);
  return out;
}
