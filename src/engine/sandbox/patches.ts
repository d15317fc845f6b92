/**
 * The patch types of the API: content types, and their application through the shared patch engine
 * (`src/engine/patch`) with the error answers of the API server: a malformed patch is 400 BadRequest, a JSON patch
 * that does not apply is 422, a strategic merge patch of a custom resource is 415.
 */
import { applyJsonPatch, applyMergePatch, decodeJsonPatch, PatchError, strategicMergePatch } from '../patch/index.ts';
import type { Json } from './json.ts';
import { ApiError, badRequest } from './status.ts';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

const MAX_JSON_PATCH_OPERATIONS = 10000;

function unprocessable(message: string): ApiError {
  return new ApiError({ code: 422, reason: 'Invalid', message });
}

/** Applies a JSON, merge or strategic patch to `doc` (a built-in kind's `apiVersion`/`kind` for strategic). */
export function applyPatch(type: Exclude<PatchType, 'apply'>, doc: Json, patch: unknown, kind: { apiVersion: string; kind: string }): Json {
  try {
    if (type === 'json') {
      let ops;
      try {
        ops = decodeJsonPatch(patch);
      } catch (e) {
        throw badRequest((e as Error).message);
      }
      if (ops.length > MAX_JSON_PATCH_OPERATIONS)
        throw new ApiError({ code: 413, reason: 'RequestEntityTooLarge', message: `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}` });
      try {
        return applyJsonPatch(doc, patch);
      } catch (e) {
        if (e instanceof PatchError) throw unprocessable(e.message);
        throw e;
      }
    }
    if (type === 'merge') return applyMergePatch(doc, patch);
    return strategicMergePatch(doc, patch, kind);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    if (e instanceof PatchError) {
      if (e.code === 'unsupported')
        throw new ApiError({
          code: 415,
          reason: 'UnsupportedMediaType',
          message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
        });
      if (/lists of lists|does not match retainKeys/.test(e.message)) throw unprocessable(e.message);
      throw badRequest(e.message);
    }
    throw e;
  }
}
