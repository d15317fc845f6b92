/**
 * What a caller tells a patch function about the patch it applies, and the provenance bookkeeping every patch
 * kind shares: existing nodes a patch changes keep their origin and gain a history entry; nodes a patch brings in
 * keep their own origin (the patch file) and gain an 'added' entry.
 */
import type { Change, Loc, YNode } from '../yaml/index.ts';
import { forEachNode } from './nodes.ts';

export const OP_SMP = 'patch (strategic merge)';
export const OP_JSON6902 = 'patch (json6902)';

export interface PatchContext {
  /** Repo-relative POSIX path of the file the patch was written in (the kustomization for inline patches). */
  patchFile: string;
  /** Where the patch starts; used for changes whose patch node has no origin of its own. */
  patchLoc?: Loc;
  /** Record history entries on the nodes a patch touches (default true). Off is faster. */
  record?: boolean;
}

export function recording(ctx: PatchContext | undefined): boolean {
  return ctx !== undefined && ctx.record !== false;
}

/** The location to cite for a patch node: its own origin, else the patch's start, else the patch file. */
export function patchAt(ctx: PatchContext | undefined, n?: { origin?: Loc }): Loc | undefined {
  if (n?.origin) return n.origin;
  if (ctx?.patchLoc) return ctx.patchLoc;
  return ctx ? { file: ctx.patchFile, line: 1, column: 1 } : undefined;
}

export function addChange(n: YNode, change: Change): void {
  (n.history ??= []).push(change);
}

/**
 * Marks a subtree the patch brought in: every node keeps its origin (its place in the patch) and gets an 'added'
 * entry citing that place, or `at` for nodes without one.
 */
export function markAdded(n: YNode, op: string, at: Loc | undefined, skipRoot = false): void {
  forEachNode(n, (x) => {
    if (skipRoot && x === n) return;
    const last = x.history?.[x.history.length - 1];
    // Shared subtrees (kyaml aliases patch nodes) are marked once per step.
    if (last && last.op === op && last.detail === 'added') return;
    const where = x.origin ?? at;
    addChange(x, where ? { op, detail: 'added', at: where } : { op, detail: 'added' });
  });
}
