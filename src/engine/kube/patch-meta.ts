/**
 * Merge metadata of the built-in kinds: for any path in a built-in object, whether it is an object, a list or a map,
 * its strategic-merge patch strategy and merge key, and its server-side-apply list type, list-map keys and map type.
 * The data is the hand-written table in `patch-meta-table.ts`; this module parses it once and answers lookups, in two
 * views: Kubernetes 1.32 (what our sandbox serves) and the v1.21.2 schema kustomize v5.5.0 embeds (what decides how
 * `kubectl kustomize` merges).
 */
import { KIND_ROOTS, PATCH_TYPES, SCALAR_TYPES, type KindRoot } from './patch-meta-table.ts';

export type ListType = 'atomic' | 'set' | 'map';
export type MapType = 'atomic' | 'granular';
/** Which schema: the 1.32 API we serve, or the 1.21.2 one kustomize merges with. */
export type SchemaView = '1.32' | '1.21';

/** What a field holds and how it merges. */
export interface FieldMeta {
  /** 'object' (a struct), 'list', 'map' (string keys, values of one type) or 'scalar'. */
  shape: 'object' | 'list' | 'map' | 'scalar';
  /** For objects the Go type; for lists the element type; for maps the value type ('string', 'Quantity', a Go type). */
  type: string;
  /** x-kubernetes-patch-strategy: 'merge', 'retainKeys', 'merge,retainKeys', 'replace'. */
  patchStrategy?: string;
  /** x-kubernetes-patch-merge-key. */
  patchMergeKey?: string;
  /** x-kubernetes-list-type (lists only). */
  listType?: ListType;
  /** x-kubernetes-list-map-keys (lists of type map). */
  listMapKeys?: string[];
  /** x-kubernetes-map-type for map fields, or the element/field type's structType. */
  mapType?: MapType;
}

export interface PatchTypeMeta {
  name: string;
  fields: Map<string, FieldMeta>;
  /** structType=atomic: the whole struct is one value for server-side apply. */
  atomic: boolean;
}

interface ParsedField {
  meta: FieldMeta;
  absentIn121: boolean;
  meta121?: FieldMeta;
}

function parseField(owner: string, name: string, spec: string): ParsedField {
  const tokens = spec.trim().split(/\s+(?![^()]*\))/);
  const head = tokens.shift()!;
  let meta: FieldMeta;
  if (head.startsWith('{}')) meta = { shape: 'map', type: head.slice(2) };
  else if (head.endsWith('[]')) meta = { shape: 'list', type: head.slice(0, -2) };
  else meta = { shape: 'object', type: head };
  if (meta.shape === 'object' && SCALAR_TYPES.has(meta.type)) meta.shape = 'scalar';
  let absentIn121 = false;
  let tokens121: string[] | undefined;
  for (const t of tokens) {
    if (t === '!121') absentIn121 = true;
    else if (t.startsWith('121(')) tokens121 = t.slice(4, -1).split(/\s+/).filter(Boolean);
    else applyToken(meta, t, owner, name);
  }
  const parsed: ParsedField = { meta, absentIn121 };
  if (tokens121) {
    const m: FieldMeta = { ...meta };
    delete m.patchStrategy;
    delete m.patchMergeKey;
    for (const t of tokens121) applyToken(m, t, owner, name);
    parsed.meta121 = m;
  }
  return parsed;
}

function applyToken(meta: FieldMeta, t: string, owner: string, name: string): void {
  const strategy = /^(merge|retainKeys|merge,retainKeys|replace)(?:\/(\S+))?$/.exec(t);
  if (strategy) {
    meta.patchStrategy = strategy[1];
    if (strategy[2]) meta.patchMergeKey = strategy[2];
    return;
  }
  if (meta.shape === 'list' && (t === 'atomic' || t === 'set')) {
    meta.listType = t;
    return;
  }
  const mapKeys = /^map\(([^)]*)\)$/.exec(t);
  if (mapKeys && meta.shape === 'list') {
    meta.listType = 'map';
    meta.listMapKeys = mapKeys[1]!.split(',').map((k) => k.trim());
    return;
  }
  if (meta.shape === 'map' && (t === 'atomic' || t === 'granular')) {
    meta.mapType = t;
    return;
  }
  throw new Error(`patch-meta table: bad token '${t}' in ${owner}.${name}`);
}

