import * as vscode from 'vscode';
import type { KustomizeOptions } from './engine/api.ts';

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('gitopsSandbox');
}

export const settings = {
  baseBranch: () => cfg().get<string>('baseBranch', ''),
  codeLens: () => cfg().get<boolean>('codeLens.enabled', true),
  diagnostics: () => cfg().get<boolean>('diagnostics.enabled', true),
  debounceMs: () => Math.max(0, cfg().get<number>('render.debounceMs', 40)),
  kustomize: (): KustomizeOptions => ({
    loadRestrictor: cfg().get<KustomizeOptions['loadRestrictor']>('kustomize.loadRestrictor', 'LoadRestrictionsRootOnly'),
    enableHelm: cfg().get<boolean>('kustomize.enableHelm', false),
    helmCommand: cfg().get<string>('kustomize.helmCommand', 'helm'),
  }),
  /** Untrusted workspaces render, but the engine runs no external program there. */
  trusted: () => vscode.workspace.isTrusted,
};
