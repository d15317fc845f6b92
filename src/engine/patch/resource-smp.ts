/**
 * A strategic merge patch applied to one resource the way kustomize's Resource.ApplySmPatch does: the kyaml merge,
 * then the resource keeps its kind and name (unless the patch entry allows changing them) and always its
 * namespace (a patch cannot add, change or remove `metadata.namespace`).
 */
import type { MapNode, YNode } from '../yaml/index.ts';
import type { PatchContext } from './context.ts';
import { kyamlMerge } from './kyaml-merge.ts';
import { field, isNilOrEmpty, mapEntry, newKey, removeField } from './nodes.ts';
import type { KustomizeSchema } from './schema.ts';

export interface SmpResourceOptions {
  schema?: KustomizeSchema;
  ctx?: PatchContext;
  /** `options.allowNameChange` of the patch entry. */
  allowNameChange?: boolean;
  /** `options.allowKindChange` of the patch entry. */
  allowKindChange?: boolean;
  /**
   * A patch selected by `target:` first takes the resource's apiVersion (kustomize sets the patch copy's group and
   * version to the target's), so its own apiVersion never matters.
   */
  adoptApiVersion?: boolean;
}

interface Snapshot {
  node: YNode | undefined;
  value?: string;
  tag?: string;
  style?: string;
  historyLength?: number;
}

function snap(n: YNode | undefined): Snapshot {
  if (!n || n.kind !== 'scalar') return { node: n };
  return { node: n, value: n.value, tag: n.tag, style: n.style, historyLength: n.history?.length ?? 0 };
}

function metaString(resource: MapNode, name: string): string {
  const v = field(field(resource, 'metadata'), name);
  return v && !isNilOrEmpty(v) && v.kind === 'scalar' ? v.value : '';
}

/** Puts a field back the way it was before the merge: the same node when it survived, its old content otherwise. */
function restore(parent: MapNode, key: string, before: Snapshot, value: string): void {
  const now = mapEntry(parent, key)?.value;
  if (now && now === before.node && now.kind === 'scalar' && before.value !== undefined) {
    now.value = before.value;
    now.tag = before.tag!;
    now.style = before.style as typeof now.style;
    if (now.history) now.history.length = before.historyLength!;
    if (now.history?.length === 0) delete now.history;
    return;
  }
  const node: YNode =
    before.node && before.node.kind === 'scalar' && before.value !== undefined
      ? { ...before.node, value: before.value, tag: before.tag!, style: before.style as 'plain' }
      : { kind: 'scalar', value, tag: '!!str', style: 'plain' };
  if (node.history && before.historyLength !== undefined) node.history = node.history.slice(0, before.historyLength);
  const e = mapEntry(parent, key);
  if (e) e.value = node;
  else parent.entries.push({ key: newKey(key), value: node });
}

/**
 * Applies a strategic merge patch to a resource in place. Returns the resource, or null when the patch deletes it
 * (a top-level `$patch: delete`, or a merge that leaves nothing).
 */
export function applyStrategicMergePatch(resource: MapNode, patch: MapNode, opts: SmpResourceOptions = {}): MapNode | null {
  const name = metaString(resource, 'name');
  const namespace = metaString(resource, 'namespace');
  const kind = scalarOf(field(resource, 'kind'));
  const meta = field(resource, 'metadata');
  const nameSnap = snap(field(meta, 'name'));
  const nsSnap = snap(field(meta, 'namespace'));
  const kindSnap = snap(field(resource, 'kind'));

  let p = patch;
  if (opts.adoptApiVersion) {
    const av = field(resource, 'apiVersion');
    p = { ...patch, entries: patch.entries.filter((e) => e.key.value !== 'apiVersion') };
    if (av) p.entries.unshift({ key: newKey('apiVersion'), value: { ...(av as YNode) } });
  }

  const merged = kyamlMerge(resource, p, { schema: opts.schema, ctx: opts.ctx });
  if (merged === undefined) return null;
  // kyaml hands back the patch for a top-level `$patch: replace`; kustomize keeps the resource node it passed in.
  if (isNilOrEmpty(resource)) return null;

  if (!opts.allowKindChange) restore(resource, 'kind', kindSnap, kind);
  if (!opts.allowNameChange) {
    const m = ensureMetadata(resource);
    restore(m, 'name', nameSnap, name);
  }
  const m = field(resource, 'metadata');
  if (namespace === '') {
    if (m && m.kind === 'map') removeField(m, 'namespace');
  } else {
    restore(ensureMetadata(resource), 'namespace', nsSnap, namespace);
  }
  return resource;
}

function scalarOf(n: YNode | undefined): string {
  return n && n.kind === 'scalar' ? n.value : '';
}

function ensureMetadata(resource: MapNode): MapNode {
  const m = field(resource, 'metadata');
  if (m && m.kind === 'map') return m;
  const created: MapNode = { kind: 'map', entries: [] };
  const e = mapEntry(resource, 'metadata');
  if (e) e.value = created;
  else resource.entries.push({ key: newKey('metadata'), value: created });
  return created;
}
