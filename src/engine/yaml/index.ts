/**
 * YAML in and out, as kustomize does it: parsing into node trees that carry provenance (file, line, column, and
 * the changes that touched each node), the plain JSON value of a tree, and printing byte-for-byte like
 * `kubectl kustomize`.
 */
export type { Loc, Change, NodeMeta, ScalarNode, ScalarStyle, ScalarTag, MapEntry, MapNode, SeqNode, YNode } from './node.ts';
export { parseYamlDocuments, type YDocument } from './parse.ts';
export { resolvePlainTag } from './resolve.ts';
export { emitDocuments } from './emit.ts';
export { toPlain } from './plain.ts';
