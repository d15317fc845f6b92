import * as vscode from 'vscode';
import type { KustomizeOptions } from './engine/api.ts';

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('gitopsSandbox');
}

export const settings = {
  baseBranch: () => cfg().get<string>('baseBranch', ''),
  codeLens: () => cfg().get<boolean>('codeLens.enabled', true),
  diagnostics: () => cfg().get<boolean>('diagnostics.enabled', true),
  debounceMs: () => Math.max(0, cfg().get<number>('render.debounceMs', 15)),
  /**
   * kustomize's defaults (root-only load restrictor), plus `--enable-helm` when the user turned it on. helm is an
   * external program: the engine adapter honours enableHelm only in a trusted workspace.
   */
  kustomize: (): KustomizeOptions => ({
    loadRestrictor: 'LoadRestrictionsRootOnly',
    enableHelm: cfg().get<boolean>('render.enableHelm', false),
    helmCommand: 'helm',
  }),
  /** Kube contexts matching one of these (context, cluster or server host) are refused as sync targets. */
  denyPatterns: () => cfg().get<string[]>('sync.denyPatterns', ['*prod*']),
  /** The kubeconfig the Sync… picker lists contexts from; empty: $KUBECONFIG or ~/.kube/config. */
  kubeconfig: () => cfg().get<string>('sync.kubeconfig', '').trim() || undefined,
  provenance: () => cfg().get<boolean>('render.provenance', true),
  /** Whether external programs (helm, with render.enableHelm) may run. */
  trusted: () => vscode.workspace.isTrusted,
};
