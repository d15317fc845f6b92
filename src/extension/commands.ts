import * as vscode from 'vscode';
import type { RenderTarget } from './engine/api.ts';
import { FEATURES, MISSING_REASON } from './engine/features.ts';
import { engine } from './engine-loader.ts';
import { log } from './log.ts';
import type { AppsTree } from './apps-tree.ts';
import type { Reports } from './reports.ts';
import type { PlanPanels } from './plan-panel.ts';
import type { RenderedViews } from './rendered-views.ts';
import { describeTarget, renderedUri, type ViewSpec } from './render-uri.ts';
import { settings } from './settings.ts';
import { dirtyBuffers } from './buffers.ts';
import { resolveTarget, type TargetArg } from './targets.ts';
import { syncCommand, type SyncPreset } from './sync-command.ts';

export interface CommandDeps {
  views: RenderedViews;
  plans: PlanPanels;
  apps: AppsTree;
  reports: Reports;
  stats: () => unknown;
  /** Where the editor's sandbox keeps its state (workspace storage; created on first sync). */
  storage: vscode.Uri;
}

/** Long work runs under a progress notification the user can cancel; a cancelled command opens nothing. */
async function withProgress<T>(title: string, work: (token: vscode.CancellationToken) => Promise<T>): Promise<T | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (_progress, token) => {
      const result = await Promise.race([
        work(token),
        new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined))),
      ]);
      if (token.isCancellationRequested) {
        log.info(`${title}: cancelled`);
        return undefined;
      }
      return result;
    },
  );
}

async function targetOrComplain(arg: TargetArg, what: string): Promise<RenderTarget | undefined> {
  const target = await resolveTarget(arg);
  if (!target) {
    void vscode.window.showWarningMessage(`GitOps Sandbox: open a kustomization file (or a file inside an overlay) to ${what}.`);
  }
  return target;
}

function unavailable(feature: keyof typeof FEATURES, what: string): boolean {
  if (FEATURES[feature]) return false;
  log.warn(`${what}: ${MISSING_REASON[feature]}`);
  void vscode.window.showInformationMessage(`GitOps Sandbox: ${what} is not available yet: ${MISSING_REASON[feature]}.`);
  return true;
}

async function render(deps: CommandDeps, arg: TargetArg): Promise<void> {
  const target = await targetOrComplain(arg, 'render it');
  if (!target) return;
  log.info(`command: render ${describeTarget(target)}`);
  const uri = renderedUri({ target });
  const doc = await withProgress(`Rendering ${describeTarget(target)}`, async () => vscode.workspace.openTextDocument(uri));
  if (!doc) return;
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
}

async function diff(deps: CommandDeps, arg: TargetArg, against: 'HEAD' | 'base'): Promise<void> {
  const target = await targetOrComplain(arg, 'diff it');
  if (!target) return;
  const anchor = target.kind === 'overlay' ? target.dir : target.repo;
  log.info(`command: diff ${describeTarget(target)} against ${against}`);
  const opened = await withProgress(`Diffing ${describeTarget(target)} against ${against}`, async () => {
    let rev: string;
    let label: string;
    try {
      if (against === 'HEAD') {
        rev = await engine().commitOf(anchor, 'HEAD');
        label = `HEAD (${rev.slice(0, 7)})`;
      } else {
        ({ rev, label } = await engine().baseRevision(anchor, settings.baseBranch()));
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.warn(`diff against ${against}: ${message}`);
      void vscode.window.showWarningMessage(`GitOps Sandbox: cannot diff against ${against}: ${message}`);
      return undefined;
    }
    const pair = rev.slice(0, 12);
    const left: ViewSpec = { target, rev, revLabel: label, pair };
    const right: ViewSpec = { target, pair, against: rev, againstLabel: label };
    const leftUri = renderedUri(left);
    const rightUri = renderedUri(right);
    // Render both sides before the diff editor opens, so the progress covers the work.
    await Promise.all([vscode.workspace.openTextDocument(leftUri), vscode.workspace.openTextDocument(rightUri)]);
    return { leftUri, rightUri, label };
  });
  if (!opened) return;
  const title = `${describeTarget(target)}: ${opened.label} ↔ working tree`;
  await vscode.commands.executeCommand('vscode.diff', opened.leftUri, opened.rightUri, title, { preview: false });
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('gitopsSandbox.render', (arg: TargetArg) => render(deps, arg));
  reg('gitopsSandbox.diffHead', (arg: TargetArg) => diff(deps, arg, 'HEAD'));
  reg('gitopsSandbox.diffBase', (arg: TargetArg) => diff(deps, arg, 'base'));
  reg('gitopsSandbox.previewSync', async (arg: TargetArg) => {
    if (unavailable('plan', 'Preview sync')) return;
    const target = await targetOrComplain(arg, 'preview its sync');
    if (!target) return;
    log.info(`command: preview sync of ${describeTarget(target)}`);
    await withProgress(`Planning the sync of ${describeTarget(target)}`, (token) => deps.plans.show(target, token));
  });
  reg('gitopsSandbox.sync', async (arg: TargetArg, preset?: SyncPreset) => {
    if (unavailable('plan', 'Sync')) return undefined;
    const target = await targetOrComplain(arg, 'sync it');
    if (!target) return undefined;
    await vscode.workspace.fs.createDirectory(deps.storage);
    // The Applications view passes (item, selection): only a plain preset object counts.
    const p = preset && !Array.isArray(preset) && typeof preset === 'object' ? preset : {};
    const view = await syncCommand({ plans: deps.plans, sandboxStateFile: vscode.Uri.joinPath(deps.storage, 'sandbox-state.json').fsPath }, target, p);
    // What tests read: the outcome, the same plain data the panel shows.
    return view;
  });
  reg('gitopsSandbox.resetSandbox', async () => {
    const file = vscode.Uri.joinPath(deps.storage, 'sandbox-state.json');
    await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    log.info('the embedded sandbox was reset: the next sync starts from an empty cluster');
    void vscode.window.showInformationMessage('GitOps Sandbox: the embedded sandbox is empty again.');
  });
  reg('gitopsSandbox.diffAllApps', async () => {
    if (unavailable('apps', 'Diff all apps')) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) return;
    log.info('command: diff every app against the base branch');
    const report = await withProgress('Diffing every app against the base branch', async () => {
      try {
        const { rev, label } = await engine().baseRevision(folder, settings.baseBranch());
        return await engine().diffAllApps(folder, rev, label, { buffers: dirtyBuffers() });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.warn(`diff of every app: ${message}`);
        void vscode.window.showWarningMessage(`GitOps Sandbox: cannot diff the apps: ${message}`);
        return undefined;
      }
    });
    if (!report) return;
    log.info(`diffed ${report.apps} apps: ${report.changed} changed`);
    // A markdown document the user can read as a preview, or copy into a PR.
    const doc = await vscode.workspace.openTextDocument(deps.reports.put('every-app.diff.md', report.markdown));
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri).then(undefined, () => undefined);
  });
  reg('gitopsSandbox.refreshApps', () => {
    if (unavailable('apps', 'The applications view')) return;
    deps.apps.refresh();
  });
  reg('gitopsSandbox.showOutput', () => log.show());
  // Not in the palette: what the end-to-end run reads for its measurements.
  reg('gitopsSandbox.internal.stats', () => deps.stats());
  // Not in the palette either: the Applications view as the tree shows it, for the extension-host tests.
  reg('gitopsSandbox.internal.appsTree', () => deps.apps.snapshot());
}
