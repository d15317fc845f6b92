/**
 * The structural type model the sandbox reasons with: what server-side apply needs to know about lists (atomic,
 * set, or map keyed by some fields) and maps (granular or atomic), what OpenAPI documents publish, and what strict
 * field validation and pruning check. Built-in kinds get a type graph from builtin-types.ts; custom resources get
 * theirs from the CRD's openAPIV3Schema. Anything undescribed is "deduced" as structured-merge-diff deduces it:
 * maps are granular, lists atomic.
 */
import { isObject, type Json, type JsonObject } from './json.ts';

interface Base {
  description?: string;
  /** A structural default (CRD `default:`), applied on create, update and read. */
  default?: Json;
  /** nullable: true — a null is kept instead of dropped. */
  nullable?: boolean;
}
export interface StructSchema extends Base {
  kind: 'struct';
  fields: Record<string, Schema>;
  required?: string[];
  /** x-kubernetes-map-type: atomic — replaced whole by apply. */
  atomic?: boolean;
  /** Unknown fields are kept and deduced (x-kubernetes-preserve-unknown-fields, or a partial description). */
  open?: boolean;
  /** x-kubernetes-embedded-resource: apiVersion, kind and metadata are implied. */
  embedded?: boolean;
}
export interface MapSchema extends Base {
  kind: 'map';
  values: Schema;
  atomic?: boolean;
}
export interface ListSchema extends Base {
  kind: 'list';
  items: Schema;
  listType: 'atomic' | 'set' | 'map';
  keys?: string[];
  /** Defaults of key fields, so `ports` items without `protocol` key as TCP, as the API server does. */
  keyDefaults?: Record<string, Json>;
  patchStrategy?: string;
  patchMergeKey?: string;
}
export interface ScalarSchema extends Base {
  kind: 'scalar';
  type: 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'quantity';
  format?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}
export interface AnySchema extends Base {
  kind: 'any';
}
export interface RefSchema extends Base {
  kind: 'ref';
  name: string;
}
export type Schema = StructSchema | MapSchema | ListSchema | ScalarSchema | AnySchema | RefSchema;

export const ANY: AnySchema = { kind: 'any' };

/** Named types (`io.k8s.api.core.v1.PodSpec`), shared so recursive and repeated types stay small. */
export class TypeRegistry {
  private readonly named = new Map<string, Schema>();
  define(name: string, s: Schema): void {
    this.named.set(name, s);
  }
  has(name: string): boolean {
    return this.named.has(name);
  }
  get(name: string): Schema | undefined {
    return this.named.get(name);
  }
  names(): string[] {
    return [...this.named.keys()];
  }
  resolve(s: Schema): Exclude<Schema, RefSchema> {
    let cur: Schema = s;
    for (let i = 0; cur.kind === 'ref' && i < 50; i++) cur = this.named.get(cur.name) ?? ANY;
    return cur.kind === 'ref' ? ANY : cur;
  }
}

/** The schema of `name` inside `s` (a struct field or a map value); deduced when undescribed. */
export function fieldOf(reg: TypeRegistry, s: Schema, name: string): Schema {
  const r = reg.resolve(s);
  if (r.kind === 'struct') return r.fields[name] ?? ANY;
  if (r.kind === 'map') return r.values;
  return ANY;
}

/** Whether `name` is a declared field of a struct (vs. an entry of a map or an undescribed field). */
export function isDeclaredField(reg: TypeRegistry, s: Schema, name: string): boolean {
  const r = reg.resolve(s);
  return r.kind === 'struct' && name in r.fields;
}

/** Converts a CRD's openAPIV3Schema (JSONSchemaProps) to the model. */
export function fromJsonSchema(js: unknown, top = true): Schema {
  const s = fromJsonSchemaInner(js, top);
  if (isObject(js)) {
    if (js.default !== undefined && s.kind !== 'ref') s.default = js.default;
    if (js.nullable === true && s.kind !== 'ref') s.nullable = true;
  }
  return s;
}

function fromJsonSchemaInner(js: unknown, top: boolean): Schema {
  if (!isObject(js)) return ANY;
  const description = typeof js.description === 'string' ? js.description : undefined;
  const preserve = js['x-kubernetes-preserve-unknown-fields'] === true;
  if (js['x-kubernetes-int-or-string'] === true) return { kind: 'scalar', type: 'int-or-string', description };
  const type = js.type;
  if (type === 'object' || (type === undefined && (isObject(js.properties) || isObject(js.additionalProperties)))) {
    if (isObject(js.properties) || top) {
      const fields: Record<string, Schema> = {};
      for (const [k, v] of Object.entries((js.properties as JsonObject) ?? {})) fields[k] = fromJsonSchema(v, false);
      const out: StructSchema = { kind: 'struct', fields, description };
      if (Array.isArray(js.required)) out.required = js.required.filter((x): x is string => typeof x === 'string');
      if (js['x-kubernetes-map-type'] === 'atomic') out.atomic = true;
      if (preserve) out.open = true;
      if (js['x-kubernetes-embedded-resource'] === true) out.embedded = true;
      return out;
    }
    if (isObject(js.additionalProperties) || js.additionalProperties === true) {
      return {
        kind: 'map',
        values: js.additionalProperties === true ? ANY : fromJsonSchema(js.additionalProperties, false),
        atomic: js['x-kubernetes-map-type'] === 'atomic' || undefined,
        description,
      };
    }
    if (preserve) return { kind: 'any', description };
    // An object with neither properties nor additionalProperties holds nothing once pruned.
    return { kind: 'struct', fields: {}, description, atomic: js['x-kubernetes-map-type'] === 'atomic' || undefined };
  }
  if (type === 'array') {
    const lt = js['x-kubernetes-list-type'];
    const listType = lt === 'map' ? 'map' : lt === 'set' ? 'set' : 'atomic';
    const out: ListSchema = { kind: 'list', items: fromJsonSchema(js.items, false), listType, description };
    if (listType === 'map' && Array.isArray(js['x-kubernetes-list-map-keys'])) {
      out.keys = (js['x-kubernetes-list-map-keys'] as Json[]).filter((x): x is string => typeof x === 'string');
      const items = js.items;
      if (isObject(items) && isObject(items.properties)) {
        for (const k of out.keys) {
          const p = (items.properties as JsonObject)[k];
          if (isObject(p) && p.default !== undefined) (out.keyDefaults ??= {})[k] = p.default;
        }
      }
    }
    return out;
  }
  if (type === 'string' || type === 'integer' || type === 'number' || type === 'boolean') {
    const out: ScalarSchema = { kind: 'scalar', type, description };
    if (typeof js.format === 'string') out.format = js.format;
    if (Array.isArray(js.enum)) out.enum = js.enum.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    for (const k of ['minimum', 'maximum', 'minLength', 'maxLength', 'pattern'] as const) if (js[k] !== undefined) (out as unknown as JsonObject)[k] = js[k];
    return out;
  }
  return preserve ? { kind: 'any', description } : { kind: 'any', description };
}

/** JSON type name of a value as validation messages print it. */
export function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
