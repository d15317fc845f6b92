/**
 * The order in which kustomize prints map keys: yaml.v2 sorts string keys with a "natural" comparison: runs of
 * digits compare by number (`a9` before `a10`), letters compare by code point, and any non-letter sorts before any
 * letter (`a-b` and `a_b` before `ab`, `Z` before `a`).
 *
 * That comparison is not always a strict order (`a9` < `a10` < `a1b` < `a9`); for such key sets kustomize's own
 * output changes from run to run (Go sorts a randomly ordered map), and we print one of the orders it can print.
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

/** Code points of a string (the comparison works on runes, as Go's does). */
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

type At = (i: number) => number;

/** Go's int64 arithmetic for a digit run (it wraps on overflow; so do we). */
function digitRun(at: At, len: number, from: number, start: number): { value: bigint | number; end: number } {
  let i = from;
  let v = start;
  let big: bigint | undefined;
  for (; i < len && isDigit(at(i)); i++) {
    const d = at(i) - 48;
    if (big === undefined && v < 1e14 && d >= 0 && d <= 9) v = v * 10 + d;
    else {
      if (big === undefined) big = BigInt(v);
      big = BigInt.asIntN(64, big * 10n + BigInt(d));
    }
  }
  return { value: big ?? v, end: i };
}

/** yaml.v2's keyList.Less on two sequences of code points given as accessors. */
function lessAt(a: At, alen: number, b: At, blen: number): boolean {
  const n = Math.min(alen, blen);
  for (let i = 0; i < n; i++) {
    const x = a(i);
    const y = b(i);
    if (x === y) continue;
    const xl = isLetter(x);
    const yl = isLetter(y);
    if (xl && yl) return x < y;
    if (xl || yl) return yl;
    let start = 0;
    if (x === 48 || y === 48) {
      for (let j = i - 1; j >= 0 && isDigit(a(j)); j--) {
        if (a(j) !== 48) {
          start = 1;
          break;
        }
      }
    }
    const ra = digitRun(a, alen, i, start);
    const rb = digitRun(b, blen, i, start);
    // Loose equality: a run may be a bigint and the other a number.
    // eslint-disable-next-line eqeqeq
    if (ra.value != rb.value) return ra.value < rb.value;
    if (ra.end !== rb.end) return ra.end < rb.end;
    return x < y;
  }
  return alen < blen;
}

const SURROGATE = /[\ud800-\udfff]/;

const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * The common case, without allocation: decides at the first difference when neither character is a digit and
 * both are ASCII; returns undefined when the general comparison is needed.
 */
function quickLess(a: string, b: string): boolean | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 128 || y >= 128 || (x >= 48 && x <= 57) || (y >= 48 && y <= 57)) return undefined;
    const xl = isAsciiLetter(x);
    const yl = isAsciiLetter(y);
    if (xl && yl) return x < y;
    if (xl || yl) return yl;
    return x < y;
  }
  return a.length < b.length;
}

/** yaml.v2's key comparison: whether key `a` prints before key `b`. */
export function v2KeyLess(a: string, b: string): boolean {
  const q = quickLess(a, b);
  if (q !== undefined) return q;
  if (SURROGATE.test(a) || SURROGATE.test(b)) {
    const ac = codePoints(a);
    const bc = codePoints(b);
    return lessAt((i) => ac[i]!, ac.length, (i) => bc[i]!, bc.length);
  }
  return lessAt((i) => a.charCodeAt(i), a.length, (i) => b.charCodeAt(i), b.length);
}

function compare(a: string, b: string): number {
  return v2KeyLess(a, b) ? -1 : v2KeyLess(b, a) ? 1 : 0;
}

/** Indices of `keys` in the order yaml.v2 prints them. */
export function v2KeyOrder(keys: string[]): number[] {
  const n = keys.length;
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < 2) return idx;
  if (n <= 24) {
    // Insertion sort: one comparison per step, and most maps are short.
    for (let i = 1; i < n; i++) {
      const x = idx[i]!;
      const kx = keys[x]!;
      let j = i - 1;
      while (j >= 0 && v2KeyLess(kx, keys[idx[j]!]!)) {
        idx[j + 1] = idx[j]!;
        j--;
      }
      idx[j + 1] = x;
    }
    return idx;
  }
  idx.sort((x, y) => compare(keys[x]!, keys[y]!));
  return idx;
}
