/**
 * Strict decoding of kustomize's own files (kustomization.yaml, builtin plugin configs, configurations) the way
 * kustomize reads them: YAML converted to JSON with YAML 1.1 scalar rules (sigs.k8s.io/yaml over yaml.v2), then
 * Go's encoding/json with unknown fields refused. That means keys match case-insensitively, `yes`/`on` are booleans,
 * an unquoted `1.10` is a number (and so not a string), and null leaves a field at its zero value. Every decoded
 * value remembers where it was written, so errors and provenance can point at the line.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc, YNode } from '../yaml/index.ts';

export type Schema =
  | { t: 'string' }
  | { t: 'bool' }
  | { t: 'int' }
  | { t: 'any' }
  | { t: 'list'; of: Schema }
  | { t: 'map'; of: Schema }
  | { t: 'struct'; name: string; fields: Record<string, Schema> };

export const S = {
  string: { t: 'string' } as Schema,
  bool: { t: 'bool' } as Schema,
  int: { t: 'int' } as Schema,
  any: { t: 'any' } as Schema,
  list: (of: Schema): Schema => ({ t: 'list', of }),
  map: (of: Schema): Schema => ({ t: 'map', of }),
  struct: (name: string, fields: Record<string, Schema>): Schema => ({ t: 'struct', name, fields }),
};

/** A decoded scalar with the place it was written. */
export interface Located<T> {
  value: T;
  at: Loc;
}

/** A decoded struct: its fields (absent when null or missing), where it starts, and where each field was written. */
export interface DStruct {
  at: Loc;
  /** Location of each present field's value node. */
  fieldAt: Record<string, Loc>;
  /** Location of each present field's key. */
  keyAt: Record<string, Loc>;
  /** Fields present with a non-null value (Go's "non-zero after decoding", which CheckEmpty looks at). */
  present: Set<string>;
  [field: string]: unknown;
}

type V1Type = 'null' | 'bool' | 'int' | 'float' | 'string';

const V1_BOOL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const V1_NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** The type a scalar has under YAML 1.1 (yaml.v2), which is what kustomize's JSON conversion sees. */
export function v1Type(n: YNode & { kind: 'scalar' }): V1Type {
  if (n.style !== 'plain') return 'string';
  if (n.tag.startsWith('!') && !n.tag.startsWith('!!')) return 'string';
  const v = n.value;
  if (V1_NULL.has(v)) return 'null';
  if (V1_BOOL.has(v)) return 'bool';
  if (['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'].includes(v)) return 'float';
  const plain = v.replace(/_/g, '');
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(plain) || /^[-+]?0[xX][0-9a-fA-F]+$/.test(plain) || /^[-+]?0[bB][01]+$/.test(plain) || /^[-+]?0[oO]?[0-7]+$/.test(plain)) return 'int';
  if (FLOAT_RE.test(plain)) return 'float';
  return 'string';
}

function goType(n: YNode): string {
  if (n.kind === 'map') return 'object';
  if (n.kind === 'seq') return 'array';
  switch (v1Type(n)) {
    case 'bool':
      return 'bool';
    case 'int':
    case 'float':
      return 'number';
    case 'null':
      return 'null';
    default:
      return 'string';
  }
}

function goTypeName(s: Schema): string {
  switch (s.t) {
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int64';
    case 'any':
      return 'interface {}';
    case 'list':
      return `[]${goTypeName(s.of)}`;
    case 'map':
      return `map[string]${goTypeName(s.of)}`;
    case 'struct':
      return `types.${s.name}`;
  }
}

export interface DecodeContext {
  /** What is being decoded, for messages: 'Kustomization', 'ConfigMapGenerator config', … */
  what: string;
  /** The Go struct path so far (`Kustomization.images`), for messages like encoding/json's. */
  path: string;
  /**
   * sigs.k8s.io/yaml's plain Unmarshal (used for plugin configs and replacement files): unknown fields are ignored
   * and scalars are accepted as strings where a string is expected.
   */
  lenient?: boolean;
}

function typeError(n: YNode, s: Schema, ctx: DecodeContext): GitOpsError {
  return new GitOpsError(
    `invalid ${ctx.what}: cannot use ${/^[aeiou]/.test(goType(n)) ? 'an' : 'a'} ${goType(n)} as ${goTypeName(s)} (field ${ctx.path})`,
    n.origin,
    'kustomization',
  );
}

