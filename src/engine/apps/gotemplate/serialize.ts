/**
 * Go's encoding/json and sigs.k8s.io/yaml output for template values (toJson, toYaml) and for Flux's
 * post-build substitution, which substitutes on each object's YAML text as sigs.k8s.io/yaml prints it
 * (JSON → goyaml.v2: keys in goyaml's "natural" order, block style, strings quoted only when a plain scalar would
 * read back as something else, long scalars folded at 80 columns).
 */
import { formatFloat, isMap, type GoValue } from './values.ts';

// -------------------------------------------------------------------------------------------------- JSON

function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (escapeHTML && (ch === '<' || ch === '>' || ch === '&')) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16)}`;
    else out += ch;
  }
  return out + '"';
}

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const a = Math.abs(f);
  if (a !== 0 && (a < 1e-6 || a >= 1e21)) return formatFloat(f, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
  return formatFloat(f, 'f', -1);
}

/** json.Marshal (sorted keys; HTML characters escaped unless `escapeHTML` is false) and MarshalIndent. */
export function marshalJSON(v: GoValue, opts: { escapeHTML: boolean; indent?: string } = { escapeHTML: true }): string {
  const enc = (x: GoValue, depth: number): string => {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return jsonString(x, opts.escapeHTML);
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'number') return jsonFloat(x);
    if (typeof x === 'boolean') return String(x);
    const nl = opts.indent ? '\n' + opts.indent.repeat(depth + 1) : '';
    const end = opts.indent ? '\n' + opts.indent.repeat(depth) : '';
    const sep = opts.indent ? ': ' : ':';
    if (Array.isArray(x)) {
      if (!x.length) return '[]';
      return `[${x.map((i) => nl + enc(i, depth + 1)).join(',')}${end}]`;
    }
    const keys = Object.keys(x).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (!keys.length) return '{}';
    return `{${keys.map((k) => `${nl}${jsonString(k, opts.escapeHTML)}${sep}${enc(x[k], depth + 1)}`).join(',')}${end}}`;
  };
  return enc(v, 0);
}

// -------------------------------------------------------------------------------------------------- YAML (goyaml.v2)

const BOOL_NULL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Would goyaml.v2 read this plain scalar back as something other than a string? */
export function resolvesNonString(s: string): boolean {
  if (BOOL_NULL.has(s)) return true;
  const c = s[0];
  if (c === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) || /^\.[0-9]/.test(s) && !Number.isNaN(Number(s));
  if (c === undefined || !'+-0123456789'.includes(c)) return false;
  if (/^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.test(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0|[1-9][0-9]*)$/.test(plain)) return true;
  if (YAML_FLOAT.test(plain)) return true;
  if (/^-?0b[01]+$/.test(plain)) return true;
  return false;
}

function isBase60Float(s: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

/** goyaml.v2's key order: numbers before strings, digits runs compared as numbers, letters before non-letters. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string): boolean => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined): boolean => c !== undefined && /\p{Nd}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

export function sortYamlKeys(keys: string[]): string[] {
  return [...keys].sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
}

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  flowPlain: boolean;
  single: boolean;
  block: boolean;
}

function analyze(s: string): Analysis {
  if (s === '') return { multiline: false, blockPlain: true, flowPlain: false, single: true, block: false };
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) {
    blockInd = true;
    flowInd = true;
  }
  let precededByWs = true;
  const chars = [...s];
  chars.forEach((c, i) => {
    const next = chars[i + 1];
    const followedByWs = next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) {
        flowInd = true;
        blockInd = true;
      } else if (c === '?' || c === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (c === '-' && followedByWs) {
        flowInd = true;
        blockInd = true;
      }
    } else if (',?[]{}'.includes(c)) {
      flowInd = true;
    } else if (c === ':') {
      flowInd = true;
      if (followedByWs) blockInd = true;
    } else if (c === '#' && precededByWs) {
      flowInd = true;
      blockInd = true;
    }
    const cp = c.codePointAt(0)!;
    const printable = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || cp >= 0x10000;
    if (!printable) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (c === '\n' || c === '\r' || cp === 0x85 || cp === 0x2028 || cp === 0x2029) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = c === ' ' || c === '\t' || c === '\n' || c === '\r';
  });
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, single: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.single = false;
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.single = a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

const BEST_WIDTH = 80;

/** Writes scalars the way goyaml.v2's emitter does, tracking the column for folding. */
class YamlWriter {
  out = '';
  col = 0;

  write(s: string): void {
    for (const ch of s) {
      if (ch === '\n') {
        this.out += ch;
        this.col = 0;
      } else {
        this.out += ch;
        this.col++;
      }
    }
  }

  newline(indent: number): void {
    this.out += '\n' + ' '.repeat(indent);
    this.col = indent;
  }

  /** A string scalar at block level. `indent` is the indentation for continuation lines; `key` for mapping keys. */
  scalar(s: string, indent: number, key: boolean): void {
    let style: 'plain' | 'single' | 'double' | 'literal' = 'plain';
    const canPlain = !resolvesNonString(s) && !isBase60Float(s);
    if (s.includes('\n')) style = 'literal';
    else if (!canPlain) style = 'double';
    const a = analyze(s);
    if (key && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (s === '' && key) style = 'single';
    }
    if (style === 'single' && !a.single) style = 'double';
    if (style === 'literal' && (!a.block || key)) style = 'double';
    switch (style) {
      case 'plain':
        this.plain(s, indent, !key);
        return;
      case 'single':
        this.single(s, indent, !key);
        return;
      case 'double':
        this.double(s, indent, !key);
        return;
      case 'literal':
        this.literal(s, indent);
    }
  }

  private plain(s: string, indent: number, breaks: boolean): void {
    let spaces = false;
    const chars = [...s];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === ' ') {
        if (breaks && !spaces && this.col > BEST_WIDTH && chars[i + 1] !== ' ') this.newline(indent);
        else this.write(c);
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    }
  }

  private single(s: string, indent: number, breaks: boolean): void {
    this.write("'");
    let spaces = false;
    const chars = [...s];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === ' ') {
        if (breaks && !spaces && this.col > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') this.newline(indent);
        else this.write(c);
        spaces = true;
      } else {
        this.write(c === "'" ? "''" : c);
        spaces = false;
      }
    }
    this.write("'");
  }

  private double(s: string, indent: number, breaks: boolean): void {
    this.write('"');
    let spaces = false;
    const chars = [...s];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      const cp = c.codePointAt(0)!;
      const printable = cp === 0x9 || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || cp >= 0x10000;
      if (!printable || c === '"' || c === '\\' || cp === 0xfeff) {
        const esc: Record<string, string> = { '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e', '"': '"', '\\': '\\', '\u0085': 'N', '\u00a0': '_', '\u2028': 'L', '\u2029': 'P' };
        if (esc[c] !== undefined) this.write('\\' + esc[c]);
        else if (cp <= 0xff) this.write('\\x' + cp.toString(16).toUpperCase().padStart(2, '0'));
        else if (cp <= 0xffff) this.write('\\u' + cp.toString(16).toUpperCase().padStart(4, '0'));
        else this.write('\\U' + cp.toString(16).toUpperCase().padStart(8, '0'));
        spaces = false;
      } else if (c === ' ') {
        if (breaks && !spaces && this.col > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.newline(indent);
          if (chars[i + 1] === ' ') this.write('\\');
        } else this.write(c);
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    }
    this.write('"');
  }

  private literal(s: string, indent: number): void {
    let hint = '';
    if (s.startsWith(' ') || s.startsWith('\n')) hint = '2';
    let chomp = '';
    if (!s.endsWith('\n')) chomp = '-';
    else if (s.length === 1 || s.endsWith('\n\n')) chomp = '+';
    this.write(`|${hint}${chomp}`);
    const body = chomp === '-' ? s : s.slice(0, -1);
    for (const line of body.split('\n')) {
      this.out += '\n';
      this.col = 0;
      if (line !== '') {
        this.out += ' '.repeat(indent) + line;
        this.col = indent + line.length;
      }
    }
  }
}

function scalarText(v: GoValue): string | undefined {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    // JSON → YAML reads integral numbers back as ints (goyaml picks the type), others as float64.
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
    if (Number.isNaN(v)) return '.nan';
    if (v === Infinity) return '.inf';
    if (v === -Infinity) return '-.inf';
    return formatFloat(v, 'g', -1);
  }
  return undefined;
}

function emitNode(w: YamlWriter, v: GoValue, indent: number): void {
  // Called with the cursor right after "key:" or "- " (or at the document start).
  const st = scalarText(v);
  if (st !== undefined) {
    w.write(st);
    return;
  }
  if (typeof v === 'string') {
    w.scalar(v, indent, false);
    return;
  }
  if (Array.isArray(v)) {
    if (!v.length) {
      w.write('[]');
      return;
    }
    v.forEach((item, i) => {
      if (i > 0 || w.col > 0) w.newline(indent);
      w.write('- ');
      emitNode(w, item, indent + 2);
    });
    return;
  }
  if (isMap(v)) {
    const keys = sortYamlKeys(Object.keys(v));
    if (!keys.length) {
      w.write('{}');
      return;
    }
    keys.forEach((k, i) => {
      if (i > 0 || (w.col > 0 && !w.out.endsWith('- '))) w.newline(indent);
      w.scalar(k, indent, true);
      w.write(':');
      const val = v[k];
      if (Array.isArray(val) && val.length) {
        // goyaml.v2 does not indent a sequence under a mapping key.
        w.newline(indent);
        emitSeqItems(w, val, indent);
      } else if (isMap(val) && Object.keys(val).length) {
        w.newline(indent + 2);
        emitMapEntries(w, val, indent + 2);
      } else {
        w.write(' ');
        emitNode(w, val, indent + 2);
      }
    });
  }
}

function emitSeqItems(w: YamlWriter, v: GoValue[], indent: number): void {
  v.forEach((item, i) => {
    if (i > 0) w.newline(indent);
    w.write('- ');
    if (isMap(item) && Object.keys(item).length) emitMapEntries(w, item, indent + 2);
    else if (Array.isArray(item) && item.length) emitSeqItems(w, item, indent + 2);
    else emitNode(w, item, indent + 2);
  });
}

function emitMapEntries(w: YamlWriter, v: Record<string, GoValue>, indent: number): void {
  const keys = sortYamlKeys(Object.keys(v));
  keys.forEach((k, i) => {
    if (i > 0) w.newline(indent);
    w.scalar(k, indent, true);
    w.write(':');
    const val = v[k];
    if (Array.isArray(val) && val.length) {
      w.newline(indent);
      emitSeqItems(w, val, indent);
    } else if (isMap(val) && Object.keys(val).length) {
      w.newline(indent + 2);
      emitMapEntries(w, val, indent + 2);
    } else {
      w.write(' ');
      emitNode(w, val, indent + 2);
    }
  });
}

/** sigs.k8s.io/yaml.Marshal of a value (ends with a newline, like the Go function). */
export function marshalYAML(v: GoValue): string {
  const w = new YamlWriter();
  if (isMap(v) && Object.keys(v).length) emitMapEntries(w, v, 0);
  else if (Array.isArray(v) && v.length) emitSeqItems(w, v, 0);
  else emitNode(w, v, 0);
  return w.out + '\n';
}
