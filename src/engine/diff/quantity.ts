/**
 * Kubernetes resource quantities (`500m`, `1Gi`, `1e3`): parsed exactly (BigInt, nano precision rounded up as the
 * API server does) and printed in the canonical form the server stores, so git `cpu: 0.5` equals live `cpu: 500m`.
 */

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX: Record<number, string> = Object.fromEntries(Object.entries(DECIMAL).map(([k, v]) => [v, k]));
const BINARY_SUFFIX: Record<number, string> = Object.fromEntries(Object.entries(BINARY).map(([k, v]) => [v, k]));

export interface Quantity {
  /** The value in units of 10^-9, rounded up (away from zero's floor, i.e. ceiling) as the server rounds. */
  nanos: bigint;
  format: Format;
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

export function parseQuantity(text: string): Quantity | undefined {
  const s = text.trim();
  if (!s || s !== text) return undefined;
  const m = NUMBER.exec(s);
  if (!m) return undefined;
  const [, sign, whole = '', frac = '', suffix = ''] = m;
  if (!whole && !frac) return undefined;
  let format: Format;
  let num: bigint; // value * 10^den
  const den = frac.length;
  num = BigInt((whole || '0') + frac);
  let pow10 = 0;
  let pow2 = 0;
  if (suffix in DECIMAL) {
    format = 'DecimalSI';
    pow10 = DECIMAL[suffix]!;
  } else if (suffix in BINARY) {
    format = 'BinarySI';
    pow2 = BINARY[suffix]!;
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    format = 'DecimalExponent';
    pow10 = Number(suffix.slice(1));
    if (!Number.isSafeInteger(pow10) || Math.abs(pow10) > 1000) return undefined;
  } else {
    return undefined;
  }
  // nanos = num * 2^pow2 * 10^(pow10 + 9 - den), rounded up.
  num *= 1n << BigInt(pow2);
  const e = pow10 + 9 - den;
  let nanos: bigint;
  if (e >= 0) nanos = num * 10n ** BigInt(e);
  else {
    const d = 10n ** BigInt(-e);
    nanos = num / d + (num % d === 0n ? 0n : 1n);
  }
  if (sign === '-') nanos = -nanos;
  return { nanos, format };
}

/** The canonical string, as resource.Quantity.String() prints it. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  let format = q.format;
  const neg = q.nanos < 0n;
  const abs = neg ? -q.nanos : q.nanos;
  const NANO = 1_000_000_000n;
  if (format === 'BinarySI') {
    // Small or fractional binary values are shown as decimal, which never rounds.
    if (abs < 1024n * NANO || abs % NANO !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let n = abs / NANO;
    let exp = 0;
    while (exp < 60 && n % 1024n === 0n) {
      n /= 1024n;
      exp += 10;
    }
    return `${neg ? '-' : ''}${n}${BINARY_SUFFIX[exp] ?? ''}`;
  }
  // Largest exponent (multiple of 3, from -9) that leaves an integer mantissa.
  let n = abs;
  let exp = -9;
  while (n % 1000n === 0n && (format === 'DecimalExponent' || exp < 18)) {
    n /= 1000n;
    exp += 3;
  }
  const suffix = format === 'DecimalExponent' ? (exp === 0 ? '' : `e${exp}`) : (DECIMAL_SUFFIX[exp] ?? '');
  return `${neg ? '-' : ''}${n}${suffix}`;
}

/** Canonicalises a quantity written as a string or a number; anything that does not parse is returned unchanged. */
export function canonicalQuantity(v: unknown): unknown {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return v;
    const q = parseQuantity(numberText(v));
    return q ? formatQuantity(q) : v;
  }
  if (typeof v !== 'string') return v;
  const q = parseQuantity(v);
  return q ? formatQuantity(q) : v;
}

function numberText(v: number): string {
  const s = String(v);
  if (!/e/i.test(s)) return s;
  // 1e21 and 1e-7 print in exponent form; Quantity accepts that form directly.
  return s.replace('e+', 'e');
}
