/**
 * DIF-7 knownTypeFields: fields of custom resources that hold a built-in type are remarshalled as that type, so
 * `cpu: 0.5` in a CR's embedded PodSpec compares equal to `500m`. Rollout `spec.template.spec` is always a PodSpec.
 */
import { canonicalQuantity } from './quantity.ts';
import { POD_SPEC_QUANTITIES, updateAt } from './remarshal.ts';
import type { KnownTypeField } from './settings.ts';
import type { JsonMap } from './json.ts';

const TYPE_QUANTITIES: Record<string, string[]> = {
  'core/v1/PodSpec': POD_SPEC_QUANTITIES,
  'core/v1/PodTemplateSpec': POD_SPEC_QUANTITIES.map((q) => `spec.${q}`),
  'core/v1/Container': ['resources.limits.*', 'resources.requests.*'],
  'core/v1/ResourceRequirements': ['limits.*', 'requests.*'],
  'core/v1/ResourceList': ['*'],
  'core/v1/PersistentVolumeClaimSpec': ['resources.limits.*', 'resources.requests.*'],
};

const UNITS: [string, number][] = [
  ['ns', 1], ['us', 1e3], ['µs', 1e3], ['μs', 1e3], ['ms', 1e6], ['s', 1e9], ['m', 60e9], ['h', 3600e9],
];

/** Go's time.ParseDuration, to nanoseconds (as a bigint so long durations stay exact). */
export function parseGoDuration(s: string): bigint | undefined {
  let rest = s;
  let neg = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (!rest) return undefined;
  let total = 0;
  while (rest) {
    const m = /^(\d*(?:\.\d*)?)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!m || m[1] === '' || m[1] === '.') return undefined;
    const unit = UNITS.find(([u]) => u === m[2])![1];
    total += Number(m[1]) * unit;
    rest = rest.slice(m[0].length);
  }
  const ns = BigInt(Math.round(total));
  return neg ? -ns : ns;
}

/** Go's Duration.String(): `1h0m0s`, `1m30s`, `1.5s`, `500ms`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, div] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    out = fraction(u, div as bigint) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = `${fraction(u, 1_000_000_000n)}s`;
    if (h > 0n || m > 0n) out = `${m}m${out}`;
    if (h > 0n) out = `${h}h${out}`;
  }
  return (neg ? '-' : '') + out;
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  const rem = v % div;
  if (rem === 0n) return String(whole);
  const digits = String(div).length - 1;
  return `${whole}.${String(rem).padStart(digits, '0').replace(/0+$/, '')}`;
}

function canonicalDuration(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const ns = parseGoDuration(v);
  return ns === undefined ? v : formatGoDuration(ns);
}

/** Applies one knownTypeFields entry in place; returns false for a type we do not know how to remarshal. */
export function applyKnownType(obj: JsonMap, f: KnownTypeField): boolean {
  const path = f.field.split('.').filter(Boolean);
  const expanded: string[] = [];
  // The dotted path also walks into arrays ("inside arrays too"): let every step accept a list.
  for (const seg of path) expanded.push(seg);
  const visit = (fn: (v: unknown) => unknown) => updateThroughArrays(obj, expanded, fn);
  if (f.type === 'core/Quantity') {
    visit(canonicalQuantity);
    return true;
  }
  if (f.type === 'meta/v1/Duration') {
    visit(canonicalDuration);
    return true;
  }
  const inner = TYPE_QUANTITIES[f.type];
  if (!inner) return false;
  visit((v) => {
    for (const q of inner) updateAt(v, q.split('.'), canonicalQuantity);
    return v;
  });
  return true;
}

function updateThroughArrays(obj: unknown, path: string[], fn: (v: unknown) => unknown): void {
  if (Array.isArray(obj)) {
    for (const e of obj) updateThroughArrays(e, path, fn);
    return;
  }
  if (!path.length || obj === null || typeof obj !== 'object') return;
  const [head, ...rest] = path;
  const m = obj as JsonMap;
  if (!(head! in m)) return;
  if (!rest.length) {
    m[head!] = Array.isArray(m[head!]) ? (m[head!] as unknown[]).map(fn) : fn(m[head!]);
  } else updateThroughArrays(m[head!], rest, fn);
}

export const ROLLOUT_POD_SPEC: KnownTypeField = { field: 'spec.template.spec', type: 'core/v1/PodSpec' };
