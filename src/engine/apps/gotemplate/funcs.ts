/**
 * The functions an ApplicationSet goTemplate can call: Go's builtins, the Sprig functions ApplicationSets use
 * (Argo CD removes env, expandenv and getHostByName), and Argo CD's normalize, slugify, toYaml, fromYaml and
 * fromYamlArray. Argument order and conversions follow Sprig (the piped value is the last argument). Sprig functions
 * that depend on the clock, randomness or crypto keys parse but fail with a clear message when called.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { sanitizeName, slugify } from '../names.ts';
import { FuncError, isTrue, type GoFunc, type ParamType } from './exec.ts';
import { compareStrings, formatValue, fromJSON, goQuote, isMap, kindName, sprint, sprintf, sprintln, typeName, type GoMap, type GoValue } from './values.ts';
import { marshalJSON, marshalYAML } from './serialize.ts';

type Fn = (...args: GoValue[]) => GoValue;

function def(params: ParamType[], fn: Fn, variadic?: ParamType): GoFunc {
  return variadic ? { params, variadic, fn } : { params, fn };
}

// ------------------------------------------------------------------------------------------- conversions

/** Sprig's strval: strings as they are, everything else through %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  return formatValue(v);
}

/** cast.ToInt64E as Sprig uses it (errors give 0). */
export function toInt64(v: GoValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const s = v.trim();
    try {
      if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return BigInt(s.replace(/^\+/, '').replace(/^-0[xX]/, '-0x'));
      if (/^[+-]?0[0-7]+$/.test(s)) return BigInt((s.startsWith('-') ? '-' : '') + '0o' + s.replace(/^[+-]?0/, ''));
      if (/^[+-]?\d+$/.test(s)) return BigInt(s);
    } catch {
      return 0n;
    }
    return 0n;
  }
  return 0n;
}

export function toFloat64(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return v.trim() !== '' && Number.isFinite(n) ? n : 0;
  }
  return 0;
}

function toList(v: GoValue, fname: string): GoValue[] {
  if (Array.isArray(v)) return v;
  throw new FuncError(`Cannot find ${fname} on type ${typeName(v)}`);
}

/** Sprig's strslice: a list of strings (nil items dropped), or a one-item list of the value's text. */
function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

export function empty(v: GoValue): boolean {
  return !isTrue(v);
}

function deepEqual(a: GoValue, b: GoValue): boolean {
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return a === b;
}

export function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMap(v)) {
    const o: GoMap = {};
    for (const [k, x] of Object.entries(v)) o[k] = deepCopy(x);
    return o;
  }
  return v;
}

/** mergo.Merge of maps: without override a key is filled only when missing or empty; maps merge recursively. */
export function mergoMerge(dst: GoMap, src: GoMap, override: boolean): GoMap {
  for (const [k, sv] of Object.entries(src)) {
    const dv = dst[k];
    if (isMap(dv) && isMap(sv)) {
      mergoMerge(dv, sv, override);
      continue;
    }
    if (!(k in dst) || empty(dv)) {
      dst[k] = sv;
      continue;
    }
    if (override && !empty(sv)) dst[k] = sv;
  }
  return dst;
}

// ------------------------------------------------------------------------------------------- Go builtins

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: GoValue): Kind {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  return 'other';
}

function eq(a: GoValue, ...bs: GoValue[]): boolean {
  if (!bs.length) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of bs) {
    const k2 = basicKind(b);
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new FuncError('incompatible types for comparison');
      continue;
    }
    if (k1 === 'invalid') return true;
    if (k1 === 'other') throw new FuncError(`non-comparable type ${formatValue(b)}: ${typeName(b)}`);
    if (a === b) return true;
  }
  return false;
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) throw new FuncError('incompatible types for comparison');
  if (k1 === 'bool') throw new FuncError('invalid type for comparison');
  return (a as string | number | bigint) < (b as string | number | bigint);
}

function goLen(v: GoValue): bigint {
  if (v === undefined) throw new FuncError('len of untyped nil');
  if (v === null) throw new FuncError('len of nil pointer');
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v, 'utf8'));
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(Object.keys(v).length);
  throw new FuncError(`len of type ${typeName(v)}`);
}

function goIndex(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined) throw new FuncError('index of untyped nil');
  let cur: GoValue = item;
  for (const idx of indexes) {
    if (cur === null || cur === undefined) throw new FuncError('index of nil pointer');
    if (Array.isArray(cur) || typeof cur === 'string') {
      if (typeof idx !== 'bigint') throw new FuncError(`cannot index slice/array with type ${typeName(idx)}`);
      const len = typeof cur === 'string' ? Buffer.byteLength(cur) : cur.length;
      if (idx < 0n || idx >= BigInt(len)) throw new FuncError(`index out of range: ${idx}`);
      cur = typeof cur === 'string' ? BigInt(Buffer.from(cur)[Number(idx)]!) : cur[Number(idx)];
    } else if (isMap(cur)) {
      if (idx === undefined || idx === null) throw new FuncError('value is nil; should be of type string');
      if (typeof idx !== 'string') throw new FuncError(`value has type ${typeName(idx)}; should be string`);
      cur = Object.prototype.hasOwnProperty.call(cur, idx) ? cur[idx] : null;
    } else {
      throw new FuncError(`can't index item of type ${typeName(cur)}`);
    }
  }
  return cur;
}

