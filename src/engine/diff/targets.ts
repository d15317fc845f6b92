/**
 * The desired objects of a folder, at whatever view (working tree, unsaved buffers, a git revision). This is the
 * one call the diff makes to turn a source into manifests: a kustomization goes to the renderer, a plain folder is
 * read as Argo CD's directory source reads it (*.yaml, *.yml, *.json, not recursive; List kinds flattened).
 */
import { GitOpsError } from '../errors/index.ts';
import type { KubeObject } from '../kube/index.ts';
import type { FileView } from '../source/index.ts';
import { parseYamlDocuments, toPlain } from '../yaml/index.ts';
import { render } from '../render/index.ts';

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Renders a folder at a view; `undefined` when the folder does not exist there (an app added or removed). */
export type FolderRenderer = (view: FileView, dir: string) => Promise<KubeObject[] | undefined>;

export async function isKustomization(view: FileView, dir: string): Promise<boolean> {
  for (const n of KUSTOMIZATION_NAMES) if ((await view.stat(dir ? `${dir}/${n}` : n)) === 'file') return true;
  return false;
}

export async function readDirectorySource(view: FileView, dir: string): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const e of await view.list(dir)) {
    if (e.kind !== 'file' || !/\.(ya?ml|json)$/i.test(e.name)) continue;
    const file = dir ? `${dir}/${e.name}` : e.name;
    for (const doc of parseYamlDocuments(await view.readText(file), file)) {
      if (!doc.node) continue;
      const value = toPlain(doc.node);
      if (value === null) continue;
      const at = { file, line: doc.node.origin?.line ?? doc.start.line, column: doc.node.origin?.column ?? doc.start.column };
      if (typeof value !== 'object' || Array.isArray(value)) throw new GitOpsError('a manifest must be a mapping with apiVersion and kind', at, 'manifest');
      const o = value as KubeObject;
      if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') throw new GitOpsError('a manifest needs apiVersion and kind', at, 'manifest');
      const items = (o as { items?: unknown }).items;
      if (o.kind.endsWith('List') && Array.isArray(items)) objects.push(...(items as KubeObject[]));
      else {
        if (!o.metadata || typeof o.metadata !== 'object') o.metadata = {};
        objects.push(o);
      }
    }
  }
  return objects;
}

/** Renders a kustomization folder exactly as `kubectl kustomize` (the project's renderer, injected by front ends). */
export type KustomizeFolderRenderer = (view: FileView, dir: string) => Promise<{ object: KubeObject }[]>;

/**
 * A folder renderer: plain folders as Argo CD's directory source, kustomizations through `kustomize` when one is
 * given, else a located error.
 */
export function folderRenderer(kustomize?: KustomizeFolderRenderer): FolderRenderer {
  return async (view, dir) => {
    if ((await view.stat(dir)) !== 'dir') return undefined;
    if (await isKustomization(view, dir)) {
      if (!kustomize) throw new GitOpsError('no kustomize renderer was given for this kustomization', { file: dir || '.' }, 'no-renderer');
      return (await kustomize(view, dir)).map((r) => r.object);
    }
    return readDirectorySource(view, dir);
  };
}

/** Plain folders as Argo CD's directory source, kustomizations through the project's renderer (src/engine/render). */
export const renderFolder: FolderRenderer = folderRenderer(async (view, dir) => (await render(view, dir)).resources);
