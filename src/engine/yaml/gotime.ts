/**
 * YAML timestamps as yaml.v2/v3 read them (Go's time.Parse with four fixed layouts) and as kustomize prints them
 * (time.Time → JSON → RFC 3339 with nanoseconds). A plain `2020-01-01` in a resource comes out as
 * "2020-01-01T00:00:00Z", so both halves must be exact.
 */

export interface GoTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  /** Zone offset in seconds east of UTC; 0 prints as "Z". */
  offset: number;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Go's getnum: one or two digits (exactly two when fixed). Returns [value, rest] or undefined. */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) {
    if (fixed) return undefined;
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function daysIn(month: number, year: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

type Sep = 'T' | 't' | ' ' | null;

/** One of yaml's layouts: "2006-1-2", then (sep) "15:4:5.999999999", then "Z07:00" unless sep is a space. */
function parseLayout(v: string, sep: Sep): GoTime | undefined {
  if (v.length < 4 || !isDigit(v, 0)) return undefined;
  const ys = v.slice(0, 4);
  if (!/^[0-9]{4}$/.test(ys)) return undefined;
  const year = Number(ys);
  let s = v.slice(4);
  if (s[0] !== '-') return undefined;
  let r = getnum(s.slice(1), false);
  if (!r) return undefined;
  const month = r[0];
  s = r[1];
  if (s[0] !== '-') return undefined;
  r = getnum(s.slice(1), false);
  if (!r) return undefined;
  const day = r[0];
  s = r[1];
  let hour = 0, minute = 0, second = 0, nanos = 0, offset = 0;
  if (sep !== null) {
    if (sep === ' ') {
      // A space in a Go layout matches one or more spaces.
      if (s[0] !== ' ') return undefined;
      s = s.replace(/^ +/, '');
    } else {
      if (s[0] !== sep) return undefined;
      s = s.slice(1);
    }
    r = getnum(s, false);
    if (!r) return undefined;
    hour = r[0];
    s = r[1];
    if (s[0] !== ':') return undefined;
    r = getnum(s.slice(1), false);
    if (!r) return undefined;
    minute = r[0];
    s = r[1];
    if (s[0] !== ':') return undefined;
    r = getnum(s.slice(1), false);
    if (!r) return undefined;
    second = r[0];
    s = r[1];
    // Fractional seconds: '.' or ',' then any number of digits; nine are kept.
    if (s.length >= 2 && (s[0] === '.' || s[0] === ',') && isDigit(s, 1)) {
      let i = 1;
      while (i < s.length && isDigit(s, i)) i++;
      const frac = s.slice(1, Math.min(i, 10));
      nanos = Number(frac) * 10 ** (9 - frac.length);
      s = s.slice(i);
    }
    if (sep !== ' ') {
      if (s[0] === 'Z') {
        s = s.slice(1);
      } else {
        if (s.length < 6 || s[3] !== ':') return undefined;
        const sign = s[0];
        const hh = getnum(s.slice(1, 3), true);
        const mm = getnum(s.slice(4, 6), true);
        if (!hh || !mm || hh[1] !== '' || mm[1] !== '') return undefined;
        if (hh[0] > 24 || mm[0] > 60) return undefined;
        offset = (hh[0] * 60 + mm[0]) * 60;
        if (sign === '-') offset = -offset;
        else if (sign !== '+') return undefined;
        s = s.slice(6);
      }
    }
  }
  if (s.length > 0) return undefined;
  if (month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysIn(month, year)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second, nanos, offset };
}

/** yaml's parseTimestamp: only strings starting with exactly four digits and a dash are considered. */
export function parseYamlTimestamp(s: string): GoTime | undefined {
  let i = 0;
  while (i < s.length && isDigit(s, i)) i++;
  if (i !== 4 || i === s.length || s[i] !== '-') return undefined;
  return parseLayout(s, 'T') ?? parseLayout(s, 't') ?? parseLayout(s, ' ') ?? parseLayout(s, null);
}

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/**
 * time.Time.MarshalJSON's text (RFC 3339 with trimmed nanoseconds), or an error message where Go refuses
 * (a zone offset of 24 hours or more).
 */
export function formatRfc3339Nano(t: GoTime): { text: string } | { error: string } {
  let s = String(t.year).padStart(4, '0') + '-' + pad2(t.month) + '-' + pad2(t.day) + 'T' + pad2(t.hour) + ':' + pad2(t.minute) + ':' + pad2(t.second);
  if (t.nanos > 0) s += '.' + String(t.nanos).padStart(9, '0').replace(/0+$/, '');
  if (t.offset === 0) return { text: s + 'Z' };
  const abs = Math.abs(t.offset);
  const hh = Math.floor(abs / 3600);
  const mm = Math.floor((abs % 3600) / 60);
  if (hh >= 24) return { error: 'Time.MarshalJSON: timezone hour outside of range [0,23]' };
  return { text: s + (t.offset < 0 ? '-' : '+') + pad2(hh) + ':' + pad2(mm) };
}
