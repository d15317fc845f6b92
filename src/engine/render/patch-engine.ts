/**
 * The one place the renderer calls the patch engine (src/engine/patch: kyaml's strategic merge and JSON 6902 on
 * node trees, with provenance). Choosing targets, loading patch files and kustomize's bookkeeping around a patch
 * live in patches.ts.
 */
import {
  applyJson6902 as runJson6902,
  applyStrategicMergePatch,
  KustomizeSchema,
  parseJson6902,
  type Json6902Patch,
  type PatchContext,
  type TextOrigin,
} from '../patch/index.ts';
import type { Loc, MapNode } from '../yaml/index.ts';
import type { Recorder } from './tree.ts';

export { KustomizeSchema, parseJson6902, type Json6902Patch, type TextOrigin };

export interface PatchCall {
  rec: Recorder;
  /** The file the patch was written in (the kustomization for inline patches) and where it starts. */
  file: string;
  at?: Loc;
  schema: KustomizeSchema;
}

function context(c: PatchCall): PatchContext {
  return { patchFile: c.file, patchLoc: c.at, record: c.rec.enabled };
}

/**
 * Applies a strategic merge patch to an object in place, keeping its kind and name (unless allowed to change) and
 * its namespace, as kustomize does. Returns false when the patch deleted the object.
 */
export function strategicMerge(target: MapNode, patch: MapNode, c: PatchCall, opts: { allowNameChange: boolean; allowKindChange: boolean }): boolean {
  const out = applyStrategicMergePatch(target, patch, { schema: c.schema, ctx: context(c), allowNameChange: opts.allowNameChange, allowKindChange: opts.allowKindChange });
  return out !== null;
}

/** Applies JSON 6902 operations to an object in place. */
export function json6902(target: MapNode, patch: Json6902Patch, c: PatchCall): void {
  runJson6902(target, patch, context(c));
}
