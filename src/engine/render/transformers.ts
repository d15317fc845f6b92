/**
 * kustomize's field transformers: namespace, namePrefix/nameSuffix, labels and commonLabels, commonAnnotations,
 * replicas and images. Each walks the field specs of the merged transformer configuration and changes values in
 * place, noting on every node it sets where the instruction was written.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Change, Loc, MapNode, YNode } from '../yaml/index.ts';
import type { FieldSpec, TransformerConfig } from './config.ts';
import { walkFieldSpec } from './fieldspec.ts';
import type { ImageArg } from './kustomization.ts';
import { idKey, type Resource, type ResMap } from './resource.ts';
import { effectiveNamespace, gvkSelected } from './resid.ts';
import { entry, get, isNull, scalar, setField, setScalarValue, type Recorder } from './tree.ts';

/** Sets a scalar as kyaml's SetEntry("", value, tag) does; refuses a non-scalar. */
function setScalar(node: YNode, value: string, tag: string | undefined, rec: Recorder, change: Change, what: string, describe: () => string): void {
  if (node.kind !== 'scalar') {
    throw new GitOpsError(`${what}: expected a scalar at this field of ${describe()}, found a ${node.kind === 'map' ? 'map' : 'list'}`, node.origin ?? change.at, 'kustomize');
  }
  setScalarValue(node, value, tag, rec, change);
}

/** Sets key: value in a map as kyaml's SetEntry(key, value, !!str) does. A null node is left alone (kyaml no-ops). */
function setMapEntry(node: YNode, key: string, value: string, rec: Recorder, change: Change, keyAt: Loc | undefined, describe: () => string): void {
  if (isNull(node)) return;
  if (node.kind !== 'map') {
    throw new GitOpsError(`cannot set ${key} in a ${node.kind === 'seq' ? 'list' : 'scalar'} field of ${describe()}`, node.origin ?? change.at, 'kustomize');
  }
  const e = entry(node, key);
  if (e) {
    const v = e.value;
    if (v.kind === 'scalar') setScalarValue(v, value, '!!str', rec, change);
    else {
      const s = scalar(value, '!!str', v.origin);
      rec.note(s, change);
      e.value = s;
    }
    return;
  }
  const s = scalar(value, '!!str');
  rec.note(s, change);
  node.entries.push({ key: scalar(key, '!!str', keyAt), value: s });
}

/** The field specs whose kind, group and version select this object (checked once per object, not per use). */
export function specsFor(r: Resource, specs: FieldSpec[]): FieldSpec[] {
  const g = r.gvk();
  return specs.filter((f) => (!f.kind || f.kind === g.kind) && (!f.group || f.group === g.group) && (!f.version || f.version === g.version));
}

// ---- namespace ------------------------------------------------------------------------------------------------------

export interface NamespaceOptions {
  /** Set only fields that are empty (the NamespaceTransformer plugin's unsetOnly). */
  unsetOnly?: boolean;
  /** Which RoleBinding subjects get the namespace: named `default` (kustomize's default), every ServiceAccount, none. */
  subjects?: 'defaultOnly' | 'allServiceAccounts' | 'none';
  /**
   * ValueAddTransformer's metadata/namespace: kustomize runs the namespace filter on each selected object alone,
   * so ids are not stored, nothing counts as a rename and no conflict is checked.
   */
  filterOnly?: boolean;
}

