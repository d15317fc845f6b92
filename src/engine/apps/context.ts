import type { FileView } from '../source/index.ts';
import { currentBranch as readBranch, defaultBaseBranch, listRemotes } from '../source/index.ts';
import type { RepoIndex } from './scan.ts';
import type { AppError, AppsOptions, ClusterInput, KustomizeRenderer } from './types.ts';

/** What every step of discovery needs to know about the repository and the run. */
export interface RepoContext {
  view: FileView;
  index: RepoIndex;
  remotes: string[];
  currentBranch?: string;
  defaultBranch?: string;
  rev?: string;
  argocdNamespace: string;
  renderer?: KustomizeRenderer;
  strictSubstitution: boolean;
  clusters: ClusterInput[];
  errors: AppError[];
  /** False when only discovery is wanted (no render, so no app-of-apps children). */
  renderEnabled: boolean;
}

/** Remotes and branches of the repository holding the view; a view outside any repository has none. */
export async function repoFacts(view: FileView, opts: AppsOptions): Promise<{ remotes: string[]; currentBranch?: string; defaultBranch?: string }> {
  let remoteList: { remote: string; url: string }[] = [];
  try {
    remoteList = await listRemotes(view.root);
  } catch {
    remoteList = [];
  }
  const remotes = opts.remotes ?? remoteList.map((r) => r.url);
  let branch = opts.currentBranch;
  if (branch === undefined && opts.rev === undefined) {
    try {
      branch = await readBranch(view.root);
    } catch {
      branch = undefined;
    }
  }
  let def: string | undefined;
  try {
    def = await defaultBaseBranch(view.root);
  } catch {
    def = undefined;
  }
  // `origin/main` → `main`: the branch name is what targetRevision would say.
  const owner = def && remoteList.find((r) => def!.startsWith(r.remote + '/'));
  if (def && owner) def = def.slice(owner.remote.length + 1);
  return { remotes, currentBranch: branch, defaultBranch: def };
}

/**
 * A note when an app targets a revision other than what is being read: the preview always shows the view (working
 * tree, buffers or `--rev`), which is the point of previewing a branch, but the user should know the controller
 * would read something else today.
 */
export function revisionNote(targetRevision: string, ctx: Pick<RepoContext, 'currentBranch' | 'defaultBranch' | 'rev'>): string | undefined {
  const shown = ctx.rev !== undefined ? `revision ${ctx.rev}` : ctx.currentBranch ? `branch ${ctx.currentBranch}` : 'the working tree';
  const t = targetRevision.trim();
  if (t === '' || t === 'HEAD') {
    if (ctx.rev !== undefined) {
      const isDefault = ctx.rev === 'HEAD' || (!!ctx.defaultBranch && ctx.rev.replace(/^refs\/heads\//, '') === ctx.defaultBranch);
      return isDefault ? undefined : `targets HEAD (${ctx.defaultBranch ?? 'the default branch'}); showing ${shown}`;
    }
    if (!ctx.currentBranch || !ctx.defaultBranch || ctx.currentBranch === ctx.defaultBranch) return undefined;
    return `targets HEAD (${ctx.defaultBranch}); showing ${shown}`;
  }
  const bare = t.replace(/^refs\/heads\//, '');
  if (ctx.rev !== undefined && (bare === ctx.rev || t === ctx.rev)) return undefined;
  if (ctx.rev === undefined && ctx.currentBranch && bare === ctx.currentBranch) return undefined;
  return `targets ${t}; showing ${shown}`;
}
