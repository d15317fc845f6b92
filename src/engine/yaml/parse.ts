import { LineCounter, parseAllDocuments, isAlias, isMap, isScalar, isSeq, type Node as YamlLibNode, type Document } from 'yaml';
import { GitOpsError } from '../errors/index.ts';
import type { Loc, MapNode, ScalarNode, ScalarStyle, SeqNode, YNode } from './node.ts';
import { resolvePlainTag } from './resolve.ts';

/** One document of a YAML stream; `node` is null for an empty document (`---` with nothing after it). */
export interface YDocument {
  node: YNode | null;
  /** Where the document starts. */
  start: Loc;
}

const STYLE: Record<string, ScalarStyle> = {
  PLAIN: 'plain',
  QUOTE_SINGLE: 'single',
  QUOTE_DOUBLE: 'double',
  BLOCK_LITERAL: 'literal',
  BLOCK_FOLDED: 'folded',
};

/** Maps the `yaml` library's long tag forms onto yaml.v3's short ones. */
function shortTag(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  if (tag.startsWith('tag:yaml.org,2002:')) return '!!' + tag.slice('tag:yaml.org,2002:'.length);
  return tag;
}

/**
 * Parses a YAML stream into node trees that remember the file, line and column of every node. Comments are dropped
 * (kustomize drops them too); anchors are expanded at each alias (each alias becomes its own copy, remembering the
 * anchor's location as its origin). Syntax errors and duplicate keys throw a GitOpsError naming the file and line.
 */
export function parseYamlDocuments(text: string, file: string): YDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, schema: 'failsafe', uniqueKeys: true, prettyErrors: false, strict: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const locAt = (offset: number): Loc => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const out: YDocument[] = [];
  for (const doc of list) {
    const problem = doc.errors[0];
    if (problem) {
      const at = problem.pos ? locAt(problem.pos[0]) : { file, line: 1, column: 1 };
      throw new GitOpsError(`invalid YAML: ${firstLine(problem.message)}`, at, 'yaml');
    }
    const contents = doc.contents as YamlLibNode | null;
    out.push({ node: contents ? convert(contents, doc, locAt, 0) : null, start: locAt(doc.range?.[0] ?? 0) });
  }
  return out;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function convert(node: YamlLibNode, doc: Document, locAt: (o: number) => Loc, depth: number): YNode {
  if (depth > 1000) throw new GitOpsError('YAML nesting is too deep', locAt(node.range?.[0] ?? 0), 'yaml');
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) throw new GitOpsError(`unknown anchor '${node.source}' referenced`, locAt(node.range?.[0] ?? 0), 'yaml');
    return convert(target as YamlLibNode, doc, locAt, depth + 1);
  }
  const origin = locAt(node.range?.[0] ?? 0);
  if (isScalar(node)) {
    const style = STYLE[node.type ?? 'PLAIN'] ?? 'plain';
    const value = String(node.value ?? '');
    const explicit = shortTag(node.tag);
    const tag = explicit && explicit !== '!' ? explicit : style === 'plain' ? resolvePlainTag(value) : '!!str';
    const s: ScalarNode = { kind: 'scalar', value, tag, style, origin };
    return s;
  }
  if (isMap(node)) {
    const m: MapNode = { kind: 'map', entries: [], origin };
    const t = shortTag(node.tag);
    if (t && t !== '!!map') m.tag = t;
    for (const pair of node.items) {
      const keyNode = pair.key as YamlLibNode | null;
      const key = keyNode
        ? convert(keyNode, doc, locAt, depth + 1)
        : ({ kind: 'scalar', value: '', tag: '!!null', style: 'plain', origin } as ScalarNode);
      if (key.kind !== 'scalar') throw new GitOpsError('a mapping key must be a scalar', key.origin ?? origin, 'yaml');
      const valueNode = pair.value as YamlLibNode | null;
      const value: YNode = valueNode
        ? convert(valueNode, doc, locAt, depth + 1)
        : { kind: 'scalar', value: '', tag: '!!null', style: 'plain', origin: key.origin };
      m.entries.push({ key, value });
    }
    return m;
  }
  if (isSeq(node)) {
    const s: SeqNode = { kind: 'seq', items: [], origin };
    const t = shortTag(node.tag);
    if (t && t !== '!!seq') s.tag = t;
    for (const item of node.items) {
      s.items.push(item ? convert(item as YamlLibNode, doc, locAt, depth + 1) : { kind: 'scalar', value: '', tag: '!!null', style: 'plain', origin });
    }
    return s;
  }
  throw new GitOpsError('unsupported YAML node', origin, 'yaml');
}
