import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import type { RenderTarget } from './engine/api.ts';
import { engine } from './engine-loader.ts';
import { isKustomizationFileName } from './lens-targets.ts';
import { parseRenderedUri } from './render-uri.ts';

/** What a command may be called with: a CodeLens or tree item's target, an app by name, a file, or nothing. */
export type TargetArg = { target: RenderTarget } | { app: string; file: string } | vscode.Uri | undefined;

/**
 * The overlay or app a command acts on. Without an argument: the active editor's, i.e. the rendered view's own
 * target, the kustomization file's folder, or the nearest kustomization above the file.
 */
export async function resolveTarget(arg: TargetArg): Promise<RenderTarget | undefined> {
  if (arg && 'target' in arg) return arg.target;
  if (arg && 'app' in arg) {
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
