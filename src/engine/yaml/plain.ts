import type { YNode } from './node.ts';

/**
 * The JSON value of a node as it reaches Argo CD, the sandbox and the diff (what the printed render parses back
 * to). FIRST CUT: the yaml agent makes it follow the exact output pipeline (timestamps, big ints, merge keys, …).
 */
export function toPlain(n: YNode): unknown {
  if (n.kind === 'scalar') {
    switch (n.tag) {
      case '!!null':
        return null;
      case '!!bool':
        return /^true$/i.test(n.value);
      case '!!int':
      case '!!float': {
        const v = Number(n.value.replace(/_/g, ''));
        return Number.isFinite(v) ? v : n.value;
      }
      default:
        return n.value;
    }
  }
  if (n.kind === 'seq') return n.items.map(toPlain);
  const o: Record<string, unknown> = {};
  for (const e of n.entries) o[e.key.value] = toPlain(e.value);
  return o;
}
