/**
 * The order in which kustomize prints map keys: yaml.v2 sorts string keys with a "natural" comparison: runs of
 * digits compare by number (`a9` before `a10`), letters compare by code point, and any non-letter sorts before any
 * letter (`a-b` and `a_b` before `ab`, `Z` before `a`).
 */

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isLetter(c: number): boolean {
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return LETTER.test(String.fromCodePoint(c));
}

function isDigit(c: number): boolean {
  if (c < 128) return c >= 48 && c <= 57;
  return DIGIT.test(String.fromCodePoint(c));
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

/** Go's int64 arithmetic for a digit run (it wraps on overflow; so do we). */
function digitRun(a: number[], from: number, start: bigint): { value: bigint; end: number } {
  let n = start;
  let i = from;
  let small = true;
  let v = Number(start);
  for (; i < a.length && isDigit(a[i]!); i++) {
    if (small && v < 1e14 && a[i]! < 128) v = v * 10 + (a[i]! - 48);
    else {
      if (small) { n = BigInt(v); small = false; }
      n = BigInt.asIntN(64, n * 10n + BigInt(a[i]! - 48));
    }
  }
  return { value: small ? BigInt(v) : n, end: i };
}

/** yaml.v2's keyList.Less for two string keys. */
function lessCp(ar: number[], br: number[]): boolean {
  const n = Math.min(ar.length, br.length);
  for (let i = 0; i < n; i++) {
    const a = ar[i]!;
    const b = br[i]!;
    if (a === b) continue;
    const al = isLetter(a);
    const bl = isLetter(b);
    if (al && bl) return a < b;
    if (al || bl) return bl;
    let start = 0n;
    if (a === 48 || b === 48) {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== 48) {
          start = 1n;
          break;
        }
      }
    }
    const ra = digitRun(ar, i, start);
    const rb = digitRun(br, i, start);
    if (ra.value !== rb.value) return ra.value < rb.value;
    if (ra.end !== rb.end) return ra.end < rb.end;
    return a < b;
  }
  return ar.length < br.length;
}

/** Indices of `keys` in the order yaml.v2 prints them. */
export function v2KeyOrder(keys: string[]): number[] {
  const idx = keys.map((_, i) => i);
  if (keys.length < 2) return idx;
  const cps = keys.map(codePoints);
  idx.sort((x, y) => (lessCp(cps[x]!, cps[y]!) ? -1 : lessCp(cps[y]!, cps[x]!) ? 1 : 0));
  return idx;
}

/** yaml.v2's key comparison, exposed for tests and for callers that sort the same way. */
export function v2KeyLess(a: string, b: string): boolean {
  return lessCp(codePoints(a), codePoints(b));
}
