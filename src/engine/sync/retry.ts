/** AUTO-6: the retry backoff of a sync operation, and Go's duration and kitchen-time formats Argo CD prints. */
import { GitOpsError } from '../errors/index.ts';
import type { RetryStrategy } from './types.ts';

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("5s", "1m30s", "250ms"); a bare number means seconds, as Argo CD reads `backoff.duration`. */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') return v * 1000;
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  if (at !== s.length || s.length === 0) throw new GitOpsError(`invalid duration "${v}" (expected e.g. 5s, 2m, 1m30s)`, undefined, 'duration');
  return total;
}

/** Retry k (0-based): duration · factor^k, capped at maxDuration when that is > 0. */
export function retryDelayMs(r: RetryStrategy, k: number): number {
  const duration = parseDuration(r.backoff?.duration ?? '5s');
  const factor = r.backoff?.factor ?? 2;
  const max = parseDuration(r.backoff?.maxDuration ?? '3m');
  const d = duration * Math.pow(factor, k);
  return max > 0 ? Math.min(d, max) : d;
}

/** Go's time.Kitchen, "3:04PM", in local time. */
export function kitchenTime(d: Date): string {
  const h = d.getHours();
  const m = d.getMinutes();
  return `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, '0')}${h < 12 ? 'AM' : 'PM'}`;
}
