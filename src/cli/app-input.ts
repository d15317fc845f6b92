/**
 * What `plan` and `sync` both read before they start: the desired objects of a folder or an Application, the repo's
 * argocd-cm, the app as the plan sees it and the tracking settings. One module, so that the preview and the real
 * sync can never disagree on what they are given (`sync` then `plan --cluster` must show every task unchanged).
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { GitOpsError } from '../engine/errors/index.ts';
import { findArgoCdConfigMap, readArgoCdConfigMap, type ArgoCdConfigMap } from '../engine/health/index.ts';
import type { KubeObject } from '../engine/kube/index.ts';
import { discoverApps, findApps, flattenLists, renderDirectory, type AppEntry, type KustomizeRenderer } from '../engine/apps/index.ts';
import { render } from '../engine/render/index.ts';
import type { PlanApp, TrackingMethod, TrackingSettings } from '../engine/plan/index.ts';
import { findRepo, resolveRevision, type FileView } from '../engine/source/index.ts';
import { cliRenderer } from './commands/apps.ts';

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The project's kustomize renderer, unless the apps command injects another (as `diff` does). */
function kustomize(): KustomizeRenderer {
  return cliRenderer() ?? (async (view, dir) => (await render(view, dir)).resources.map((r) => ({ object: r.object, file: r.source })));
}

/**
 * The desired objects of a folder: a kustomization goes through the project's renderer (as wired for `apps`);
 * plain manifests are read as Argo CD's directory source reads them.
 */
export async function renderDesired(view: FileView, rel: string): Promise<KubeObject[]> {
  const entries = await view.list(rel);
  if (entries.some((e) => e.kind === 'file' && KUSTOMIZATION_NAMES.includes(e.name))) return (await kustomize()(view, rel)).map((r) => r.object);
  return flattenLists(await renderDirectory(view, rel, undefined)).map((r) => r.object);
}

/**
 * The one Argo CD Application `query` names, rendered as Argo CD would; `what` finishes the sentence said when the
 * name is a Flux Kustomization ("plan previews Argo CD syncs").
 */
export async function findApplication(view: FileView, query: string, what: string): Promise<AppEntry> {
  const found = await discoverApps(view, { renderer: kustomize() });
  const matches = findApps(found, query).filter((a) => a.kind === 'Application');
  if (matches.length === 0) {
    const flux = findApps(found, query).some((a) => a.kind === 'Kustomization');
    throw new GitOpsError(flux ? `${query} is a Flux Kustomization: ${what}` : `no Argo CD Application named ${query} in ${found.viewLabel} (see gitops-sandbox apps)`, undefined, 'app');
  }
  if (matches.length > 1) throw new GitOpsError(`${query} names ${matches.length} Applications (${matches.map((a) => a.id).join(', ')}); use namespace/name`, undefined, 'app');
  const app = matches[0]!;
  if (app.external) throw new GitOpsError(`${app.name}: ${app.externalReason ?? 'its source is not in this repository'}`, app.definedIn, 'app');
  const r = app.render;
  if (!r || !r.ok) {
    const e = r?.error;
    throw new GitOpsError(`${app.name} did not render: ${e?.message ?? 'no render'}`, e ? { file: e.file, line: e.line, column: e.column } : app.definedIn, 'app');
  }
  return app;
}

/** The commit HEAD names in the repo holding `abs`, for the tracking revision; undefined outside a repo. */
export async function headRevision(abs: string): Promise<string | undefined> {
  try {
    const repo = await findRepo(abs);
    return repo ? await resolveRevision(repo.dir, 'HEAD') : undefined;
  } catch {
    return undefined;
  }
}

/** `--argocd-cm <file>` when given (it must hold argocd-cm), else the argocd-cm found in the repo, if any. */
export async function loadArgoCdCm(view: FileView, cwd: string, file: string | undefined): Promise<ArgoCdConfigMap | undefined> {
  if (!file) return findArgoCdConfigMap(view, '');
  const cm = readArgoCdConfigMap(await readFile(resolve(cwd, file), 'utf8'), file);
  if (!cm) throw new GitOpsError('no ConfigMap named argocd-cm in this file', { file }, 'argocd-cm');
  return cm;
}

export type SyncPolicyInput = {
  automated?: { prune?: boolean; selfHeal?: boolean } | null;
  syncOptions?: string[];
  managedNamespaceMetadata?: PlanApp['managedNamespaceMetadata'];
};

/**
 * The app as the plan sees it: an Application's name, destination, sync policy and compare options, or for a bare
 * folder the names and options given on the command line.
 */
export function planAppOf(app: AppEntry | undefined, folder: string, opts: { appName?: string; destNamespace: string; syncOptions: string[] }): PlanApp {
  if (!app) return { name: opts.appName ?? (basename(folder) || 'app'), destinationNamespace: opts.destNamespace, syncOptions: opts.syncOptions };
  const policy = app.syncPolicy as SyncPolicyInput | undefined;
  return {
    name: app.name,
    namespace: app.namespace,
    destinationNamespace: app.destination.namespace ?? '',
    syncOptions: [...(policy?.syncOptions ?? []), ...opts.syncOptions],
    automated: policy?.automated ?? undefined,
    compareOptions: app.manifest.metadata?.annotations?.['argocd.argoproj.io/compare-options'],
    managedNamespaceMetadata: policy?.managedNamespaceMetadata,
  };
}

/** The resource tracking settings of an argocd-cm (TRK-1): method, instance label key, installation id. */
export function trackingOf(cm: ArgoCdConfigMap | undefined): TrackingSettings {
  const method = cm?.settings.trackingMethod as TrackingMethod | undefined;
  return {
    method: method && ['annotation', 'label', 'annotation+label'].includes(method) ? method : undefined,
    labelKey: cm?.settings.instanceLabelKey,
    installationID: cm?.settings.installationID,
  };
}