function evalArgsText(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === '<') out += '\\u003C';
    else if (ch === '>') out += '\\u003E';
    else if (ch === '&') out += '\\u0026';
    else if (ch === '=') out += '\\u003D';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

const builtins: Record<string, GoFunc> = {
  and: { params: ['value'], variadic: 'value', fn: () => undefined, lazy: 'and' },
  or: { params: ['value'], variadic: 'value', fn: () => undefined, lazy: 'or' },
  not: def(['value'], (v) => !isTrue(v)),
  len: def(['value'], goLen),
  index: def(['value'], goIndex, 'value'),
  print: def([], (...a) => sprint(a), 'any'),
  printf: def(['string'], (f, ...a) => sprintf(f as string, a), 'any'),
  println: def([], (...a) => sprintln(a), 'any'),
  html: def([], (...a) => htmlEscape(evalArgsText(a)), 'any'),
  js: def([], (...a) => jsEscape(evalArgsText(a)), 'any'),
  urlquery: def([], (...a) => queryEscape(evalArgsText(a)), 'any'),
  eq: def(['value'], (a, ...b) => eq(a, ...b), 'value'),
  ne: def(['value', 'value'], (a, b) => !eq(a, b)),
  lt: def(['value', 'value'], (a, b) => lt(a, b)),
  le: def(['value', 'value'], (a, b) => lt(a, b) || eq(a, b)),
  gt: def(['value', 'value'], (a, b) => !(lt(a, b) || eq(a, b))),
  ge: def(['value', 'value'], (a, b) => !lt(a, b)),
  call: def(['value'], () => {
    throw new FuncError('call is not supported: template data holds no functions');
  }, 'value'),
};

// ------------------------------------------------------------------------------------------- Sprig strings

function title(s: string): string {
  // strings.Title: upper-case the first letter of every word (a word starts after a non-letter/digit/underscore).
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = !/[\p{L}\p{Nd}_']/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function untitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += /\s/.test(prev) ? ch.toLowerCase() : ch;
    prev = ch;
  }
  return out;
}

function trunc(c: bigint, s: string): string {
  const n = Number(c);
  const len = s.length;
  if (n < 0 && len + n > 0) return s.slice(len + n);
  if (n >= 0 && len > n) return s.slice(0, n);
  return s;
}

function substr(start: bigint, end: bigint, s: string): string {
  const a = Number(start);
  const b = Number(end);
  if (a < 0) return s.slice(0, b);
  if (b < 0 || b > s.length) return s.slice(a);
  return s.slice(a, b);
}

function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

function camelcase(s: string): string {
  // xstrings.ToCamelCase: "_"-separated words become one capitalised word each; other characters stay.
  return s
    .split('_')
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function snakecase(s: string): string {
  return words(s)
    .map((w) => w.toLowerCase())
    .join('_');
}

function kebabcase(s: string): string {
  return words(s)
    .map((w) => w.toLowerCase())
    .join('-');
}

function swapcase(s: string): string {
  let out = '';
  for (const ch of s) out += ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
  return out;
}

function initials(s: string): string {
  return s
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => [...w][0])
    .join('');
}

function wrap(width: number, s: string, nl = '\n'): string {
  if (width < 1) return s;
  const out: string[] = [];
  for (const line of s.split('\n')) {
    let cur = '';
    for (const w of line.split(' ')) {
      if (cur && cur.length + 1 + w.length > width) {
        out.push(cur);
        cur = w;
      } else cur = cur ? `${cur} ${w}` : w;
    }
    out.push(cur);
  }
  return out.join(nl);
}

function abbrev(width: bigint, s: string): string {
  const w = Number(width);
  if (w < 4 || s.length <= w) return s;
  return s.slice(0, w - 3) + '...';
}

function abbrevboth(left: bigint, right: bigint, s: string): string {
  const l = Number(left);
  const r = Number(right);
  if (r < 4 || (l > 0 && r < 7) || s.length <= r) return s;
  let offset = l;
  if (offset > s.length) offset = s.length;
  if (s.length - offset < r - 3) offset = s.length - (r - 3);
  if (offset <= 4) return s.slice(0, r - 3) + '...';
  if (offset + r - 3 < s.length) return '...' + abbrev(BigInt(r - 3), s.slice(offset));
  return '...' + s.slice(s.length - (r - 3));
}

// ------------------------------------------------------------------------------------------- regex (RE2 → JS)

const reCache = new Map<string, RegExp>();