export function namespaceTransform(m: ResMap, ns: string, at: Loc, config: TransformerConfig, rec: Recorder, opts: NamespaceOptions = {}): void {
  const change: Change = { op: 'namespace', detail: `namespace ${ns}`, at };
  const setNs = (n: YNode, describe: () => string) => {
    if (opts.unsetOnly && n.kind === 'scalar' && n.tag !== '!!null' && n.value !== '') return;
    setScalar(n, ns, '!!str', rec, change, 'namespace', describe);
  };
  const subjectsMode = opts.subjects ?? 'defaultOnly';
  for (const r of m.list) {
    if (!opts.filterOnly) {
      r.storePreviousId();
      if (!r.isClusterScoped()) r.renames.push({ what: `namespace ${ns}`, at });
    }
    const obj = r.node;
    const apiVersion = r.apiVersion;
    const describe = () => r.describe();
    let specs = config.fs.namespace.filter((f) => f.path !== 'metadata/namespace' && !(apiVersion !== 'v1' && f.path === 'metadata/name'));
    if (!r.isClusterScoped()) {
      walkFieldSpec(obj, { group: '', version: '', kind: '', path: 'metadata/namespace', create: true }, (n) => setNs(n, describe), {
        createKind: 'scalar',
        rec,
        change,
      }, true);
    }
    const kind = r.kind;
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      specs = specs.filter((f) => !((f.kind === 'RoleBinding' || f.kind === 'ClusterRoleBinding') && f.path === 'subjects/namespace'));
      const subjects = subjectsMode === 'none' ? undefined : get(obj, 'subjects');
      if (subjects && subjects.kind === 'seq') {
        for (const s of subjects.items) {
          if (s.kind !== 'map') continue;
          const field = subjectsMode === 'allServiceAccounts' ? 'kind' : 'name';
          const want = subjectsMode === 'allServiceAccounts' ? 'ServiceAccount' : 'default';
          const probe = get(s, field);
          if (!probe || probe.kind !== 'scalar' || probe.tag === '!!null' || probe.value !== want) continue;
          const cur = get(s, 'namespace');
          if (cur && cur.kind === 'scalar') {
            if (!(opts.unsetOnly && cur.tag !== '!!null' && cur.value !== '')) setScalarValue(cur, ns, '!!str', rec, change);
          } else {
            const v = scalar(ns);
            rec.note(v, change);
            setField(s, 'namespace', v);
          }
        }
      }
    }
    for (const f of specsFor(r, specs)) {
      walkFieldSpec(obj, f, (n) => setNs(n, describe), { createKind: 'scalar', rec, change }, true);
    }
  }
  if (opts.filterOnly) return;
  // kustomize checks after each object; every conflict it can find is still there at the end, so check once.
  const seen = new Map<string, Resource>();
  for (const r of m.list) {
    const k = idKey(r.curId());
    const o = seen.get(k);
    if (o) throw new GitOpsError(`namespace ${ns} makes two objects the same: ${o.describe()} (from ${o.source}) and ${r.describe()} (from ${r.source})`, at, 'duplicate-id');
    seen.set(k, r);
  }
}

// ---- prefix / suffix ------------------------------------------------------------------------------------------------

function skipForName(r: Resource): boolean {
  const id = r.orgId();
  return id.kind === 'CustomResourceDefinition' || id.kind === 'Namespace' || (id.kind === 'APIService' && id.group === 'apiregistration.k8s.io');
}

export function affixTransform(m: ResMap, which: 'prefix' | 'suffix', affix: string, at: Loc, specs: FieldSpec[], rec: Recorder): void {
  const change: Change = { op: which === 'prefix' ? 'namePrefix' : 'nameSuffix', detail: `${which === 'prefix' ? 'prefix' : 'suffix'} ${affix}`, at };
  for (const r of m.list) {
    if (skipForName(r)) continue;
    const id = r.orgId();
    for (const f of specs) {
      if (!gvkSelected(id, f)) continue;
      if (f.path === 'metadata/name' && affix !== '') {
        if (which === 'prefix') r.prefixes.push(affix);
        else r.suffixes.push(affix);
        r.storePreviousId();
        r.renames.push({ what: `${change.op} ${affix}`, at });
      }
      walkFieldSpec(r.node, f, (n) => {
        if (n.kind !== 'scalar') throw new GitOpsError(`${change.op}: ${f.path} of ${r.describe()} is not a scalar`, n.origin ?? at, 'kustomize');
        const v = which === 'prefix' ? affix + n.value : n.value + affix;
        setScalarValue(n, v, undefined, rec, affix === '' ? undefined : change);
      });
    }
  }
}