function numberValue(n: YNode & { kind: 'scalar' }): number {
  const plain = n.value.replace(/_/g, '');
  if (/^[-+]?0[xX]/.test(plain)) return parseInt(plain.replace(/0[xX]/, ''), 16) * (plain.startsWith('-') ? -1 : 1);
  if (/^[-+]?0[bB]/.test(plain)) return parseInt(plain.replace(/0[bB]/, ''), 2) * (plain.startsWith('-') ? -1 : 1);
  if (/^[-+]?0[oO]?[0-7]+$/.test(plain) && plain.replace(/^[-+]/, '').length > 1) return parseInt(plain.replace(/^([-+]?)0[oO]?/, '$1'), 8);
  return Number(plain);
}

function boolValue(v: string): boolean {
  return ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].includes(v);
}

/** Go's encoding/json field matching: exact first, then ASCII case-insensitive. */
function matchField(fields: Record<string, Schema>, key: string): string | undefined {
  if (Object.hasOwn(fields, key)) return key;
  const lower = key.toLowerCase();
  for (const f of Object.keys(fields)) if (f.toLowerCase() === lower) return f;
  return undefined;
}

/**
 * Decodes a node against a schema. Returns undefined for null (Go leaves the zero value), a Located<T> for scalars
 * inside lists and maps, plain values for scalar struct fields (their location is in `fieldAt`).
 */
export function decode(n: YNode, s: Schema, ctx: DecodeContext): unknown {
  if (n.kind === 'scalar' && v1Type(n) === 'null' && s.t !== 'any') return undefined;
  switch (s.t) {
    case 'string':
      if (n.kind !== 'scalar' || (v1Type(n) !== 'string' && !ctx.lenient)) throw typeError(n, s, ctx);
      return n.value;
    case 'bool':
      if (n.kind !== 'scalar' || v1Type(n) !== 'bool') throw typeError(n, s, ctx);
      return boolValue(n.value);
    case 'int': {
      if (n.kind !== 'scalar') throw typeError(n, s, ctx);
      const t = v1Type(n);
      if (t !== 'int' && t !== 'float') throw typeError(n, s, ctx);
      const v = numberValue(n);
      if (!Number.isInteger(v)) throw typeError(n, s, ctx);
      return v;
    }
    case 'any':
      return n;
    case 'list': {
      if (n.kind !== 'seq') throw typeError(n, s, ctx);
      return n.items.map((it, i) => {
        const v = decode(it, s.of, { ...ctx, path: `${ctx.path}[${i}]` });
        return isScalarSchema(s.of) ? ({ value: v ?? zero(s.of), at: it.origin! } satisfies Located<unknown>) : v;
      });
    }
    case 'map': {
      if (n.kind !== 'map') throw typeError(n, s, ctx);
      const out = new Map<string, Located<unknown>>();
      for (const e of n.entries) {
        const v = decode(e.value, s.of, { ...ctx, path: `${ctx.path}.${e.key.value}` });
        out.set(e.key.value, { value: v ?? zero(s.of), at: e.key.origin! });
      }
      return out;
    }
    case 'struct': {
      if (n.kind !== 'map') throw typeError(n, s, ctx);
      const out: DStruct = { at: n.origin!, fieldAt: {}, keyAt: {}, present: new Set() };
      for (const e of n.entries) {
        const f = matchField(s.fields, e.key.value);
        if (!f) {
          if (ctx.lenient) continue;
          throw new GitOpsError(`invalid ${ctx.what}: unknown field "${e.key.value}"`, e.key.origin, 'kustomization');
        }
        const v = decode(e.value, s.fields[f]!, { ...ctx, path: `${ctx.path ? ctx.path + '.' : ''}${f}` });
        if (v === undefined) {
          delete out[f];
          out.present.delete(f);
          continue;
        }
        out[f] = v;
        out.present.add(f);
        out.fieldAt[f] = e.value.origin!;
        out.keyAt[f] = e.key.origin!;
      }
      return out;
    }
  }
}

function isScalarSchema(s: Schema): boolean {
  return s.t === 'string' || s.t === 'bool' || s.t === 'int';
}

function zero(s: Schema): unknown {
  switch (s.t) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
      return 0;
    default:
      return undefined;
  }
}

/** Reads a struct field with a type assertion (decoded structs are loosely typed). */
export function field<T>(st: DStruct | undefined, name: string): T | undefined {
  return st ? (st[name] as T | undefined) : undefined;
}
