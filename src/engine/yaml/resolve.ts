/**
 * Tag resolution exactly as yaml.v3 does it when kustomize reads a resource (which plain scalars are null, bool,
 * int, float, timestamp or string), and as yaml.v2 does it when kustomize prints (which strings must be quoted).
 * The two differ in one place: v2 still treats y/yes/on/n/no/off as booleans, v3 does not.
 */
import { goParseFloat, goParseInt, goParseUint } from './gonum.ts';
import { parseYamlTimestamp, type GoTime } from './gotime.ts';

export type Resolved =
  | { tag: '!!null' }
  | { tag: '!!bool'; value: boolean }
  | { tag: '!!int'; value: bigint }
  | { tag: '!!float'; value: number }
  | { tag: '!!timestamp'; value: GoTime }
  | { tag: '!!str'; value: string }
  | { tag: '!!merge' }
  /** A tag yaml cannot resolve (custom `!tags`, !!binary, !!map on a scalar, …): the text stays a string. */
  | { tag: string; value: string; unresolvable: true };

// First-character hints, as in yaml's resolve table.
const H_NONE = 0, H_SIGN = 1, H_DIGIT = 2, H_MAP = 3, H_DOT = 4;
const HINT = new Uint8Array(128);
HINT[43] = H_SIGN;
HINT[45] = H_SIGN;
for (let c = 48; c <= 57; c++) HINT[c] = H_DIGIT;
for (const ch of 'yYnNtTfFoO~') HINT[ch.charCodeAt(0)] = H_MAP;
HINT[46] = H_DOT;

type MapItem = Resolved;
const NULL: MapItem = { tag: '!!null' };
const TRUE: MapItem = { tag: '!!bool', value: true };
const FALSE: MapItem = { tag: '!!bool', value: false };
const MERGE: MapItem = { tag: '!!merge' };

function table(extraBools: boolean): Map<string, MapItem> {
  const m = new Map<string, MapItem>();
  for (const s of ['true', 'True', 'TRUE']) m.set(s, TRUE);
  for (const s of ['false', 'False', 'FALSE']) m.set(s, FALSE);
  if (extraBools) {
    for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']) m.set(s, TRUE);
    for (const s of ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']) m.set(s, FALSE);
  }
  for (const s of ['', '~', 'null', 'Null', 'NULL']) m.set(s, NULL);
  for (const s of ['.nan', '.NaN', '.NAN']) m.set(s, { tag: '!!float', value: NaN });
  for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) m.set(s, { tag: '!!float', value: Infinity });
  for (const s of ['-.inf', '-.Inf', '-.INF']) m.set(s, { tag: '!!float', value: -Infinity });
  m.set('<<', MERGE);
  return m;
}
const V3_MAP = table(false);
const V2_MAP = table(true);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

const RESOLVABLE = new Set(['', '!!str', '!!bool', '!!int', '!!float', '!!null', '!!timestamp']);

/** The number-ish part of resolution (hint is a digit or a sign), shared by v2 and v3. */
function resolveNumberish(value: string, allowTimestamp: boolean): Resolved | undefined {
  if (allowTimestamp) {
    const t = parseYamlTimestamp(value);
    if (t) return { tag: '!!timestamp', value: t };
  }
  const plain = value.indexOf('_') >= 0 ? value.replace(/_/g, '') : value;
  const i = goParseInt(plain, 0);
  if (i !== undefined) return { tag: '!!int', value: i };
  const u = goParseUint(plain, 0);
  if (u !== undefined) return { tag: '!!int', value: u };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = goParseFloat(plain);
    if (f !== undefined) return { tag: '!!float', value: f };
  }
  if (plain.startsWith('0b')) {
    const v = goParseInt(plain.slice(2), 2) ?? goParseUint(plain.slice(2), 2);
    if (v !== undefined) return { tag: '!!int', value: v };
  } else if (plain.startsWith('-0b')) {
    const v = goParseInt('-' + plain.slice(3), 2);
    if (v !== undefined) return { tag: '!!int', value: v };
  }
  return undefined;
}

function resolveWith(tag: string, value: string, map: Map<string, MapItem>, v3: boolean): Resolved {
  if (!RESOLVABLE.has(tag)) return { tag, value, unresolvable: true };
  if (tag === '!!str') return { tag: '!!str', value };
  const c = value.length === 0 ? -1 : value.charCodeAt(0);
  const hint = c < 0 ? H_MAP : c < 128 ? HINT[c]! : H_NONE;
  if (hint !== H_NONE) {
    const item = map.get(value);
    if (item) return item;
    if (hint === H_DOT) {
      const f = goParseFloat(value);
      if (f !== undefined) return { tag: '!!float', value: f };
    } else if (hint === H_SIGN || hint === H_DIGIT) {
      const r = resolveNumberish(value, tag === '' || tag === '!!timestamp');
      if (r) return r;
      if (v3) {
        // yaml.v3 also reads 0o17 (YAML 1.2 octal); ParseInt with base 0 already covers it, except with a sign
        // after the prefix, which these explicit retries accept.
        const plain = value.replace(/_/g, '');
        if (plain.startsWith('0o')) {
          const v = goParseInt(plain.slice(2), 8) ?? goParseUint(plain.slice(2), 8);
          if (v !== undefined) return { tag: '!!int', value: v };
        } else if (plain.startsWith('-0o')) {
          const v = goParseInt('-' + plain.slice(3), 8);
          if (v !== undefined) return { tag: '!!int', value: v };
        }
      }
    }
  }
  return { tag: '!!str', value };
}

/**
 * The tag yaml.v3 gives a plain (unquoted, untagged) scalar: '!!null', '!!bool', '!!int', '!!float',
 * '!!timestamp', '!!merge' (for `<<`) or '!!str'.
 */
export function resolvePlainTag(value: string): string {
  if (value.length === 0) return '!!null';
  const c = value.charCodeAt(0);
  if (c >= 128 || HINT[c] === H_NONE) return '!!str';
  const cached = plainTagCache.get(value);
  if (cached !== undefined) return cached;
  const tag = resolveWith('', value, V3_MAP, true).tag;
  if (plainTagCache.size > 50_000) plainTagCache.clear();
  plainTagCache.set(value, tag);
  return tag;
}
const plainTagCache = new Map<string, string>();

/** yaml.v3's `resolve(tag, value)`: the typed value of a scalar, given its tag ('' for an untagged plain scalar). */
export function resolveV3(tag: string, value: string): Resolved {
  return resolveWith(tag, value, V3_MAP, true);
}

/** yaml.v2's resolution of an untagged plain scalar (YAML 1.1 booleans included). */
export function resolveV2(value: string): Resolved {
  return resolveWith('', value, V2_MAP, false);
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/**
 * Whether yaml.v2 may print this string unquoted: it must not read back as anything but a string (YAML 1.1 rules)
 * and must not look like a base-60 number.
 */
export function v2CanBePlain(s: string): boolean {
  if (s.length === 0) return false;
  const c = s.charCodeAt(0);
  if (c >= 128 || HINT[c] === H_NONE) return true;
  if (resolveWith('', s, V2_MAP, false).tag !== '!!str') return false;
  if ((c === 43 || c === 45 || (c >= 48 && c <= 57)) && s.indexOf(':') >= 0 && BASE60_FLOAT.test(s)) return false;
  return true;
}
