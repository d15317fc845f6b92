/**
 * Rendering an Argo CD Application as the repo-server and controller would: per source, `.argocd-source*.yaml`
 * overrides, the source type (explicit, else detected from the path), kustomize options applied to a copy of the root
 * kustomization, directory sources read here; then List kinds flattened and namespaces normalised (ORD-7).
 */
import { GitOpsError } from '../errors/index.ts';
import { isNamespaced, parseApiVersion, type KubeObject } from '../kube/index.ts';
import { OverlayView, normalizeRel, type FileView } from '../source/index.ts';
import { parseYamlDocuments, toPlain } from '../yaml/index.ts';
import { isObj, str } from './application.ts';
import type { RepoContext } from './context.ts';
import { renderDirectory } from './directory.ts';
import { applyArgoKustomizeOptions, hasKustomizeEdits, KustomizeEditError, type BuildEnv } from './kustomize-options.ts';
import type { AppEntry, AppRender, AppSource, DefinedIn, RenderedResource } from './types.ts';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Thrown inside rendering for a user's mistake; carries the location to report. */
export class RenderFailure extends Error {
  readonly at: DefinedIn;
  /** True when nothing is wrong with the user's files: this build just cannot render the source. */
  readonly unavailable: boolean;
  constructor(message: string, at: DefinedIn, unavailable = false) {
    super(message);
    this.at = at;
    this.unavailable = unavailable;
  }
}

/** The render result of a failure: a user's mistake is an error; a missing capability of ours is a warning. */
export function failedRender(err: RenderFailure, app: AppEntry, warnings: string[]): AppRender {
  if (err.unavailable) return { ok: false, objects: [], origins: [], warnings: [...warnings, err.message] };
  return { ok: false, objects: [], origins: [], error: { ...err.at, message: err.message, app: app.name }, warnings };
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Record<string, unknown> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Finds the root kustomization file of a folder (kustomize's order of names). */
export async function findKustomizationFile(view: FileView, dir: string): Promise<string | undefined> {
  for (const n of KUSTOMIZATION_FILES) {
    const p = dir ? `${dir}/${n}` : n;
    if ((await view.stat(p)) === 'file') return p;
  }
  return undefined;
}

/** Objects of kind *List with `items` become their items; a List whose items are null becomes nothing. */
export function flattenLists(res: RenderedResource[]): RenderedResource[] {
  const out: RenderedResource[] = [];
  for (const r of res) {
    const o = r.object as Record<string, unknown>;
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && 'items' in o && !('spec' in o) && !('status' in o)) {
      if (Array.isArray(o.items)) for (const it of o.items) if (isObj(it)) out.push({ ...r, object: it as KubeObject });
      continue;
    }
    out.push(r);
  }
  return out;
}

/** Namespace scope of CustomResourceDefinitions present in a render. */
export function crdScopes(objects: KubeObject[]): (group: string, kind: string) => boolean | undefined {
  const scopes = new Map<string, boolean>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = isObj(o.spec) ? o.spec : {};
    const names = isObj(spec.names) ? spec.names : {};
    scopes.set(`${str(spec.group)}/${str(names.kind)}`, str(spec.scope) !== 'Cluster');
  }
  return (g, k) => scopes.get(`${g}/${k}`);
}

/**
 * ORD-7 as the controller normalises targets before reconciling: a namespaced object without a namespace gets the
 * destination namespace, a cluster-scoped object loses any namespace it was given.
 */
export function normalizeNamespaces(objects: KubeObject[], destNamespace: string | undefined): KubeObject[] {
  const scope = crdScopes(objects);
  return objects.map((o) => {
    const group = parseApiVersion(str(o.apiVersion)).group;
    const namespaced = isNamespaced(group, str(o.kind), scope);
    const meta = isObj(o.metadata) ? o.metadata : {};
    if (namespaced && !meta.namespace && destNamespace) return { ...o, metadata: { ...meta, namespace: destNamespace } };
    if (!namespaced && meta.namespace !== undefined) {
      const { namespace: _drop, ...rest } = meta;
      return { ...o, metadata: rest };
    }
    return o;
  });
}

