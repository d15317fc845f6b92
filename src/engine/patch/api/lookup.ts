/**
 * Patch metadata lookups the way apimachinery's strategic merge asks for them (LookupPatchMeta): per field of the
 * current struct, its strategies and merge key, and the schema to descend with. Built-in kinds answer from the
 * merge metadata table (Kubernetes 1.32); fields the table does not describe behave as structs without metadata
 * (their maps merge, their lists are replaced), which is what the Go types give for every field the table leaves
 * out.
 */
import { formatApiVersion, patchMetaFor, type GVK, type PatchMetaNode } from '../../kube/index.ts';

export interface FieldPatchMeta {
  schema: PatchLookup;
  /** Patch strategies (`merge`, `retainKeys`, `replace`), empty when none. */
  strategies: string[];
  /** The merge key, '' when none. */
  mergeKey: string;
}

export interface PatchLookup {
  /** A field holding an object (or map) value. */
  lookupStruct(key: string): FieldPatchMeta;
  /** A field holding a list: the schema returned is the elements'. */
  lookupSlice(key: string): FieldPatchMeta;
  /** For messages ("cannot merge lists without merge key for struct"). */
  name(): string;
}

class TableLookup implements PatchLookup {
  constructor(private readonly node: PatchMetaNode | undefined) {}

  private meta(key: string): { child: PatchMetaNode | undefined; strategies: string[]; mergeKey: string } {
    const child = this.node?.field(key);
    const ps = child?.meta?.patchStrategy;
    return { child, strategies: ps ? ps.split(',') : [], mergeKey: child?.meta?.patchMergeKey ?? '' };
  }

  lookupStruct(key: string): FieldPatchMeta {
    const { child, strategies, mergeKey } = this.meta(key);
    return { schema: new TableLookup(child), strategies, mergeKey };
  }

  lookupSlice(key: string): FieldPatchMeta {
    const { child, strategies, mergeKey } = this.meta(key);
    return { schema: new TableLookup(child?.elements()), strategies, mergeKey };
  }

  name(): string {
    if (!this.node) return 'struct';
    return this.node.shape === 'map' ? 'map' : this.node.shape === 'list' ? 'slice' : 'struct';
  }
}

/** The lookup for a built-in kind (Kubernetes 1.32), or undefined for kinds the table does not know. */
export function patchLookupFor(gvk: GVK | { apiVersion: string; kind: string }): PatchLookup | undefined {
  const apiVersion = 'apiVersion' in gvk ? gvk.apiVersion : formatApiVersion(gvk.group, gvk.version);
  const node = patchMetaFor(apiVersion, gvk.kind, '1.32');
  return node ? new TableLookup(node) : undefined;
}

/** A lookup that knows nothing: maps merge, lists are replaced (what a struct without patch tags gives). */
export function emptyPatchLookup(): PatchLookup {
  return new TableLookup(undefined);
}

/** The lookup rooted at a node of the table (for callers that walk the table themselves). */
export function patchLookupAt(node: PatchMetaNode | undefined): PatchLookup {
  return new TableLookup(node);
}
