/**
 * The engine as the extension sees it: one facade over the engine folders' public surfaces, bundled on its own
 * (dist/engine.cjs) and loaded by the glue on first use, so activation never pays for it. No `vscode` import: paths
 * in and out are absolute, lines and columns 1-based, and nothing that leaves here carries a Secret value unmasked.
 */
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isGitOpsError } from '../../engine/errors/index.ts';
import { GitRevisionView, SourceError, defaultBaseBranch, findRepo, mergeBase, openView, resolveRevision } from '../../engine/source/index.ts';
import { diffAppsRevisions, diffMarkdown, hasChanges } from '../../engine/diff/index.ts';
import { parseYamlDocuments } from '../../engine/yaml/index.ts';
import type { KubeObject } from '../../engine/kube/index.ts';
import { planSync, type PlanApp } from '../../engine/plan/index.ts';
import { FEATURES, MISSING_REASON, type Feature } from './features.ts';
import { maskSecretPair, maskSecrets } from './mask.ts';
import { planView, type PlanView, type SourceLink } from './plan-view.ts';
import { fieldAtLine, fieldsFromLine, relatedLines, type AffectedField, type FieldProvenance } from './provenance-view.ts';
import { emitDocumentsWithMap, type LineInfo, type YNode } from '../../engine/yaml/index.ts';
import { Renderer, findKustomizations } from '../../engine/render/index.ts';
import { discoverApps, findApps, type AppEntry, type AppsResult, type KustomizeRenderer } from '../../engine/apps/index.ts';
import { fromJSON, marshalYAML } from '../../engine/apps/gotemplate/index.ts';
import { GitOpsError } from '../../engine/errors/index.ts';
import { appsTreeData, type AppsTreeData, type AppNode } from './apps-view.ts';

export { FEATURES, MISSING_REASON, maskSecretPair, maskSecrets };
export type { Feature, PlanView, SourceLink, FieldProvenance, AffectedField, AppsTreeData, AppNode, PlanApp };

/** A problem to show in the editor, located in a file on disk. */
export interface Problem {
  message: string;
  /** Absolute path; absent when the engine could not say which file. */
  file?: string;
  /** 1-based. */
  line?: number;
  column?: number;
  severity: 'error' | 'warning' | 'info';
  /** What found it: 'yaml', 'render', 'apps', 'plan'. */
  source: string;
  code?: string;
}

export type RenderTarget = { kind: 'overlay'; dir: string } | { kind: 'app'; repo: string; name: string };

export interface KustomizeOptions {
  loadRestrictor: 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';
  enableHelm: boolean;
  helmCommand: string;
}

export interface RenderOptions {
  /** A git revision; absent for the working tree. */
  rev?: string;
  /** Unsaved editor buffers, absolute path → text. */
  buffers?: Map<string, string>;
  kustomize?: Partial<KustomizeOptions>;
  /** An untrusted workspace renders but runs no external program (helm, plugins). */
  trusted?: boolean;
  signal?: AbortSignal;
  /** The editor view this render is for: its provenance is kept so hovers on that view can be answered. */
  viewId?: string;
  /** Record provenance (default: when rendering for a view). */
  provenance?: boolean;
}

export type RenderResult =
  | { ok: true; text: string; objects: number; viewLabel: string; ms: number; warnings?: Problem[] }
  | { ok: false; problem: Problem; ms: number; unavailable?: Feature };

/** Thrown (and turned into a Problem) when a feature's engine piece is not in this build. */
class Unavailable extends Error {
  constructor(readonly feature: Feature) {
    super(MISSING_REASON[feature]);
  }
}