function goRegex(src: string, global: boolean): RegExp {
  const key = `${global ? 'g' : ''}\0${src}`;
  const hit = reCache.get(key);
  if (hit) return hit;
  let flags = global ? 'g' : '';
  let s = src;
  const lead = /^\(\?([imsU]+)\)/.exec(s);
  if (lead) {
    for (const f of lead[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    s = s.slice(lead[0].length);
  }
  s = s
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\[:alpha:\]/g, 'A-Za-z')
    .replace(/\[:digit:\]/g, '0-9')
    .replace(/\[:alnum:\]/g, 'A-Za-z0-9')
    .replace(/\[:upper:\]/g, 'A-Z')
    .replace(/\[:lower:\]/g, 'a-z')
    .replace(/\[:space:\]/g, '\\s')
    .replace(/\[:punct:\]/g, '!-\\/:-@\\[-`{-~')
    .replace(/\[:xdigit:\]/g, '0-9A-Fa-f')
    .replace(/\[:word:\]/g, '\\w');
  if (/\\[pP]/.test(s)) {
    flags += 'u';
    s = s.replace(/\\([pP])([A-Za-z])/g, '\\$1{$2}');
  }
  let re: RegExp;
  try {
    re = new RegExp(s, flags);
  } catch (err) {
    throw new FuncError(`error parsing regexp: ${(err as Error).message}`);
  }
  reCache.set(key, re);
  return re;
}

/** Go's Regexp.Expand template: $1, ${1}, $name, ${name}, $$. */
function expandReplacement(repl: string, m: RegExpExecArray | string[], groups: Record<string, string> | undefined): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c !== '$' || i + 1 >= repl.length) {
      out += c;
      continue;
    }
    if (repl[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (repl[i + 1] === '{') {
      const close = repl.indexOf('}', i + 2);
      if (close < 0) {
        out += c;
        continue;
      }
      name = repl.slice(i + 2, close);
      i = close;
    } else {
      const w = /^[A-Za-z0-9_]+/.exec(repl.slice(i + 1));
      if (!w) {
        out += c;
        continue;
      }
      name = w[0];
      i += name.length;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += groups?.[name] ?? '';
  }
  return out;
}

function regexSplit(re: RegExp, s: string, n: number): string[] {
  if (n === 0) return [];
  const parts: string[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (n > 0 && parts.length === n - 1) break;
    if (m[0] === '' && m.index === 0 && s !== '') {
      re.lastIndex++;
      continue;
    }
    parts.push(s.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === '') re.lastIndex++;
  }
  parts.push(s.slice(last));
  return parts;
}

// ------------------------------------------------------------------------------------------- semver

interface Semver {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  meta: string;
  original: string;
}

function parseSemver(v: string): Semver {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(v.trim());
  if (!m) throw new FuncError('Invalid Semantic Version');
  return { major: BigInt(m[1]!), minor: BigInt(m[2] ?? 0), patch: BigInt(m[3] ?? 0), pre: m[4] ?? '', meta: m[5] ?? '', original: v };
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (!a) return 1;
  if (!b) return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d) return d < 0 ? -1 : 1;
    } else if (nx !== ny) return nx ? -1 : 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareSemver(a: Semver, b: Semver): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return comparePre(a.pre, b.pre);
}

/** Masterminds/semver constraints: comparisons, ~, ^, x wildcards, hyphen ranges, `,`/space (and) and `||` (or). */
function semverCompare(constraint: string, version: string): boolean {
  const v = parseSemver(version);
  const orParts = constraint.split('||');
  return orParts.some((part) => {
    const p = part.trim().replace(/\s*-\s+/, ' - ');
    const hyphen = /^(\S+) - (\S+)$/.exec(p);
    if (hyphen) return checkOne(`>=${hyphen[1]}`, v) && checkOne(`<=${hyphen[2]}`, v);
    const ands = p.split(/[,\s]+/).filter(Boolean);
    return ands.every((c) => checkOne(c, v));
  });
}

