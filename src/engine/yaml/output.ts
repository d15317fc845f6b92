/**
 * The value kustomize actually prints for a node tree. `kubectl kustomize` does not print its YAML nodes: it
 * encodes each resource with yaml.v3, decodes that into Go maps (`map[string]interface{}`), marshals the maps to
 * JSON and converts the JSON to YAML with yaml.v2. Every step changes values: v3's decoding applies merge keys and
 * turns timestamps into times, octal/hex/underscored ints into numbers, `1e3` into a float; JSON refuses NaN, ±Inf
 * and maps with non-string keys and formats floats its own way; v2 then re-reads the JSON numbers (an integral
 * float becomes an int again) and prints floats with %g. This module runs that chain once per node and records, for
 * each printed value, the node it came from (for the line map and for errors that name a source location).
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc, MapEntry, MapNode, ScalarNode, YNode } from './node.ts';
import { goFormatFloatG, goJsonFloat, goParseInt, goParseUint } from './gonum.ts';
import { formatRfc3339Nano } from './gotime.ts';
import { resolvePlainTag, resolveV3, type Resolved } from './resolve.ts';
import { parseYamlDocuments } from './parse.ts';

export interface OMap {
  k: 'map';
  keys: string[];
  values: OValue[];
  /** The key node each entry came from (undefined for keys kustomize synthesised). */
  keyNodes: (ScalarNode | undefined)[];
  node: YNode;
}
export interface OSeq {
  k: 'seq';
  items: OValue[];
  node: YNode;
}
/** `text` is the string value for 'str', and the exact printed form for 'num', 'bool' and 'null'. */
export interface OScalar {
  k: 'str' | 'num' | 'bool' | 'null';
  text: string;
  node: YNode;
}
export type OValue = OMap | OSeq | OScalar;

function fail(message: string, node: YNode | undefined): never {
  const at: Loc | undefined = node?.origin;
  throw new GitOpsError(message, at ? { file: at.file, line: at.line, column: at.column } : undefined, 'yaml');
}

/** v2's view of the JSON text of a float: integral values become ints again, the rest print with %g. */
function floatText(f: number, node: YNode): string {
  if (Number.isNaN(f)) fail('kustomize cannot print .nan: JSON has no NaN (json: unsupported value: NaN); quote the value to keep it as a string', node);
  if (!Number.isFinite(f)) fail(`kustomize cannot print ${f > 0 ? '+' : '-'}.inf: JSON has no infinity (json: unsupported value: ${f > 0 ? '+Inf' : '-Inf'}); quote the value to keep it as a string`, node);
  const json = goJsonFloat(f);
  if (/^-?[0-9]+$/.test(json)) {
    const i = goParseInt(json, 0) ?? (json[0] === '-' ? undefined : goParseUint(json, 0));
    if (i !== undefined) return i.toString();
  }
  return goFormatFloatG(f);
}

/** Go's conversion of bytes to a JSON string: every byte of an invalid UTF-8 sequence becomes U+FFFD. */
function goBytesToString(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let n = 0, cp = 0, min = 0;
    if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; min = 0x10000; }
    let ok = n > 0 && i + n < b.length;
    if (ok) {
      for (let k = 1; k <= n; k++) {
        const cc = b[i + k]!;
        if ((cc & 0xc0) !== 0x80) { ok = false; break; }
        cp = (cp << 6) | (cc & 0x3f);
      }
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (!ok) {
      out += '\ufffd';
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += n + 1;
  }
  return out;
}

/** Go's base64.StdEncoding.DecodeString: padded, strict alphabet, CR and LF ignored. */
function decodeBase64(s: string, node: YNode): string {
  const clean = s.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) {
    fail('!!binary value contains invalid base64 data', node);
  }
  return goBytesToString(new Uint8Array(Buffer.from(clean, 'base64')));
}

/**
 * A scalar built in code may leave its tag empty ('' or yaml.v3's '!'): then, as yaml.v3 does, its tag is what the
 * text resolves to (plain), or '!!str' (quoted and block styles).
 */