/** Turns whatever an engine call threw into a located problem; anything unexpected keeps its message, not a stack. */
export function toProblem(err: unknown, root: string | undefined, source: string, fallbackFile?: string): Problem {
  if (isGitOpsError(err)) {
    const loc = err.location;
    const file = loc?.file ? (isAbsolute(loc.file) || !root ? loc.file : join(root, loc.file)) : fallbackFile;
    return { message: err.message, file, line: loc?.line, column: loc?.column, severity: 'error', source, code: err.code };
  }
  if (err instanceof SourceError) {
    const file = err.path && root ? join(root, err.path) : fallbackFile;
    return { message: err.message, file, severity: 'error', source, code: err.code };
  }
  if (err instanceof Unavailable) return { message: err.message, file: fallbackFile, severity: 'info', source, code: 'unavailable' };
  const message = err instanceof Error ? `internal error: ${err.message}` : `internal error: ${String(err)}`;
  return { message, file: fallbackFile, severity: 'error', source, code: 'internal' };
}

/** YAML syntax problems of one file's text, located as the renderer would report them. */
export function yamlProblems(text: string, absFile: string): Problem[] {
  try {
    parseYamlDocuments(text, absFile);
    return [];
  } catch (err) {
    return [toProblem(err, undefined, 'yaml', absFile)];
  }
}

export async function repoRoot(path: string): Promise<string | undefined> {
  return (await findRepo(path))?.dir;
}

/** The revision "Diff vs base" compares with: the merge-base of HEAD and the base branch. */
export async function baseRevision(anyPath: string, configured: string): Promise<{ rev: string; label: string }> {
  const repo = await findRepo(anyPath);
  if (!repo) throw new Error(`${anyPath} is not inside a git repository`);
  const branch = configured.trim() || (await defaultBaseBranch(repo.dir));
  if (!branch) throw new Error('no base branch: set gitopsSandbox.baseBranch (no origin/HEAD, main or master found)');
  const base = await mergeBase(repo.dir, 'HEAD', branch);
  return { rev: base, label: `merge-base with ${branch} (${base.slice(0, 7)})` };
}

/** A revision's commit id, so a view of it stays the same while HEAD moves. */
export async function commitOf(anyPath: string, rev: string): Promise<string> {
  const repo = await findRepo(anyPath);
  if (!repo) throw new Error(`${anyPath} is not inside a git repository`);
  return resolveRevision(repo.dir, rev);
}

interface RawRender {
  text: string;
  objects: number;
  label: string;
  root: string;
  /** The rendered objects and where each was written (absolute path, 1-based line). */
  resources: { object: KubeObject; source?: SourceLink }[];
  /** The documents' node trees (origin and history per node) and the printed text's line map, for provenance. */
  nodes?: YNode[];
  lines?: LineInfo[];
  /** kustomize's warnings, and the kustomization file they belong to. */
  warnings?: string[];
  kustomizationFile?: string;
}

/** One renderer for the session: its parse caches are keyed on file content, so a keystroke re-parses one file. */
const renderer = new Renderer();

function originOf(node: YNode, root: string): SourceLink | undefined {
  const o = node.origin;
  return o?.file ? { file: isAbsolute(o.file) ? o.file : join(root, o.file), line: o.line } : undefined;
}

async function renderOverlayText(dir: string, opts: RenderOptions): Promise<RawRender> {
  const { view, rel } = await openView(dir, { rev: opts.rev, buffers: opts.buffers });
  // Provenance is recorded for views (hovers) and reverse lookups; it never changes the bytes.
  const provenance = opts.provenance ?? opts.viewId !== undefined;
  // helm is an external program: run only when the user turned it on and the workspace is trusted.
  const helm = opts.trusted === true && opts.kustomize?.enableHelm === true;
  const r = await renderer.render(view, rel, { provenance, enableHelm: helm, helmCommand: helm ? opts.kustomize?.helmCommand : undefined });
  const nodes = r.resources.map((x) => x.node as YNode);
  const lines = provenance ? emitDocumentsWithMap(nodes).lines : undefined;
  return {
    text: r.text,
    objects: r.resources.length,
    label: view.label,
    root: view.root,
    resources: r.resources.map((x) => ({ object: x.object, source: originOf(x.node, view.root) })),
    nodes,
    ...(lines ? { lines } : {}),
    warnings: r.warnings,
    kustomizationFile: join(view.root, r.kustomizationFile),
  };
}

