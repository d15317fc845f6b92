/**
 * DIF-9: Secret normalisation (stringData folded into data) and masking. Masking is the only way Secret values
 * leave this module: every result built for a Secret goes through `maskSecrets` first.
 */
import { clone, isMap, type JsonMap } from './json.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const MASK = '++++++++';

export function isSecret(obj: unknown): boolean {
  if (!isMap(obj)) return false;
  const av = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  return obj.kind === 'Secret' && !av.includes('/');
}

function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** Folds `stringData` into `data` (base64 of strings, other values as they are) and turns null/empty values into "". */
export function normalizeSecret(obj: JsonMap | null | undefined): void {
  if (!obj || !isSecret(obj)) return;
  if (isMap(obj.stringData)) {
    const data: JsonMap = isMap(obj.data) ? obj.data : {};
    for (const [k, v] of Object.entries(obj.stringData)) data[k] = typeof v === 'string' ? base64(v) : v;
    obj.data = data;
    delete obj.stringData;
  } else if ('stringData' in obj && obj.stringData === null) {
    // A null stringData decodes to an empty map in Go: nothing to fold, and the field is dropped.
    delete obj.stringData;
  }
  if (isMap(obj.data)) {
    for (const [k, v] of Object.entries(obj.data)) if (v === null || v === '') obj.data[k] = '';
  }
}

export function lastAppliedOf(obj: JsonMap | null | undefined): JsonMap | undefined {
  const raw = isMap(obj?.metadata) && isMap((obj!.metadata as JsonMap).annotations)
    ? ((obj!.metadata as JsonMap).annotations as JsonMap)[LAST_APPLIED]
    : undefined;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return isMap(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function fieldMap(obj: JsonMap | undefined, fields: string[]): JsonMap | undefined | null {
  let cur: unknown = obj;
  for (const f of fields) {
    if (!isMap(cur)) return undefined;
    cur = cur[f];
  }
  if (cur === null) return null;
  return isMap(cur) ? cur : undefined;
}

function goText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/**
 * Replaces, key by key, each distinct value among the given objects with `++++++++`, then 12, 16, 20… plus signs, in
 * the order the objects are given: equal values share a mask, different values get masks of different lengths.
 */
function hide(objs: (JsonMap | undefined)[], keys: Iterable<string>, fields: string[]): void {
  for (const key of keys) {
    const seen = new Map<string, string>();
    let next = MASK;
    for (const obj of objs) {
      if (!obj) continue;
      const data = fieldMap(obj, fields);
      if (!data || !(key in data)) continue;
      const val = goText(data[key]);
      let m = seen.get(val);
      if (m === undefined) {
        m = next;
        next += '++++';
        seen.set(val, m);
      }
      data[key] = m;
    }
  }
}

export interface MaskedPair {
  target: JsonMap | null;
  live: JsonMap | null;
}

/**
 * HideSecretData over target, live, the target's last-applied and the live last-applied (in that order), plus the
 * sensitive annotations of argocd-cm. Returns masked copies; a non-Secret pair is returned as copies unchanged
 * except for sensitive annotations, which Argo CD only masks on Secrets too.
 */
export function maskSecretPair(target: JsonMap | null, live: JsonMap | null, sensitiveAnnotations: Set<string> = new Set()): MaskedPair {
  const t = target ? clone(target) : null;
  const l = live ? clone(live) : null;
  if (!(isSecret(t) || isSecret(l))) return { target: t, live: l };
  const tLast = t ? lastAppliedOf(t) : undefined;
  const lLast = l ? lastAppliedOf(l) : undefined;
  const objs = [t ?? undefined, l ?? undefined, tLast, lLast];
  const keys = new Set<string>();
  for (const o of objs) {
    if (!o) continue;
    normalizeSecret(o);
    const d = fieldMap(o, ['data']);
    if (d) for (const k of Object.keys(d)) keys.add(k);
  }
  hide(objs, keys, ['data']);
  hide(objs, sensitiveAnnotations, ['metadata', 'annotations']);
  // Malformed Secrets (data not a map, stringData left over) would otherwise carry values through unmasked.
  for (const o of objs) {
    if (!o) continue;
    if ('data' in o && o.data !== null && !isMap(o.data)) o.data = MASK;
    if ('stringData' in o) o.stringData = MASK;
  }
  for (const [obj, last] of [[t, tLast], [l, lLast]] as const) {
    const ann = obj && fieldMap(obj, ['metadata', 'annotations']);
    if (!obj || !ann || !(LAST_APPLIED in ann)) continue;
    // The annotation is re-serialised from the masked copy; one that does not parse, or is itself sensitive, is
    // replaced whole so that no stray plaintext survives inside it.
    ann[LAST_APPLIED] = last && !sensitiveAnnotations.has(LAST_APPLIED) ? JSON.stringify(last) : MASK;
  }
  return { target: t, live: l };
}

/** Masks a single object (a render, a prune candidate): the same as a pair with nothing on the other side. */
export function maskSecret(obj: JsonMap, sensitiveAnnotations?: Set<string>): JsonMap {
  return maskSecretPair(obj, null, sensitiveAnnotations).target!;
}
