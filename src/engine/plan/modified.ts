/**
 * "Is this live object out of date?" — a stand-in for the diff engine (src/engine/diff, Argo CD's normalised
 * comparison) until it lands: every field the desired object sets must hold the same value live. Fields only
 * live has (defaults, status, server metadata) do not count, `status` is ignored as Argo ignores it by default,
 * and a Secret's stringData is compared as the data it becomes. Everything else goes through this one function, so
 * switching to the diff engine is a one-line change.
 */
import type { KubeObject } from '../kube/index.ts';

export function isModified(target: KubeObject, live: KubeObject): boolean {
  for (const [k, v] of Object.entries(target)) {
    // Argo ignores status by default; metadata and Secrets need their own rules.
    if (k === 'status' || k === 'metadata' || (k === 'stringData' && isSecret(target))) continue;
    if (k === 'data' && isSecret(target) && target.stringData) continue;
    if (!covers(v, (live as Record<string, unknown>)[k], 0)) return true;
  }
  if (isSecret(target) && target.stringData && typeof target.stringData === 'object') {
    const data: Record<string, unknown> = { ...((target.data as Record<string, unknown> | undefined) ?? {}) };
    for (const [k, v] of Object.entries(target.stringData as Record<string, unknown>)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    if (!covers(data, live.data, 0)) return true;
  }
  const lm = (live.metadata ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(target.metadata ?? {})) {
    // Server-owned or empty fields the manifest may carry without meaning a change.
    if (SERVER_META.has(k) || (k === 'namespace' && v === '')) continue;
    if (!covers(v, lm[k], 0)) return true;
  }
  return false;
}

const SERVER_META = new Set(['creationTimestamp', 'resourceVersion', 'uid', 'generation', 'managedFields', 'selfLink']);

function isSecret(t: KubeObject): boolean {
  return t.kind === 'Secret' && t.apiVersion === 'v1';
}
function covers(want: unknown, have: unknown, depth: number): boolean {
  if (depth > 200) return true;
  if (want === null || want === undefined) return have === null || have === undefined || isEmpty(have);
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return want.length === 0 && (have === undefined || have === null);
    for (let i = 0; i < want.length; i++) if (!covers(want[i], have[i], depth + 1)) return false;
    return true;
  }
  if (typeof want === 'object') {
    if (have === null || have === undefined) return isEmpty(want);
    if (typeof have !== 'object' || Array.isArray(have)) return false;
    const h = have as Record<string, unknown>;
    for (const [k, v] of Object.entries(want as Record<string, unknown>)) if (!covers(v, h[k], depth + 1)) return false;
    return true;
  }
  return want === have;
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).every(isEmpty);
  return false;
}
