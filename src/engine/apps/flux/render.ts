/**
 * Rendering a Flux Kustomization as kustomize-controller builds it: the root kustomization found or generated and
 * overlaid with the spec (FLX-1, FLX-6), `kustomize build`, then per object the postBuild substitution (FLX-5) with
 * variables from substituteFrom ConfigMaps/Secrets found in the repo and the inline `substitute`, and commonMetadata.
 */
import { parse as parseYaml } from 'yaml';
import { builtinKindsNamed, parseApiVersion, type KubeObject } from '../../kube/index.ts';
import { normalizeRel, OverlayView } from '../../source/index.ts';
import type { YNode } from '../../yaml/index.ts';
import { isObj, str } from '../application.ts';
import type { RepoContext } from '../context.ts';
import { fromJSON, marshalYAML } from '../gotemplate/index.ts';
import { crdScopes, failedRender, flattenLists, RenderFailure, runRenderer } from '../render-app.ts';
import { locate } from '../scan.ts';
import type { AppEntry, AppRender, DefinedIn } from '../types.ts';
import { checkVarNames, envsubst, EnvsubstError } from './envsubst.ts';
import type { FluxSources } from './entry.ts';
import { FluxBuildError, fluxKustomization } from './overlay.ts';

const SUBSTITUTE_KEY = 'kustomize.toolkit.fluxcd.io/substitute';
/**
 * What a value read from a Secret becomes in the render: Secret data never leaves the engine unmasked. Plus signs
 * (as Argo CD masks) because the substituted text is read back as YAML, where a leading `*` would be an alias.
 */
export const SECRET_VALUE_MASK = '++++++++';

interface Vars {
  vars: Map<string, string>;
  warnings: string[];
}

/** Reads one substituteFrom object: first from the parent's render (where such objects usually live), then the repo. */
async function findConfig(kind: string, name: string, namespace: string, app: AppEntry, ctx: RepoContext, entries: Map<string, AppEntry>): Promise<Record<string, unknown> | undefined> {
  const parent = app.parentId ? entries.get(app.parentId) : undefined;
  for (const o of parent?.render?.objects ?? []) {
    if (o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? namespace) === namespace) return o;
  }
  for (const d of await ctx.index.findObjects(kind, name)) {
    const meta = isObj(d.obj.metadata) ? d.obj.metadata : {};
    if (d.obj.apiVersion === 'v1' && (!meta.namespace || meta.namespace === namespace)) return d.obj;
  }
  return undefined;
}

async function loadVars(app: AppEntry, ctx: RepoContext, entries: Map<string, AppEntry>, at: (path: (string | number)[]) => DefinedIn): Promise<Vars> {
  const spec = isObj(app.manifest.spec) ? app.manifest.spec : {};
  const pb = isObj(spec.postBuild) ? spec.postBuild : {};
  const vars = new Map<string, string>();
  const warnings: string[] = [];
  const from = Array.isArray(pb.substituteFrom) ? pb.substituteFrom : [];
  for (let i = 0; i < from.length; i++) {
    const ref = from[i];
    if (!isObj(ref)) continue;
    const kind = str(ref.kind);
    const name = str(ref.name);
    if (kind !== 'ConfigMap' && kind !== 'Secret') continue;
    const obj = await findConfig(kind, name, app.namespace, app, ctx, entries);
    if (!obj) {
      if (ref.optional === true) continue;
      throw new RenderFailure(`substitute from '${kind}/${name}' error: ${kind} ${app.namespace}/${name} is not defined in this repository`, at(['spec', 'postBuild', 'substituteFrom', i]));
    }
    if (kind === 'ConfigMap') {
      const data = isObj(obj.data) ? obj.data : {};
      for (const [k, v] of Object.entries(data)) vars.set(k, str(v).replace(/\n/g, ''));
    } else {
      const data = isObj(obj.data) ? obj.data : {};
      const sd = isObj(obj.stringData) ? obj.stringData : {};
      const encrypted = isObj(obj.sops);
      // The values are real Secret data: substitute a mask, never the value, so nothing downstream can leak it.
      for (const k of new Set([...Object.keys(data), ...Object.keys(sd)])) vars.set(k, SECRET_VALUE_MASK);
      warnings.push(`values substituted from Secret ${name}${encrypted ? ' (SOPS-encrypted)' : ''} are masked as ${SECRET_VALUE_MASK}`);
    }
  }
  if (isObj(pb.substitute)) for (const [k, v] of Object.entries(pb.substitute)) vars.set(k, str(v).replace(/\n/g, ''));
  return { vars, warnings };
}

