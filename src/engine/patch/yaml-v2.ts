/**
 * YAML to JSON the way sigs.k8s.io/yaml's YAMLToJSON does it (go-yaml v2, YAML 1.1 scalars): kustomize runs JSON
 * 6902 patches written in YAML through it, so `value: on` is the boolean true there, `0777` is 511 and `1e3` is
 * 1000, unlike in strategic merge patches (kyaml, YAML 1.2-ish rules).
 */
import { GitOpsError } from '../errors/index.ts';
import type { YNode } from '../yaml/index.ts';
import { resolvePlainTag } from '../yaml/index.ts';
import { goJson, goJsonString, type JVal } from './json-value.ts';

type V2 = { kind: 'null' } | { kind: 'bool'; v: boolean } | { kind: 'int'; v: bigint } | { kind: 'float'; v: number } | { kind: 'str'; v: string };

const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(s, 0, 64) / ParseUint: sign, 0x / 0o / 0b / leading-0 octal prefixes. */
function goParseInt(s: string, unsigned: boolean): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  if (unsigned && m[1] !== '') return undefined;
  let body = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt('0o' + body.slice(2));
  else if (/^0[0-7]+$/.test(body)) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  if (m[1] === '-') v = -v;
  if (unsigned) return v <= UINT64_MAX ? v : undefined;
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

/** go-yaml v2's resolve() for a plain scalar. */
export function resolveV2Plain(s: string): V2 {
  if (NULLS.has(s)) return { kind: 'null' };
  const first = s[0]!;
  const hintMap = 'yYnNtTfFoO~'.includes(first);
  const hintDot = first === '.';
  const hintNum = /[0-9+-]/.test(first);
  if (!hintMap && !hintDot && !hintNum) return { kind: 'str', v: s };
  if (BOOL_TRUE.has(s)) return { kind: 'bool', v: true };
  if (BOOL_FALSE.has(s)) return { kind: 'bool', v: false };
  if (s in SPECIAL_FLOATS) return { kind: 'float', v: SPECIAL_FLOATS[s]! };
  if (hintDot) {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) return { kind: 'float', v: Number(s) };
    return { kind: 'str', v: s };
  }
  if (hintNum) {
    // Timestamps stay strings when decoded into interface{}.
    if (/^[0-9]{4}-/.test(s)) return { kind: 'str', v: s };
    const plain = s.replace(/_/g, '');
    const i = goParseInt(plain, false) ?? goParseInt(plain, true);
    if (i !== undefined) return { kind: 'int', v: i };
    if (YAML_FLOAT.test(plain)) return { kind: 'float', v: Number(plain) };
    const bin = /^(-?)0b([01]+)$/.exec(plain);
    if (bin) {
      const v = BigInt('0b' + bin[2]) * (bin[1] ? -1n : 1n);
      if (v >= INT64_MIN && v <= UINT64_MAX) return { kind: 'int', v };
    }
  }
  return { kind: 'str', v: s };
}

function scalarV2(n: Extract<YNode, { kind: 'scalar' }>): V2 {
  const implicit = n.style === 'plain' && n.tag === resolvePlainTag(n.value);
  if (implicit) return resolveV2Plain(n.value);
  switch (n.tag) {
    case '!!null':
      return { kind: 'null' };
    case '!!bool':
      return BOOL_TRUE.has(n.value) ? { kind: 'bool', v: true } : { kind: 'bool', v: false };
    case '!!int': {
      const r = resolveV2Plain(n.value);
      return r.kind === 'int' ? r : { kind: 'str', v: n.value };
    }
    case '!!float': {
      const r = resolveV2Plain(n.value);
      return r.kind === 'int' ? { kind: 'float', v: Number(r.v) } : r.kind === 'float' ? r : { kind: 'str', v: n.value };
    }
    default:
      return { kind: 'str', v: n.value };
  }
}

function v2ToJval(v: V2, n: YNode): JVal {
  const loc = n.origin;
  switch (v.kind) {
    case 'null':
      return { t: 'null', loc };
    case 'bool':
      return { t: 'bool', v: v.v, loc };
    case 'int':
      return { t: 'num', raw: v.v.toString(), loc };
    case 'float':
      if (!Number.isFinite(v.v)) throw new GitOpsError(`json: unsupported value: ${Number.isNaN(v.v) ? 'NaN' : v.v > 0 ? '+Inf' : '-Inf'}`, loc, 'patch');
      return { t: 'num', raw: goJson(v.v), loc };
    case 'str':
      return { t: 'str', v: v.v, raw: goJsonString(v.v), loc };
  }
}

/** Map keys as YAMLToJSON writes them: ints and bools printed, floats in Go's 32-bit 'g' form. */
function keyString(k: YNode): string {
  if (k.kind !== 'scalar') throw new GitOpsError('unsupported map key: a map or list key cannot become JSON', k.origin, 'patch');
  const v = scalarV2(k);
  switch (v.kind) {
    case 'str':
      return v.v;
    case 'int':
      return v.v.toString();
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'float':
      return Number.isNaN(v.v) ? '.nan' : v.v === Infinity ? '.inf' : v.v === -Infinity ? '-.inf' : String(Math.fround(v.v));
    case 'null':
      throw new GitOpsError('unsupported map key of type: <nil>', k.origin, 'patch');
  }
}

/** A YAML node tree converted to JSON as YAMLToJSON would (with locations kept for messages). */
export function yamlNodeToJval(n: YNode): JVal {
  if (n.kind === 'scalar') return v2ToJval(scalarV2(n), n);
  if (n.kind === 'seq') return { t: 'arr', items: n.items.map(yamlNodeToJval), loc: n.origin };
  const entries = new Map<string, JVal>();
  for (const e of n.entries) {
    const k = keyString(e.key);
    entries.delete(k);
    entries.set(k, yamlNodeToJval(e.value));
  }
  return { t: 'obj', entries, loc: n.origin };
}