function buildView(view: SchemaView): Map<string, PatchTypeMeta> {
  const types = new Map<string, PatchTypeMeta>();
  for (const [typeName, fields] of Object.entries(PATCH_TYPES)) {
    const t: PatchTypeMeta = { name: typeName, fields: new Map(), atomic: fields['@'] === 'atomic' };
    for (const [fieldName, spec] of Object.entries(fields)) {
      if (fieldName === '@') continue;
      const p = parseField(typeName, fieldName, spec);
      if (view === '1.21' && p.absentIn121) continue;
      t.fields.set(fieldName, view === '1.21' && p.meta121 ? p.meta121 : p.meta);
    }
    types.set(typeName, t);
  }
  // Every referenced type must exist: a typo would silently turn a merge list into a replaced one.
  for (const t of types.values()) {
    for (const [fname, f] of t.fields) {
      if (f.shape === 'scalar' || SCALAR_TYPES.has(f.type) || f.type.endsWith('[]')) continue;
      if (!types.has(f.type)) throw new Error(`patch-meta table: ${t.name}.${fname} refers to unknown type ${f.type}`);
    }
  }
  return types;
}

const views = new Map<SchemaView, Map<string, PatchTypeMeta>>();
function typesOf(view: SchemaView): Map<string, PatchTypeMeta> {
  let v = views.get(view);
  if (!v) {
    v = buildView(view);
    views.set(view, v);
  }
  return v;
}

const rootIndex = new Map<string, KindRoot>();
for (const r of KIND_ROOTS) rootIndex.set(`${r.apiVersion}|${r.kind}`, r);

/** The Go type at the root of a built-in apiVersion/kind in a view, or undefined when that view does not know it. */
export function rootTypeOf(apiVersion: string, kind: string, view: SchemaView = '1.32'): string | undefined {
  const r = rootIndex.get(`${apiVersion}|${kind}`);
  if (!r) return undefined;
  return (view === '1.21' ? r.k121 : r.k132) ? r.type : undefined;
}

/** The group/version/kinds a view knows, with their root types. */
export function knownKinds(view: SchemaView = '1.32'): { apiVersion: string; kind: string; type: string }[] {
  return KIND_ROOTS.filter((r) => (view === '1.21' ? r.k121 : r.k132)).map(({ apiVersion, kind, type }) => ({ apiVersion, kind, type }));
}

/** A Go type's merge metadata. */
export function typeMeta(name: string, view: SchemaView = '1.32'): PatchTypeMeta | undefined {
  return typesOf(view).get(name);
}

/**
 * A position in a typed object: what the value there is and how it merges. `field` steps into an object field or a
 * map value; `elements` steps into a list's elements. Undefined means the schema says nothing (an unknown field).
 */
export class PatchMetaNode {
  constructor(
    readonly view: SchemaView,
    /** The field's metadata; undefined for a root object. */
    readonly meta: FieldMeta | undefined,
    /** The Go type of the value here when it is an object (for lists: undefined; step into elements first). */
    readonly typeName: string | undefined,
  ) {}

  get shape(): FieldMeta['shape'] {
    return this.meta ? this.meta.shape : 'object';
  }

  field(name: string): PatchMetaNode | undefined {
    if (this.shape === 'map') return valueNode(this.view, this.meta!.type);
    if (this.shape !== 'object' || !this.typeName) return undefined;
    const f = typesOf(this.view).get(this.typeName)?.fields.get(name);
    if (!f) return undefined;
    return new PatchMetaNode(this.view, f, f.shape === 'object' ? f.type : undefined);
  }

  elements(): PatchMetaNode | undefined {
    if (this.shape !== 'list') return undefined;
    return valueNode(this.view, this.meta!.type);
  }