function norm(n: ScalarNode): ScalarNode {
  if (n.tag !== '' && n.tag !== '!') return n;
  const tag = n.style !== 'plain' ? '!!str' : n.value === '<<' ? '!!merge' : resolvePlainTag(n.value);
  return { ...n, tag };
}

/** The string a key becomes when yaml.v3 decodes it into a Go string (undefined: the entry is dropped, as for null keys). */
function keyString(key: ScalarNode, inFlow: boolean): string | undefined {
  key = norm(key);
  if (key.tag === '!!str' || reencodedAsString(key, inFlow, true)) return key.value;
  if (key.tag === '!!null') return undefined;
  if (key.tag === '!!binary') return decodeBase64(key.value, key);
  // Resolution still runs (and can fail) before Go settles for the key's text.
  checkedResolve(key);
  return key.value;
}

function checkedResolve(n: ScalarNode): Resolved {
  const r = resolveV3(n.tag, n.value);
  if (r.tag !== n.tag && !('unresolvable' in r)) {
    if (n.tag === '!!float' && r.tag === '!!int') {
      const v = (r as { value: bigint }).value;
      if (v <= (1n << 63n) - 1n) return { tag: '!!float', value: Number(v) };
    }
    fail(`cannot decode ${r.tag} \`${n.value}\` as a ${n.tag}`, n);
  }
  return r;
}

/**
 * yaml.v2 re-reads kustomize's JSON and refuses characters YAML does not allow in a stream; encoding/json leaves
 * DEL, the C1 controls and U+FFFE/U+FFFF unescaped, so a string holding one makes kustomize fail.
 */
const NOT_ALLOWED_IN_STREAM = /[\x7f-\x84\x86-\x9f\ufffe\uffff]/;
const NEEDS_CHECK = /[^\x20-\x7e]/;

function checkStreamChars(text: string, node: YNode): string {
  if (text.length < 64 && !NEEDS_CHECK.test(text)) return text;
  if (NOT_ALLOWED_IN_STREAM.test(text)) {
    const c = text.match(NOT_ALLOWED_IN_STREAM)![0].charCodeAt(0);
    fail(`kustomize cannot print the control character U+${c.toString(16).toUpperCase().padStart(4, '0')} (yaml: control characters are not allowed)`, node);
  }
  return text;
}

/**
 * encoding/json leaves NEL (U+0085) unescaped, and yaml.v2 reads a raw NEL inside the JSON's double-quoted string
 * as a line break and folds it: one NEL (with the spaces around it) becomes a space, k NELs become k-1 newlines.
 */
function foldNel(text: string, node: YNode): string {
  if (text.indexOf('\u0085') < 0) return text;
  if (/\u0085(?:---|\.\.\.)[ \u0085]/.test(text)) fail('kustomize cannot print this string: a NEL (U+0085) followed by a document marker breaks its JSON-to-YAML step (yaml: found unexpected document indicator)', node);
  return text.replace(/ *\u0085[ \u0085]*/g, (run) => {
    const k = run.split('\u0085').length - 1;
    return k === 1 ? ' ' : '\n'.repeat(k - 1);
  });
}

/** Length of Go's JSON encoding of a string, in characters (what libyaml counts for its 1024-character key limit). */
function jsonLength(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 92 || c === 10 || c === 13 || c === 9) n += 2;
    else if (c < 0x20 || c === 60 || c === 62 || c === 38 || c === 0x2028 || c === 0x2029) n += 6;
    else if (c >= 0xdc00 && c <= 0xdfff) continue;
    else n += 1;
  }
  return n;
}

function checkKey(k: string, node: ScalarNode): void {
  if (k.length < 64 && !NEEDS_CHECK.test(k)) return;
  checkStreamChars(k, node);
  if (k.indexOf('\u0085') >= 0) fail('kustomize cannot print a key containing NEL (U+0085): its JSON-to-YAML step reads it as a line break', node);
  if (k.length > 1000 && jsonLength(k) > 1024) fail('kustomize cannot print a key longer than 1024 characters (as JSON): yaml.v2 does not accept it back as a key', node);
}

/**
 * Whether yaml.v3's emitter may write this text as a plain scalar inside a flow collection (`{…}`, `[…]`). When it
 * may not, it quotes it without a tag, so kustomize's re-read sees a string.
 */
