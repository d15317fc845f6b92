/**
 * Go values as the template engine sees them, and Go's fmt printing of them. The mapping:
 * string → string, int/int64 → bigint, float64 → number (JSON numbers are always float64 in Go), bool → boolean,
 * a nil interface → null, "no value" (an invalid reflect.Value, e.g. a missing map key) → undefined,
 * []interface{} → array, map[string]interface{} → plain object.
 */

export type GoValue = string | bigint | number | boolean | null | undefined | GoValue[] | GoMap;
export interface GoMap {
  [key: string]: GoValue;
}

export function isMap(v: unknown): v is GoMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The Go type name used in error messages. */
export function typeName(v: GoValue): string {
  if (v === undefined) return '<nil>';
  if (v === null) return 'interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Go's Kind name (`kindOf`). */
export function kindName(v: GoValue): string {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'slice';
  return 'map';
}

/** Converts plain JSON (numbers stay float64) into GoValues. */
export function fromJSON(v: unknown): GoValue {
  if (v === undefined) return null;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return v.map(fromJSON);
  if (typeof v === 'object') {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromJSON(x);
    return out;
  }
  return String(v);
}

/** Converts GoValues back to JSON-compatible values (ints become numbers). */
export function toJSON(v: GoValue): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toJSON);
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJSON(x);
    return out;
  }
  return v;
}

/** strconv.FormatFloat(f, fmt, prec, 64) for the formats templates use. */
export function formatFloat(f: number, fmt: 'g' | 'e' | 'f', prec: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  const expForm = (digits: string, exp: number): string => {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  };
  let out: string;
  if (fmt === 'f') {
    out = prec < 0 ? shortestFixed(a) : a.toFixed(prec);
  } else if (fmt === 'e') {
    if (prec < 0) {
      const { digits, exp } = shortest(a);
      out = expForm(digits, exp);
    } else {
      const s = a.toExponential(prec);
      const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
      out = expForm(m[1]! + (m[2] ?? ''), Number(m[3]));
    }
  } else {
    // %g: shortest digits; exponent form when exp < -4 || exp >= eprec (6 for the shortest form, else the precision).
    let digits: string;
    let exp: number;
    let eprec: number;
    if (prec < 0) {
      ({ digits, exp } = shortest(a));
      eprec = 6;
    } else {
      const p = prec === 0 ? 1 : prec;
      const s = a.toExponential(p - 1);
      const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
      digits = (m[1]! + (m[2] ?? '')).replace(/0+$/, '') || '0';
      exp = Number(m[3]);
      eprec = p;
      if (eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
    }
    if (a === 0) {
      digits = '0';
      exp = 0;
    }
    if (exp < -4 || exp >= eprec) out = expForm(digits, exp);
    else if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
    else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length);
    else out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return (neg ? '-' : '') + out;
}

function shortest(a: number): { digits: string; exp: number } {
  if (a === 0) return { digits: '0', exp: 0 };
  const s = a.toExponential();
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  return { digits: m[1]! + (m[2] ?? ''), exp: Number(m[3]) };
}

function shortestFixed(a: number): string {
  const { digits, exp } = shortest(a);
  if (exp < 0) return '0.' + '0'.repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return digits + '0'.repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** fmt's %v. `top` is false inside collections (where a nil prints as <nil> too). */
export function formatValue(v: GoValue): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v, 'g', -1);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  const keys = Object.keys(v).sort(compareStrings);
  return `map[${keys.map((k) => `${k}:${formatValue(v[k])}`).join(' ')}]`;
}

/** Byte-order string comparison (Go's sort for string map keys). */
export function compareStrings(a: string, b: string): number {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
}

/** strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: GoValue[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

export function sprintln(args: GoValue[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

function pad(s: string, width: number | undefined, minus: boolean, zero: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (minus) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

function badVerb(verb: string, v: GoValue): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

/** fmt.Sprintf for the verbs and flags people use in templates. */
export function sprintf(format: string, args: GoValue[]): string {
  let out = '';
  let ai = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    let minus = false;
    let plus = false;
    let zero = false;
    let space = false;
    let sharp = false;
    i++;
    for (; i < format.length; i++) {
      const f = format[i]!;
      if (f === '-') minus = true;
      else if (f === '+') plus = true;
      else if (f === '0') zero = !minus;
      else if (f === ' ') space = true;
      else if (f === '#') sharp = true;
      else break;
    }
    let width: number | undefined;
    let prec: number | undefined;
    const num = /^\d+/.exec(format.slice(i));
    if (format[i] === '*') {
      const w = args[ai++];
      width = typeof w === 'bigint' ? Number(w) : undefined;
      i++;
    } else if (num) {
      width = Number(num[0]);
      i += num[0].length;
    }
    if (format[i] === '.') {
      i++;
      const p = /^\d+/.exec(format.slice(i));
      if (format[i] === '*') {
        const w = args[ai++];
        prec = typeof w === 'bigint' ? Number(w) : 0;
        i++;
      } else if (p) {
        prec = Number(p[0]);
        i += p[0].length;
      } else prec = 0;
    }
    const verb = format[i];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const v = args[ai++];
    let s: string;
    const signed = (x: string): string => (plus && !x.startsWith('-') ? '+' + x : space && !x.startsWith('-') ? ' ' + x : x);
    switch (verb) {
      case 'v':
        s = typeof v === 'number' ? signed(formatFloat(v, 'g', prec ?? -1)) : typeof v === 'bigint' ? signed(v.toString()) : plus && isMap(v) ? formatValue(v) : formatValue(v);
        if (sharp && typeof v === 'string') s = goQuote(v);
        break;
      case 's':
        if (typeof v === 'string') s = prec !== undefined ? [...v].slice(0, prec).join('') : v;
        else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) s = `[${v.join(' ')}]`;
        else s = badVerb(verb, v);
        break;
      case 'q':
        if (typeof v === 'string') s = sharp && !v.includes('`') ? '`' + v + '`' : goQuote(v);
        else if (typeof v === 'bigint') s = `'${String.fromCodePoint(Number(v))}'`;
        else s = badVerb(verb, v);
        break;
      case 'd':
        if (typeof v === 'bigint') s = signed(v.toString());
        else if (Array.isArray(v) && v.every((x) => typeof x === 'bigint')) s = `[${v.join(' ')}]`;
        else s = badVerb(verb, v);
        break;
      case 'b':
      case 'o':
      case 'O':
      case 'x':
      case 'X': {
        const base = verb === 'b' ? 2 : verb === 'x' || verb === 'X' ? 16 : 8;
        if (typeof v === 'bigint') {
          let t = (v < 0n ? -v : v).toString(base);
          if (verb === 'X') t = t.toUpperCase();
          if (sharp || verb === 'O') t = (verb === 'x' ? '0x' : verb === 'X' ? '0X' : verb === 'b' ? '0b' : verb === 'O' ? '0o' : '0') + t;
          s = signed((v < 0n ? '-' : '') + t);
        } else if (typeof v === 'string' && (verb === 'x' || verb === 'X')) {
          s = Buffer.from(v, 'utf8').toString('hex');
          if (verb === 'X') s = s.toUpperCase();
        } else s = badVerb(verb, v);
        break;
      }
      case 'c':
        s = typeof v === 'bigint' ? String.fromCodePoint(Number(v)) : badVerb(verb, v);
        break;
      case 'U':
        s = typeof v === 'bigint' ? `U+${v.toString(16).toUpperCase().padStart(4, '0')}` : badVerb(verb, v);
        break;
      case 't':
        s = typeof v === 'boolean' ? String(v) : badVerb(verb, v);
        break;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        if (typeof v === 'number') {
          const f = verb.toLowerCase() === 'f' ? 'f' : (verb.toLowerCase() as 'e' | 'g');
          s = signed(formatFloat(v, f, prec ?? (f === 'g' ? -1 : 6)));
          if (verb === 'E' || verb === 'G') s = s.toUpperCase();
        } else s = badVerb(verb, v);
        break;
      case 'T':
        s = typeName(v);
        break;
      default:
        s = badVerb(verb, v);
    }
    out += pad(s, width, minus, zero && verb !== 's' && verb !== 'v' ? true : zero && (typeof v === 'bigint' || typeof v === 'number'));
  }
  if (ai < args.length) out += `%!(EXTRA ${args.slice(ai).map((a) => `${typeName(a)}=${formatValue(a)}`).join(', ')})`;
  return out;
}
