/**
 * Secret data never leaves the engine through provenance. A core Secret's `data` and `stringData` values are
 * masked outright; and because a replacement or var can copy Secret data into another object, any other value that
 * holds one of those values (as written, or base64-decoded) is masked too.
 */
import type { RenderedResource } from '../render/index.ts';
import { getPath } from './nodes.ts';

export const MASK = '********';

/** Values shorter than this are only masked on an exact match elsewhere (a Secret holding "1" must not hide every 1). */
const MIN_CONTAINED = 6;

export function isSecret(r: { id: { group: string; kind: string } }): boolean {
  return r.id.kind === 'Secret' && r.id.group === '';
}

/** Whether a JSON pointer inside a Secret names its data (or a value in it). */
export function isSecretDataPath(pointer: string): boolean {
  return pointer === '/data' || pointer === '/stringData' || pointer.startsWith('/data/') || pointer.startsWith('/stringData/');
}

/** The Secret values of one render, to recognise them wherever they were copied. */
export class SecretValues {
  private exact = new Set<string>();
  private long: string[] = [];

  static of(resources: readonly RenderedResource[]): SecretValues {
    const s = new SecretValues();
    for (const r of resources) {
      if (!isSecret(r)) continue;
      for (const key of ['data', 'stringData'] as const) {
        const m = getPath(r.node, key);
        if (!m || m.kind !== 'map') continue;
        for (const e of m.entries) {
          if (e.value.kind !== 'scalar' || e.value.value === '') continue;
          const raw = e.value.value;
          s.add(raw);
          s.add(raw.replace(/\s+/g, ''));
          if (key === 'data') {
            const decoded = Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('utf8');
            if (decoded) s.add(decoded);
          }
        }
      }
    }
    return s;
  }

  private add(v: string): void {
    if (!v || this.exact.has(v)) return;
    this.exact.add(v);
    if (v.length >= MIN_CONTAINED) this.long.push(v);
  }

  get empty(): boolean {
    return this.exact.size === 0;
  }

  /** Whether a rendered string holds Secret data. */
  holds(text: string): boolean {
    if (this.exact.has(text)) return true;
    for (const v of this.long) if (text.includes(v)) return true;
    return false;
  }
}

/** A value with every Secret-derived string replaced by the mask. */
export function maskCopied(v: unknown, secrets: SecretValues): unknown {
  if (secrets.empty) return v;
  if (typeof v === 'string') return secrets.holds(v) ? MASK : v;
  if (Array.isArray(v)) return v.map((x) => maskCopied(x, secrets));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = maskCopied(x, secrets);
    return o;
  }
  return v;
}

/** A Secret's data field (or its whole data map) with the values masked, keys kept. */
export function maskData(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[k] = MASK;
    return o;
  }
  return v === null ? null : MASK;
}
