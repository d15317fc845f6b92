/**
 * Kustomize in TypeScript: renders a kustomization folder exactly as `kubectl kustomize` (kustomize v5.5.0) would,
 * reading through a FileView (working tree, unsaved buffers, or a git revision), with every rendered node able to
 * say where it was written and which transformations changed it.
 *
 * Typical use:
 *
 *   const { view, rel } = await openView('repo/apps/web/overlays/prod');
 *   const result = await render(view, rel, { provenance: true });
 *   result.text        // the exact stream `kubectl kustomize` prints
 *   result.resources   // each object: id, node tree (origin + history per node), plain JSON, source file
 *
 * To render with a modified kustomization (what Argo CD and Flux do with their `kustomize:` options, like
 * `kustomize edit set image …`), hand in an OverlayView whose buffer holds the edited kustomization text:
 * `render(new OverlayView(view, { 'apps/web/overlays/prod/kustomization.yaml': edited }), 'apps/web/overlays/prod')`.
 *
 * A Renderer keeps parse caches keyed on file content, so rendering again after one file changed re-parses only
 * that file. Errors are GitOpsErrors naming the file, line and column of the kustomization entry at fault.
 */
import { GitOpsError } from '../errors/index.ts';
import type { KubeObject } from '../kube/index.ts';
import { normalizeRel, SourceError, type FileView } from '../source/index.ts';
import { emitDocuments, toPlain, type MapNode } from '../yaml/index.ts';
import { buildTop, type BuildContext, type DirCacheEntry } from './build.ts';
import { ParseCache } from './factory.ts';
import { KUSTOMIZATION_FILE_NAMES, parseKustomization } from './kustomization.ts';
import { FileCache } from './loader.ts';
import type { ResId } from './resid.ts';
import { Recorder } from './tree.ts';

export type { ResId, Gvk } from './resid.ts';
export { describeId, idString, isClusterScoped as isClusterScopedForKustomize } from './resid.ts';
export { KUSTOMIZATION_FILE_NAMES } from './kustomization.ts';

export interface RenderOptions {
  /**
   * Record provenance: every node a transformation changes gets a `history` entry (op, detail, the kustomization
   * or patch line). Off by default; rendering without it is faster. It never changes the output bytes.
   */
  provenance?: boolean;
  /**
   * kustomize's load restrictor: `LoadRestrictionsRootOnly` (the default: files must be in or below the
   * kustomization folder) or `LoadRestrictionsNone` (files anywhere in the repository, as
   * `kubectl kustomize --load-restrictor LoadRestrictionsNone` and Argo CD's buildOptions allow).
   */
  loadRestrictor?: LoadRestrictor;
  /**
   * kustomize's `--enable-helm`: inflate `helmCharts:` (and the builtin HelmChartInflationGenerator) by running
   * `helm template` on charts present in the repository. Off by default, as in `kubectl kustomize` and Argo CD;
   * without it those fields are an error. It runs an external program: set it only where the user allows that
   * (the extension: a trusted workspace and the `gitopsSandbox.render.enableHelm` setting).
   */
  enableHelm?: boolean;
  /** kustomize's `--helm-command`: the helm binary, a path or a name looked up on PATH (default `helm`). */
  helmCommand?: string;
}

export type LoadRestrictor = 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';

export interface RenderedResource {
  /** group, version, kind, namespace ('' when none) and name, as rendered. */
  id: ResId;
  /** The object's node tree: every node has `origin` (file:line:column) and, with provenance on, `history`. */
  node: MapNode;
  /** The plain JSON value of the object (what the printed YAML parses back to). */
  readonly object: KubeObject;
  /** The file the object was read from, or the kustomization whose generator made it (repo-relative). */
  source: string;
  /** Ids of objects whose name references point at this one (kustomize's refBy). */
  referencedBy: ResId[];
}

