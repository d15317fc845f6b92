import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { dirtyBuffers } from './buffers.ts';
import type { PlanView, Problem, RenderTarget } from './engine/api.ts';
import type { Diagnostics } from './diagnostics.ts';
import type { RowOutcome, SyncSummary } from './engine/plan-view.ts';
import { engine } from './engine-loader.ts';
import { log } from './log.ts';
import { describeTarget, targetKey } from './render-uri.ts';
import { settings } from './settings.ts';

/**
 * The plan's warnings (and a sync Argo CD would refuse) as problems on the lines that wrote the objects, for as long as the
 * preview is open: the Problems panel then lists what Argo CD would warn about while the user types. (A failed
 * render is reported by the render check already.)
 */
function planProblems(view: PlanView): Problem[] {
  const out: Problem[] = [];
  for (const w of view.warnings) {
    if (w.source) out.push({ message: w.message, file: w.source.file, line: w.source.line, severity: 'warning', source: 'plan', code: w.code });
  }
  if (view.failure) {
    const first = view.phases.flatMap((ph) => ph.waves.flatMap((wv) => wv.rows)).find((r) => r.source)?.source;
    if (first) out.push({ message: `Argo CD would refuse this sync: ${view.failure}`, file: first.file, line: first.line, severity: 'error', source: 'plan', code: 'plan' });
  }
  return out;
}

interface Panel {
  target: RenderTarget;
  panel: vscode.WebviewPanel;
  ready: boolean;
  last?: PlanView;
  /** The panel shows a sync (running or done): typing in a file turns it back into a live preview. */
  pinned?: boolean;
}

/**
 * Sync preview panels, one per overlay or app: a webview (webview/plan, on @vscode-elements/elements) showing the
 * plan by phase and wave. It re-plans as the user types, like the rendered views, and a row click opens the line
 * that wrote the object.
 */