async function rawRender(target: RenderTarget, opts: RenderOptions): Promise<RawRender> {
  if (target.kind === 'app') return renderAppText(target, opts);
  return renderOverlayText(target.dir, opts);
}

/** The kustomize renderer the apps engine renders kustomize sources with; directory sources need none. */
function kustomizeRenderer(): KustomizeRenderer {
  return async (view, dir) => {
    const r = await renderer.render(view, dir);
    return r.resources.map((x) => ({ object: x.object, file: x.node.origin?.file, line: x.node.origin?.line, column: x.node.origin?.column }));
  };
}

async function discover(anyPath: string, opts: RenderOptions): Promise<{ result: AppsResult; root: string; label: string }> {
  const { view } = await openView(anyPath, { rev: opts.rev, buffers: opts.buffers });
  const result = await discoverApps(view, { renderer: kustomizeRenderer(), rev: opts.rev, render: true });
  return { result, root: view.root, label: view.label };
}

/** The app a target names: by id, `namespace/name` or name; else the apps an ApplicationSet of that name generates. */
function appsNamed(result: AppsResult, name: string): AppEntry[] {
  const direct = findApps(result, name);
  if (direct.length) return direct.slice(0, 1);
  return result.apps.filter((a) => a.generatedBy === name);
}

function appFailure(a: AppEntry): Error {
  if (a.external) return new GitOpsError(`${a.name} is not rendered: ${a.externalReason ?? 'its source is another repository'}`, a.definedIn, 'apps');
  const e = a.render?.error;
  if (e) return new GitOpsError(e.message, { file: e.file, line: e.line, column: e.column }, 'apps');
  return new GitOpsError(`${a.name} is not rendered: ${a.render?.warnings.at(-1) ?? 'unknown reason'}`, a.definedIn, 'apps');
}

async function renderAppText(target: Extract<RenderTarget, { kind: 'app' }>, opts: RenderOptions): Promise<RawRender> {
  const { result, root, label } = await discover(target.repo, opts);
  const apps = appsNamed(result, target.name);
  if (!apps.length) throw new GitOpsError(`no Application, ApplicationSet or Flux Kustomization named ${target.name} in ${label}`, undefined, 'apps');
  const texts: string[] = [];
  const resources: RawRender['resources'] = [];
  for (const a of apps) {
    if (!a.render?.ok) throw appFailure(a);
    const docs = a.render.objects.map((o) => marshalYAML(fromJSON(o)));
    // An ApplicationSet's apps one after the other, each introduced by a comment naming it.
    texts.push(apps.length > 1 ? `# ${a.kind} ${a.name}\n${docs.join('---\n')}` : docs.join('---\n'));
    a.render.objects.forEach((object, i) => {
      const at = a.render!.origins[i];
      resources.push({ object, source: at ? { file: join(root, at.file), line: at.line } : undefined });
    });
  }
  return { text: texts.join('---\n'), objects: resources.length, label, root, resources };
}

/** Every app of the repository holding `anyPath`, for the Applications view (working tree under the buffers). */
export async function listApps(anyPath: string, opts: RenderOptions = {}): Promise<AppsTreeData> {
  const { result, root } = await discover(anyPath, opts);
  return appsTreeData(result, root, resolve(anyPath));
}

async function failure(err: unknown, target: RenderTarget, opts: RenderOptions, t0: number): Promise<RenderResult> {
  const fallbackFile = target.kind === 'overlay' ? await kustomizationFile(target.dir, opts) : undefined;
  const root = (await findRepo(target.kind === 'overlay' ? target.dir : target.repo))?.dir;
  const problem = toProblem(err, root, 'render', fallbackFile);
  return { ok: false, problem, ms: performance.now() - t0, unavailable: err instanceof Unavailable ? err.feature : undefined };
}

