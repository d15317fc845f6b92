import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import { FEATURES } from './engine/features.ts';
import { findLensTargets, type LensTarget } from './lens-targets.ts';
import { settings } from './settings.ts';
import type { TargetArg } from './targets.ts';

/**
 * Render · Diff vs HEAD · Diff vs base · Preview sync · Sync…, above each kustomization file and each Argo CD Application /
 * ApplicationSet or Flux Kustomization document. Found by a line scan (lens-targets.ts), so it costs nothing while
 * typing and works on half-typed files.
 */
export class GitOpsCodeLens implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  refresh(): void {
    this.emitter.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!settings.codeLens() || doc.uri.scheme !== 'file') return [];
    const lenses: vscode.CodeLens[] = [];
    for (const t of findLensTargets(basename(doc.uri.fsPath), doc.getText())) lenses.push(...this.lensesFor(doc, t));
    return lenses;
  }

  private lensesFor(doc: vscode.TextDocument, t: LensTarget): vscode.CodeLens[] {
    const range = new vscode.Range(t.line, 0, t.line, 0);
    let arg: TargetArg;
    if (t.kind === 'kustomization') arg = { target: { kind: 'overlay', dir: dirname(doc.uri.fsPath) } };
    else if (t.kind === 'component') return []; // rendered only through the overlays that include it
    else if (!FEATURES.apps || !t.name) return [];
    else arg = { app: t.name, file: doc.uri.fsPath };
    const lens = (title: string, command: string, tooltip: string) =>
      new vscode.CodeLens(range, { title, command, arguments: [arg], tooltip });
    return [
      lens('Render', 'gitopsSandbox.render', 'Open the rendered manifests, updated as you type'),
      lens('Diff vs HEAD', 'gitopsSandbox.diffHead', 'Diff the render at HEAD with the working-tree render'),
      lens('Diff vs base', 'gitopsSandbox.diffBase', 'Diff the render at the merge-base with the base branch with the working-tree render'),
      lens('Preview sync', 'gitopsSandbox.previewSync', 'The plan Argo CD would run: phases, waves, hooks, prune'),
      lens('Sync…', 'gitopsSandbox.sync', 'Sync for real: to the embedded sandbox, a k3s container or a kube context, each task shown as it runs'),
    ];
  }
}