function flowPlainAllowed(v: string): boolean {
  if (v.length === 0) return false;
  if (/^(?:---|\.\.\.)/.test(v)) return false;
  if (/[,?[\]{}:\t]|\s#|^[\s#&*!|>'"%@`]|\s$/.test(v)) return false;
  if (/^-(?:[ \t]|$)/.test(v)) return false;
  return !/[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]|\ufeff/.test(v);
}

/**
 * kustomize re-encodes each resource with yaml.v3 before decoding it, and the emitter quotes (without a tag) an
 * implicitly typed scalar it cannot write plain: an empty null key, or inside a flow collection an empty value or a
 * value with a ':' (a timestamp). Such a scalar comes back as a string.
 */
function reencodedAsString(n: ScalarNode, inFlow: boolean, isKey: boolean): boolean {
  if (n.tagged || n.tag === '!!str') return false;
  if (n.value === '') return inFlow || isKey;
  return inFlow && !flowPlainAllowed(n.value);
}

const isBreakC = (c: number): boolean => c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
const isPrintableC = (c: number): boolean =>
  c === 10 || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

/** Whether yaml.v3's emitter may keep a block style (`|`, `>`) for this text (else it writes it double-quoted). */
function v3BlockAllowed(v: string): boolean {
  if (v.length === 0 || v.endsWith(' ')) return false;
  let prevSpace = false;
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if (c !== 9 && !isPrintableC(c)) return false;
    if (isBreakC(c) && prevSpace) return false;
    prevSpace = c === 32;
  }
  return true;
}

const foldedCache = new Map<string, string>();

/**
 * The value a folded (`>`) scalar has after kustomize's yaml.v3 re-encoding and re-reading. yaml.v3's folded
 * writer decides where to add the blank line that keeps a line break by looking at the start of the whole value
 * instead of the next line, so the round trip adds a blank line before more-indented lines, or (when the value
 * starts with a blank) loses line breaks that then fold into spaces. `kubectl kustomize` prints the result.
 */
function foldedRoundTrip(v: string): string {
  const hit = foldedCache.get(v);
  if (hit !== undefined) return hit;
  let out = 'x: >';
  const first = v.charCodeAt(0);
  if (first === 32 || isBreakC(first)) out += '2';
  const last = v.charCodeAt(v.length - 1);
  if (!isBreakC(last)) out += '-';
  else if (v.length === 1 || isBreakC(v.charCodeAt(v.length - 2))) out += '+';
  out += '\n';
  let k = 0;
  while (k < v.length && isBreakC(v.charCodeAt(k))) k++;
  const startsNonBlank = !(k >= v.length || v[k] === ' ' || v[k] === '\t' || isBreakC(v.charCodeAt(k)));
  let breaks = true;
  let leadingSpaces = true;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (isBreakC(c)) {
      if (!breaks && !leadingSpaces && c === 10 && startsNonBlank) out += '\n';
      out += v[i];
      breaks = true;
    } else {
      if (breaks) {
        out += '  ';
        leadingSpaces = c === 32 || c === 9;
      }
      out += v[i];
      breaks = false;
    }
  }
  const doc = parseYamlDocuments(out, 'folded')[0]!.node!;
  const result = doc.kind === 'map' && doc.entries[0]!.value.kind === 'scalar' ? doc.entries[0]!.value.value : v;
  if (foldedCache.size > 5000) foldedCache.clear();
  foldedCache.set(v, result);
  return result;
}

/** The printed value of one scalar (see the module comment); `inFlow` when it sits inside a flow collection. */
export function scalarOutput(node: ScalarNode, inFlow: boolean): OScalar {
  const n = norm(node);
  const out = scalarOutputOf(n, inFlow);
  out.node = node;
  return out;
}

