/**
 * The Kubernetes API flavour of every patch, on plain JSON objects: what the API server does with
 * `application/strategic-merge-patch+json`, `application/merge-patch+json` and `application/json-patch+json`, and
 * the patches kubectl apply and Argo CD's diff compute.
 */
import { formatApiVersion, type GVK } from '../../kube/index.ts';
import { PatchError, type Json, type JsonObject } from './go.ts';
import { emptyPatchLookup, patchLookupFor, type PatchLookup } from './lookup.ts';
import { APPLY, mergeMap } from './smp-merge.ts';
import { createThreeWayMergePatch as threeWaySmp, createTwoWayMergePatch as twoWaySmp } from './smp-diff.ts';
import { createThreeWayMergePatchJson } from './merge-patch.ts';

export { PatchError, type Json, type JsonObject } from './go.ts';
export { patchLookupFor, emptyPatchLookup, patchLookupAt, type PatchLookup, type FieldPatchMeta } from './lookup.ts';
export { applyMergePatch, createMergePatch, createThreeWayMergePatchJson } from './merge-patch.ts';
export { applyJsonPatch, decodeJsonPatch } from './json-patch.ts';

type KindRef = GVK | { apiVersion: string; kind: string };

function lookupOf(kind: KindRef | PatchLookup): PatchLookup {
  if ('lookupStruct' in kind) return kind;
  const l = patchLookupFor(kind);
  if (!l) {
    const apiVersion = 'apiVersion' in kind ? kind.apiVersion : formatApiVersion(kind.group, kind.version);
    throw new PatchError(`strategic merge patch is not supported for ${apiVersion}, Kind=${kind.kind}`, 'unsupported');
  }
  return l;
}

/** Whether strategic merge metadata exists for a kind (built-in kinds); others take JSON merge patches. */
export function hasStrategicMergeMetadata(kind: KindRef): boolean {
  return patchLookupFor(kind) !== undefined;
}

/**
 * Applies a strategic merge patch as the API server does. `kind` names a built-in kind (custom resources have no
 * strategic merge: PatchError 'unsupported', as the server answers 415) or is a lookup. Inputs are not changed.
 */
export function strategicMergePatch(original: unknown, patch: unknown, kind: KindRef | PatchLookup): JsonObject {
  const lookup = lookupOf(kind);
  if (original !== null && original !== undefined && (typeof original !== 'object' || Array.isArray(original))) {
    throw new PatchError('invalid JSON document', 'bad-document');
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new PatchError('invalid JSON document', 'bad-document');
  const o = structuredClone((original ?? {}) as JsonObject);
  const p = structuredClone(patch as JsonObject);
  return mergeMap(o, p, lookup, APPLY);
}

/** kubectl's two-way strategic merge patch from `original` to `modified`. */
export function createTwoWayMergePatch(original: unknown, modified: unknown, kind: KindRef | PatchLookup): JsonObject {
  return twoWaySmp(original, modified, lookupOf(kind));
}

/**
 * The three-way patch kubectl apply computes and Argo CD's diff applies (DIF-2): strategic for built-in kinds,
 * JSON merge for others (`type` tells which). original = last-applied configuration, modified = desired,
 * current = live.
 */
export function createThreeWayMergePatch(
  original: unknown,
  modified: unknown,
  current: unknown,
  kind: KindRef | PatchLookup,
): { type: 'strategic' | 'merge'; patch: JsonObject } {
  const lookup = 'lookupStruct' in kind ? kind : patchLookupFor(kind);
  if (!lookup) return { type: 'merge', patch: createThreeWayMergePatchJson(original, modified, current) };
  return { type: 'strategic', patch: threeWaySmp(original, modified, current, lookup) };
}

/** A strategic merge where nothing is known about the type: maps merge, lists are replaced. */
export function strategicMergePatchUntyped(original: unknown, patch: unknown): JsonObject {
  return strategicMergePatch(original, patch, emptyPatchLookup());
}

export type { Json as JsonValue };