function checkOne(c: string, v: Semver): boolean {
  const m = /^(=|!=|>=|<=|>|<|~>|~|\^|=>|=<)?\s*v?([0-9xX*]+(?:\.[0-9xX*]+)?(?:\.[0-9xX*]+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(c.trim());
  if (!m) throw new FuncError(`improper constraint: ${c}`);
  const op = m[1] === '=>' ? '>=' : m[1] === '=<' ? '<=' : (m[1] ?? '');
  const body = m[2]!;
  const parts = body.split(/[-+]/)[0]!.split('.');
  const wild = (x: string | undefined): boolean => x === undefined || x === 'x' || x === 'X' || x === '*';
  const nums = parts.map((x) => (wild(x) ? 0n : BigInt(x)));
  const c0: Semver = { major: nums[0] ?? 0n, minor: nums[1] ?? 0n, patch: nums[2] ?? 0n, pre: /-([0-9A-Za-z.-]+)/.exec(body)?.[1] ?? '', meta: '', original: body };
  // A prerelease version only satisfies constraints that carry a prerelease themselves.
  if (v.pre && !c0.pre) return false;
  const cmp = compareSemver(v, c0);
  const wildMinor = wild(parts[1]);
  const wildPatch = wild(parts[2]);
  const upperOf = (level: 'major' | 'minor'): Semver =>
    level === 'major' ? { ...c0, major: c0.major + 1n, minor: 0n, patch: 0n, pre: '' } : { ...c0, minor: c0.minor + 1n, patch: 0n, pre: '' };
  switch (op) {
    case '':
    case '=':
      if (wild(parts[0])) return true;
      if (wildMinor) return v.major === c0.major;
      if (wildPatch) return v.major === c0.major && v.minor === c0.minor;
      return cmp === 0;
    case '!=':
      if (wildMinor) return v.major !== c0.major;
      if (wildPatch) return !(v.major === c0.major && v.minor === c0.minor);
      return cmp !== 0;
    case '>':
      if (wildMinor) return v.major > c0.major;
      if (wildPatch) return compareSemver(v, upperOf('minor')) >= 0;
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      if (wildMinor) return compareSemver(v, upperOf('major')) < 0;
      if (wildPatch) return compareSemver(v, upperOf('minor')) < 0;
      return cmp <= 0;
    case '~':
    case '~>':
      return cmp >= 0 && compareSemver(v, upperOf(wildMinor ? 'major' : 'minor')) < 0;
    case '^': {
      if (cmp < 0) return false;
      if (c0.major > 0n || wildMinor) return v.major === c0.major;
      if (c0.minor > 0n || wildPatch) return v.major === 0n && v.minor === c0.minor;
      return v.major === 0n && v.minor === 0n && v.patch === c0.patch;
    }
  }
  return false;
}

// ------------------------------------------------------------------------------------------- YAML / JSON

function fromYamlText(s: string): unknown {
  // sigs.k8s.io/yaml: YAML 1.1 scalars (yes/no are booleans), numbers become float64 in Go (kept as numbers here).
  return parseYaml(s, { version: '1.1', merge: true });
}

// ------------------------------------------------------------------------------------------- the table

const UNSUPPORTED = [
  'hello', 'ago', 'date', 'date_in_zone', 'date_modify', 'dateInZone', 'dateModify', 'duration', 'durationRound',
  'htmlDate', 'htmlDateInZone', 'must_date_modify', 'mustDateModify', 'mustToDate', 'now', 'toDate', 'unixEpoch',
  'randAlphaNum', 'randAlpha', 'randAscii', 'randNumeric', 'randInt', 'randBytes', 'shuffle', 'uuidv4', 'bcrypt', 'htpasswd',
  'genPrivateKey', 'derivePassword', 'buildCustomCert', 'genCA', 'genCAWithKey', 'genSelfSignedCert',
  'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey', 'encryptAES', 'decryptAES',
  'osBase', 'osClean', 'osDir', 'osExt', 'osIsAbs',
];

function listArg(name: string): (list: GoValue) => GoValue[] {
  return (l) => toList(l, name);
}

function dictOf(v: GoValue): GoMap {
  return isMap(v) ? v : {};
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
function b64dec(s: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    const bad = s.search(/[^A-Za-z0-9+/=]/);
    return `illegal base64 data at input byte ${bad >= 0 ? bad : s.length}`;
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function b32enc(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let bits = 0;
  let val = 0;
  let out = '';
  for (const b of bytes) {
    val = (val << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(val >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(val << (5 - bits)) & 31];
  while (out.length % 8) out += '=';
  return out;
}
function b32dec(s: string): string {
  const clean = s.replace(/=+$/, '');
  let bits = 0;
  let val = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = B32.indexOf(ch);
    if (i < 0) return `illegal base32 data at input byte ${clean.indexOf(ch)}`;
    val = (val << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((val >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out).toString('utf8');
}

function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

function urlParse(s: string): GoMap {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new FuncError(`unable to parse url: ${s}`);
  }
  return {
    scheme: u.protocol.replace(/:$/, ''),
    host: u.host,
    hostname: u.hostname,
    path: decodeURIComponent(u.pathname),
    query: u.search.replace(/^\?/, ''),
    opaque: '',
    fragment: decodeURIComponent(u.hash.replace(/^#/, '')),
    userinfo: u.username ? (u.password ? `${u.username}:${u.password}` : u.username) : '',
  };
}

function urlJoin(d: GoValue): string {
  const m = dictOf(d);
  const g = (k: string): string => (typeof m[k] === 'string' ? (m[k] as string) : '');
  let out = g('scheme') ? `${g('scheme')}:` : '';
  if (g('host') || g('userinfo')) out += '//' + (g('userinfo') ? `${g('userinfo')}@` : '') + g('host');
  out += g('path');
  if (g('query')) out += `?${g('query')}`;
  if (g('fragment')) out += `#${g('fragment')}`;
  return out;
}

function sliceFn(list: GoValue, ...idx: GoValue[]): GoValue {
  const l = toList(list, 'slice');
  const nums = idx.map((i) => Number(toInt64(i)));
  if (nums.length === 0) return [...l];
  if (nums.length === 1) return l.slice(nums[0]);
  return l.slice(nums[0], nums[1]);
}

function dig(...args: GoValue[]): GoValue {
  if (args.length < 3) throw new FuncError('dig needs at least three arguments');
  const dict = args[args.length - 1];
  const d = args[args.length - 2];
  const keys = args.slice(0, -2).map(strval);
  let cur: GoValue = dict;
  for (const k of keys) {
    if (!isMap(cur) || !(k in cur)) return d;
    cur = cur[k];
  }
  return cur;
}

function mathArgs(a: GoValue[]): bigint[] {
  return a.map(toInt64);
}

const sprig: Record<string, GoFunc> = {
  // strings
  upper: def(['string'], (s) => (s as string).toUpperCase()),
  lower: def(['string'], (s) => (s as string).toLowerCase()),
  title: def(['string'], (s) => title(s as string)),
  untitle: def(['string'], (s) => untitle(s as string)),
  substr: def(['int', 'int', 'string'], (a, b, s) => substr(a as bigint, b as bigint, s as string)),
  repeat: def(['int', 'string'], (n, s) => (s as string).repeat(Math.max(0, Number(n)))),
  trim: def(['string'], (s) => (s as string).trim()),
  trimAll: def(['string', 'string'], (cut, s) => trimCutset(s as string, cut as string)),
  trimall: def(['string', 'string'], (cut, s) => trimCutset(s as string, cut as string)),
  trimPrefix: def(['string', 'string'], (p, s) => ((s as string).startsWith(p as string) ? (s as string).slice((p as string).length) : (s as string))),
  trimSuffix: def(['string', 'string'], (p, s) => ((p as string) && (s as string).endsWith(p as string) ? (s as string).slice(0, -(p as string).length) : (s as string))),
  nospace: def(['string'], (s) => (s as string).replace(/\s/g, '')),
  initials: def(['string'], (s) => initials(s as string)),
  swapcase: def(['string'], (s) => swapcase(s as string)),
  snakecase: def(['string'], (s) => snakecase(s as string)),
  camelcase: def(['string'], (s) => camelcase(s as string)),
  kebabcase: def(['string'], (s) => kebabcase(s as string)),
  wrap: def(['int', 'string'], (n, s) => wrap(Number(n), s as string)),
  wrapWith: def(['int', 'string', 'string'], (n, nl, s) => wrap(Number(n), s as string, nl as string)),
  contains: def(['string', 'string'], (sub, s) => (s as string).includes(sub as string)),
  hasPrefix: def(['string', 'string'], (p, s) => (s as string).startsWith(p as string)),
  hasSuffix: def(['string', 'string'], (p, s) => (s as string).endsWith(p as string)),
  quote: def([], (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => goQuote(strval(x))).join(' '), 'any'),
  squote: def([], (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => `'${strval(x)}'`).join(' '), 'any'),
  cat: def([], (...a) => a.filter((x) => x !== null && x !== undefined).map(formatValue).join(' '), 'any'),
  indent: def(['int', 'string'], (n, s) => indent(Number(n), s as string)),
  nindent: def(['int', 'string'], (n, s) => '\n' + indent(Number(n), s as string)),
  replace: def(['string', 'string', 'string'], (o, n, s) => (s as string).split(o as string).join(n as string)),
  plural: def(['string', 'string', 'int'], (one, many, n) => (n === 1n ? one : many)),
  sha1sum: def(['string'], (s) => createHash('sha1').update(s as string).digest('hex')),
  sha256sum: def(['string'], (s) => createHash('sha256').update(s as string).digest('hex')),
  sha512sum: def(['string'], (s) => createHash('sha512').update(s as string).digest('hex')),
  adler32sum: def(['string'], (s) => adler32(s as string)),
  toString: def(['any'], (v) => strval(v)),
  trunc: def(['int', 'string'], (n, s) => trunc(n as bigint, s as string)),
  abbrev: def(['int', 'string'], (n, s) => abbrev(n as bigint, s as string)),
  abbrevboth: def(['int', 'int', 'string'], (l, r, s) => abbrevboth(l as bigint, r as bigint, s as string)),

  // conversions
  atoi: def(['string'], (s) => (/^[+-]?\d+$/.test((s as string).trim()) ? BigInt((s as string).trim()) : 0n)),
  int64: def(['any'], (v) => toInt64(v)),
  int: def(['any'], (v) => toInt64(v)),
  float64: def(['any'], (v) => toFloat64(v)),
  toDecimal: def(['any'], (v) => {
    const s = strval(v);
    return /^[0-7]+$/.test(s) ? BigInt('0o' + s) : 0n;
  }),
  seq: def([], (...a) => seq(a.map((x) => Number(x))).join(' '), 'int'),
  split: def(['string', 'string'], (sep, s) => {
    const out: GoMap = {};
    (s as string).split(sep as string).forEach((p, i) => (out[`_${i}`] = p));
    return out;
  }),
  splitList: def(['string', 'string'], (sep, s) => splitGo(s as string, sep as string, -1)),
  splitn: def(['string', 'int', 'string'], (sep, n, s) => {
    const out: GoMap = {};
    splitGo(s as string, sep as string, Number(n)).forEach((p, i) => (out[`_${i}`] = p));
    return out;
  }),
  toStrings: def(['any'], (v) => strslice(v)),
  until: def(['int'], (n) => untilStep(0n, n as bigint, (n as bigint) < 0n ? -1n : 1n)),
  untilStep: def(['int', 'int', 'int'], (a, b, c) => untilStep(a as bigint, b as bigint, c as bigint)),

  // math
  add1: def(['any'], (v) => toInt64(v) + 1n),
  add: def([], (...a) => mathArgs(a).reduce((x, y) => x + y, 0n), 'any'),
  sub: def(['any', 'any'], (a, b) => toInt64(a) - toInt64(b)),
  div: def(['any', 'any'], (a, b) => {
    const d = toInt64(b);
    if (d === 0n) throw new FuncError('runtime error: integer divide by zero');
    return toInt64(a) / d;
  }),
  mod: def(['any', 'any'], (a, b) => {
    const d = toInt64(b);
    if (d === 0n) throw new FuncError('runtime error: integer divide by zero');
    return toInt64(a) % d;
  }),
  mul: def(['any'], (a, ...r) => mathArgs(r).reduce((x, y) => x * y, toInt64(a)), 'any'),
  max: def(['any'], (a, ...r) => mathArgs(r).reduce((x, y) => (y > x ? y : x), toInt64(a)), 'any'),
  biggest: def(['any'], (a, ...r) => mathArgs(r).reduce((x, y) => (y > x ? y : x), toInt64(a)), 'any'),
  min: def(['any'], (a, ...r) => mathArgs(r).reduce((x, y) => (y < x ? y : x), toInt64(a)), 'any'),
  add1f: def(['any'], (v) => toFloat64(v) + 1),
  addf: def([], (...a) => a.map(toFloat64).reduce((x, y) => x + y, 0), 'any'),
  subf: def(['any'], (a, ...r) => r.map(toFloat64).reduce((x, y) => x - y, toFloat64(a)), 'any'),
  mulf: def(['any'], (a, ...r) => r.map(toFloat64).reduce((x, y) => x * y, toFloat64(a)), 'any'),
  divf: def(['any'], (a, ...r) => r.map(toFloat64).reduce((x, y) => x / y, toFloat64(a)), 'any'),
  maxf: def(['any'], (a, ...r) => Math.max(toFloat64(a), ...r.map(toFloat64)), 'any'),
  minf: def(['any'], (a, ...r) => Math.min(toFloat64(a), ...r.map(toFloat64)), 'any'),
  ceil: def(['any'], (v) => Math.ceil(toFloat64(v))),
  floor: def(['any'], (v) => Math.floor(toFloat64(v))),
  round: def(['any', 'int'], (v, p, ...r) => {
    const half = r.length ? toFloat64(r[0]) : 0.5;
    const pow = 10 ** Number(p);
    const x = toFloat64(v) * pow;
    const i = Math.trunc(x);
    const frac = Math.abs(x - i);
    return (frac >= half ? i + Math.sign(x) : i) / pow;
  }, 'float'),

  // lists and defaults
  join: def(['string', 'any'], (sep, v) => strslice(v).join(sep as string)),
  sortAlpha: def(['any'], (v) => strslice(v).sort(compareStrings)),
  default: def(['any'], (d, ...g) => (g.length === 0 || empty(g[0]) ? d : g[0]!), 'any'),
  empty: def(['any'], (v) => empty(v)),
  coalesce: def([], (...a) => a.find((x) => !empty(x)) ?? null, 'any'),
  all: def([], (...a) => a.every((x) => !empty(x)), 'any'),
  any: def([], (...a) => a.some((x) => !empty(x)), 'any'),
  compact: def(['any'], (l) => toList(l, 'compact').filter((x) => !empty(x))),
  mustCompact: def(['any'], (l) => toList(l, 'compact').filter((x) => !empty(x))),
  ternary: def(['any', 'any', 'bool'], (a, b, c) => (c ? a : b)),
  deepCopy: def(['any'], (v) => deepCopy(v)),
  mustDeepCopy: def(['any'], (v) => deepCopy(v)),
  typeOf: def(['any'], (v) => (v === null || v === undefined ? '<nil>' : typeName(v))),
  typeIs: def(['string', 'any'], (t, v) => t === typeName(v)),
  typeIsLike: def(['string', 'any'], (t, v) => t === typeName(v) || t === '*' + typeName(v)),
  kindOf: def(['any'], (v) => kindName(v)),
  kindIs: def(['string', 'any'], (t, v) => t === kindName(v)),
  deepEqual: def(['any', 'any'], (a, b) => deepEqual(a, b)),

  // JSON and YAML
  fromJson: def(['string'], (s) => {
    try {
      return fromJSON(JSON.parse(s as string));
    } catch {
      return null;
    }
  }),
  mustFromJson: def(['string'], (s) => {
    try {
      return fromJSON(JSON.parse(s as string));
    } catch (err) {
      throw new FuncError((err as Error).message);
    }
  }),
  toJson: def(['any'], (v) => marshalJSON(v, { escapeHTML: true })),
  mustToJson: def(['any'], (v) => marshalJSON(v, { escapeHTML: true })),
  toPrettyJson: def(['any'], (v) => marshalJSON(v, { escapeHTML: true, indent: '  ' })),
  mustToPrettyJson: def(['any'], (v) => marshalJSON(v, { escapeHTML: true, indent: '  ' })),
  toRawJson: def(['any'], (v) => marshalJSON(v, { escapeHTML: false })),
  mustToRawJson: def(['any'], (v) => marshalJSON(v, { escapeHTML: false })),

  // paths and encodings
  base: def(['string'], (s) => posix.basename(s as string) || ((s as string) ? '/' : '.')),
  dir: def(['string'], (s) => posix.dirname(s as string)),
  clean: def(['string'], (s) => posix.normalize(s as string).replace(/(.)\/$/, '$1') || '.'),
  ext: def(['string'], (s) => posix.extname(s as string)),
  isAbs: def(['string'], (s) => (s as string).startsWith('/')),
  b64enc: def(['string'], (s) => b64(s as string)),
  b64dec: def(['string'], (s) => b64dec(s as string)),
  b32enc: def(['string'], (s) => b32enc(s as string)),
  b32dec: def(['string'], (s) => b32dec(s as string)),

  // dicts
  tuple: def([], (...a) => a.map((x) => (x === undefined ? null : x)), 'any'),
  list: def([], (...a) => a.map((x) => (x === undefined ? null : x)), 'any'),
  dict: def([], (...a) => {
    const out: GoMap = {};
    for (let i = 0; i < a.length; i += 2) out[strval(a[i]!)] = i + 1 < a.length ? (a[i + 1] === undefined ? null : a[i + 1]!) : '';
    return out;
  }, 'any'),
  get: def(['map', 'string'], (d, k) => (isMap(d) && Object.prototype.hasOwnProperty.call(d, k as string) ? d[k as string]! : '')),
  set: def(['map', 'string', 'any'], (d, k, v) => {
    const m = dictOf(d);
    m[k as string] = v ?? null;
    return m;
  }),
  unset: def(['map', 'string'], (d, k) => {
    const m = dictOf(d);
    delete m[k as string];
    return m;
  }),
  hasKey: def(['map', 'string'], (d, k) => isMap(d) && Object.prototype.hasOwnProperty.call(d, k as string)),
  pluck: def(['string'], (k, ...ds) => ds.filter((d) => isMap(d) && (k as string) in d).map((d) => (d as GoMap)[k as string]!), 'map'),
  keys: def([], (...ds) => ds.flatMap((d) => Object.keys(dictOf(d))).sort(compareStrings), 'map'),
  pick: def(['map'], (d, ...ks) => {
    const m = dictOf(d);
    const out: GoMap = {};
    for (const k of ks) if (typeof k === 'string' && k in m) out[k] = m[k]!;
    return out;
  }, 'string'),
  omit: def(['map'], (d, ...ks) => {
    const out: GoMap = { ...dictOf(d) };
    for (const k of ks) if (typeof k === 'string') delete out[k];
    return out;
  }, 'string'),
  merge: def(['map'], (dst, ...srcs) => srcs.reduce<GoMap>((acc, s) => mergoMerge(acc, dictOf(s), false), dictOf(dst)), 'map'),
  mustMerge: def(['map'], (dst, ...srcs) => srcs.reduce<GoMap>((acc, s) => mergoMerge(acc, dictOf(s), false), dictOf(dst)), 'map'),
  mergeOverwrite: def(['map'], (dst, ...srcs) => srcs.reduce<GoMap>((acc, s) => mergoMerge(acc, dictOf(s), true), dictOf(dst)), 'map'),
  mustMergeOverwrite: def(['map'], (dst, ...srcs) => srcs.reduce<GoMap>((acc, s) => mergoMerge(acc, dictOf(s), true), dictOf(dst)), 'map'),
  values: def(['map'], (d) => {
    const m = dictOf(d);
    return Object.keys(m).sort(compareStrings).map((k) => m[k]!);
  }),
  dig: def([], dig, 'any'),

  // lists
  append: def(['any', 'any'], (l, v) => [...listArg('append')(l), v ?? null]),
  push: def(['any', 'any'], (l, v) => [...listArg('push')(l), v ?? null]),
  mustAppend: def(['any', 'any'], (l, v) => [...listArg('append')(l), v ?? null]),
  mustPush: def(['any', 'any'], (l, v) => [...listArg('push')(l), v ?? null]),
  prepend: def(['any', 'any'], (l, v) => [v ?? null, ...listArg('prepend')(l)]),
  mustPrepend: def(['any', 'any'], (l, v) => [v ?? null, ...listArg('prepend')(l)]),
  first: def(['any'], (l) => listArg('first')(l)[0] ?? null),
  mustFirst: def(['any'], (l) => listArg('first')(l)[0] ?? null),
  last: def(['any'], (l) => {
    const a = listArg('last')(l);
    return a.length ? a[a.length - 1]! : null;
  }),
  mustLast: def(['any'], (l) => {
    const a = listArg('last')(l);
    return a.length ? a[a.length - 1]! : null;
  }),
  rest: def(['any'], (l) => listArg('rest')(l).slice(1)),
  mustRest: def(['any'], (l) => listArg('rest')(l).slice(1)),
  initial: def(['any'], (l) => listArg('initial')(l).slice(0, -1)),
  mustInitial: def(['any'], (l) => listArg('initial')(l).slice(0, -1)),
  reverse: def(['any'], (l) => [...listArg('reverse')(l)].reverse()),
  mustReverse: def(['any'], (l) => [...listArg('reverse')(l)].reverse()),
  uniq: def(['any'], (l) => uniq(listArg('uniq')(l))),
  mustUniq: def(['any'], (l) => uniq(listArg('uniq')(l))),
  without: def(['any'], (l, ...o) => listArg('without')(l).filter((x) => !o.some((y) => deepEqual(x, y))), 'any'),
  mustWithout: def(['any'], (l, ...o) => listArg('without')(l).filter((x) => !o.some((y) => deepEqual(x, y))), 'any'),
  has: def(['any', 'any'], (needle, hay) => (Array.isArray(hay) ? hay.some((x) => deepEqual(x, needle)) : false)),
  mustHas: def(['any', 'any'], (needle, hay) => (Array.isArray(hay) ? hay.some((x) => deepEqual(x, needle)) : false)),
  slice: def(['any'], sliceFn, 'any'),
  mustSlice: def(['any'], sliceFn, 'any'),
  concat: def([], (...ls) => ls.flatMap((l) => toList(l, 'concat')), 'any'),
  chunk: def(['int', 'any'], (n, l) => chunk(Number(n), listArg('chunk')(l))),
  mustChunk: def(['int', 'any'], (n, l) => chunk(Number(n), listArg('chunk')(l))),

  // semver, failing, regex, URLs
  semver: def(['string'], (s) => {
    const v = parseSemver(s as string);
    return { Major: v.major, Minor: v.minor, Patch: v.patch, Prerelease: v.pre, Metadata: v.meta, Original: v.original };
  }),
  semverCompare: def(['string', 'string'], (c, v) => semverCompare(c as string, v as string)),
  fail: def(['string'], (m) => {
    throw new FuncError(m as string);
  }),
  regexMatch: def(['string', 'string'], (re, s) => goRegex(re as string, false).test(s as string)),
  mustRegexMatch: def(['string', 'string'], (re, s) => goRegex(re as string, false).test(s as string)),
  regexFind: def(['string', 'string'], (re, s) => goRegex(re as string, false).exec(s as string)?.[0] ?? ''),
  mustRegexFind: def(['string', 'string'], (re, s) => goRegex(re as string, false).exec(s as string)?.[0] ?? ''),
  regexFindAll: def(['string', 'string', 'int'], (re, s, n) => findAll(re as string, s as string, Number(n))),
  mustRegexFindAll: def(['string', 'string', 'int'], (re, s, n) => findAll(re as string, s as string, Number(n))),
  regexReplaceAll: def(['string', 'string', 'string'], (re, s, r) =>
    (s as string).replace(goRegex(re as string, true), (...m) => expandReplacement(r as string, m.slice(0, -2) as string[], typeof m[m.length - 1] === 'object' ? (m[m.length - 1] as Record<string, string>) : undefined)),
  ),
  mustRegexReplaceAll: def(['string', 'string', 'string'], (re, s, r) =>
    (s as string).replace(goRegex(re as string, true), (...m) => expandReplacement(r as string, m.slice(0, -2) as string[], typeof m[m.length - 1] === 'object' ? (m[m.length - 1] as Record<string, string>) : undefined)),
  ),
  regexReplaceAllLiteral: def(['string', 'string', 'string'], (re, s, r) => (s as string).replace(goRegex(re as string, true), () => r as string)),
  mustRegexReplaceAllLiteral: def(['string', 'string', 'string'], (re, s, r) => (s as string).replace(goRegex(re as string, true), () => r as string)),
  regexSplit: def(['string', 'string', 'int'], (re, s, n) => regexSplit(goRegex(re as string, true), s as string, Number(n))),
  mustRegexSplit: def(['string', 'string', 'int'], (re, s, n) => regexSplit(goRegex(re as string, true), s as string, Number(n))),
  regexQuoteMeta: def(['string'], (s) => (s as string).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')),
  urlParse: def(['string'], (s) => urlParse(s as string)),
  urlJoin: def(['map'], (d) => urlJoin(d)),

  // Argo CD's additions
  normalize: def(['string'], (s) => sanitizeName(s as string)),
  slugify: def([], (...a) => {
    let max = 50;
    let smart = true;
    let name = '';
    a.forEach((v, i) => {
      if (i === a.length - 1) {
        if (typeof v !== 'string') throw new FuncError(`interface conversion: interface {} is ${typeName(v)}, not string`);
        name = v;
      } else if (i === 0) {
        if (typeof v !== 'bigint') throw new FuncError(`interface conversion: interface {} is ${typeName(v)}, not int`);
        max = Number(v);
      } else if (i === 1) {
        if (typeof v !== 'boolean') throw new FuncError(`interface conversion: interface {} is ${typeName(v)}, not bool`);
        smart = v;
      }
    });
    return slugify(name, max, smart);
  }, 'any'),
  toYaml: def(['any'], (v) => marshalYAML(v).replace(/\n$/, '')),
  fromYaml: def(['string'], (s) => {
    let v: unknown;
    try {
      v = fromYamlText(s as string);
    } catch (err) {
      throw new FuncError(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    if (v === null || v === undefined) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new FuncError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type map[string]interface {}`);
    return fromJSON(v);
  }),
  fromYamlArray: def(['string'], (s) => {
    let v: unknown;
    try {
      v = fromYamlText(s as string);
    } catch (err) {
      throw new FuncError(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) throw new FuncError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}`);
    return fromJSON(v);
  }),
};

function trimCutset(s: string, cut: string): string {
  const set = new Set([...cut]);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && set.has(chars[a]!)) a++;
  while (b > a && set.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(Math.max(0, n));
  return pad + s.split('\n').join('\n' + pad);
}

/** strings.SplitN (n < 0: all; n == 0: none). */
function splitGo(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = [...s];
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const out: bigint[] = [];
  if (step === 0n) return out;
  if (step > 0n) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  return out;
}

function seq(a: number[]): number[] {
  let start = 1;
  let end = 0;
  let step = 1;
  if (a.length === 1) end = a[0]!;
  else if (a.length === 2) [start, end] = [a[0]!, a[1]!];
  else if (a.length === 3) [start, step, end] = [a[0]!, a[1]!, a[2]!];
  else return [];
  if (a.length === 1 && end < 1) step = -1;
  if (a.length === 2 && end < start) step = -1;
  const out: number[] = [];
  if (step === 0) return out;
  if (step > 0) for (let i = start; i <= end; i += step) out.push(i);
  else for (let i = start; i >= end; i += step) out.push(i);
  return out;
}

function uniq(l: GoValue[]): GoValue[] {
  const out: GoValue[] = [];
  for (const x of l) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

function chunk(n: number, l: GoValue[]): GoValue[] {
  if (n <= 0) return [];
  const out: GoValue[] = [];
  for (let i = 0; i < l.length; i += n) out.push(l.slice(i, i + n));
  return out;
}

function findAll(re: string, s: string, n: number): string[] {
  const r = goRegex(re, true);
  const out: string[] = [];
  r.lastIndex = 0;
  for (let m = r.exec(s); m; m = r.exec(s)) {
    if (n >= 0 && out.length >= n) break;
    out.push(m[0]);
    if (m[0] === '') r.lastIndex++;
  }
  return out;
}

/** Every function an ApplicationSet template may name, keyed by name. */
export function templateFuncs(): Map<string, GoFunc> {
  const m = new Map<string, GoFunc>();
  for (const [k, f] of Object.entries(builtins)) m.set(k, f);
  for (const k of UNSUPPORTED) {
    m.set(k, def([], () => {
      throw new FuncError(`${k} is not supported by gitops-sandbox (its result depends on the clock, randomness or keys)`);
    }, 'any'));
  }
  for (const [k, f] of Object.entries(sprig)) m.set(k, f);
  return m;
}