function scalarOutputOf(n: ScalarNode, inFlow: boolean): OScalar {
  if (inFlow && reencodedAsString(n, true, false)) return { k: 'str', text: foldNel(checkStreamChars(n.value, n), n), node: n };
  if (n.style === 'folded' && !inFlow && n.tag === '!!str' && v3BlockAllowed(n.value)) {
    return { k: 'str', text: foldNel(checkStreamChars(foldedRoundTrip(n.value), n), n), node: n };
  }
  if (n.tag === '!!str') return { k: 'str', text: foldNel(checkStreamChars(n.value, n), n), node: n };
  const r = checkedResolve(n);
  if ('unresolvable' in r) {
    return { k: 'str', text: foldNel(checkStreamChars(r.tag === '!!binary' ? decodeBase64(n.value, n) : n.value, n), n), node: n };
  }
  switch (r.tag) {
    case '!!null':
      return { k: 'null', text: 'null', node: n };
    case '!!bool':
      return { k: 'bool', text: r.value ? 'true' : 'false', node: n };
    case '!!int':
      return { k: 'num', text: r.value.toString(), node: n };
    case '!!float':
      return { k: 'num', text: floatText(r.value, n), node: n };
    case '!!timestamp': {
      const t = formatRfc3339Nano(r.value);
      if ('error' in t) fail(t.error, n);
      return { k: 'str', text: t.text, node: n };
    }
    case '!!merge':
      return { k: 'str', text: n.value, node: n };
    default:
      return { k: 'str', text: (r as { value: string }).value, node: n };
  }
}

function isMergeKey(k: ScalarNode): boolean {
  return k.value === '<<' && (k.tag === '!!merge' || ((k.tag === '' || k.tag === '!') && k.style === 'plain'));
}

/** yaml.v3 rejects duplicate keys when decoding (kyaml reads them without complaint; printing fails). */
function checkDuplicates(m: MapNode): void {
  const n = m.entries.length;
  if (n < 2) return;
  if (n <= 8) {
    for (let i = 0; i < n; i++) {
      const a = m.entries[i]!.key;
      for (let j = i + 1; j < n; j++) {
        const b = m.entries[j]!.key;
        if (a.value === b.value) duplicate(a, b);
      }
    }
    return;
  }
  const seen = new Map<string, ScalarNode>();
  for (const e of m.entries) {
    const prev = seen.get(e.key.value);
    if (prev) duplicate(prev, e.key);
    seen.set(e.key.value, e.key);
  }
}

function duplicate(first: ScalarNode, second: ScalarNode): never {
  const where = first.origin ? ` at line ${first.origin.line}` : '';
  fail(`mapping key ${JSON.stringify(first.value)} already defined${where}`, second);
}

class Builder {
  keys: string[] = [];
  values: OValue[] = [];
  keyNodes: (ScalarNode | undefined)[] = [];
  index?: Map<string, number>;

  has(k: string): boolean {
    if (this.keys.length < 12) return this.keys.includes(k);
    if (!this.index) {
      this.index = new Map();
      this.keys.forEach((key, i) => this.index!.set(key, i));
    }
    return this.index.has(k);
  }

  set(k: string, keyNode: ScalarNode | undefined, v: OValue): void {
    if (this.keys.length >= 12 || this.index) {
      if (!this.index) {
        this.index = new Map();
        this.keys.forEach((key, i) => this.index!.set(key, i));
      }
      const at = this.index.get(k);
      if (at !== undefined) {
        this.values[at] = v;
        this.keyNodes[at] = keyNode;
        return;
      }
      this.index.set(k, this.keys.length);
    } else {
      const at = this.keys.indexOf(k);
      if (at >= 0) {
        this.values[at] = v;
        this.keyNodes[at] = keyNode;
        return;
      }
    }
    this.keys.push(k);
    this.values.push(v);
    this.keyNodes.push(keyNode);
  }
}

