/** RFC 3339 with second precision, the form Kubernetes timestamps take (`2024-05-01T12:00:00Z`). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Milliseconds since the epoch of an RFC 3339 time, NaN when it does not parse. */
export function parseTime(v: unknown): number {
  return typeof v === 'string' ? Date.parse(v) : NaN;
}
