/**
 * The root kustomization kustomize-controller builds (FLX-1, FLX-6): the folder's own kustomization file read into
 * kustomize's Kustomization type, or one generated from the manifests found under the folder, then the
 * Kustomization's spec fields laid on top (targetNamespace, namePrefix/nameSuffix, patches appended, components,
 * images merged by name). Pure apart from reading the view; the caller overlays the result and renders it.
 */
import { parse as parseYaml, stringify } from 'yaml';
import { normalizeRel, type FileView } from '../../source/index.ts';
import { parseYamlDocuments, toPlain } from '../../yaml/index.ts';
import { isObj, str } from '../application.ts';
import { findKustomizationFile } from '../render-app.ts';

export class FluxBuildError extends Error {
  readonly file?: string;
  readonly line?: number;
  constructor(message: string, file?: string, line?: number) {
    super(message);
    this.name = 'FluxBuildError';
    this.file = file;
    this.line = line;
  }
}

/** Fields of kustomize's Kustomization type; anything else is dropped by the controller's typed round trip. */
const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels',
  'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902', 'patches', 'images', 'imageTags', 'replacements',
  'replicas', 'vars', 'sortOptions', 'resources', 'components', 'crds', 'bases', 'configMapGenerator', 'secretGenerator',
  'helmGlobals', 'helmCharts', 'helmChartInflationGenerator', 'generatorOptions', 'configurations', 'generators',
  'transformers', 'validators', 'buildMetadata',
]);

const YAML_EXT = /\.ya?ml$/;

