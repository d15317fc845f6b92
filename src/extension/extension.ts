import * as vscode from 'vscode';
import { AppsTree } from './apps-tree.ts';
import { GitOpsCodeLens } from './codelens.ts';
import { registerCommands } from './commands.ts';
import { Diagnostics } from './diagnostics.ts';
import { FEATURES } from './engine/features.ts';
import { LiveUpdates } from './live.ts';
import { PlanPanels } from './plan-panel.ts';
import { ProvenanceProviders } from './provenance.ts';
import { REPORT_SCHEME, Reports } from './reports.ts';
import { initLog, log } from './log.ts';
import { RenderedViews } from './rendered-views.ts';
import { SCHEME } from './render-uri.ts';

/**
 * Activation registers providers and commands and nothing else: the engine (dist/engine.cjs) is loaded the first
 * time something needs it (engine-loader.ts). The time spent here is logged and readable by the e2e run.
 */
export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  context.subscriptions.push(initLog());
  const diagnostics = new Diagnostics();
  const views = new RenderedViews(diagnostics);
  const plans = new PlanPanels(context.extensionUri, diagnostics);
  const live = new LiveUpdates(views, diagnostics, [
    () => plans.refreshAll(),
    () => {
      apps.refresh(1000);
      return [];
    },
  ]);
  const lenses = new GitOpsCodeLens();
  const apps = new AppsTree(diagnostics);
  const provenance = new ProvenanceProviders();
  const reports = new Reports();
  const yamlFiles: vscode.DocumentSelector = [
    { scheme: 'file', language: 'yaml' },
    { scheme: 'file', pattern: '**/Kustomization' },
  ];
  context.subscriptions.push(
    diagnostics,
    views,
    plans,
    live,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, views),
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.languages.registerCodeLensProvider(yamlFiles, lenses),
    ...(FEATURES.provenance
      ? [
          vscode.languages.registerHoverProvider([{ scheme: SCHEME }, ...(yamlFiles as vscode.DocumentFilter[])], provenance),
          vscode.languages.registerDefinitionProvider({ scheme: SCHEME }, provenance),
        ]
      : []),
    apps,
    vscode.window.createTreeView('gitopsSandbox.apps', { treeDataProvider: apps, showCollapseAll: true }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gitopsSandbox.codeLens')) lenses.refresh();
      if (e.affectsConfiguration('gitopsSandbox.render')) void Promise.all(views.refreshWorkingViews());
    }),
  );
  const activationMs = performance.now() - t0;
  registerCommands(context, {
    views,
    plans,
    apps,
    reports,
    storage: context.storageUri ?? context.globalStorageUri,
    stats: () => ({
      activationMs,
      features: FEATURES,
      renders: views.samples,
      lastUpdate: live.lastUpdate,
    }),
  });
  void vscode.commands.executeCommand('setContext', 'gitopsSandbox.appsAvailable', FEATURES.apps);
  live.checkOpenDocuments();
  log.info(`activated in ${activationMs.toFixed(1)} ms (engine loads on first use)`);
}

export function deactivate(): void {}
