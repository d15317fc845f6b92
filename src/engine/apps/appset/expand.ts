/**
 * Expanding an ApplicationSet into the Applications its controller would create (SET-8): each generator's params
 * rendered into the template (the generator's own template merged over the set's), templatePatch applied, the
 * namespace forced to the set's, the resources finalizer added, duplicate names refused. A failure of one
 * generator or one parameter set is reported at its line; the other apps are still generated.
 */
import type { KubeObject } from '../../kube/index.ts';
import type { YNode } from '../../yaml/index.ts';
import { parse as parseYaml } from 'yaml';
import { isObj, str } from '../application.ts';
import type { RepoContext } from '../context.ts';
import { deepCopy, fromJSON, mergoMerge, parseGoTemplateOptions, toJSON, type GoMap } from '../gotemplate/index.ts';
import { mergePatch } from '../render-app.ts';
import { locate } from '../scan.ts';
import type { AppError, DefinedIn } from '../types.ts';
import { GeneratorError, generatorKind, runGenerator, type GenContext } from './generators.ts';
import { replaceDeep, replaceString, TemplateFailure, type RenderMode } from './template.ts';

export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

export interface GeneratedApp {
  manifest: KubeObject;
  definedIn: DefinedIn;
  /** Notes from the generator that made the app (a git generator reading another revision). */
  notes: string[];
}

/** The Application skeleton GetTempApplication builds from an ApplicationSet template. */
function tempApplication(template: Record<string, unknown>): Record<string, unknown> {
  const meta = isObj(template.metadata) ? template.metadata : {};
  const m: Record<string, unknown> = {};
  for (const k of ['name', 'namespace', 'labels', 'annotations', 'finalizers']) if (meta[k] !== undefined) m[k] = meta[k];
  return { metadata: m, spec: isObj(template.spec) ? template.spec : {} };
}

/**
 * The strategic merge of templatePatch onto the Application: Application fields carry no patch strategies, so maps
 * merge, lists and scalars replace and null deletes, which is a JSON merge patch.
 */
function applyTemplatePatch(app: Record<string, unknown>, patchText: string): Record<string, unknown> {
  let patch: unknown;
  try {
    patch = parseYaml(patchText, { version: '1.1' });
  } catch (err) {
    throw new Error(`error while converting template to json: ${(err as Error).message.split('\n')[0]}`);
  }
  if (patch === null || patch === undefined) return app;
  if (!isObj(patch)) throw new Error(`invalid templatePatch: not an object`);
  const project = isObj(app.spec) ? app.spec.project : undefined;
  const out = mergePatch(app, patch) as Record<string, unknown>;
  // The controller keeps the project as the template set it: a patch cannot move an app to another project.
  if (isObj(out.spec)) out.spec = { ...out.spec, project };
  return out;
}

export async function expandApplicationSet(obj: KubeObject, at: DefinedIn, node: YNode | undefined, ctx: RepoContext): Promise<{ apps: GeneratedApp[]; errors: AppError[] }> {
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const name = str(meta.name);
  const namespace = str(meta.namespace) || ctx.argocdNamespace;
  const spec = isObj(obj.spec) ? obj.spec : {};
  const errors: AppError[] = [];
  const where = (path: (string | number)[]): DefinedIn => locate(node, path, at);
  const fail = (path: (string | number)[], message: string): void => {
    errors.push({ ...where(path), message: `ApplicationSet ${name}: ${message}` });
  };

  let mode: RenderMode;
  try {
    mode = { goTemplate: spec.goTemplate === true, options: parseGoTemplateOptions(Array.isArray(spec.goTemplateOptions) ? spec.goTemplateOptions.map(str) : []) };
  } catch (err) {
    fail(['spec', 'goTemplateOptions'], (err as Error).message);
    return { apps: [], errors };
  }
  const gc: GenContext = { ctx, mode };
  const setTemplate = isObj(spec.template) ? spec.template : {};
  const syncPolicy = isObj(spec.syncPolicy) ? spec.syncPolicy : {};
  const templatePatch = typeof spec.templatePatch === 'string' ? spec.templatePatch : undefined;
  const generators = Array.isArray(spec.generators) ? spec.generators : [];
  if (!generators.length) fail(['spec'], 'has no generators, so it generates no Application');

  const apps: GeneratedApp[] = [];
  const seen = new Map<string, number>();
  for (let gi = 0; gi < generators.length; gi++) {
    const gen = generators[gi];
    const gpath = ['spec', 'generators', gi];
    if (!isObj(gen)) {
      fail(gpath, `generator ${gi + 1} is not an object`);
      continue;
    }
    let result;
    gc.notes = new Set();
    try {
      result = await runGenerator(gen, gc, gpath);
    } catch (err) {
      if (err instanceof GeneratorError) {
        fail(err.path, err.message);
        continue;
      }
      throw err;
    }
    const kind = generatorKind(gen).kind!;
    // mergeGeneratorTemplate: the generator's template, its empty fields filled from the set's template.
    const genTemplate = result.template ?? {};
    const merged = toJSON(mergoMerge(deepCopy(fromJSON(genTemplate)) as GoMap, fromJSON(setTemplate) as GoMap, false)) as Record<string, unknown>;
    const tmplApp = tempApplication(merged);
    const templatePathOf = (p: (string | number)[]): (string | number)[] => {
      // Paths inside the temp Application map back to `metadata`/`spec` of whichever template wrote the field.
      let cur: unknown = genTemplate;
      for (const seg of p) cur = isObj(cur) ? cur[seg as string] : Array.isArray(cur) ? cur[seg as number] : undefined;
      return cur !== undefined ? [...gpath, kind, 'template', ...p] : ['spec', 'template', ...p];
    };
    for (const params of result.params) {
      let app: Record<string, unknown>;
      if (Object.keys(params).length === 0) {
        // RenderTemplateParams returns the template untouched (and adds no finalizer) when there are no params.
        app = structuredClone(tmplApp);
      } else {
        try {
          app = replaceDeep(tmplApp, params, mode) as Record<string, unknown>;
        } catch (err) {
          if (err instanceof TemplateFailure) {
            fail(templatePathOf(err.path), err.message);
            continue;
          }
          throw err;
        }
        const m = app.metadata as Record<string, unknown>;
        const fin = Array.isArray(m.finalizers) ? m.finalizers : [];
        if (syncPolicy.preserveResourcesOnDeletion !== true && fin.length === 0) m.finalizers = [RESOURCES_FINALIZER];
      }
      if (templatePatch !== undefined) {
        try {
          const text = replaceString(templatePatch, mode.goTemplate ? fromJSON(params) : params, mode);
          app = applyTemplatePatch(app, text);
        } catch (err) {
          fail(['spec', 'templatePatch'], `error replacing values in templatePatch: ${(err as Error).message}`);
          continue;
        }
      }
      const m = (isObj(app.metadata) ? app.metadata : (app.metadata = {})) as Record<string, unknown>;
      m.namespace = namespace;
      const appName = str(m.name);
      if (!appName) {
        fail(templatePathOf(['metadata', 'name']), 'a generated Application has no name');
        continue;
      }
      if (seen.has(appName)) {
        fail(gpath, `contains applications with duplicate name: ${appName}`);
        continue;
      }
      seen.set(appName, gi);
      const manifest: KubeObject = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: m as KubeObject['metadata'], spec: app.spec };
      apps.push({ manifest, definedIn: at, notes: [...(gc.notes ?? [])] });
    }
  }
  return { apps, errors };
}
