/**
 * The repo's applications as the Applications view shows them: plain data built from the apps engine's result, each
 * app with where it is written (absolute path), its source, destination, sync policy and render status in words.
 * No rendered objects cross over (they may hold Secret data).
 */
import { join } from 'node:path';
import type { AppEntry, AppsResult } from '../../engine/apps/index.ts';
import type { SourceLink } from './plan-view.ts';

const IN_CLUSTER = 'https://kubernetes.default.svc';

export interface AppNode {
  id: string;
  name: string;
  namespace: string;
  kind: 'Application' | 'Kustomization';
  generatedBy?: string;
  parentId?: string;
  children: string[];
  definedIn: SourceLink;
  source: string;
  destination: string;
  sync: string;
  external: boolean;
  /** 'ok' | 'error' | 'not rendered' */
  status: 'ok' | 'error' | 'not-rendered';
  statusText: string;
  revisionNote?: string;
  warnings: string[];
}

export interface AppsTreeData {
  root: string;
  viewLabel: string;
  apps: AppNode[];
  /** Argo CD root apps in display order, then Flux Kustomizations in dependency order. */
  argoRoots: string[];
  fluxRoots: string[];
  errors: { message: string; source: SourceLink; app?: string }[];
}

function destination(a: AppEntry): string {
  const server = a.destination.server === IN_CLUSTER ? 'in-cluster' : (a.destination.server ?? (a.destination.name ? a.destination.name : '?'));
  return a.destination.namespace ? `${server}/${a.destination.namespace}` : server;
}

function sync(a: AppEntry): string {
  const p = a.syncPolicy as Record<string, unknown>;
  if (a.kind === 'Kustomization') {
    const parts = [`every ${String(p.interval ?? '?')}`];
    for (const k of ['prune', 'wait', 'force']) if (p[k]) parts.push(k);
    if (p.suspend) parts.push('suspended');
    const deps = (p.dependsOn as string[] | undefined) ?? [];
    if (deps.length) parts.push(`after ${deps.join(', ')}`);
    return parts.join(', ');
  }
  const auto = p.automated as { prune?: boolean; selfHeal?: boolean; allowEmpty?: boolean } | null | undefined;
  const flags = auto ? [auto.prune && 'prune', auto.selfHeal && 'self-heal', auto.allowEmpty && 'allow-empty'].filter(Boolean) : [];
  let s = auto ? `auto${flags.length ? ` (${flags.join(', ')})` : ''}` : 'manual';
  const opts = (p.syncOptions as string[] | undefined) ?? [];
  if (opts.length) s += `, ${opts.join(', ')}`;
  return s;
}

function status(a: AppEntry, root: string): Pick<AppNode, 'status' | 'statusText'> {
  if (a.external) return { status: 'not-rendered', statusText: `not rendered: ${a.externalReason ?? 'another repository'}` };
  if (!a.render) return { status: 'not-rendered', statusText: 'not rendered' };
  if (a.render.error) {
    const e = a.render.error;
    return { status: 'error', statusText: `${join(root, e.file)}:${e.line}: ${e.message}` };
  }
  if (!a.render.ok) return { status: 'not-rendered', statusText: `not rendered: ${a.render.warnings.at(-1) ?? 'unknown reason'}` };
  const n = a.render.objects.length;
  return { status: 'ok', statusText: `${n} object${n === 1 ? '' : 's'}` };
}

/**
 * `scope`: the workspace folder, when it is a part of the repository (apps are found across the repository, since
 * their paths are relative to its root, but only those written under the folder are listed).
 */
export function appsTreeData(r: AppsResult, root: string, scope?: string): AppsTreeData {
  const inScope = (file: string) => !scope || scope === root || join(root, file).startsWith(`${scope}/`);
  const kept = new Set(r.apps.filter((a) => inScope(a.definedIn.file)).map((a) => a.id));
  const apps: AppNode[] = r.apps.filter((a) => kept.has(a.id)).map((a) => ({
    id: a.id,
    name: a.name,
    namespace: a.namespace,
    kind: a.kind,
    ...(a.generatedBy ? { generatedBy: a.generatedBy } : {}),
    ...(a.parentId ? { parentId: a.parentId } : {}),
    children: a.children.filter((c) => kept.has(c)),
    definedIn: { file: join(root, a.definedIn.file), line: a.definedIn.line },
    source: `${a.source.path || '.'} @ ${a.source.targetRevision || 'HEAD'}`,
    destination: destination(a),
    sync: sync(a),
    external: a.external,
    ...status(a, root),
    ...(a.revisionNote ? { revisionNote: a.revisionNote } : {}),
    warnings: a.render?.ok ? [...a.render.warnings] : (a.render?.warnings ?? []).slice(0, -1),
  }));
  const byId = new Map(r.apps.map((a) => [a.id, a]));
  return {
    root,
    viewLabel: r.viewLabel,
    apps,
    // An app whose parent is out of scope is a root here.
    argoRoots: r.apps.filter((a) => kept.has(a.id) && a.kind === 'Application' && (r.roots.includes(a.id) || !kept.has(a.parentId ?? ''))).map((a) => a.id),
    fluxRoots: r.fluxOrder.filter((id) => kept.has(id) && (r.roots.includes(id) || !kept.has(byId.get(id)?.parentId ?? ''))),
    errors: r.errors.filter((e) => inScope(e.file)).map((e) => ({ message: e.message, source: { file: join(root, e.file), line: e.line }, ...(e.app ? { app: e.app } : {}) })),
  };
}
