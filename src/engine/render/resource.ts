/**
 * One object being rendered: its node tree plus the bookkeeping kustomize keeps in "build annotations" (previous
 * names and namespaces, prefixes and suffixes applied, generator behavior, whether a hash suffix is due, vars that
 * point at it). Kustomize stores that bookkeeping inside the object's annotations and strips it before printing; we
 * keep it beside the tree, which is cheaper and keeps the tree equal to what will be printed.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc, MapNode, YNode } from '../yaml/index.ts';
import { effectiveNamespace, idEquals, isClusterScoped, parseGroupVersion, type Gvk, type ResId } from './resid.ts';
import { clone, ensureMap, get, getString, removeField, scalar, setField, setScalarValue, text, OFF, type Recorder } from './tree.ts';
import type { Change } from '../yaml/index.ts';

export type Behavior = 'unspecified' | 'create' | 'merge' | 'replace';

/** kustomize's `config.kubernetes.io/origin` data, for buildMetadata: [originAnnotations]. */
export interface OriginInfo {
  path?: string;
  repo?: string;
  ref?: string;
  configuredIn?: string;
  configuredBy?: { apiVersion: string; kind: string; name?: string; namespace?: string };
}

export class Resource {
  node: MapNode;
  /** Earlier (name, effective namespace, kind) triples, oldest first. */
  prev: { name: string; namespace: string; kind: string }[] = [];
  prefixes: string[] = [];
  suffixes: string[] = [];
  behavior: Behavior = 'unspecified';
  needsHash = false;
  refVarNames: string[] = [];
  allowNameChange = false;
  allowKindChange = false;
  /** The file the object was read from (or the kustomization whose generator made it). */
  source: string;
  /** For buildMetadata origin/transformer annotations. */
  origin?: OriginInfo;
  transformations?: OriginInfo[];
  /** The generator entry that made this object, when a generator did. */
  generatedAt?: Loc;
  /** Each rename in order (prefix, suffix, namespace, hash, patch): what did it and where it was instructed. */
  renames: { what: string; at?: Loc }[] = [];
  /** Objects that refer to this one by name (kustomize's refBy), for provenance consumers. */
  refBy?: ResId[];

  constructor(node: MapNode, source: string) {
    this.node = node;
    this.source = source;
  }

  clone(): Resource {
    const r = new Resource(clone(this.node), this.source);
    r.prev = this.prev.slice();
    r.prefixes = this.prefixes.slice();
    r.suffixes = this.suffixes.slice();
    r.behavior = this.behavior;
    r.needsHash = this.needsHash;
    r.refVarNames = this.refVarNames.slice();
    r.allowNameChange = this.allowNameChange;
    r.allowKindChange = this.allowKindChange;
    if (this.origin) r.origin = this.origin;
    if (this.generatedAt) r.generatedAt = this.generatedAt;
    r.renames = this.renames.slice();
    if (this.transformations) r.transformations = this.transformations.slice();
    return r;
  }

  get apiVersion(): string {
    return fieldText(this.node, 'apiVersion');
  }
  get kind(): string {
    return fieldText(this.node, 'kind');
  }
  get name(): string {
    const m = fieldNode(this.node, 'metadata');
    return m ? fieldText(m, 'name') : '';
  }
  get namespace(): string {
    const m = fieldNode(this.node, 'metadata');
    return m ? fieldText(m, 'namespace') : '';
  }

  gvk(): Gvk {
    return { ...parseGroupVersion(this.apiVersion), kind: this.kind };
  }

