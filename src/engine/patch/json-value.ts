/**
 * JSON values that remember how their scalars were written, and where. JSON patch's `test` compares scalars by
 * their compacted JSON text, the way Go's json-patch library does (so `1.0` is not `1`), and patch operations cite
 * the line they were written on; a plain `JSON.parse` keeps neither.
 */
import type { Loc } from '../yaml/index.ts';

export type JVal =
  | { t: 'null'; loc?: Loc }
  | { t: 'bool'; v: boolean; loc?: Loc }
  | { t: 'num'; raw: string; loc?: Loc }
  | { t: 'str'; v: string; raw: string; loc?: Loc }
  | { t: 'arr'; items: JVal[]; loc?: Loc }
  | { t: 'obj'; entries: Map<string, JVal>; loc?: Loc };

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Parses JSON as Go's encoding/json accepts it (duplicate keys: the last wins). Errors carry Go's wording
 * ("invalid character 'x' looking for beginning of value") and the offset.
 */
export function parseJsonWithRaw(text: string, locAt?: (offset: number) => Loc): JVal {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (what: string): never => {
    if (i >= text.length) throw new JsonSyntaxError('unexpected end of JSON input', i);
    throw new JsonSyntaxError(`invalid character ${quoteChar(text[i]!)} ${what}`, i);
  };
  const value = (): JVal => {
    ws();
    const start = i;
    const loc = locAt?.(start);
    const c = text[i];
    if (c === '{') {
      i++;
      const entries = new Map<string, JVal>();
      ws();
      if (text[i] === '}') {
        i++;
        return withLoc({ t: 'obj', entries }, loc);
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        const k = str();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        const v = value();
        entries.delete(k.v);
        entries.set(k.v, v);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return withLoc({ t: 'obj', entries }, loc);
        }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const items: JVal[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return withLoc({ t: 'arr', items }, loc);
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return withLoc({ t: 'arr', items }, loc);
        }
        fail('after array element');
      }
    }
    if (c === '"') {
      const s = str();
      return withLoc({ t: 'str', v: s.v, raw: s.raw }, loc);
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return withLoc({ t: 'bool', v: true }, loc);
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return withLoc({ t: 'bool', v: false }, loc);
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return withLoc({ t: 'null' }, loc);
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (m && m[0].length > 0 && m[0] !== '-') {
      i += m[0].length;
      return withLoc({ t: 'num', raw: m[0] }, loc);
    }
    return fail('looking for beginning of value');
  };
  const str = (): { v: string; raw: string } => {
    const start = i;
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) throw new JsonSyntaxError('unexpected end of JSON input', i);
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return { v: out, raw: text.slice(start, i) };
      }
      if (ch < ' ') fail('in string literal');
      if (ch === '\\') {
        const e = text[i + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && map[e] !== undefined) {
          out += map[e];
          i += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        i++;
        fail('in string escape code');
      }
      out += ch;
      i++;
    }
  };
  const v = value();
  ws();
  if (i < text.length) fail('after top-level value');
  return v;
}

function withLoc<T extends JVal>(v: T, loc: Loc | undefined): T {
  if (loc) v.loc = loc;
  return v;
}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c < ' ') return `'\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}

/** A string as Go's json.Marshal writes it (HTML-safe escapes included). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** A plain JSON value as Go's json.Marshal prints it (keys sorted, as Go sorts map keys). */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? '-0' : String(v)) : 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).sort().map((k) => goJsonString(k) + ':' + goJson(o[k])).join(',') + '}';
}

/** The plain value of a JVal. */
export function jvalToPlain(v: JVal): unknown {
  switch (v.t) {
    case 'null':
      return null;
    case 'bool':
      return v.v;
    case 'num':
      return Number(v.raw);
    case 'str':
      return v.v;
    case 'arr':
      return v.items.map(jvalToPlain);
    case 'obj': {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v.entries) o[k] = jvalToPlain(x);
      return o;
    }
  }
}

/** A plain JSON value as a JVal whose raw texts are what Go's json.Marshal would write. */
export function plainToJval(v: unknown, loc?: Loc): JVal {
  let out: JVal;
  if (v === null || v === undefined) out = { t: 'null' };
  else if (typeof v === 'boolean') out = { t: 'bool', v };
  else if (typeof v === 'number' || typeof v === 'bigint') out = { t: 'num', raw: goJson(v) };
  else if (typeof v === 'string') out = { t: 'str', v, raw: goJsonString(v) };
  else if (Array.isArray(v)) out = { t: 'arr', items: v.map((x) => plainToJval(x, loc)) };
  else {
    const entries = new Map<string, JVal>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) entries.set(k, plainToJval(x, loc));
    out = { t: 'obj', entries };
  }
  if (loc) out.loc = loc;
  return out;
}