  /** structType=atomic of the object here. */
  get atomicStruct(): boolean {
    return this.typeName ? typesOf(this.view).get(this.typeName)?.atomic === true : false;
  }
}

function valueNode(view: SchemaView, type: string): PatchMetaNode {
  if (SCALAR_TYPES.has(type) || type.endsWith('[]')) {
    const meta: FieldMeta = type.endsWith('[]') ? { shape: 'list', type: type.slice(0, -2), listType: 'atomic' } : { shape: 'scalar', type };
    return new PatchMetaNode(view, meta, undefined);
  }
  return new PatchMetaNode(view, undefined, type);
}

/** The root of a built-in kind's schema, or undefined for kinds the view does not know (custom resources). */
export function patchMetaFor(apiVersion: string, kind: string, view: SchemaView = '1.32'): PatchMetaNode | undefined {
  const t = rootTypeOf(apiVersion, kind, view);
  return t ? new PatchMetaNode(view, undefined, t) : undefined;
}

/** The root of a Go type's schema. */
export function patchMetaOfType(typeName: string, view: SchemaView = '1.32'): PatchMetaNode | undefined {
  return typesOf(view).has(typeName) ? new PatchMetaNode(view, undefined, typeName) : undefined;
}

/**
 * Server-side apply's view of the value at a field path (field names only; list elements are stepped through
 * implicitly): list type and keys, map type. Lists with a merge patch strategy but no explicit list type count as
 * `map` keyed by the merge key (or `set` without one), as the API server's schema conversion treats them; other
 * lists are `atomic`.
 */
export function ssaListTypeAt(
  apiVersion: string,
  kind: string,
  path: string[],
): { shape: FieldMeta['shape']; listType?: ListType; keys?: string[]; mapType?: MapType } | undefined {
  let node = patchMetaFor(apiVersion, kind);
  for (const seg of path) {
    if (!node) return undefined;
    if (node.shape === 'list') node = node.elements();
    node = node?.field(seg);
  }
  if (!node) return undefined;
  const m = node.meta;
  if (!m) return { shape: 'object', mapType: node.atomicStruct ? 'atomic' : undefined };
  if (m.shape === 'list') {
    const merge = m.patchStrategy?.split(',').includes('merge');
    const listType = m.listType ?? (merge ? (m.patchMergeKey ? 'map' : 'set') : 'atomic');
    const keys = listType === 'map' ? (m.listMapKeys ?? (m.patchMergeKey ? [m.patchMergeKey] : [])) : undefined;
    return { shape: 'list', listType, keys };
  }
  if (m.shape === 'map') return { shape: 'map', mapType: m.mapType };
  if (m.shape === 'object') return { shape: 'object', mapType: node.atomicStruct ? 'atomic' : undefined };
  return { shape: 'scalar' };
}

/**
 * The metadata as OpenAPI definitions (`#/definitions/<Type>` for v2; pass `#/components/schemas/` for v3), with x-kubernetes-group-version-kind on the
 * root types: enough for a client that needs patch and list metadata (kubectl's apply and diff). Scalar fields are
 * not described, so the document is partial: properties not listed are free-form.
 */
export function openApiDefinitions(view: SchemaView = '1.32', refPrefix = '#/definitions/'): Record<string, Record<string, unknown>> {
  const defs: Record<string, Record<string, unknown>> = {};
  const gvks = new Map<string, { group: string; version: string; kind: string }[]>();
  for (const r of KIND_ROOTS) {
    if (!(view === '1.21' ? r.k121 : r.k132) || r.type === 'Object') continue;
    const i = r.apiVersion.indexOf('/');
    const gvk = { group: i < 0 ? '' : r.apiVersion.slice(0, i), version: i < 0 ? r.apiVersion : r.apiVersion.slice(i + 1), kind: r.kind };
    gvks.set(r.type, [...(gvks.get(r.type) ?? []), gvk]);
  }
  for (const t of typesOf(view).values()) {
    const properties: Record<string, unknown> = {};
    for (const [name, f] of t.fields) properties[name] = fieldSchema(f, refPrefix);
    if (gvks.has(t.name)) {
      properties.apiVersion = { type: 'string' };
      properties.kind = { type: 'string' };
    }
    const d: Record<string, unknown> = { type: 'object', properties };
    if (t.atomic) d['x-kubernetes-map-type'] = 'atomic';
    const g = gvks.get(t.name);
    if (g) d['x-kubernetes-group-version-kind'] = g;
    defs[t.name] = d;
  }
  return defs;
}

