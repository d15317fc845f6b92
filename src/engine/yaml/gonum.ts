/**
 * Number parsing and printing with the exact acceptance rules and output formats of Go's strconv and
 * encoding/json, because kustomize's YAML resolution (which strings are numbers) and its printing (how a float
 * looks after the JSON round trip) are defined by them.
 */

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 122) return l - 97 + 10;
  return 99;
}

/**
 * Go's strconv.ParseUint(s, base, 64) without underscores (callers strip them first, as yaml does). Base 0 picks
 * the base from a 0b/0o/0x prefix or a leading 0 (octal). Returns undefined on any error (syntax or range).
 */
export function goParseUint(s: string, base: number): bigint | undefined {
  if (s.length === 0) return undefined;
  if (base === 0) {
    base = 10;
    if (s.charCodeAt(0) === 48) {
      const p = s.length >= 3 ? s.charCodeAt(1) | 0x20 : 0;
      if (p === 98) { base = 2; s = s.slice(2); }
      else if (p === 111) { base = 8; s = s.slice(2); }
      else if (p === 120) { base = 16; s = s.slice(2); }
      else { base = 8; s = s.slice(1); }
    }
  }
  // Fast path: short decimal strings fit a double exactly.
  if (base === 10 && s.length <= 15) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
    return BigInt(n);
  }
  let n = 0n;
  const b = BigInt(base);
  for (let i = 0; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (d >= base) return undefined;
    n = n * b + BigInt(d);
    if (n > UINT64_MAX) return undefined;
  }
  return n;
}

/** Go's strconv.ParseInt(s, base, 64) (no underscores): an optional sign, then ParseUint, then the int64 range. */
export function goParseInt(s: string, base: number): bigint | undefined {
  if (s.length === 0) return undefined;
  let neg = false;
  const c = s.charCodeAt(0);
  if (c === 43) s = s.slice(1);
  else if (c === 45) { neg = true; s = s.slice(1); }
  const u = goParseUint(s, base);
  if (u === undefined) return undefined;
  if (!neg) return u > INT64_MAX ? undefined : u;
  const v = -u;
  return v < INT64_MIN ? undefined : v;
}

/** Go's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0') {
    const l = s.charCodeAt(1) | 0x20;
    if (l === 98 || l === 111 || l === 120) {
      i = 2;
      saw = '0';
      hex = l === 120;
    }
  }
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const l = c | 0x20;
    if ((c >= 48 && c <= 57) || (hex && l >= 97 && l <= 102)) {
      saw = '0';
      continue;
    }
    if (c === 95) {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/**
 * Go's strconv.ParseFloat(s, 64) for decimal input (what yaml ever hands it: strings starting with '.', or
 * strings that matched yaml's float pattern). Returns undefined on a syntax error and on overflow (Go's ErrRange),
 * since yaml treats both as "not a float".
 */
export function goParseFloat(s: string): number | undefined {
  let i = 0;
  const n = s.length;
  if (i < n && (s[i] === '+' || s[i] === '-')) i++;
  // inf/infinity/nan spellings (yaml never reaches here with them, but keep ParseFloat's contract).
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return s[0] === '-' ? -Infinity : Infinity;
  if (rest === 'nan') return NaN;
  let sawDigits = false;
  let sawDot = false;
  let underscores = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 95) { underscores = true; continue; }
    if (c === 46) {
      if (sawDot) break;
      sawDot = true;
      continue;
    }
    if (c >= 48 && c <= 57) { sawDigits = true; continue; }
    break;
  }
  if (!sawDigits) return undefined;
  if (i < n && (s.charCodeAt(i) | 0x20) === 101) {
    i++;
    if (i >= n) return undefined;
    if (s[i] === '+' || s[i] === '-') i++;
    if (i >= n || s.charCodeAt(i) < 48 || s.charCodeAt(i) > 57) return undefined;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 95) { underscores = true; continue; }
      if (c < 48 || c > 57) break;
    }
  }
  if (i !== n) return undefined;
  if (underscores && !underscoreOK(s)) return undefined;
  const v = Number(underscores ? s.replace(/_/g, '') : s);
  if (!Number.isFinite(v)) return undefined;
  return v;
}

/** The shortest digits that round-trip `abs` (> 0, finite) and the decimal point position (value = 0.DIGITS × 10^dp). */
function shortestDigits(abs: number): { digits: string; dp: number } {
  const e = abs.toExponential();
  const k = e.indexOf('e');
  const digits = e.slice(0, k).replace('.', '');
  return { digits, dp: Number(e.slice(k + 1)) + 1 };
}

function fmtE(neg: boolean, digits: string, dp: number, cleanJson: boolean): string {
  let s = neg ? '-' : '';
  s += digits[0];
  if (digits.length > 1) s += '.' + digits.slice(1);
  const exp = dp - 1;
  const ea = Math.abs(exp);
  s += exp < 0 ? 'e-' : 'e+';
  // Go prints at least two exponent digits; encoding/json then trims "e-07" to "e-7".
  if (ea < 10) s += cleanJson && exp < 0 ? String(ea) : '0' + ea;
  else s += String(ea);
  return s;
}

function fmtF(neg: boolean, digits: string, dp: number): string {
  let s = neg ? '-' : '';
  if (dp > 0) {
    s += digits.length >= dp ? digits.slice(0, dp) : digits + '0'.repeat(dp - digits.length);
  } else {
    s += '0';
  }
  const frac = digits.length - dp;
  if (frac > 0) {
    s += '.';
    for (let i = 0; i < frac; i++) {
      const j = dp + i;
      s += j < 0 ? '0' : digits[j];
    }
  }
  return s;
}

/** encoding/json's text for a float64 (finite): 'f' format, or 'e' below 1e-6 / from 1e21, exponent trimmed. */
export function goJsonFloat(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const abs = Math.abs(f);
  const { digits, dp } = shortestDigits(abs);
  if (abs < 1e-6 || abs >= 1e21) return fmtE(f < 0, digits, dp, true);
  return fmtF(f < 0, digits, dp);
}

/** strconv.FormatFloat(f, 'g', -1, 64) as yaml.v2 prints floats (with .inf/.nan spellings). */
export function goFormatFloatG(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const { digits, dp } = shortestDigits(Math.abs(f));
  const exp = dp - 1;
  // With the shortest precision Go decides between %e and %f as if the precision were 6.
  return exp < -4 || exp >= 6 ? fmtE(f < 0, digits, dp, false) : fmtF(f < 0, digits, dp);
}
