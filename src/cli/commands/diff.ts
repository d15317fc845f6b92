/**
 * `gitops-sandbox diff`: what a change does, offline. The render of the working tree against a git revision
 * (HEAD, --rev, or the merge-base with --base), or against a live cluster (--cluster sandbox[:file], --context).
 * Exit codes: 0 no difference, 1 differences, 2 an error. Secret values are masked before anything is printed.
 */
import { basename, resolve } from 'node:path';
import { GitOpsError, isGitOpsError } from '../../engine/errors/index.ts';
import type { KubeObject } from '../../engine/kube/index.ts';
import {
  diffAppLive,
  diffFolderRevisions,
  diffAppsLive,
  diffAppsRevisions,
  cachedRenderer,
  folderRenderer,
  type KustomizeFolderRenderer,
  diffJson,
  diffMarkdown,
  diffText,
  findArgocdCm,
  hasChanges,
  kubeContextLiveSource,
  parseArgocdCm,
  readDirectorySource,
  staticLiveSource,
  sandboxStateLiveSource,
  defaultSystemSettings,
  type AppDiff,
  type LiveSource,
  type SystemSettings,
} from '../../engine/diff/index.ts';
import { defaultBaseBranch, findRepo, GitRevisionView, mergeBase, openView, resolveRevision, type FileView } from '../../engine/source/index.ts';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { cliRenderer } from './apps.ts';
import { render } from '../../engine/render/index.ts';
import type { KustomizeRenderer } from '../../engine/apps/index.ts';

const USAGE = `Usage: gitops-sandbox diff <dir> | --app <name> | --all [--rev <rev> | --base [<branch>]]
                           [--cluster sandbox[:<state-file>] | --context <name>] [--json | --markdown]

Without --cluster/--context: the render of the working tree against a git revision (HEAD by default).
  --rev <rev>        compare with this revision (branch, tag, commit, HEAD~2)
  --base [<branch>]  compare with the merge-base of HEAD and <branch> (default: the remote's default branch)
With --cluster/--context: the render (of the working tree, or of --rev) against live objects, as Argo CD compares.
  --cluster sandbox[:<file>]  the sandbox state in <file> (an empty sandbox without one)
  --context <name>            a kube context from your kubeconfig (read only)
  --app-name <name>           with <dir>: the Application name its objects are tracked by (default: the folder name),
                              as \`plan\` and \`sync\` take it
  --dest-namespace <ns>       with <dir>: spec.destination.namespace (default: default)
  --server-side-diff          compare as a controller with --server-side-diff-enabled: a server-side-apply dry-run
                              (of the sandbox, or of the context's API server) predicts live; an Application's
                              compare-options annotation ServerSideDiff=true/false still decides for that app.
                              Also on when the repo's argocd-cmd-params-cm sets controller.diff.server.side: "true"
Output: text (default), --json, or --markdown (a PR comment, at most 65,000 characters).
Exit code: 0 no difference, 1 differences, 2 an error.`;

interface Args {
  dir?: string;
  app?: string;
  all: boolean;
  rev?: string;
  base?: string | true;
  cluster?: string;
  context?: string;
  serverSideDiff: boolean;
  format: 'text' | 'json' | 'markdown';
  /** With <dir> against a cluster: the app's name for tracking and its destination namespace, as plan and sync take them. */
  appName?: string;
  destNamespace?: string;
}

