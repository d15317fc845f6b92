/** The `apps --json` shape (issue 5) and lookups front ends share. */
import type { AppEntry, AppsResult } from './types.ts';

export interface AppJson {
  name: string;
  kind: 'Application' | 'Kustomization';
  generatedBy?: string;
  parent?: string;
  definedIn: { file: string; line: number };
  source: { repoURL: string; path: string; targetRevision: string };
  destination: { server: string; namespace: string };
  syncPolicy: Record<string, unknown>;
  external: boolean;
  externalReason?: string;
  revisionNote?: string;
  render: { ok: boolean; objects: number; error?: string };
}

export interface AppsJson {
  apps: AppJson[];
  errors: { file: string; line: number; message: string }[];
}

export function appJson(a: AppEntry): AppJson {
  // Keys in the order issue 5 lists them.
  const out = { name: a.name, kind: a.kind } as AppJson;
  if (a.generatedBy) out.generatedBy = a.generatedBy;
  if (a.parent) out.parent = a.parent;
  out.definedIn = { file: a.definedIn.file, line: a.definedIn.line };
  out.source = { repoURL: a.source.repoURL, path: a.source.path, targetRevision: a.source.targetRevision };
  out.destination = { server: a.destination.server ?? (a.destination.name ? `name:${a.destination.name}` : ''), namespace: a.destination.namespace ?? '' };
  out.syncPolicy = a.syncPolicy;
  out.external = a.external;
  if (a.externalReason) out.externalReason = a.externalReason;
  if (a.revisionNote) out.revisionNote = a.revisionNote;
  out.render = { ok: !!a.render?.ok, objects: a.render?.objects.length ?? 0 };
  if (a.render?.error) out.render.error = `${a.render.error.file}:${a.render.error.line}: ${a.render.error.message}`;
  else if (a.external) out.render.error = `not rendered: ${a.externalReason ?? 'another repository'}`;
  else if (!a.render?.ok && a.render?.warnings.length) out.render.error = `not rendered: ${a.render.warnings[a.render.warnings.length - 1]}`;
  return out;
}

export function appsJson(r: AppsResult): AppsJson {
  return {
    apps: r.apps.map(appJson),
    errors: r.errors.map((e) => ({ file: e.file, line: e.line, message: e.message })),
  };
}

/**
 * Finds apps by name: `name`, `<namespace>/<name>`, or `<kind>/<namespace>/<name>`. Several apps may share a name
 * (an Application and a Kustomization, or apps in two namespaces); all matches are returned.
 */
export function findApps(r: AppsResult, query: string): AppEntry[] {
  const parts = query.split('/');
  return r.apps.filter((a) => {
    if (parts.length === 1) return a.name === query;
    if (parts.length === 2) return a.namespace === parts[0] && a.name === parts[1];
    return a.id === query || a.id.toLowerCase() === query.toLowerCase();
  });
}
