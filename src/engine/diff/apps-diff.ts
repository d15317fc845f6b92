/**
 * Every app of the repo (Argo CD Applications, generated or written, and Flux Kustomizations, found and rendered by
 * the apps engine) diffed between two views, or against a live cluster: what a PR check runs.
 */
import { discoverApps, type KustomizeRenderer } from '../apps/index.ts';
import type { KubeObject } from '../kube/index.ts';
import type { FileView } from '../source/index.ts';
import { diffAppLive, type LiveApp, type LiveSource } from './live.ts';
import { diffRenders } from './revision.ts';
import { defaultSystemSettings, ignoreRulesOf, syncOptionsOf, type SystemSettings } from './settings.ts';
import type { AppDiff } from './types.ts';

export interface AppsDiffResult {
  apps: AppDiff[];
  /** Apps that could not be discovered or rendered (`file:line:column: message`); the answer is incomplete. */
  errors: string[];
  /** Apps left out on purpose (their source is another repository). */
  notes: string[];
}

interface Found {
  id: string;
  name: string;
  path: string;
  objects?: KubeObject[];
  live: LiveApp;
}

function located(e: { file: string; line: number; column?: number; message: string }): string {
  return `${e.file}:${e.line}${e.column ? `:${e.column}` : ''}: ${e.message}`;
}

async function discover(view: FileView, renderer: KustomizeRenderer | undefined, rev: string | undefined, app: string | undefined, out: AppsDiffResult): Promise<Map<string, Found>> {
  const result = await discoverApps(view, { renderer, rev });
  const found = new Map<string, Found>();
  const wanted = result.apps.filter((a) => app === undefined || a.name === app || a.id === app);
  for (const e of result.errors) if (!e.app || wanted.some((a) => a.name === e.app)) out.errors.push(`${view.label}: ${located(e)}`);
  for (const a of wanted) {
    if (a.external) {
      out.notes.push(`${a.name}: not diffed (${a.externalReason ?? 'its source is another repository'})`);
      continue;
    }
    if (a.render && !a.render.ok && a.render.error) out.errors.push(`${view.label}: ${located(a.render.error)}`);
    found.set(a.id, {
      id: a.id,
      name: a.name,
      path: a.source.path,
      objects: a.render?.ok ? a.render.objects : undefined,
      live: a.kind === 'Application'
        ? {
            name: a.name,
            appNamespace: a.namespace,
            destNamespace: a.destination.namespace ?? '',
            ignoreDifferences: ignoreRulesOf(a.manifest),
            syncOptions: syncOptionsOf(a.manifest),
            compareOptions: a.manifest.metadata?.annotations?.['argocd.argoproj.io/compare-options'],
          }
        : {
            name: a.name,
            appNamespace: a.namespace,
            destNamespace: a.flux?.targetNamespace ?? '',
            flux: { name: a.name, namespace: a.namespace ?? 'flux-system', prune: a.flux?.prune ?? false },
          },
    });
  }
  return found;
}

export interface AppsRevisionInput {
  before: FileView;
  after: FileView;
  renderer?: KustomizeRenderer;
  /** Only the app with this name (or id). */
  app?: string;
  system?: SystemSettings;
}

/** Apps paired by id across the two views; an app on one side only has all its objects added or removed. */
export async function diffAppsRevisions(input: AppsRevisionInput): Promise<AppsDiffResult> {
  const out: AppsDiffResult = { apps: [], errors: [], notes: [] };
  const system = input.system ?? defaultSystemSettings();
  const rev = input.before.commit;
  const [after, old] = [await discover(input.after, input.renderer, undefined, input.app, out), await discover(input.before, input.renderer, rev, input.app, { apps: [], errors: out.errors, notes: [] })];
  for (const id of [...after.keys(), ...[...old.keys()].filter((k) => !after.has(k))]) {
    const a = after.get(id);
    const b = old.get(id);
    // An app that did not render on one side is an error (listed), never "everything removed".
    if ((a && !a.objects) || (b && !b.objects)) continue;
    const objects = diffRenders(b?.objects ?? [], a?.objects ?? [], {
      sensitiveAnnotations: system.sensitiveAnnotations,
      fromLabel: input.before.commit?.slice(0, 7) ?? 'before',
      toLabel: input.after.commit?.slice(0, 7) ?? 'worktree',
    });
    out.apps.push({ name: (a ?? b)!.name, path: (a ?? b)!.path, objects, warnings: [] });
  }
  return out;
}

export interface AppsLiveInput {
  view: FileView;
  source: LiveSource;
  renderer?: KustomizeRenderer;
  app?: string;
  system?: SystemSettings;
  /** The controller's server-side diff default (DIF-4). */
  serverSideDiff?: boolean;
}

/** Every app's render against live objects, each paired by its own tracking. */
export async function diffAppsLive(input: AppsLiveInput): Promise<AppsDiffResult> {
  const out: AppsDiffResult = { apps: [], errors: [], notes: [] };
  const found = await discover(input.view, input.renderer, input.view.commit, input.app, out);
  for (const a of found.values()) {
    if (!a.objects) continue;
    const r = await diffAppLive(a.live, a.objects, input.source, { system: input.system, serverSideDiff: input.serverSideDiff });
    out.apps.push({ ...r, path: a.path });
  }
  return out;
}
