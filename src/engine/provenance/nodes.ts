/** Small read-only lookups on rendered node trees (the renderer's own helpers are private to it). */
import type { Loc, YNode } from '../yaml/index.ts';

export function get(n: YNode | undefined, key: string): YNode | undefined {
  if (!n || n.kind !== 'map') return undefined;
  for (const e of n.entries) if (e.key.value === key) return e.value;
  return undefined;
}

export function getPath(n: YNode | undefined, ...keys: string[]): YNode | undefined {
  let cur = n;
  for (const k of keys) cur = get(cur, k);
  return cur;
}

/** A scalar's text ('' for anything else or null). */
export function text(n: YNode | undefined): string {
  return n && n.kind === 'scalar' && n.tag !== '!!null' ? n.value : '';
}

export function sameLoc(a: Loc | undefined, b: Loc | undefined): boolean {
  return a === b || (!!a && !!b && a.file === b.file && a.line === b.line && a.column === b.column);
}

/** JSON pointer escaping of one segment (RFC 6901). */
export function escapeSegment(s: string): string {
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

export function unescapeSegment(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}