export async function renderFlux(app: AppEntry, ctx: RepoContext, node: YNode | undefined, _sources: FluxSources, entries: Map<string, AppEntry>): Promise<AppRender> {
  const at = (path: (string | number)[]): DefinedIn => locate(node, path, app.definedIn);
  const spec = isObj(app.manifest.spec) ? app.manifest.spec : {};
  const warnings: string[] = [];
  try {
    let dir: string;
    try {
      dir = normalizeRel(str(spec.path) || '.');
    } catch {
      throw new RenderFailure(`${str(spec.path)}: kustomization path is outside the repository`, at(['spec', 'path']));
    }
    if ((await ctx.view.stat(dir)) !== 'dir') throw new RenderFailure(`kustomization path not found: ${str(spec.path) || '.'}`, at(['spec', 'path']));
    let kfile;
    try {
      kfile = await fluxKustomization(ctx.view, dir, spec);
    } catch (err) {
      if (err instanceof FluxBuildError) throw new RenderFailure(err.message, err.file ? { file: err.file, line: err.line ?? 1, column: 1 } : at(['spec']));
      throw err;
    }
    const view = new OverlayView(ctx.view, new Map([[kfile.file, kfile.text]]));
    const rendered = flattenLists(await runRenderer(ctx, view, dir, at(['spec', 'path'])));
    const pb = isObj(spec.postBuild) ? spec.postBuild : undefined;
    let vars: Vars | undefined;
    if (pb) {
      vars = await loadVars(app, ctx, entries, at);
      warnings.push(...vars.warnings);
      try {
        checkVarNames(vars.vars);
      } catch (err) {
        throw new RenderFailure(`envsubst error: ${(err as Error).message}`, at(['spec', 'postBuild']));
      }
    }
    const always = pb?.substituteStrategy === 'Always';
    const cm = isObj(spec.commonMetadata) ? spec.commonMetadata : undefined;
    const objects: KubeObject[] = [];
    for (const r of rendered) {
      let o = r.object;
      if (!str(o.apiVersion) || !str(o.kind) || !str(o.metadata?.name)) {
        throw new RenderFailure(`failed to decode Kubernetes apiVersion, kind and name from: ${JSON.stringify(o)}`, r.file ? { file: r.file, line: r.line ?? 1, column: r.column ?? 1 } : at(['spec', 'path']));
      }
      const labels = o.metadata?.labels ?? {};
      const annotations = o.metadata?.annotations ?? {};
      const disabled = labels[SUBSTITUTE_KEY] === 'disabled' || annotations[SUBSTITUTE_KEY] === 'disabled';
      // FLX-5: substitution runs when a variable exists, or always with `substituteStrategy: Always` (for
      // manifests that rely only on defaults such as ${var:=x}).
      if (vars && !disabled && (vars.vars.size > 0 || always)) {
        const text = marshalYAML(fromJSON(o));
        let out: string;
        try {
          out = envsubst(text, (n) => vars!.vars.get(n), ctx.strictSubstitution);
        } catch (err) {
          if (err instanceof EnvsubstError) {
            throw new RenderFailure(`post build failed for '${o.metadata?.name}': envsubst error: variable substitution failed: ${err.message}`, r.file ? { file: r.file, line: r.line ?? 1, column: r.column ?? 1 } : at(['spec', 'postBuild']));
          }
          throw err;
        }
        try {
          o = parseYaml(out, { version: '1.1', merge: true }) as KubeObject;
        } catch (err) {
          throw new RenderFailure(`post build failed for '${o.metadata?.name}': envsubst error: YAMLToJSON: ${(err as Error).message.split('\n')[0]}`, r.file ? { file: r.file, line: r.line ?? 1, column: r.column ?? 1 } : at(['spec', 'postBuild']));
        }
      }
      if (cm) {
        const meta = { ...(o.metadata ?? {}) };
        if (isObj(cm.labels)) meta.labels = { ...(meta.labels ?? {}), ...(cm.labels as Record<string, string>) };
        if (isObj(cm.annotations)) meta.annotations = { ...(meta.annotations ?? {}), ...(cm.annotations as Record<string, string>) };
        o = { ...o, metadata: meta };
      }
      objects.push(o);
    }
    const unplaced = withoutNamespace(objects);
    if (unplaced.length) {
      warnings.push(`kustomize-controller cannot apply ${unplaced.length === 1 ? 'this namespaced object' : 'these namespaced objects'} without a namespace ("namespace not specified"); set spec.targetNamespace or metadata.namespace: ${unplaced.join(', ')}`);
    }
    return {
      ok: true,
      objects,
      origins: rendered.map((r) => (r.file ? { file: r.file, line: r.line ?? 1, column: r.column ?? 1 } : undefined)),
      warnings,
    };
  } catch (err) {
    if (err instanceof RenderFailure) return failedRender(err, app, warnings);
    throw err;
  }
}

/**
 * Objects known to be namespaced (a built-in kind, or a CRD in the same render) that have no namespace. Flux does not
 * default one: the server-side apply dry-run of such an object fails. Kinds whose scope is unknown here are left out.
 */
function withoutNamespace(objects: KubeObject[]): string[] {
  const scope = crdScopes(objects);
  const out: string[] = [];
  for (const o of objects) {
    if (str(o.metadata?.namespace)) continue;
    const group = parseApiVersion(str(o.apiVersion)).group;
    const kind = str(o.kind);
    const builtin = builtinKindsNamed(kind).find((b) => b.group === group);
    const namespaced = builtin ? builtin.namespaced : scope(group, kind);
    if (namespaced === true) out.push(`${kind}/${str(o.metadata?.name)}`);
  }
  return out;
}
