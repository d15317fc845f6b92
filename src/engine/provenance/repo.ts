/**
 * Provenance over a whole repo: renders every kustomization the repo's overlays are made of (with provenance on)
 * and indexes them for reverse lookups. Which renders count as "overlays": by default every folder kustomize can
 * build that no other rendered kustomization includes (the tops of the trees; a base reaches the report through
 * the overlays that use it), or exactly the folders the caller names (say, the paths of Argo CD Applications).
 */
import { isGitOpsError } from '../errors/index.ts';
import { findKustomizations, Renderer, type RenderResult } from '../render/index.ts';
import type { FileView } from '../source/index.ts';
import { ProvenanceIndex, type IndexedRender } from './reverse.ts';

export interface RepoProvenanceOptions {
  /** Reuse a renderer (and its caches) across calls; a warm renderer makes a refresh cheap. */
  renderer?: Renderer;
  /** Where to look for kustomizations (view-relative); default the whole view. */
  dir?: string;
  /** Render exactly these kustomization folders instead of searching. */
  dirs?: string[];
  /** Also index folders other kustomizations include (bases, when they can build on their own). */
  includeBases?: boolean;
  signal?: AbortSignal;
}

export interface RepoProvenance {
  index: ProvenanceIndex;
  /** Every folder rendered, top-level or not, with its result or error. */
  renders: IndexedRender[];
}

function message(e: unknown): string {
  if (isGitOpsError(e)) return e.toString();
  if (e instanceof Error && e.name === 'SourceError') return e.message;
  throw e;
}

/** Renders the repo's kustomizations and indexes where every line went. */
export async function repoProvenance(view: FileView, opts: RepoProvenanceOptions = {}): Promise<RepoProvenance> {
  const renderer = opts.renderer ?? new Renderer();
  const dirs = opts.dirs ?? (await findKustomizations(view, opts.dir ?? ''));
  const renders: (IndexedRender & { result?: RenderResult })[] = [];
  for (const dir of dirs) {
    opts.signal?.throwIfAborted();
    try {
      renders.push({ dir, result: await renderer.render(view, dir, { provenance: true }) });
    } catch (e) {
      renders.push({ dir, error: message(e) });
    }
  }
  let tops: IndexedRender[] = renders;
  if (!opts.dirs && !opts.includeBases) {
    // A folder whose kustomization file another render read is part of that render.
    const readByOthers = new Set<string>();
    for (const r of renders) for (const f of r.result?.kustomizationFiles.slice(1) ?? []) readByOthers.add(f);
    tops = renders.filter((r) => !r.result || !readByOthers.has(r.result.kustomizationFile));
  }
  return { index: new ProvenanceIndex(tops), renders };
}
