/** A folder (an app's source or an overlay) rendered at two views and compared object by object. */
import type { FileView } from '../source/index.ts';
import { diffRenders, type RevisionDiffOptions } from './revision.ts';
import { renderFolder, type FolderRenderer } from './targets.ts';
import type { ObjectChange } from './types.ts';

export interface FolderRevisionInput {
  /** The older side (a git revision). */
  before: FileView;
  /** The newer side (working tree, with unsaved buffers when the editor asks). */
  after: FileView;
  /** The folder, relative to the views' root (both views share the repository root). */
  dir: string;
  render?: FolderRenderer;
  options?: RevisionDiffOptions;
}

/** A folder missing on one side counts as every object added or removed. */
export async function diffFolderRevisions(input: FolderRevisionInput): Promise<ObjectChange[]> {
  const render = input.render ?? renderFolder;
  const [a, b] = await Promise.all([render(input.before, input.dir), render(input.after, input.dir)]);
  return diffRenders(a ?? [], b ?? [], { fromLabel: sideLabel(input.before, 'before'), toLabel: sideLabel(input.after, 'worktree'), ...input.options });
}

function sideLabel(view: FileView, fallback: string): string {
  return view.commit ? view.commit.slice(0, 7) : fallback;
}