function parseArgs(args: string[]): Args {
  const out: Args = { all: false, serverSideDiff: false, format: 'text' };
  const value = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const take = () => (inline !== undefined ? inline : value(i++, flag));
    switch (flag) {
      case '--app': out.app = take(); break;
      case '--all': out.all = true; break;
      case '--rev': out.rev = take(); break;
      case '--base':
        if (inline !== undefined) out.base = inline;
        else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) out.base = args[++i]!;
        else out.base = true;
        break;
      case '--cluster': out.cluster = take(); break;
      case '--context': out.context = take(); break;
      case '--server-side-diff': out.serverSideDiff = true; break;
      case '--app-name': out.appName = take(); break;
      case '--dest-namespace': out.destNamespace = take(); break;
      case '--json': out.format = 'json'; break;
      case '--markdown': out.format = 'markdown'; break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (out.dir !== undefined) throw new UsageError('expected one directory');
        out.dir = a;
    }
  }
  const targets = [out.dir !== undefined, out.app !== undefined, out.all].filter(Boolean).length;
  if (targets === 0) throw new UsageError('expected a directory, --app <name> or --all');
  if (targets > 1) throw new UsageError('give one of a directory, --app or --all');
  if (out.rev !== undefined && out.base !== undefined) throw new UsageError('give --rev or --base, not both');
  if (out.cluster !== undefined && out.context !== undefined) throw new UsageError('give --cluster or --context, not both');
  if ((out.appName !== undefined || out.destNamespace !== undefined) && (out.dir === undefined || (out.cluster === undefined && out.context === undefined))) {
    throw new UsageError('--app-name and --dest-namespace go with <dir> and --cluster or --context');
  }
  if (out.serverSideDiff && out.cluster === undefined && out.context === undefined) throw new UsageError('--server-side-diff compares with a cluster: give --cluster or --context');
  if (out.cluster !== undefined && out.cluster !== 'sandbox' && !out.cluster.startsWith('sandbox:')) {
    throw new UsageError(`--cluster must be sandbox or sandbox:<state-file>, not ${out.cluster}`);
  }
  return out;
}

interface ControllerSettings {
  system: SystemSettings;
  /** argocd-cmd-params-cm `controller.diff.server.side: "true"` (DIF-4), when the repo has one. */
  serverSideDiff: boolean;
}

