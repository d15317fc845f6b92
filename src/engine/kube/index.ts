/**
 * Kubernetes vocabulary shared by every engine folder: object types, group/version/kind helpers, object keys and
 * the table of built-in resource types.
 */
export type { KubeObject, ObjectMeta, OwnerReference, ManagedFieldsEntry, GVK, ObjectKey } from './types.ts';
export { parseApiVersion, formatApiVersion, gvkOf, objectKey, keyString, describeKey } from './gvk.ts';
export { BUILTIN_KINDS, builtinKind, builtinKindsNamed, isNamespaced, type BuiltinKind } from './builtin-kinds.ts';
export * as argocd from './argocd.ts';
export type { HookType, SyncPhase, HookDeletePolicy } from './argocd.ts';
export {
  patchMetaFor,
  patchMetaOfType,
  ssaListTypeAt,
  ssaListTypeInSchema,
  openApiDefinitions,
  knownKinds,
  rootTypeOf,
  typeMeta,
  PatchMetaNode,
  type FieldMeta,
  type ListType,
  type MapType,
  type SchemaView,
  type PatchTypeMeta,
} from './patch-meta.ts';
