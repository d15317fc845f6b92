/** RFC 3339 with second precision, the form Kubernetes timestamps take (`2024-05-01T12:00:00Z`). */
const memo = new Map<number, string>();

export function rfc3339(ms: number): string {
  const sec = Math.floor(ms / 1000);
  let s = memo.get(sec);
  if (s === undefined) {
    if (memo.size > 4096) memo.clear();
    s = new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
    memo.set(sec, s);
  }
  return s;
}

/** Milliseconds since the epoch of an RFC 3339 time, NaN when it does not parse. */
export function parseTime(v: unknown): number {
  return typeof v === 'string' ? Date.parse(v) : NaN;
}