/** Renders an overlay (or an app) from the working tree under the buffers, or at a revision. Never throws. */
export async function render(target: RenderTarget, opts: RenderOptions = {}): Promise<RenderResult> {
  const t0 = performance.now();
  try {
    const r = await rawRender(target, opts);
    if (opts.viewId && r.nodes && r.lines) rememberView(opts.viewId, { nodes: r.nodes, lines: r.lines, root: r.root });
    return { ok: true, text: maskSecrets(r.text), objects: r.objects, viewLabel: r.label, ms: performance.now() - t0, warnings: warningsOf(r) };
  } catch (err) {
    return failure(err, target, opts, t0);
  }
}

/** Renders at a commit are immutable: keep a few, unmasked, inside the engine side only. */
const revisionRenders = new Map<string, RawRender>();

/**
 * Both sides of a diff: `rev` (a commit id) on the left, the working tree under the buffers on the right, their
 * Secret values masked as a pair so that a changed value shows as a changed mask.
 */
export async function renderPair(
  target: RenderTarget,
  rev: string,
  opts: RenderOptions = {},
): Promise<{ left: RenderResult; right: RenderResult }> {
  const t0 = performance.now();
  const key = `${JSON.stringify(target)}@${rev}`;
  let left: RawRender | undefined = revisionRenders.get(key);
  let leftResult: RenderResult | undefined;
  if (!left) {
    try {
      left = await rawRender(target, { ...opts, rev, buffers: undefined });
      revisionRenders.set(key, left);
      if (revisionRenders.size > 16) revisionRenders.delete(revisionRenders.keys().next().value!);
    } catch (err) {
      leftResult = await failure(err, target, { ...opts, rev, buffers: undefined }, t0);
    }
  }
  const t1 = performance.now();
  let right: RawRender | undefined;
  let rightResult: RenderResult | undefined;
  try {
    right = await rawRender(target, { ...opts, rev: undefined });
  } catch (err) {
    rightResult = await failure(err, target, { ...opts, rev: undefined }, t1);
  }
  const [l, r] = maskSecretPair(left?.text ?? '', right?.text ?? '');
  const ms = performance.now() - t0;
  return {
    left: leftResult ?? { ok: true, text: l, objects: left!.objects, viewLabel: left!.label, ms },
    right: rightResult ?? { ok: true, text: r, objects: right!.objects, viewLabel: right!.label, ms },
  };
}

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The kustomization file of a folder (through the same view the render reads), to pin unlocated problems on. */
export async function kustomizationFile(dir: string, opts: RenderOptions = {}): Promise<string | undefined> {
  try {
    const { view, rel } = await openView(dir, { rev: opts.rev, buffers: opts.buffers });
    for (const name of KUSTOMIZATION_NAMES) {
      const p = rel ? `${rel}/${name}` : name;
      if ((await view.stat(p)) === 'file') return join(view.root, p);
    }
  } catch {
    // no view, no file: the caller falls back to the folder
  }
  return undefined;
}

/**
 * The kustomization folder a file belongs to: its own folder when that holds a kustomization file, else the nearest
 * ancestor that does, up to (and including) `stopAt`.
 */
