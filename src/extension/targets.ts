import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import type { RenderTarget } from './engine/api.ts';
import { engine } from './engine-loader.ts';
import { isKustomizationFileName } from './lens-targets.ts';
import { parseRenderedUri } from './render-uri.ts';

/** What a command may be called with: a CodeLens or tree item's target, an app by name, a file, or nothing. */
export type TargetArg =
  | { target: RenderTarget }
  | { app: string; file: string }
  | { type: 'app' | 'appset' | string; app?: { id: string }; name?: string; data: { root: string } }
  | vscode.Uri
  | undefined;

/**
 * The overlay or app a command acts on. Without an argument: the active editor's, i.e. the rendered view's own
 * target, the kustomization file's folder, or the nearest kustomization above the file.
 */
export async function resolveTarget(arg: TargetArg): Promise<RenderTarget | undefined> {
  if (arg && 'target' in arg) return arg.target;
  // An item of the Applications view (inline actions and context menu pass the item itself).
  if (arg && 'data' in arg) {
    if (arg.type === 'app' && arg.app) return { kind: 'app', repo: arg.data.root, name: arg.app.id };
    if (arg.type === 'appset' && arg.name) return { kind: 'app', repo: arg.data.root, name: arg.name };
    return undefined;
  }
  if (arg && 'app' in arg && 'file' in arg) {
    const repo = (await engine().repoRoot(arg.file)) ?? dirname(arg.file);
    return { kind: 'app', repo, name: arg.app };
  }
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri) return undefined;
  const spec = parseRenderedUri(uri);
  if (spec) return spec.target;
  if (uri.scheme !== 'file') return undefined;
  if (isKustomizationFileName(basename(uri.fsPath))) return { kind: 'overlay', dir: dirname(uri.fsPath) };
  let folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  folder ??= (await engine().repoRoot(uri.fsPath)) ?? dirname(uri.fsPath);
  const stat = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
  const start = stat?.type === vscode.FileType.Directory ? `${uri.fsPath}/x` : uri.fsPath;
  const dir = await engine().nearestKustomizationDir(start, folder);
  return dir ? { kind: 'overlay', dir } : undefined;
}
