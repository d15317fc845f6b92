import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import type { RenderTarget } from './engine/api.ts';

/** Rendered documents live under their own scheme: read-only, never saved, one per overlay or app (and revision). */
export const SCHEME = 'gitops-sandbox';

export interface ViewSpec {
  target: RenderTarget;
  /** A commit id: the view shows that revision and never changes. Absent: the working tree under unsaved buffers. */
  rev?: string;
  /** What the user calls the revision: "HEAD", "merge-base with main". */
  revLabel?: string;
  /** Both sides of one diff share a pair id, so that their Secret masks are assigned together. */
  pair?: string;
  /** On the working-tree side of a diff: the commit of the other side. */
  against?: string;
  againstLabel?: string;
}

const OVERLAY_SUFFIX = '.rendered.yaml';
const APP_SUFFIX = '.app.yaml';

/**
 * `gitops-sandbox:/repo/apps/web/overlays/prod.rendered.yaml` is the working-tree render of that overlay (the tab
 * reads "prod.rendered.yaml"); `?rev=<commit>` a revision's; apps are `<repo>/<name>.app.yaml?app=<name>`.
 */
export function renderedUri(spec: ViewSpec): vscode.Uri {
  const q = new URLSearchParams();
  let path: string;
  if (spec.target.kind === 'overlay') path = `${spec.target.dir}${OVERLAY_SUFFIX}`;
  else {
    path = `${spec.target.repo}/${spec.target.name.split('/').pop()}${APP_SUFFIX}`;
    q.set('app', spec.target.name);
  }
  if (spec.rev) q.set('rev', spec.rev);
  if (spec.revLabel) q.set('label', spec.revLabel);
  if (spec.pair) q.set('pair', spec.pair);
  if (spec.against) q.set('against', spec.against);
  if (spec.againstLabel) q.set('againstLabel', spec.againstLabel);
  return vscode.Uri.from({ scheme: SCHEME, path, query: q.toString() });
}

export function parseRenderedUri(uri: vscode.Uri): ViewSpec | undefined {
  if (uri.scheme !== SCHEME) return undefined;
  const q = new URLSearchParams(uri.query);
  const app = q.get('app');
  let target: RenderTarget;
  if (app !== null) target = { kind: 'app', repo: dirname(uri.path), name: app };
  else if (uri.path.endsWith(OVERLAY_SUFFIX)) target = { kind: 'overlay', dir: uri.path.slice(0, -OVERLAY_SUFFIX.length) };
  else return undefined;
  const opt = (k: string) => q.get(k) ?? undefined;
  return { target, rev: opt('rev'), revLabel: opt('label'), pair: opt('pair'), against: opt('against'), againstLabel: opt('againstLabel') };
}

export function targetKey(t: RenderTarget): string {
  return t.kind === 'overlay' ? `overlay:${t.dir}` : `app:${t.repo}:${t.name}`;
}

/** How the user sees a target in titles and messages: the app's name, or the overlay's workspace-relative folder. */
export function describeTarget(t: RenderTarget): string {
  if (t.kind === 'app') return `app ${t.name.split('/').pop()}`;
  const rel = vscode.workspace.asRelativePath(t.dir, false);
  return rel === t.dir && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(t.dir)) ? basename(t.dir) : rel;
}