/** Decodes one mapping's entries into `out`, following yaml.v3's decoder (merge keys, precedence, duplicates). */
function decodeMapInto(m: MapNode, out: Builder, mergedFields: Set<string> | undefined, depth: number, inFlow: boolean): void {
  inFlow = inFlow || m.flow === true;
  checkDuplicates(m);
  let mergeNode: YNode | undefined;
  for (const e of m.entries) {
    if (isMergeKey(e.key)) {
      mergeNode = e.value;
      continue;
    }
    const k = keyString(e.key, inFlow);
    if (k === undefined) continue;
    checkKey(k, e.key);
    if (mergedFields) {
      if (mergedFields.has(k)) continue;
      mergedFields.add(k);
    }
    out.set(k, e.key, toOutputValue(e.value, depth + 1, inFlow));
  }
  if (mergeNode) {
    let fields = mergedFields;
    if (!fields) {
      fields = new Set();
      for (const e of m.entries) fields.add(e.key.tag === '!!null' ? '\u0000null' : e.key.value);
    }
    const wantMap = (at: YNode): never => fail('map merge requires map or sequence of maps as the value', at);
    if (mergeNode.kind === 'map') decodeMapInto(mergeNode, out, fields, depth + 1, inFlow);
    else if (mergeNode.kind === 'seq') {
      for (const item of mergeNode.items) {
        if (item.kind !== 'map') wantMap(item);
        else decodeMapInto(item, out, fields, depth + 1, inFlow || mergeNode.flow === true);
      }
    } else wantMap(mergeNode);
  }
}

/** The nested-map key rule (see mapValue). */
function checkNestedKeys(m: MapNode, inFlow: boolean): void {
  for (const entry of m.entries) {
    const e = { key: norm(entry.key) };
    if (e.key.tag !== '!!str' && e.key.tag !== '!!merge' && !reencodedAsString(e.key, inFlow || m.flow === true, true)) {
      checkDuplicates(m);
      fail(
        `kustomize cannot print the key ${JSON.stringify(e.key.value)} (${e.key.tag}): a map nested in a resource must have string keys (json: unsupported type: map[interface {}]interface {}); quote the key`,
        e.key,
      );
    }
  }
}

/**
 * The printed keys of a map without merge keys, in source order (entries kustomize drops, like a null key at the
 * top, are left out), with every check `toOutput` makes; undefined when the map has a merge key (use `toOutput`).
 */
export function plainMapKeys(m: MapNode, top: boolean, inFlow: boolean): { keys: string[]; entries: MapEntry[] } | undefined {
  const entries = m.entries;
  for (let i = 0; i < entries.length; i++) if (isMergeKey(entries[i]!.key)) return undefined;
  if (!top) checkNestedKeys(m, inFlow);
  checkDuplicates(m);
  const f = inFlow || m.flow === true;
  const keys: string[] = [];
  let kept: MapEntry[] = entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const k = e.key.tag === '!!str' ? e.key.value : keyString(e.key, f);
    if (k === undefined) {
      if (kept === entries) kept = entries.slice(0, i);
      continue;
    }
    checkKey(k, e.key);
    keys.push(k);
    if (kept !== entries) kept.push(e);
  }
  return { keys, entries: kept };
}

function mapValue(m: MapNode, top: boolean, depth: number, inFlow: boolean): OMap {
  // A nested map decodes to map[string]interface{} only when every key is a string; otherwise it becomes
  // map[interface{}]interface{}, which encoding/json refuses.
  if (!top) checkNestedKeys(m, inFlow);
  const b = new Builder();
  decodeMapInto(m, b, undefined, depth, inFlow);
  return { k: 'map', keys: b.keys, values: b.values, keyNodes: b.keyNodes, node: m };
}

function toOutputValue(n: YNode, depth: number, inFlow: boolean): OValue {
  if (depth > 10_000) fail('YAML nesting is too deep', n);
  switch (n.kind) {
    case 'scalar':
      return scalarOutput(n, inFlow);
    case 'seq': {
      const f = inFlow || n.flow === true;
      return { k: 'seq', items: n.items.map((i) => toOutputValue(i, depth + 1, f)), node: n };
    }
    case 'map':
      return mapValue(n, false, depth, inFlow);
  }
}

/**
 * The printed value of one resource (a document's root node), as kustomize computes it. A root map decodes into
 * `map[string]interface{}` (its keys become strings whatever their type), anything nested into `interface{}`.
 * Throws a GitOpsError at the offending node where kustomize fails to print.
 */
export function toOutput(root: YNode): OValue {
  if (root.kind === 'map') return mapValue(root, true, 0, false);
  return toOutputValue(root, 0, false);
}

/** The printed value of a node nested in a resource (`inFlow`: it sits inside a flow collection). */
export function toOutputNested(n: YNode, inFlow: boolean): OValue {
  return toOutputValue(n, 0, inFlow);
}
