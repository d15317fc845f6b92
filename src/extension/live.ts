import * as vscode from 'vscode';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirtyBuffers } from './buffers.ts';
import type { Diagnostics } from './diagnostics.ts';
import { FEATURES } from './engine/features.ts';
import { engine } from './engine-loader.ts';
import type { RenderedViews } from './rendered-views.ts';
import { SCHEME, targetKey } from './render-uri.ts';
import { settings } from './settings.ts';

/** In the e2e run, the extension-host side of each keystroke's latency goes to an artifact (timings only). */
const timingsFile = process.env.GITOPS_SANDBOX_E2E_OUT ? join(process.env.GITOPS_SANDBOX_E2E_OUT, 'extension-timings.jsonl') : undefined;

function timing(what: string, ms: number): void {
  if (!timingsFile) return;
  try {
    appendFileSync(timingsFile, `${JSON.stringify({ what, ms: Math.round(ms * 10) / 10 })}\n`);
  } catch {
    // no artifact folder: nothing to keep
  }
}

/** Files that hold YAML the engine reads; helm chart templates are not YAML until helm runs, so they are left alone. */
function isCheckedYaml(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file') return false;
  if (doc.languageId !== 'yaml' && !/\/(kustomization\.ya?ml|Kustomization)$/.test(doc.uri.path)) return false;
  return !/\/templates\/[^/]+$/.test(doc.uri.path) || !doc.getText().includes('{{');
}

/**
 * Follows the user's typing: after a short pause (gitopsSandbox.render.debounceMs), checks the YAML of the edited
 * files, re-renders the open rendered views, and renders the overlay each edited file belongs to so that its errors
 * reach the Problems panel even when no rendered view is open.
 */
export class LiveUpdates implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private yamlTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<vscode.TextDocument>();
  private readonly pendingYaml = new Set<vscode.TextDocument>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Overlays checked in the background, by the file that asked for them. */
  private readonly checked = new Map<string, string>();
  /** The last completed update, for the e2e measurements. */
  lastUpdate = { at: 0, ms: 0 };
  /** When the oldest change not yet checked / rendered arrived (the start of what the user waits for). */
  private yamlSince: number | undefined;
  private renderSince: number | undefined;

  constructor(
    private readonly views: RenderedViews,
    private readonly diagnostics: Diagnostics,
    /** Other views that follow the typing (sync previews). */
    private readonly followers: (() => Promise<void>[])[] = [],
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== 'file' || e.contentChanges.length === 0) return;
        this.schedule(e.document);
      }),
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (isCheckedYaml(doc)) this.schedule(doc);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== 'file') return;
        this.broken.delete(doc.uri.fsPath);
        this.diagnostics.clear(`yaml:${doc.uri.fsPath}`);
        const overlay = this.checked.get(doc.uri.fsPath);
        this.checked.delete(doc.uri.fsPath);
        if (overlay && ![...this.checked.values()].includes(overlay)) this.diagnostics.clear(`check:${overlay}`);
      }),
    );
    // Files changed behind the editor's back (git checkout, another tool): the working-tree views are stale.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const onDisk = () => this.schedule();
    this.disposables.push(watcher, watcher.onDidChange(onDisk), watcher.onDidCreate(onDisk), watcher.onDidDelete(onDisk));
  }

  /** Checks the documents already open when the extension starts. */
  checkOpenDocuments(): void {
    for (const doc of vscode.workspace.textDocuments) if (isCheckedYaml(doc)) this.schedule(doc);
  }

  schedule(doc?: vscode.TextDocument): void {
    if (doc && doc.uri.scheme !== SCHEME) {
      this.yamlSince ??= performance.now();
      this.renderSince ??= performance.now();
      this.pending.add(doc);
      // A file's own YAML check costs well under a millisecond per hundred lines: it runs at once (only coalescing
      // the changes of one tick); the renders wait for a pause in the typing.
      this.pendingYaml.add(doc);
      this.yamlTimer ??= setTimeout(() => {
        this.yamlTimer = undefined;
        this.checkYaml();
      }, 0);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, settings.debounceMs());
  }

  private async flush(): Promise<void> {
    const t0 = performance.now();
    if (this.yamlTimer) {
      clearTimeout(this.yamlTimer);
      this.yamlTimer = undefined;
      this.checkYaml();
    }
    const docs = [...this.pending];
    this.pending.clear();
    const since = this.renderSince;
    this.renderSince = undefined;
    // While an edited file does not parse, every render that reads it fails on the error the Problems panel already
    // shows: the views keep their last render and the work waits for the fix (its keystroke schedules a new flush).
    if (docs.some((d) => this.broken.has(d.uri.fsPath))) {
      this.lastUpdate = { at: Date.now(), ms: performance.now() - t0 };
      return;
    }
    const work: Promise<unknown>[] = [];
    work.push(...this.views.refreshWorkingViews());
    for (const f of this.followers) work.push(...f());
    if (settings.diagnostics() && FEATURES.render) work.push(this.checkOverlaysOf(docs));
    await Promise.allSettled(work);
    this.lastUpdate = { at: Date.now(), ms: performance.now() - t0 };
    if (since !== undefined && docs.length) timing('change → views re-rendered and diagnostics set', performance.now() - since);
  }

  /** Files whose text does not parse as YAML right now: renders wait until they do (they would fail on them). */
  private readonly broken = new Set<string>();

  private checkYaml(): void {
    const docs = [...this.pendingYaml];
    this.pendingYaml.clear();
    const since = this.yamlSince;
    this.yamlSince = undefined;
    for (const doc of docs) {
      if (!isCheckedYaml(doc) || doc.isClosed) continue;
      const problems = engine().yamlProblems(doc.getText(), doc.uri.fsPath);
      if (problems.length) this.broken.add(doc.uri.fsPath);
      else this.broken.delete(doc.uri.fsPath);
      if (settings.diagnostics()) this.diagnostics.set(`yaml:${doc.uri.fsPath}`, problems);
    }
    if (since !== undefined && docs.length) timing('change → YAML diagnostics set', performance.now() - since);
  }

  /** Renders the overlay each edited file belongs to (unless a rendered view of it is open already) for its errors. */
  private async checkOverlaysOf(docs: vscode.TextDocument[]): Promise<void> {
    const eng = engine();
    const shown = new Set(this.views.openTargets().filter((s) => !s.rev).map((s) => targetKey(s.target)));
    const buffers = dirtyBuffers();
    const overlays = new Set<string>();
    for (const doc of docs) {
      if (doc.isClosed) continue;
      const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath;
      if (!folder) continue;
      const dir = await eng.nearestKustomizationDir(doc.uri.fsPath, folder, buffers);
      if (!dir) continue;
      const previous = this.checked.get(doc.uri.fsPath);
      this.checked.set(doc.uri.fsPath, dir);
      if (previous && previous !== dir && ![...this.checked.values()].includes(previous)) this.diagnostics.clear(`check:${previous}`);
      overlays.add(dir);
    }
    await Promise.all(
      [...overlays].map(async (dir) => {
        if (shown.has(targetKey({ kind: 'overlay', dir }))) return this.diagnostics.clear(`check:${dir}`);
        const r = await eng.render({ kind: 'overlay', dir }, { buffers, kustomize: settings.kustomize(), trusted: settings.trusted() });
        this.diagnostics.set(`check:${dir}`, r.ok ? (r.warnings ?? []) : [r.problem]);
      }),
    );
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.yamlTimer) clearTimeout(this.yamlTimer);
    for (const d of this.disposables) d.dispose();
  }
}