  /** The current id, read in one pass (this is called very often). */
  curId(): ResId {
    let apiVersion = '';
    let kind = '';
    let name = '';
    let namespace = '';
    for (const e of this.node.entries) {
      const k = e.key.value;
      if (k === 'apiVersion') {
        if (!apiVersion) apiVersion = scalarText(e.value);
      } else if (k === 'kind') {
        if (!kind) kind = scalarText(e.value);
      } else if (k === 'metadata' && e.value.kind === 'map' && !name && !namespace) {
        name = fieldText(e.value, 'name');
        namespace = fieldText(e.value, 'namespace');
      }
    }
    const i = apiVersion.indexOf('/');
    return i < 0
      ? { group: '', version: apiVersion, kind, name, namespace }
      : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1), kind, name, namespace };
  }

  prevIds(): ResId[] {
    if (!this.prev.length) return [];
    const { group, version } = parseGroupVersion(this.apiVersion);
    return this.prev.map((p) => ({ group, version, kind: p.kind, name: p.name, namespace: p.namespace }));
  }

  /** The id the object had when it was first read. */
  orgId(): ResId {
    return this.prevIds()[0] ?? this.curId();
  }

  /** Previous ids, then the current one (kustomize's "any id"). */
  allIds(): ResId[] {
    return this.prev.length ? [...this.prevIds(), this.curId()] : [this.curId()];
  }

  storePreviousId(): void {
    const id = this.curId();
    this.prev.push({ name: id.name, namespace: effectiveNamespace(id), kind: id.kind });
  }

  labels(): Map<string, string> {
    return stringMapOf(get(get(this.node, 'metadata'), 'labels'));
  }

  annotations(): Map<string, string> {
    return stringMapOf(get(get(this.node, 'metadata'), 'annotations'));
  }

  metadata(): MapNode {
    const m = ensureMap(this.node, 'metadata');
    if (!m) throw new GitOpsError(`metadata of ${this.describe()} is not a map`, this.node.origin, 'kustomize');
    return m;
  }

  /** Sets metadata.name the way kyaml's SetName does (the old node's style decides how the text resolves). */
  setName(name: string, rec: Recorder = OFF, change?: Change): void {
    const meta = this.metadata();
    const cur = get(meta, 'name');
    if (cur && cur.kind === 'scalar') {
      if (cur.value === name && cur.tag !== '!!null') return;
      setScalarValue(cur, name, undefined, rec, change);
    } else {
      const n = scalar(name);
      if (change) rec.note(n, change);
      setField(meta, 'name', n);
    }
  }

  setNamespace(ns: string, rec: Recorder = OFF, change?: Change): void {
    const meta = get(this.node, 'metadata');
    if (ns === '') {
      if (meta && meta.kind === 'map') removeField(meta, 'namespace');
      return;
    }
    const m = this.metadata();
    const cur = get(m, 'namespace');
    if (cur && cur.kind === 'scalar') {
      if (cur.value === ns && cur.tag === '!!str') return;
      setScalarValue(cur, ns, undefined, rec, change);
    } else {
      const n = scalar(ns);
      if (change) rec.note(n, change);
      setField(m, 'namespace', n);
    }
  }

  setKind(kind: string): void {
    const cur = get(this.node, 'kind');
    if (cur && cur.kind === 'scalar') {
      if (cur.value !== kind) setScalarValue(cur, kind, undefined, OFF);
    } else setField(this.node, 'kind', scalar(kind));
  }

  describe(): string {
    const id = this.curId();
    const kind = id.group ? `${id.kind}.${id.group}` : id.kind;
    return id.namespace ? `${kind}/${id.namespace}/${id.name}` : `${kind}/${id.name}`;
  }

  isClusterScoped(): boolean {
    return isClusterScoped(this.gvk());
  }
}

function scalarText(n: YNode): string {
  return n.kind === 'scalar' && n.tag !== '!!null' ? n.value : '';
}

function fieldNode(m: MapNode, key: string): YNode | undefined {
  const es = m.entries;
  for (let i = 0; i < es.length; i++) if (es[i]!.key.value === key) return es[i]!.value;
  return undefined;
}

function fieldText(m: YNode, key: string): string {
  if (m.kind !== 'map') return '';
  const v = fieldNode(m, key);
  return v ? scalarText(v) : '';
}

function stringMapOf(n: YNode | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!n || n.kind !== 'map') return out;
  for (const e of n.entries) out.set(e.key.value, text(e.value));
  return out;
}

/**
 * The ordered set of objects kustomize is working on (its ResMap): appends refuse duplicate ids, generators can
 * merge into or replace an existing object, and lookups go by current or any earlier id.
 */
export class ResMap {
  list: Resource[] = [];

  constructor(list?: Resource[]) {
    if (list) this.list = list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Appends, refusing an object whose current id is already present. `at` locates the error. */
  append(r: Resource, at?: Loc): void {
    const id = r.curId();
    for (const o of this.list) {
      if (idEquals(o.curId(), id)) {
        throw new GitOpsError(`may not add resource with an already registered id: ${r.describe()} (already added from ${o.source})`, at, 'duplicate-id');
      }
    }
    this.list.push(r);
  }

  appendAll(other: Iterable<Resource>, at?: Loc | ((r: Resource) => Loc | undefined)): void {
    // One pass over the existing ids instead of one per appended object.
    const seen = new Map<string, Resource>();
    for (const o of this.list) seen.set(idKey(o.curId()), o);
    for (const r of other) {
      const k = idKey(r.curId());
      const o = seen.get(k);
      if (o) {
        const where = typeof at === 'function' ? at(r) : at;
        throw new GitOpsError(`may not add resource with an already registered id: ${r.describe()} (already added from ${o.source})`, where, 'duplicate-id');
      }
      seen.set(k, r);
      this.list.push(r);
    }
  }

  byAnyId(match: (id: ResId) => boolean): Resource[] {
    return this.list.filter((r) => r.allIds().some(match));
  }

  byCurrentId(match: (id: ResId) => boolean): Resource[] {
    return this.list.filter((r) => match(r.curId()));
  }

  clone(): ResMap {
    return new ResMap(this.list.map((r) => r.clone()));
  }
}

/** A string equal for two ids exactly when kustomize's ResId.Equals says they are equal. */
export function idKey(id: ResId): string {
  return `${id.group}|${id.version}|${id.kind}|${id.name}|${effectiveNamespace(id)}`;
}

export function textOf(n: YNode | undefined): string {
  return text(n);
}
