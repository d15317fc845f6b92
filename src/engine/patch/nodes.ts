/**
 * Small helpers over the YAML node model (`src/engine/yaml`) that the patch code needs: null tests in kyaml's
 * sense, field access, deep copies, and overwriting a node in place (kyaml's `SetYNode` copies a node's content
 * into an existing node, so the node object, and with it its provenance, survives).
 */
import type { Loc, MapEntry, MapNode, ScalarNode, SeqNode, YNode } from '../yaml/index.ts';

export function isNullNode(n: YNode | undefined): boolean {
  return n !== undefined && n.kind === 'scalar' && n.tag === '!!null';
}

/** kyaml's IsMissingOrNull: absent, or a scalar tagged !!null. */
export function isMissingOrNull(n: YNode | undefined): boolean {
  return n === undefined || (n.kind === 'scalar' && n.tag === '!!null');
}

/** kyaml's IsEmptyMap: missing, null or a map without entries. */
export function isEmptyMap(n: YNode | undefined): boolean {
  return n === undefined || isMissingOrNull(n) || (n.kind === 'map' && n.entries.length === 0);
}

/** kyaml's IsYNodeNilOrEmpty: missing, null, an empty map or an empty sequence. */
export function isNilOrEmpty(n: YNode | undefined): boolean {
  return n === undefined || isMissingOrNull(n) || (n.kind === 'map' && n.entries.length === 0) || (n.kind === 'seq' && n.items.length === 0);
}

export function mapEntry(m: MapNode, key: string): MapEntry | undefined {
  for (const e of m.entries) if (e.key.value === key) return e;
  return undefined;
}

/** The value of a field of a map node; undefined when the node is not a map or lacks the field. */
export function field(n: YNode | undefined, key: string): YNode | undefined {
  if (!n || n.kind !== 'map') return undefined;
  return mapEntry(n, key)?.value;
}

export function fieldNames(n: YNode | undefined): string[] {
  return n && n.kind === 'map' ? n.entries.map((e) => e.key.value) : [];
}

/** The scalar text of a node (kyaml's `YNode().Value`): '' for maps and sequences. */
export function scalarValue(n: YNode | undefined): string {
  return n && n.kind === 'scalar' ? n.value : '';
}

export function removeField(m: MapNode, key: string): YNode | undefined {
  const i = m.entries.findIndex((e) => e.key.value === key);
  if (i < 0) return undefined;
  return m.entries.splice(i, 1)[0]!.value;
}

export function newScalar(value: string, tag: string, origin?: Loc): ScalarNode {
  const s: ScalarNode = { kind: 'scalar', value, tag, style: 'plain' };
  if (origin) s.origin = origin;
  return s;
}

export function newKey(name: string, origin?: Loc): ScalarNode {
  return newScalar(name, '!!str', origin);
}

/** Sets a field, replacing the value of an existing entry (keeping the key node) or appending a new entry. */
export function setField(m: MapNode, key: string, value: YNode, keyOrigin?: Loc): void {
  const e = mapEntry(m, key);
  if (e) e.value = value;
  else m.entries.push({ key: newKey(key, keyOrigin ?? value.origin), value });
}

/** A deep copy, provenance included (history arrays are copied, not shared). */
export function cloneNode<T extends YNode>(n: T): T {
  const meta: { origin?: Loc; history?: YNode['history'] } = {};
  if (n.origin) meta.origin = n.origin;
  if (n.history) meta.history = n.history.slice();
  if (n.kind === 'scalar') return { ...n, ...meta } as T;
  if (n.kind === 'seq') {
    const s: SeqNode = { kind: 'seq', items: n.items.map(cloneNode), ...meta };
    if (n.tag) s.tag = n.tag;
    return s as T;
  }
  const m: MapNode = { kind: 'map', entries: n.entries.map((e) => ({ key: cloneNode(e.key), value: cloneNode(e.value) })), ...meta };
  if (n.tag) m.tag = n.tag;
  return m as T;
}

/**
 * Copies the content of `source` into `target` (kind, value, entries or items, tag, style), keeping the target's
 * provenance: the node object stays the one other code may hold.
 */
export function overwriteNode(target: YNode, source: YNode): void {
  if (target === source) return;
  const t = target as unknown as Record<string, unknown>;
  for (const k of ['value', 'tag', 'style', 'entries', 'items']) delete t[k];
  t.kind = source.kind;
  if (source.kind === 'scalar') {
    t.value = source.value;
    t.tag = source.tag;
    t.style = source.style;
  } else if (source.kind === 'map') {
    t.entries = source.entries;
    if (source.tag) t.tag = source.tag;
  } else {
    t.items = source.items;
    if (source.tag) t.tag = source.tag;
  }
}

/** Every node of a tree, keys included. */
export function forEachNode(n: YNode, fn: (n: YNode) => void): void {
  fn(n);
  if (n.kind === 'map') {
    for (const e of n.entries) {
      fn(e.key);
      forEachNode(e.value, fn);
    }
  } else if (n.kind === 'seq') {
    for (const i of n.items) forEachNode(i, fn);
  }
}

/** A short, value-free description of a node for messages (never prints scalar values: they may be Secret data). */
export function describeKind(n: YNode | undefined): string {
  if (!n) return 'nothing';
  if (n.kind === 'map') return 'a map';
  if (n.kind === 'seq') return 'a list';
  return n.tag === '!!null' ? 'null' : 'a scalar';
}