export class PlanPanels implements vscode.Disposable {
  private readonly panels = new Map<string, Panel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly diagnostics: Diagnostics,
  ) {
    // A sync's outcome stays on screen until the user edits a file: from then on the panel previews the new text.
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== 'file' || !e.contentChanges.length) return;
        for (const p of this.panels.values()) p.pinned = false;
      }),
    );
  }

  async show(target: RenderTarget, token?: vscode.CancellationToken): Promise<void> {
    const p = this.open(target);
    p.pinned = false;
    if (!token?.isCancellationRequested) await this.update(p);
  }

  /**
   * The panel of a target, showing a sync: `view` first (the plan against the target), then each task's outcome as
   * it arrives, then the final view. Returns the functions the sync command feeds it through.
   */
  showSync(target: RenderTarget): {
    view: (view: PlanView) => void;
    outcome: (task: number, outcome: RowOutcome) => void;
    status: (sync: SyncSummary) => void;
  } {
    const p = this.open(target);
    p.pinned = true;
    p.panel.title = `Sync: ${describeTarget(target)}`;
    const post = (m: unknown) => {
      if (p.ready) void p.panel.webview.postMessage(m);
    };
    return {
      view: (view) => {
        p.pinned = true;
        p.last = view;
        post({ type: 'plan', view });
      },
      outcome: (task, outcome) => {
        const row = p.last?.phases.flatMap((ph) => ph.waves.flatMap((w) => w.rows)).find((r) => r.task === task);
        if (row) row.outcome = outcome;
        post({ type: 'outcome', task, outcome });
      },
      status: (sync) => {
        if (p.last) p.last.sync = sync;
        post({ type: 'status', sync });
      },
    };
  }

  private open(target: RenderTarget): Panel {
    const key = targetKey(target);
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel('gitopsSandbox.plan', `Sync preview: ${describeTarget(target)}`, vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    });
    const p: Panel = { target, panel, ready: false };
    this.panels.set(key, p);
    const entry = p;
    panel.onDidDispose(() => {
      this.panels.delete(key);
      this.diagnostics.clear(`plan:${key}`);
    });
    panel.webview.onDidReceiveMessage(async (m: { type: string; file?: string; line?: number }) => {
      if (m.type === 'ready') {
        entry.ready = true;
        if (entry.last) void panel.webview.postMessage({ type: 'plan', view: entry.last });
      } else if (m.type === 'open' && m.file) {
        const line = Math.max(0, (m.line ?? 1) - 1);
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(m.file));
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(line, 0, line, 0) });
      }
    });
    panel.webview.html = this.html(panel.webview);
    return p;
  }

  refreshAll(): Promise<void>[] {
    return [...this.panels.values()].map((p) => this.update(p));
  }

  private async update(p: Panel): Promise<void> {
    if (p.pinned) return;
    const t0 = performance.now();
    if (p.ready) void p.panel.webview.postMessage({ type: 'busy', busy: true });
    const view = await engine().planPreview(p.target, { buffers: dirtyBuffers(), kustomize: settings.kustomize(), trusted: settings.trusted() });
    const tasks = view.phases.reduce((n, ph) => n + ph.waves.reduce((m, w) => m + w.rows.length, 0), 0);
    log.info(`planned ${describeTarget(p.target)}: ${tasks} tasks in ${view.phases.length} phases${view.error ? ` (error: ${view.error.message})` : ''} in ${(performance.now() - t0).toFixed(1)} ms`);
    if (p.pinned) return; // a sync started meanwhile: its view wins
    this.diagnostics.set(`plan:${targetKey(p.target)}`, planProblems(view));
    p.last = view;
    p.panel.title = `Sync preview: ${describeTarget(p.target)}`;
    if (p.ready) void p.panel.webview.postMessage({ type: 'plan', view });
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'plan.js'));
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Sync preview</title>
<style>
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; }
  body.busy header h1::after { content: ' …'; color: var(--vscode-descriptionForeground); }
  h1 { font-size: 1.4em; font-weight: 600; margin: 16px 0 8px; }
  h2 { font-size: 1.1em; font-weight: 600; margin: 20px 0 6px; }
  .badges { display: flex; gap: 6px; flex-wrap: wrap; }
  .muted { color: var(--vscode-descriptionForeground); }
  .error { color: var(--vscode-errorForeground); border-left: 3px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground)); padding: 4px 8px; margin: 8px 0; }
  .warnings { margin: 4px 0; padding-left: 20px; }
  .warnings .code { font-family: var(--vscode-editor-font-family); color: var(--vscode-editorWarning-foreground); }
  vscode-collapsible { margin-bottom: 6px; }
  .kind { font-weight: 600; }
  .object { font-family: var(--vscode-editor-font-family); }
  .details div { line-height: 1.4; }
  .action { font-weight: 600; }
  .action-create { color: var(--vscode-gitDecoration-addedResourceForeground); }
  .action-update { color: var(--vscode-gitDecoration-modifiedResourceForeground); }
  .action-prune, .action-needs-confirmation { color: var(--vscode-gitDecoration-deletedResourceForeground); }
  .action-hook, .action-hook-recreate { color: var(--vscode-charts-purple, var(--vscode-textLink-foreground)); }
  .action-unchanged, .action-skip, .action-prune-skipped { color: var(--vscode-descriptionForeground); }
  vscode-table-row.linked { cursor: pointer; }
  .sync-status { border-left: 3px solid var(--vscode-focusBorder); padding: 6px 10px; margin: 8px 0; background: var(--vscode-textBlockQuote-background); }
  .sync-status.outcome-ok { border-left-color: var(--vscode-testing-iconPassed, var(--vscode-gitDecoration-addedResourceForeground)); }
  .sync-status.outcome-failed { border-left-color: var(--vscode-errorForeground); }
  .outcome-code { font-weight: 600; }
  .outcome-ok .outcome-code { color: var(--vscode-testing-iconPassed, var(--vscode-gitDecoration-addedResourceForeground)); }
  .outcome-failed .outcome-code { color: var(--vscode-errorForeground); }
  .outcome-running .outcome-code { color: var(--vscode-progressBar-background); }
  /* Details wrap instead of being cut off: rows grow with their content. */
  vscode-table-cell { white-space: normal; overflow: visible; text-overflow: clip; vertical-align: top; height: auto; padding-top: 3px; padding-bottom: 3px; }
  vscode-table-row { height: auto; }
  a, .source { color: var(--vscode-textLink-foreground); text-decoration: none; }
  a:hover { text-decoration: underline; }
</style>
</head>
<body>
<div id="root"><p class="muted">Planning…</p></div>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const p of this.panels.values()) p.panel.dispose();
    this.panels.clear();
  }
}