/** A component path that is not a URL, a git reference or an absolute path. */
export function isLocalRelativePath(p: string): boolean {
  for (const prefix of ['git::', 'gh:', 'ssh://', 'https://', 'http://', 'git@', 'github.com:', 'github.com/']) {
    if (prefix.length < p.length && p.slice(0, prefix.length).toLowerCase() === prefix) return false;
  }
  if (p.startsWith('/') || p.toLowerCase().replace(/^file:\/\//, '').startsWith('/')) return false;
  return true;
}

/** scanManifests: every YAML manifest under `dir` (sub-folders with their own kustomization become one resource). */
async function scanManifests(view: FileView, dir: string, rel: string, out: string[]): Promise<void> {
  for (const e of await view.list(dir)) {
    const p = dir ? `${dir}/${e.name}` : e.name;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.kind === 'dir') {
      if (await findKustomizationFile(view, p)) {
        out.push(`./${r}`);
        continue;
      }
      await scanManifests(view, p, r, out);
      continue;
    }
    if (!YAML_EXT.test(e.name)) continue;
    const text = await view.readText(p);
    let docs;
    try {
      docs = parseYamlDocuments(text, p);
    } catch (err) {
      const loc = (err as { location?: { line?: number } }).location;
      throw new FluxBuildError(`failed to decode Kubernetes YAML from ${p}: ${(err as Error).message}`, p, loc?.line);
    }
    for (const d of docs) {
      if (!d.node) continue;
      const o = toPlain(d.node);
      if (o === null || (isObj(o) && Object.keys(o).length === 0)) continue;
      const at = d.node.origin?.line ?? d.start.line;
      if (!isObj(o) || !str(o.kind)) throw new FluxBuildError(`failed to decode Kubernetes YAML from ${p}: missing kind in object`, p, at);
      const meta = isObj(o.metadata) ? o.metadata : {};
      if (!str(o.kind).endsWith('List') && !str(meta.name)) throw new FluxBuildError(`failed to decode Kubernetes YAML from ${p}: missing metadata.name in object`, p, at);
    }
    out.push(`./${r}`);
  }
}

function selector(t: unknown): Record<string, unknown> | undefined {
  if (!isObj(t)) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector']) if (t[k] !== undefined && t[k] !== '') out[k] = t[k];
  return out;
}

export interface FluxKustomizationFile {
  /** The path the controller writes (the existing file, or `<dir>/kustomization.yaml`). */
  file: string;
  text: string;
  created: boolean;
}

/** Builds the kustomization the controller would write into `dir` for a Kustomization with `spec`. */
export async function fluxKustomization(view: FileView, dir: string, spec: Record<string, unknown>): Promise<FluxKustomizationFile> {
  const existing = await findKustomizationFile(view, dir);
  let kus: Record<string, unknown>;
  let created = false;
  let file: string;
  if (existing) {
    file = existing;
    let parsed: unknown;
    try {
      parsed = parseYaml(await view.readText(existing), { version: '1.1', merge: true });
    } catch (err) {
      throw new FluxBuildError(`failed to read ${existing}: ${(err as Error).message.split('\n')[0]}`, existing, 1);
    }
    kus = {};
    if (isObj(parsed)) for (const [k, v] of Object.entries(parsed)) if (KUSTOMIZATION_FIELDS.has(k)) kus[k] = v;
    kus.apiVersion ??= 'kustomize.config.k8s.io/v1beta1';
    kus.kind ??= 'Kustomization';
    // An existing kustomization without resources gets build metadata so that kustomize does not call it empty.
    if (!Array.isArray(kus.resources) || kus.resources.length === 0) kus.buildMetadata = ['originAnnotations'];
  } else {
    created = true;
    file = dir ? `${dir}/kustomization.yaml` : 'kustomization.yaml';
    const resources: string[] = [];
    await scanManifests(view, dir, '', resources);
    kus = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };
    if (resources.length) kus.resources = resources;
    else kus.namespace = '_placeholder';
  }

  if (typeof spec.targetNamespace === 'string') kus.namespace = spec.targetNamespace;
  if (typeof spec.namePrefix === 'string') kus.namePrefix = spec.namePrefix;
  if (typeof spec.nameSuffix === 'string') kus.nameSuffix = spec.nameSuffix;
  const patches = Array.isArray(kus.patches) ? [...kus.patches] : [];
  for (const p of Array.isArray(spec.patches) ? spec.patches : []) {
    if (!isObj(p)) continue;
    const entry: Record<string, unknown> = { patch: str(p.patch) };
    const t = selector(p.target);
    if (t) entry.target = t;
    patches.push(entry);
  }
  if (Array.isArray(spec.components)) {
    const comps = Array.isArray(kus.components) ? [...kus.components] : [];
    for (const c of spec.components.map(str)) {
      if (!isLocalRelativePath(c)) throw new FluxBuildError(`component path '${c}' must be local and relative`);
      let exists = false;
      try {
        exists = (await view.stat(normalizeRel(dir ? `${dir}/${c}` : c))) !== undefined;
      } catch {
        exists = false;
      }
      if (!exists && spec.ignoreMissingComponents === true) continue;
      comps.push(c);
    }
    if (comps.length) kus.components = comps;
  }
  if (Array.isArray(spec.patchesStrategicMerge)) {
    const psm = Array.isArray(kus.patchesStrategicMerge) ? [...kus.patchesStrategicMerge] : [];
    for (const p of spec.patchesStrategicMerge) psm.push(JSON.stringify(p));
    kus.patchesStrategicMerge = psm;
  }
  if (Array.isArray(spec.patchesJson6902)) {
    const pj = Array.isArray(kus.patchesJson6902) ? [...kus.patchesJson6902] : [];
    for (const p of spec.patchesJson6902) {
      if (!isObj(p)) continue;
      const entry: Record<string, unknown> = { patch: JSON.stringify(p.patch ?? []) };
      const t = selector(p.target);
      if (t) entry.target = t;
      pj.push(entry);
    }
    kus.patchesJson6902 = pj;
  }
  if (patches.length) kus.patches = patches;
  if (Array.isArray(spec.images) && spec.images.length) {
    const images: Record<string, unknown>[] = Array.isArray(kus.images) ? kus.images.filter(isObj).map((i) => ({ ...i })) : [];
    for (const im of spec.images) {
      if (!isObj(im)) continue;
      const found = images.find((x) => x.name === im.name);
      if (found) {
        if (str(im.newName)) found.newName = im.newName;
        // newTag and digest select the version together: setting one clears the other.
        if (str(im.newTag) || str(im.digest)) {
          if (str(im.newTag)) found.newTag = im.newTag;
          else delete found.newTag;
          if (str(im.digest)) found.digest = im.digest;
          else delete found.digest;
        }
      } else {
        const n: Record<string, unknown> = { name: str(im.name) };
        for (const k of ['newName', 'newTag', 'digest']) if (str(im[k])) n[k] = im[k];
        images.push(n);
      }
    }
    kus.images = images;
  }
  return { file, text: stringify(kus, { lineWidth: 0 }), created };
}