// ---- labels and annotations ---------------------------------------------------------------------------------------

export interface Pairs {
  /** key → value and where the pair was written */
  pairs: Map<string, { value: string; at: Loc }>;
}

/** Sets each pair at every field spec of every object (kustomize's labels and annotations filters). */
export function mapEntriesTransform(m: ResMap, op: string, pairs: Map<string, { value: string; at: Loc }>, specs: FieldSpec[], rec: Recorder): void {
  if (!pairs.size) return;
  const keys = [...pairs.keys()].sort();
  for (const r of m.list) {
    const describe = () => r.describe();
    const mine = specsFor(r, specs);
    for (const k of keys) {
      const p = pairs.get(k)!;
      const change: Change = { op, detail: `${k}: ${p.value}`, at: p.at };
      for (const f of mine) {
        walkFieldSpec(r.node, f, (n) => setMapEntry(n, k, p.value, rec, change, p.at, describe), { createKind: 'map', rec, change }, true);
      }
    }
  }
}

function mergeSpec(list: FieldSpec[], x: FieldSpec, at: Loc): FieldSpec[] {
  for (const e of list) {
    if (gvkSelected(e, x) && e.path === x.path) {
      if (e.create !== x.create) throw new GitOpsError('failed to merge labels: conflicting fieldspecs', x.at ?? at, 'kustomization');
      return list;
    }
  }
  list.push(x);
  return list;
}

/** The field specs one `labels:` entry writes to. */
export function labelSpecs(entry: { includeSelectors: boolean; includeTemplates: boolean; fields: FieldSpec[]; at: Loc }, config: TransformerConfig): FieldSpec[] {
  let out = entry.fields.slice();
  for (const x of config.fs.labels) out = mergeSpec(out, x, entry.at);
  if (entry.includeSelectors) {
    for (const x of config.fs.commonLabels) out = mergeSpec(out, x, entry.at);
  } else {
    if (entry.includeTemplates) for (const x of config.fs.templateLabels) out = mergeSpec(out, x, entry.at);
    out = mergeSpec(out, { group: '', version: '', kind: '', path: 'metadata/labels', create: true }, entry.at);
  }
  return out;
}

// ---- replicas -------------------------------------------------------------------------------------------------------

export function replicasTransform(m: ResMap, name: string, count: number, at: Loc, specs: FieldSpec[], rec: Recorder): void {
  const change: Change = { op: 'replicas', detail: `replicas ${count}`, at };
  let found = false;
  for (const f of specs) {
    const hits = m.byAnyId((id) => id.name === name && gvkSelected(id, f));
    if (!hits.length) continue;
    found = true;
    for (const r of hits) {
      walkFieldSpec(r.node, f, (n) => setScalar(n, String(count), '!!int', rec, change, 'replicas', () => r.describe()), { createKind: 'scalar', rec, change });
    }
  }
  if (!found) {
    throw new GitOpsError(`replicas: no Deployment, ReplicationController, ReplicaSet or StatefulSet named ${name}`, at, 'target-not-found');
  }
}

// ---- images ---------------------------------------------------------------------------------------------------------