async function systemSettings(view: FileView): Promise<ControllerSettings> {
  // argocd-cm (and argocd-cmd-params-cm) are looked for where deploy repos keep them: the repo root and an argocd/ folder.
  let system: SystemSettings | undefined;
  let serverSideDiff: boolean | undefined;
  for (const dir of ['', 'argocd', 'argo-cd', 'bootstrap']) {
    if ((await view.stat(dir || '')) !== 'dir') continue;
    let objects: KubeObject[] = [];
    try {
      objects = await readDirectorySource(view, dir);
    } catch {
      continue;
    }
    const cm = system ? undefined : findArgocdCm(objects);
    if (cm) system = parseArgocdCm(cm.data as Record<string, unknown> | undefined, `${dir ? dir + '/' : ''}argocd-cm`);
    const params = objects.find((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1' && o.metadata?.name === 'argocd-cmd-params-cm');
    if (params && serverSideDiff === undefined) serverSideDiff = String((params.data as Record<string, unknown> | undefined)?.['controller.diff.server.side'] ?? '').trim() === 'true';
  }
  return { system: system ?? defaultSystemSettings(), serverSideDiff: serverSideDiff ?? false };
}

async function sandboxSource(spec: string, cwd: string): Promise<LiveSource> {
  if (spec === 'sandbox') return staticLiveSource([], 'empty sandbox');
  const file = spec.slice('sandbox:'.length);
  return sandboxStateLiveSource(resolve(cwd, file), `sandbox ${file}`);
}

/**
 * The project's kustomize renderer, as the apps engine wants it (unless the apps command injects its own), behind
 * the replay cache: an app whose files are the same at both revisions is rendered once.
 */
const projectRenderer: KustomizeRenderer = async (view, dir) => (await render(view, dir)).resources.map((r) => ({ object: r.object, file: r.source }));
let cached: KustomizeRenderer | undefined;

/** One cache per process: `cliRenderer()` hands out a new (equivalent) function on every call. */
function appsRenderer(): KustomizeRenderer {
  cached ??= cachedRenderer(cliRenderer() ?? projectRenderer);
  return cached;
}

function kustomizeRenderer(): KustomizeFolderRenderer {
  const r = appsRenderer();
  return async (view, dir) => r(view, dir);
}

async function run(args: Args, io: CliIO, errors: string[], notes: string[]): Promise<AppDiff[]> {
  const path = resolve(io.cwd, args.dir ?? '.');
  const repo = await findRepo(path);
  const { view: worktree, rel } = await openView(path);
  const live = args.cluster !== undefined || args.context !== undefined;
  let before: FileView | undefined;
  let desiredView: FileView = worktree;
  if (!live || args.rev !== undefined) {
    if (!repo) throw new GitOpsError(`${args.dir ?? '.'} is not in a git repository: nothing to compare with`, { file: args.dir ?? '.' }, 'no-repo');
    let rev = args.rev ?? 'HEAD';
    if (args.base !== undefined) {
      const branch = args.base === true ? await defaultBaseBranch(repo.dir) : args.base;
      if (!branch) throw new GitOpsError('--base: no default branch found (no origin/HEAD, main or master); name one', undefined, 'no-base');
      rev = await mergeBase(repo.dir, 'HEAD', branch);
    }
    const revView = await revisionView(repo.dir, rev);
    if (live) desiredView = revView;
    else before = revView;
  }
  const { system, serverSideDiff } = await systemSettings(worktree);
  const ssd = args.serverSideDiff || serverSideDiff;
  const render = folderRenderer(kustomizeRenderer());
  if (args.dir !== undefined) {
    const name = args.appName ?? (basename(path) || 'root');
    if (!live) {
      const objects = await diffFolderRevisions({ before: before!, after: worktree, dir: rel, render, options: { sensitiveAnnotations: system.sensitiveAnnotations } });
      return [{ name, path: rel || '.', objects, warnings: [] }];
    }
    const source = await liveSource(args, io);
    const targets = (await render(desiredView, rel)) ?? [];
    const r = await diffAppLive({ name, destNamespace: args.destNamespace ?? 'default' }, targets, source, { system, serverSideDiff: ssd });
    return [{ ...r, path: rel || '.' }];
  }
  if (args.app !== undefined || args.all) {
    const r = live
      ? await diffAppsLive({ view: desiredView, source: await liveSource(args, io), renderer: appsRenderer(), app: args.app, system, serverSideDiff: ssd })
      : await diffAppsRevisions({ before: before!, after: worktree, renderer: appsRenderer(), app: args.app, system });
    if (args.app !== undefined && !r.apps.length && !r.errors.length) throw new GitOpsError(`--app ${args.app}: no Application or Kustomization with that name in the repo`, undefined, 'no-app');
    errors.push(...r.errors);
    notes.push(...r.notes);
    return r.apps;
  }
  return [];
}

/** A commit never changes: its view (and the trees it has read) is kept for later diffs in the same process. */
const revisionViews = new Map<string, GitRevisionView>();
async function revisionView(repoDir: string, rev: string): Promise<GitRevisionView> {
  const commit = await resolveRevision(repoDir, rev);
  const key = `${repoDir}\0${commit}`;
  let v = revisionViews.get(key);
  if (!v) {
    v = await GitRevisionView.open(repoDir, commit);
    if (revisionViews.size >= 8) revisionViews.delete(revisionViews.keys().next().value!);
    revisionViews.set(key, v);
  }
  return v;
}

async function liveSource(args: Args, io: CliIO): Promise<LiveSource> {
  return args.context !== undefined ? kubeContextLiveSource(args.context) : sandboxSource(args.cluster!, io.cwd);
}

export const diff: Command = {
  name: 'diff',
  summary: 'what a change does: the render against a git revision or a live cluster, as Argo CD compares, Secrets masked',
  usage: USAGE,
  async run(argv, io) {
    let args: Args;
    try {
      args = parseArgs(argv);
    } catch (e) {
      io.err(`gitops-sandbox diff: ${(e as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    let results: AppDiff[];
    const errors: string[] = [];
    const notes: string[] = [];
    try {
      results = await run(args, io, errors, notes);
    } catch (e) {
      // Exit 2 for every failure (1 means "differences"); located errors keep their file:line:column.
      if (isGitOpsError(e)) io.err(`${e.toString()}\n`);
      else if ((e as Error)?.name === 'SourceError') io.err(`${(e as Error).message}\n`);
      else {
        io.err(`gitops-sandbox diff: internal error: ${(e as Error)?.message ?? String(e)}\n`);
        if (process.env.GITOPS_SANDBOX_DEBUG) io.err(`${(e as Error)?.stack ?? ''}\n`);
      }
      return 2;
    }
    if (args.format === 'json') io.out(JSON.stringify(diffJson(results), null, 2) + '\n');
    else if (args.format === 'markdown') io.out(diffMarkdown(results));
    else io.out(results.length ? diffText(results, { color: io.isTTY }) : 'No apps to diff.\n');
    // Notes (apps left out on purpose) go to stderr so that --json and --markdown stay clean.
    for (const n of notes) io.err(`note: ${n}\n`);
    // Apps that could not be rendered make the whole answer incomplete: say which, and exit 2.
    for (const e of errors) io.err(`${e}\n`);
    if (errors.length) return 2;
    return results.some(hasChanges) ? 1 : 0;
  },
};