export async function nearestKustomizationDir(file: string, stopAt: string, buffers?: Map<string, string>): Promise<string | undefined> {
  let dir = dirname(resolve(file));
  const stop = resolve(stopAt);
  for (;;) {
    if (await kustomizationFile(dir, { buffers })) return dir;
    if (dir === stop || relative(stop, dir).startsWith('..')) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function objectKeyString(o: { group: string; kind: string; namespace: string; name: string }): string {
  return `${o.group}/${o.kind}/${o.namespace}/${o.name}`;
}

/**
 * What a sync of an overlay or app starts from: the render (working tree under the buffers, unmasked: it stays inside
 * the extension host and goes to the cluster target only), the Argo CD app it is synced as, and where each object
 * was written. An overlay syncs as an app named after its folder with no destination namespace of its own.
 */
export interface SyncInput {
  name: string;
  app: PlanApp;
  desired: KubeObject[];
  /** Object key (group/kind/namespace/name) → the line that wrote it. */
  sources: [string, SourceLink][];
  /** Why there is nothing to sync (a failed render, a Flux Kustomization), located when possible. */
  error?: { message: string; source?: SourceLink };
}

export async function syncInput(target: RenderTarget, opts: RenderOptions = {}, use: 'sync' | 'preview' = 'sync'): Promise<SyncInput> {
  let name = target.kind === 'overlay' ? target.dir.split('/').pop() || target.dir : target.name;
  const none: SyncInput = { name, app: { name, destinationNamespace: '' }, desired: [], sources: [] };
  if (target.kind === 'app' && use === 'sync') {
    // An ApplicationSet is not synced itself: Argo CD syncs each Application it generates, one operation each.
    const { result } = await discover(target.repo, opts).catch(() => ({ result: undefined }));
    const matched = result ? appsNamed(result, target.name) : [];
    if (matched.length > 1) {
      return { ...none, error: { message: `${target.name} is an ApplicationSet: Argo CD syncs each app it generates on its own (${matched.map((a) => a.name).join(', ')}); sync one of them from the Applications view` } };
    }
  }
  let r: RawRender;
  try {
    r = await rawRender(target, opts);
  } catch (err) {
    const failed = await failure(err, target, opts, performance.now());
    const p = failed.ok ? undefined : failed.problem;
    return { ...none, error: { message: p?.message ?? 'render failed', source: p?.file ? { file: p.file, line: p.line ?? 1 } : undefined } };
  }
  const sources: [string, SourceLink][] = [];
  const desired: KubeObject[] = [];
  for (const res of r.resources) {
    desired.push(res.object);
    const o = res.object;
    const [group] = o.apiVersion?.includes('/') ? o.apiVersion.split('/') : [''];
    if (res.source) sources.push([objectKeyString({ group: group!, kind: o.kind ?? '', namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' }), res.source]);
  }
  let app: PlanApp = { name, destinationNamespace: '' };
  if (target.kind === 'app') {
    const { result } = await discover(target.repo, opts);
    const entry = appsNamed(result, target.name)[0];
    if (entry?.kind === 'Kustomization') {
      return { ...none, error: { message: `${entry.name} is a Flux Kustomization: Flux applies it in one step, there is no Argo CD sync plan to show` } };
    }
    if (entry) {
      const policy = entry.syncPolicy as { syncOptions?: string[]; automated?: { prune?: boolean; selfHeal?: boolean; allowEmpty?: boolean } | null };
      name = entry.name; // the tree passes ids (Application/argocd/shop-prod); titles read better with the name
      app = {
        name: entry.name,
        namespace: entry.namespace,
        destinationNamespace: entry.destination.namespace ?? '',
        syncOptions: policy.syncOptions ?? [],
        ...(policy.automated ? { automated: policy.automated } : {}),
      };
    }
  }
  return { name, app, desired, sources };
}

/** Looks an object's source line up (cluster-scoped objects are found whatever namespace the plan gives them). */
export function sourceLookup(sources: [string, SourceLink][]): (k: { group: string; kind: string; namespace: string; name: string }) => SourceLink | undefined {
  const map = new Map(sources);
  return (k) => map.get(objectKeyString(k)) ?? map.get(objectKeyString({ ...k, namespace: '' }));
}

/**
 * The sync preview of an overlay or app: rendered (working tree under the buffers), then planned as Argo CD would
 * sync it into an empty cluster. Never throws: a failed render becomes the view's error, located.
 */
export async function planPreview(target: RenderTarget, opts: RenderOptions = {}): Promise<PlanView> {
  // An ApplicationSet's preview shows its apps' tasks together (one plan), as a first look at what it deploys.
  const input = await syncInput(target, opts, 'preview');
  const title = `Sync preview: ${input.name}`;
  const against = 'an empty cluster (no live state): every object is created';
  const empty: PlanView = { title, app: input.name, against, syncStatus: 'OutOfSync', options: [], prune: false, phases: [], warnings: [], counts: {} };
  if (!FEATURES.plan) return { ...empty, error: { message: MISSING_REASON.plan } };
  if (input.error) return { ...empty, error: input.error };
  const plan = planSync({ app: input.app, desired: input.desired });
  return planView(plan, { title, against, sourceOf: sourceLookup(input.sources) });
}

/** kustomize's warnings as problems on the kustomization file (they carry no line). */
function warningsOf(r: RawRender): Problem[] {
  return (r.warnings ?? []).map((message) => ({ message, file: r.kustomizationFile, severity: 'warning', source: 'render', code: 'kustomize-warning' }));
}

interface ViewProvenance {
  nodes: YNode[];
  lines: LineInfo[];
  root: string;
}

/** The last successful render of each open view: what its text shows, so hovers match the lines on screen. */
const viewProvenance = new Map<string, ViewProvenance>();

function rememberView(viewId: string, p: ViewProvenance): void {
  viewProvenance.delete(viewId);
  viewProvenance.set(viewId, p);
  if (viewProvenance.size > 32) viewProvenance.delete(viewProvenance.keys().next().value!);
}

export function forgetView(viewId: string): void {
  viewProvenance.delete(viewId);
}

/** The field on a 1-based line of a rendered view, with where it was written and what changed it. */
export function provenanceAt(viewId: string, line: number): FieldProvenance | undefined {
  const p = viewProvenance.get(viewId);
  return p ? fieldAtLine(p.lines, p.nodes, line, p.root) : undefined;
}

/**
 * "This line affects …": the rendered fields, across every overlay of the repository, that a source line wrote or
 * changed (working tree under the buffers).
 */
export async function affects(file: string, line: number, opts: RenderOptions = {}): Promise<AffectedField[]> {
  if (!FEATURES.provenance) throw new Unavailable('provenance');
  const repo = await findRepo(file);
  if (!repo) return [];
  const { view, rel } = await openView(file, { rev: opts.rev, buffers: opts.buffers });
  const lines = relatedLines(await view.readText(rel), line);
  const out: AffectedField[] = [];
  for (const dir of await overlayDirs(repo.dir, opts)) {
    try {
      const r = await rawRender({ kind: 'overlay', dir }, { ...opts, provenance: true, viewId: undefined });
      if (r.nodes) out.push(...fieldsFromLine(r.nodes, r.root, file, lines, dir));
    } catch {
      // an overlay that does not render affects nothing; its error is reported where it is open
    }
  }
  return out;
}

async function overlayDirs(repoDir: string, opts: RenderOptions): Promise<string[]> {
  const { view } = await openView(repoDir, { rev: opts.rev, buffers: opts.buffers });
  return (await findKustomizations(view)).map((d) => (d ? join(view.root, d) : view.root));
}

/**
 * Every app of the repository, rendered at `rev` and in the working tree (under the buffers), diffed as a reviewer
 * reads a PR: a markdown report (summary table, each app's changes), Secret values masked by the diff engine.
 */
export async function diffAllApps(anyPath: string, rev: string, revLabel: string, opts: RenderOptions = {}): Promise<{ markdown: string; apps: number; changed: number }> {
  const repo = await findRepo(anyPath);
  if (!repo) throw new Error(`${anyPath} is not inside a git repository`);
  const before = await GitRevisionView.open(repo.dir, rev);
  const { view: after } = await openView(repo.dir, { buffers: opts.buffers });
  const r = await diffAppsRevisions({ before, after, renderer: kustomizeRenderer() });
  const markdown = diffMarkdown(r.apps, { title: `GitOps Sandbox: every app, ${revLabel} ↔ working tree` });
  const notes = [...r.errors.map((e) => `- error: ${e}`), ...r.notes.map((n) => `- ${n}`)];
  return {
    markdown: notes.length ? `${markdown}\n\n#### Notes\n\n${notes.join('\n')}\n` : markdown,
    apps: r.apps.length,
    changed: r.apps.filter(hasChanges).length,
  };
}
