import type { YNode } from './node.ts';

/**
 * Prints documents as `kubectl kustomize` does. FIRST CUT (keys sorted, simple quoting): the yaml agent replaces this
 * with the exact pipeline (yaml.v3 decode → JSON → yaml.v2 encode: styles, folding at 80 columns, key order).
 */
export function emitDocuments(docs: YNode[]): string {
  return docs.map((d) => emitNode(d, 0, false)).join('---\n');
}

function scalarText(n: YNode & { kind: 'scalar' }): string {
  if (n.tag === '!!null') return 'null';
  if (n.tag !== '!!str') return n.value;
  if (n.value.includes('\n')) return JSON.stringify(n.value);
  if (n.value === '' || /^[\s\-?:,\[\]{}#&*!|>'"%@`]|[:#]\s|\s$|^(true|false|null|yes|no|on|off|y|n|~|[-+.\d].*)$/i.test(n.value)) return JSON.stringify(n.value);
  return n.value;
}

function emitNode(n: YNode, indent: number, inSeq: boolean): string {
  const pad = ' '.repeat(indent);
  if (n.kind === 'scalar') return scalarText(n) + '\n';
  if (n.kind === 'map') {
    if (!n.entries.length) return '{}\n';
    const entries = [...n.entries].sort((a, b) => (a.key.value < b.key.value ? -1 : a.key.value > b.key.value ? 1 : 0));
    let out = '';
    entries.forEach((e, i) => {
      const p = i === 0 && inSeq ? '' : pad;
      const v = e.value;
      if (v.kind === 'scalar' || (v.kind === 'map' && !v.entries.length) || (v.kind === 'seq' && !v.items.length)) {
        out += `${p}${e.key.value}: ${v.kind === 'scalar' ? scalarText(v) + '\n' : v.kind === 'map' ? '{}\n' : '[]\n'}`;
      } else if (v.kind === 'map') {
        out += `${p}${e.key.value}:\n${emitNode(v, indent + 2, false)}`;
      } else {
        out += `${p}${e.key.value}:\n${emitNode(v, indent, false)}`;
      }
    });
    return out;
  }
  if (!n.items.length) return '[]\n';
  return n.items.map((it) => `${pad}- ${emitNode(it, indent + 2, true).replace(/^\s+/, '')}`).join('');
}
