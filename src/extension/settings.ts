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
   * The renderer has one option today: kustomize's defaults (root-only load restrictor; helmCharts refused, as
   * `kubectl kustomize` refuses them), so nothing here can make it run an external program.
   */
  kustomize: (): KustomizeOptions => ({ loadRestrictor: 'LoadRestrictionsRootOnly', enableHelm: false, helmCommand: 'helm' }),
  /** Kube contexts matching one of these (context, cluster or server host) are refused as sync targets. */
  denyPatterns: () => cfg().get<string[]>('sync.denyPatterns', ['*prod*']),
  /** The kubeconfig the Sync… picker lists contexts from; empty: $KUBECONFIG or ~/.kube/config. */
  kubeconfig: () => cfg().get<string>('sync.kubeconfig', '').trim() || undefined,
  provenance: () => cfg().get<boolean>('render.provenance', true),
  /** The engine never runs external programs; passed on so that whatever later could, asks first. */
  trusted: () => vscode.workspace.isTrusted,
};