function valueSchema(type: string, refPrefix: string): Record<string, unknown> {
  if (type.endsWith('[]')) return { type: 'array', items: valueSchema(type.slice(0, -2), refPrefix) };
  switch (type) {
    case 'string':
    case 'Time':
    case 'byte':
      return { type: 'string' };
    case 'int':
      return { type: 'integer' };
    case 'bool':
      return { type: 'boolean' };
    case 'number':
      return { type: 'number' };
    case 'Quantity':
    case 'IntOrString':
      return { 'x-kubernetes-int-or-string': true };
    default:
      return { $ref: `${refPrefix}${type}` };
  }
}

function fieldSchema(f: FieldMeta, refPrefix: string): Record<string, unknown> {
  let s: Record<string, unknown>;
  if (f.shape === 'list') s = { type: 'array', items: valueSchema(f.type, refPrefix) };
  else if (f.shape === 'map') s = { type: 'object', additionalProperties: valueSchema(f.type, refPrefix) };
  else s = valueSchema(f.type, refPrefix);
  if (f.patchStrategy) s['x-kubernetes-patch-strategy'] = f.patchStrategy;
  if (f.patchMergeKey) s['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
  if (f.listType) s['x-kubernetes-list-type'] = f.listType;
  if (f.listMapKeys) s['x-kubernetes-list-map-keys'] = f.listMapKeys;
  if (f.mapType) s['x-kubernetes-map-type'] = f.mapType;
  return s;
}

/**
 * Server-side apply's view of a path inside a custom resource's `openAPIV3Schema` (a CRD version's schema): the
 * same answer as `ssaListTypeAt` gives for built-in kinds, read from x-kubernetes-list-type,
 * x-kubernetes-list-map-keys and x-kubernetes-map-type. Lists without a list type are atomic.
 */
export function ssaListTypeInSchema(
  schema: unknown,
  path: string[],
): { shape: FieldMeta['shape']; listType?: ListType; keys?: string[]; mapType?: MapType } | undefined {
  type S = Record<string, unknown>;
  const isS = (v: unknown): v is S => !!v && typeof v === 'object' && !Array.isArray(v);
  let cur: unknown = schema;
  for (const seg of path) {
    if (!isS(cur)) return undefined;
    if (cur.type === 'array') cur = cur.items;
    if (!isS(cur)) return undefined;
    const props = cur.properties;
    if (isS(props) && Object.prototype.hasOwnProperty.call(props, seg)) cur = props[seg];
    else if (isS(cur.additionalProperties)) cur = cur.additionalProperties;
    else if (cur['x-kubernetes-preserve-unknown-fields'] === true) return undefined;
    else return undefined;
  }
  if (!isS(cur)) return undefined;
  if (cur.type === 'array') {
    const lt = cur['x-kubernetes-list-type'];
    const listType: ListType = lt === 'set' || lt === 'map' ? lt : 'atomic';
    const keys = listType === 'map' && Array.isArray(cur['x-kubernetes-list-map-keys']) ? (cur['x-kubernetes-list-map-keys'] as unknown[]).map(String) : undefined;
    return { shape: 'list', listType, keys };
  }
  const mt = cur['x-kubernetes-map-type'];
  const mapType: MapType | undefined = mt === 'atomic' || mt === 'granular' ? mt : undefined;
  if (cur.type === 'object' || isS(cur.properties) || isS(cur.additionalProperties)) {
    return { shape: isS(cur.additionalProperties) && !isS(cur.properties) ? 'map' : 'object', mapType };
  }
  return { shape: 'scalar' };
}
