/**
 * The read-only file views everything else reads the user's repo through: the working tree, the working tree under
 * unsaved editor buffers, and any git revision (read from the object database with isomorphic-git).
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { GitRevisionView, findRepo } from './git.ts';
import { OverlayView } from './overlay.ts';
import { WorktreeView } from './worktree.ts';
import { SourceError, type FileView } from './types.ts';

export type { FileView, DirEntry, EntryKind, SourceErrorCode } from './types.ts';
export { SourceError } from './types.ts';
export { WorktreeView } from './worktree.ts';
export { OverlayView } from './overlay.ts';
export {
  GitRevisionView,
  findRepo,
  resolveRevision,
  currentBranch,
  listRemotes,
  defaultBaseBranch,
  mergeBase,
  type RepoLocation,
} from './git.ts';
export { normalizeRel, joinRel, dirnameRel, basenameRel, compareBytes } from './paths.ts';

export interface OpenOptions {
  /** Read this git revision of the repository holding the path instead of the working tree. */
  rev?: string;
  /** Unsaved editor buffers (absolute or root-relative paths → text), laid over whichever view is opened. */
  buffers?: Map<string, string> | Record<string, string>;
}

export interface OpenedView {
  view: FileView;
  /** The path the caller asked for, relative to the view's root (POSIX). */
  rel: string;
}

/**
 * Opens the view that holds `path`: rooted at the repository's top level when `path` is inside one (so paths are the
 * same at every revision), else at `path` itself (or its folder, for a file).
 */
export async function openView(path: string, opts: OpenOptions = {}): Promise<OpenedView> {
  const abs = resolve(path);
  const repo = await findRepo(abs);
  let view: FileView;
  if (opts.rev !== undefined) {
    if (!repo) throw new SourceError('ENOREPO', '', `--rev ${opts.rev} needs a git repository, and ${path} is not in one`);
    view = await GitRevisionView.open(repo.dir, opts.rev);
  } else if (repo) {
    view = new WorktreeView(repo.dir);
  } else {
    let root = abs;
    try {
      if (!(await stat(abs)).isDirectory()) root = resolve(abs, '..');
    } catch {
      throw new SourceError('ENOENT', path, `${path}: no such file or directory`);
    }
    view = new WorktreeView(root);
  }
  if (opts.buffers) {
    const entries = opts.buffers instanceof Map ? [...opts.buffers] : Object.entries(opts.buffers);
    const rooted = new Map<string, string>();
    for (const [p, text] of entries) {
      const rel = isAbsolute(p) ? relative(view.root, p) : p;
      if (!rel.startsWith('..')) rooted.set(rel.split('\\').join('/'), text);
    }
    view = new OverlayView(view, rooted);
  }
  return { view, rel: relative(view.root, abs).split('\\').join('/') };
}
