/**
 * Secret values never leave the sync: every message (API errors, health messages, events) is scrubbed of the
 * values of every Secret the plan touches, in their stored (base64) and decoded forms. Values shorter than four
 * characters are left alone: masking "a" or "1" would garble every message and hide nothing.
 */
import type { KubeObject } from '../kube/index.ts';
import { LAST_APPLIED_ANNOTATION } from '../cluster/index.ts';

export const SECRET_MASK = '********';
const MIN_LENGTH = 4;

function isSecret(o: KubeObject | undefined): boolean {
  return !!o && o.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === '/v1');
}

export class SecretScrubber {
  private values: string[] = [];
  private readonly seen = new Set<string>();

  add(o: KubeObject | undefined): void {
    if (!isSecret(o)) return;
    for (const field of ['data', 'stringData'] as const) {
      const m = o![field];
      if (!m || typeof m !== 'object') continue;
      for (const v of Object.values(m as Record<string, unknown>)) {
        if (typeof v !== 'string') continue;
        this.addValue(v);
        if (field === 'data') this.addValue(Buffer.from(v, 'base64').toString('utf8'));
        else this.addValue(Buffer.from(v, 'utf8').toString('base64'));
      }
    }
    // kubectl keeps the whole manifest in the last-applied annotation.
    const last = o!.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
    if (last) {
      try {
        this.add(JSON.parse(last) as KubeObject);
      } catch {
        /* not JSON: nothing to learn */
      }
    }
  }

  private addValue(v: string): void {
    for (const line of [v, ...v.split('\n')]) {
      const s = line.trim();
      if (s.length < MIN_LENGTH || this.seen.has(s)) continue;
      this.seen.add(s);
      this.values.push(s);
    }
    // Longest first, so a value that contains another is masked whole.
    this.values.sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    if (!text || this.values.length === 0) return text;
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(SECRET_MASK);
    return out;
  }
}