function buildEnv(app: AppEntry, src: AppSource, view: FileView): BuildEnv {
  const rev = view.commit ?? '';
  return {
    ARGOCD_APP_NAME: app.name,
    ARGOCD_APP_NAMESPACE: app.destination.namespace ?? '',
    ARGOCD_APP_PROJECT_NAME: app.project ?? '',
    ARGOCD_APP_REVISION: rev,
    ARGOCD_APP_REVISION_SHORT: rev.slice(0, 7),
    ARGOCD_APP_REVISION_SHORT_8: rev.slice(0, 8),
    ARGOCD_APP_SOURCE_REPO_URL: src.repoURL,
    ARGOCD_APP_SOURCE_PATH: src.path,
    ARGOCD_APP_SOURCE_TARGET_REVISION: src.targetRevision,
  };
}

/** Applies `.argocd-source.yaml` and `.argocd-source-<app>.yaml` found in the app path (config tool fields only). */
async function sourceOverrides(view: FileView, dir: string, app: AppEntry, src: AppSource): Promise<AppSource> {
  let merged: Record<string, unknown> = { kustomize: src.kustomize, directory: src.directory, helm: src.helm, plugin: src.plugin };
  for (const name of ['.argocd-source.yaml', `.argocd-source-${app.name}.yaml`]) {
    const p = dir ? `${dir}/${name}` : name;
    if ((await view.stat(p)) !== 'file') continue;
    let patch: unknown;
    try {
      const first = parseYamlDocuments(await view.readText(p), p)[0]?.node;
      patch = first ? toPlain(first) : undefined;
    } catch (err) {
      const l = (err as GitOpsError).location;
      throw new RenderFailure(`error while parsing source parameters: ${(err as Error).message}`, { file: p, line: l?.line ?? 1, column: l?.column ?? 1 });
    }
    if (isObj(patch)) merged = mergePatch(merged, patch) as Record<string, unknown>;
  }
  const out: AppSource = { ...src };
  for (const k of ['kustomize', 'directory', 'helm', 'plugin'] as const) {
    const v = merged[k];
    if (v === undefined || v === null) delete out[k];
    else (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

type SourceType = 'Kustomize' | 'Helm' | 'Directory' | 'Plugin';

async function sourceType(view: FileView, dir: string, src: AppSource, at: DefinedIn): Promise<SourceType> {
  const explicit: SourceType[] = [];
  if (src.kustomize !== undefined) explicit.push('Kustomize');
  if (src.helm !== undefined) explicit.push('Helm');
  if (src.directory !== undefined) explicit.push('Directory');
  if (src.plugin !== undefined) explicit.push('Plugin');
  if (explicit.length > 1) throw new RenderFailure(`multiple application sources defined: ${explicit.join(',')}`, at);
  if (explicit.length === 1) return explicit[0]!;
  if (await findKustomizationFile(view, dir)) return 'Kustomize';
  if ((await view.stat(dir ? `${dir}/Chart.yaml` : 'Chart.yaml')) === 'file') return 'Helm';
  return 'Directory';
}

/** Runs the injected kustomize renderer, turning its failures into located errors. */
export async function runRenderer(ctx: RepoContext, view: FileView, dir: string, at: DefinedIn): Promise<RenderedResource[]> {
  if (!ctx.renderer) throw new RenderFailure(`kustomize rendering is not available in this build, so ${dir || '.'} was not rendered`, at, true);
  try {
    return await ctx.renderer(view, dir);
  } catch (err) {
    if (err instanceof GitOpsError) {
      const l = err.location;
      throw new RenderFailure(err.message, l ? { file: l.file, line: l.line ?? 1, column: l.column ?? 1 } : at);
    }
    const e = err as Error & { path?: string; name?: string };
    if (e?.name === 'SourceError') throw new RenderFailure(e.message, e.path ? { file: e.path, line: 1, column: 1 } : at);
    throw err;
  }
}

/** Renders one source of an Application. `at` locates the source (its `path` line) for errors. */
async function renderSource(app: AppEntry, src: AppSource, ctx: RepoContext, at: DefinedIn): Promise<RenderedResource[]> {
  let dir: string;
  try {
    dir = normalizeRel(src.path || '.');
  } catch {
    throw new RenderFailure(`${src.path}: app path is outside the repository`, at);
  }
  const kind = await ctx.view.stat(dir);
  if (kind === undefined) throw new RenderFailure(`${src.path || '.'}: app path does not exist`, at);
  if (kind !== 'dir') throw new RenderFailure(`${src.path}: app path is not a directory`, at);
  const s = await sourceOverrides(ctx.view, dir, app, src);
  const type = await sourceType(ctx.view, dir, s, at);
  switch (type) {
    case 'Helm':
      throw new RenderFailure(`${src.path}: Helm charts are not rendered by gitops-sandbox`, at, true);
    case 'Plugin':
      throw new RenderFailure(`${src.path}: config management plugins are not rendered by gitops-sandbox`, at, true);
    case 'Directory':
      try {
        return await renderDirectory(ctx.view, dir, s.directory);
      } catch (err) {
        if (err instanceof GitOpsError && err.location) throw new RenderFailure(err.message, { file: err.location.file, line: err.location.line ?? 1, column: err.location.column ?? 1 });
        throw err;
      }
    case 'Kustomize': {
      let view = ctx.view;
      if (hasKustomizeEdits(s.kustomize)) {
        const kfile = await findKustomizationFile(view, dir);
        if (!kfile) throw new RenderFailure(`${src.path}: kustomize options need a kustomization file, and there is none`, at);
        try {
          const edited = await applyArgoKustomizeOptions(await view.readText(kfile), s.kustomize!, buildEnv(app, s, view), async (c) => {
            try {
              return (await view.stat(normalizeRel(`${dir}/${c}`))) !== undefined;
            } catch {
              return false;
            }
          });
          view = new OverlayView(view, new Map([[kfile, edited]]));
        } catch (err) {
          if (err instanceof KustomizeEditError) throw new RenderFailure(err.message, at);
          throw err;
        }
      }
      return runRenderer(ctx, view, dir, at);
    }
  }
}

/** Where an app's source `i` is written (the `path` line), for errors. */
export type Locator = (sourceIndex: number, field: string) => DefinedIn;

/** Renders an Application; never throws for a user's mistake (the error is in the result). */
export async function renderApplication(app: AppEntry, ctx: RepoContext, locate: Locator): Promise<AppRender> {
  const warnings: string[] = [];
  const collected: RenderedResource[] = [];
  try {
    for (let i = 0; i < app.sources.length; i++) {
      const src = app.sources[i]!;
      if (src.chart) {
        warnings.push(`source ${i + 1} (${src.externalReason}) is not rendered`);
        continue;
      }
      if (!src.path && src.ref) continue; // a values-only source contributes no manifests
      if (src.external) {
        warnings.push(`source ${i + 1} is not rendered: ${src.externalReason}`);
        continue;
      }
      collected.push(...(await renderSource(app, src, ctx, locate(i, 'path'))));
    }
  } catch (err) {
    if (err instanceof RenderFailure) return failedRender(err, app, warnings);
    throw err;
  }
  const flat = flattenLists(collected);
  const objects = normalizeNamespaces(
    flat.map((r) => r.object),
    app.destination.namespace,
  );
  return {
    ok: true,
    objects,
    origins: flat.map((r) => (r.file ? { file: r.file, line: r.line ?? 1, column: r.column ?? 1 } : undefined)),
    warnings,
  };
}

