/**
 * YAML in and out, as kustomize does it: parsing into node trees that carry provenance (file, line, column, and
 * the changes that touched each node), the plain JSON value of a tree, and printing byte-for-byte like
 * `kubectl kustomize`.
 */
export type { Loc, Change, NodeMeta, ScalarNode, ScalarStyle, ScalarTag, MapEntry, MapNode, SeqNode, YNode } from './node.ts';
export { parseYamlDocuments, type YDocument } from './parse.ts';
export { resolvePlainTag, resolveV3, resolveV2, v2CanBePlain, type Resolved } from './resolve.ts';
export { emitDocuments, emitDocumentsWithMap, emitOutputValue, type LineInfo } from './emit.ts';
export { toPlain, fromOutput } from './plain.ts';
export { toOutput, type OValue, type OMap, type OSeq, type OScalar } from './output.ts';
export { v2KeyLess, v2KeyOrder } from './keyorder.ts';
export { readResources } from './kio.ts';
export { toPlainV2 } from './plainv2.ts';
