/**
 * Every kind of patch the product applies.
 *
 * kustomize flavour, on YAML node trees with provenance (used by render):
 *   - strategic merge patches exactly as kustomize v5.5.0 applies them (kyaml semantics): `kyamlMerge` for the raw
 *     merge, `applyStrategicMergePatch` for kustomize's per-resource rules (kind, name, namespace kept);
 *   - JSON 6902 patches: `parseJson6902` reads an operation list (JSON or YAML text), `applyJson6902` runs it;
 *   - `KustomizeSchema`: the merge metadata in effect (built-in v1.21.2, or a kustomization's `openapi:` document).
 * Every function takes a `PatchContext` saying which patch file it applies, and whether to record history.
 *
 * Kubernetes API flavour, on plain JSON (used by the sandbox and diff): `strategicMergePatch` (the API server's
 * strategic-merge-patch+json), `createTwoWayMergePatch` / `createThreeWayMergePatch` (kubectl apply, Argo CD's
 * three-way diff), `applyMergePatch` / `createMergePatch` / `createThreeWayMergePatchJson` (RFC 7386),
 * `applyJsonPatch` (RFC 6902). Merge metadata for server-side apply lives in `src/engine/kube/patch-meta.ts`.
 */
export { OP_JSON6902, OP_SMP, type PatchContext } from './context.ts';
export { KustomizeSchema, type MergeSchema } from './schema.ts';
export { kyamlMerge, type KyamlMergeOptions } from './kyaml-merge.ts';
export { applyStrategicMergePatch, type SmpResourceOptions } from './resource-smp.ts';
export { applyJson6902, parseJson6902, type Json6902Patch, type TextOrigin } from './json6902.ts';
export type { JsonPatchOp } from './json-patch-engine.ts';

// Kubernetes API flavour (plain JSON).
export {
  strategicMergePatch,
  strategicMergePatchUntyped,
  createTwoWayMergePatch,
  createThreeWayMergePatch,
  hasStrategicMergeMetadata,
  applyMergePatch,
  createMergePatch,
  createThreeWayMergePatchJson,
  applyJsonPatch,
  decodeJsonPatch,
  patchLookupFor,
  emptyPatchLookup,
  patchLookupAt,
  PatchError,
  type PatchLookup,
  type FieldPatchMeta,
  type Json,
  type JsonObject,
} from './api/index.ts';