/** Splits an image reference into name, tag and digest as kustomize does. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let search = image;
  let slash = image.indexOf('/');
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return { name: image, tag: '', digest: '' };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += slash;
    return { name: image.slice(0, id), tag: '', digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += slash;
    ic += slash;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += slash;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: '' };
}

const matchers = new Map<string, (s: string) => boolean>();
function imageMatcher(name: string): (s: string) => boolean {
  let m = matchers.get(name);
  if (!m) matchers.set(name, (m = compileImageMatcher(name)));
  return m;
}

function compileImageMatcher(name: string): (s: string) => boolean {
  let re: RegExp | undefined;
  try {
    re = new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
  } catch {
    re = undefined;
  }
  return (s) => (re ? re.test(s) : false);
}

function updateImage(n: YNode, img: ImageArg, matches: (s: string) => boolean, rec: Recorder, change: Change, describe: () => string): void {
  if (n.kind !== 'scalar') throw new GitOpsError(`images: an image field of ${describe()} is not a string`, n.origin ?? img.at, 'kustomize');
  const value = n.value;
  if (!matches(value)) return;
  let { name, tag, digest } = splitImage(value);
  if (img.newName) name = img.newName;
  if (img.newTag && img.digest) {
    tag = img.newTag;
    digest = img.digest;
  } else if (img.newTag) {
    tag = img.newTag;
    digest = '';
  } else if (img.digest) {
    tag = '';
    digest = img.digest;
  } else if (img.tagSuffix) {
    tag += img.tagSuffix;
    digest = '';
  }
  let out = name;
  if (tag) out += ':' + tag;
  if (digest) out += '@' + digest;
  // kustomize's second pass over the same field writes the same value again; note the change once.
  if (out === value && n.history?.[n.history.length - 1] === change) return;
  setScalarValue(n, out, undefined, rec, change);
}

function describeImageChange(img: ImageArg): string {
  const parts: string[] = [];
  if (img.newName) parts.push(`newName: ${img.newName}`);
  if (img.newTag) parts.push(`newTag: ${img.newTag}`);
  if (img.digest) parts.push(`digest: ${img.digest}`);
  if (img.tagSuffix) parts.push(`tagSuffix: ${img.tagSuffix}`);
  return `${img.name}${parts.length ? ' → ' + parts.join(', ') : ''}`;
}

/** Visits every `containers`/`initContainers` list anywhere in the object, innermost first (kustomize's legacy pass). */
function eachContainerList(n: YNode, fn: (seq: YNode) => void): void {
  if (n.kind === 'map') {
    for (const e of n.entries) {
      eachContainerList(e.value, fn);
      if (e.key.value === 'containers' || e.key.value === 'initContainers') fn(e.value);
    }
  } else if (n.kind === 'seq') {
    for (const it of n.items) eachContainerList(it, fn);
  }
}

/**
 * The `image` fields kustomize's legacy pass visits in an object, in its order. Image updates only change those
 * scalars, never where they are, so one search serves every `images` entry of a kustomization.
 */
export type ImageFieldCache = Map<Resource, YNode[]>;

function legacyImageFields(r: Resource, cache: ImageFieldCache | undefined): YNode[] {
  const hit = cache?.get(r);
  if (hit) return hit;
  const out: YNode[] = [];
  eachContainerList(r.node, (seq) => {
    if (seq.kind !== 'seq') return;
    for (const c of seq.items) {
      if (c.kind !== 'map') continue;
      const image = get(c, 'image');
      if (image && !isNull(image)) out.push(image);
    }
  });
  cache?.set(r, out);
  return out;
}

export function imagesTransform(m: ResMap, img: ImageArg, specs: FieldSpec[], rec: Recorder, cache?: ImageFieldCache): void {
  const change: Change = { op: 'images', detail: describeImageChange(img), at: img.at };
  const matches = imageMatcher(img.name);
  for (const r of m.list) {
    if (r.kind === 'CustomResourceDefinition') continue;
    const describe = () => r.describe();
    for (const image of legacyImageFields(r, cache)) updateImage(image, img, matches, rec, change, describe);
  }
  for (const r of m.list) {
    if (r.kind === 'CustomResourceDefinition') continue;
    const describe = () => r.describe();
    for (const f of specsFor(r, specs)) {
      walkFieldSpec(r.node, f, (n) => {
        if (isNull(n)) return;
        updateImage(n, img, matches, rec, change, describe);
      }, {}, true);
    }
  }
}

export function ensureMapAt(obj: MapNode, key: string): MapNode | undefined {
  const v = get(obj, key);
  return v && v.kind === 'map' ? v : undefined;
}

export { effectiveNamespace };
