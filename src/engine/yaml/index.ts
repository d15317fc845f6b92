/**
 * YAML in and out, as kustomize (v5.5.0) does it: parsing into node trees that carry provenance (file, line,
 * column, and the changes that touched each node), the plain JSON value of a tree, and printing byte-for-byte like
 * `kubectl kustomize`.
 *
 * Reading:
 * - `readResources(text, file)`: a file of resources (or a strategic-merge patch file) as kustomize's kio reader
 *   sees it: CRLF normalised, cut at `---` lines, empty/null documents dropped, aliases expanded and merge keys
 *   applied (with kyaml's quirks).
 * - `parseYamlDocuments(text, file)`: a YAML stream as yaml.v3 parses it (aliases expanded, `<<` kept).
 * - `toPlainV2(node)`: the sigs.k8s.io/yaml (YAML 1.1) reading kustomize uses for kustomization files and for
 *   JSON 6902 patches written in YAML.
 *
 * Writing:
 * - `emitDocuments(nodes)` / `emitDocumentsWithMap(nodes)`: kustomize's printed stream (and which node every
 *   printed line shows).
 * - `toPlain(node)`: the JSON value of what is printed (what Argo CD, the sandbox and the diff see).
 */
export type { Loc, Change, NodeMeta, ScalarNode, ScalarStyle, ScalarTag, MapEntry, MapNode, SeqNode, YNode } from './node.ts';
export { parseYamlDocuments, copyTree, type YDocument, type ParseOptions } from './parse.ts';
export { readResources } from './kio.ts';
export { resolvePlainTag, resolveV3, resolveV2, v2CanBePlain, type Resolved } from './resolve.ts';
export { emitDocuments, emitDocumentsWithMap, emitOutputValue, type LineInfo } from './emit.ts';
export { toPlain, fromOutput } from './plain.ts';
export { toPlainV2 } from './plainv2.ts';
export { toOutput, type OValue, type OMap, type OSeq, type OScalar } from './output.ts';
export { v2KeyLess, v2KeyOrder } from './keyorder.ts';