export interface RenderResult {
  /** The kustomization folder rendered (view-relative, '' for the root) and its kustomization file. */
  dir: string;
  kustomizationFile: string;
  resources: RenderedResource[];
  /** The stream exactly as `kubectl kustomize` prints it. */
  text: string;
  /** kustomize's warnings (deprecated fields, unused vars) and ours (patch targets that match nothing). */
  warnings: string[];
  /** Every kustomization file the build read, top first (for watching). */
  kustomizationFiles: string[];
}

function normDir(dir: string): string {
  const d = dir.replace(/\\/g, '/').replace(/\/+$/, '');
  return d === '.' || d === './' ? '' : normalizeRel(d);
}

function toResult(dir: string, file: string, ctx: BuildContext, list: import('./resource.ts').Resource[]): RenderResult {
  const resources: RenderedResource[] = list.map((r) => {
    let plain: KubeObject | undefined;
    return {
      id: { ...r.gvk(), namespace: r.namespace, name: r.name },
      node: r.node,
      get object() {
        return (plain ??= toPlain(r.node) as KubeObject);
      },
      source: r.source,
      referencedBy: r.refBy ?? [],
    };
  });
  return {
    dir,
    kustomizationFile: file,
    resources,
    text: list.length ? emitDocuments(list.map((r) => r.node)) : '',
    warnings: ctx.warnings,
    kustomizationFiles: ctx.kustomizations,
  };
}

/** Renders kustomizations, keeping caches keyed on file content between renders. */
export class Renderer {
  private parse = new ParseCache();
  private dirs = new Map<string, DirCacheEntry>();

  async render(view: FileView, dir: string, opts: RenderOptions = {}): Promise<RenderResult> {
    const d = normDir(dir);
    const ctx: BuildContext = {
      files: new FileCache(view),
      parse: this.parse,
      rec: new Recorder(Boolean(opts.provenance)),
      warnings: [],
      buildMetadata: new Set(),
      tracking: false,
      kustomizations: [],
      dirCache: this.dirs,
      unrestricted: opts.loadRestrictor === 'LoadRestrictionsNone',
      helm: opts.enableHelm ? { command: opts.helmCommand || 'helm' } : undefined,
    };
    try {
      const kind = await ctx.files.stat(d);
      if (kind !== 'dir') throw new GitOpsError(`${d || '.'} is not a folder`, { file: d || '.' }, 'missing-file');
      const out = await buildTop(d, ctx);
      return toResult(d, out.kustomization.file, ctx, out.resources);
    } catch (e) {
      if (e instanceof SourceError) throw new GitOpsError(e.message, { file: e.path || d || '.' }, 'source');
      throw e;
    }
  }
}

const shared = new Renderer();

/** Renders one kustomization folder (see Renderer for repeated renders). */
export function render(view: FileView, dir: string, opts: RenderOptions = {}): Promise<RenderResult> {
  return shared.render(view, dir, opts);
}

/**
 * Every folder under `dir` that kustomize can build on its own: it holds a kustomization file whose kind is not
 * Component. Sorted by path; hidden folders and node_modules are skipped. A kustomization file that does not
 * parse still counts (rendering it reports the error).
 */
export async function findKustomizations(view: FileView, dir = ''): Promise<string[]> {
  const out: string[] = [];
  const names = new Set<string>(KUSTOMIZATION_FILE_NAMES);
  const visit = async (d: string): Promise<void> => {
    const entries = await view.list(d);
    const file = entries.find((e) => e.kind === 'file' && names.has(e.name));
    if (file) {
      const path = d ? `${d}/${file.name}` : file.name;
      let component = false;
      try {
        component = parseKustomization(await view.readText(path), path).kind === 'Component';
      } catch {
        component = false;
      }
      if (!component) out.push(d);
    }
    for (const e of entries) {
      if (e.kind !== 'dir' || e.name.startsWith('.') || e.name === 'node_modules') continue;
      await visit(d ? `${d}/${e.name}` : e.name);
    }
  };
  await visit(normDir(dir));
  return out.sort();
}
