import * as vscode from 'vscode';
import { dirtyBuffers } from './buffers.ts';
import type { Diagnostics } from './diagnostics.ts';
import { toDiagnostic } from './diagnostics.ts';
import type { Problem, RenderResult } from './engine/api.ts';
import { engine } from './engine-loader.ts';
import { log } from './log.ts';
import { SCHEME, describeTarget, parseRenderedUri, renderedUri, targetKey, type ViewSpec } from './render-uri.ts';
import { settings } from './settings.ts';

interface ViewState {
  spec: ViewSpec;
  /** What the document shows: the last successful render (masked), or a note saying why there is none. */
  text: string;
  /** The current render's problem, when the document shows an older render (or a note). */
  problem?: Problem;
  /** kustomize's warnings for the current render. */
  warnings?: Problem[];
  /** Set while a render is running; `again` asks for one more when it ends (edits arrived meanwhile). */
  running?: Promise<void>;
  again?: boolean;
}

/** One timing sample per re-render, read by the e2e measurements through an internal command. */
export interface RenderSample {
  uri: string;
  ms: number;
  ok: boolean;
  changed: boolean;
  at: number;
}

/**
 * The rendered documents: a read-only virtual document per overlay or app (and per revision for diffs). Working-tree
 * views re-render from unsaved buffers as the user types (debounced); VS Code applies the new text as minimal edits,
 * so the view keeps its scroll position. A failed render keeps the last good text on screen and says why, both on
 * the view and on the source line in the Problems panel.
 */
export class RenderedViews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly views = new Map<string, ViewState>();
  readonly samples: RenderSample[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly diagnostics: Diagnostics) {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== SCHEME) return;
        const key = doc.uri.toString();
        this.views.delete(key);
        engine().forgetView(key);
        this.diagnostics.clear(`render:${key}`);
        this.diagnostics.setOn(doc.uri, []);
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const key = uri.toString();
    let state = this.views.get(key);
    if (!state) {
      const spec = parseRenderedUri(uri);
      if (!spec) return `# not a GitOps Sandbox view: ${uri.toString()}\n`;
      state = { spec, text: '' };
      this.views.set(key, state);
      await this.refresh(uri, { quiet: true, token });
    } else if (state.running && !state.text) {
      // Only the first render is waited for: afterwards VS Code asks because we said the text changed, and the
      // text it should get is the one just set (a render still running will say so again when it ends).
      await state.running;
    }
    return this.views.get(key)?.text ?? state.text;
  }

  /** Re-renders every working-tree view (revision views never change). */
  refreshWorkingViews(): Promise<void>[] {
    const out: Promise<void>[] = [];
    for (const [key, state] of this.views) if (!state.spec.rev) out.push(this.refresh(vscode.Uri.parse(key)));
    return out;
  }

  /** The overlays and apps currently shown, for whoever needs to know what the user is watching. */
  openTargets(): ViewSpec[] {
    return [...this.views.values()].map((v) => v.spec);
  }

  refresh(uri: vscode.Uri, opts: { quiet?: boolean; token?: vscode.CancellationToken } = {}): Promise<void> {
    const key = uri.toString();
    const state = this.views.get(key);
    if (!state) return Promise.resolve();
    if (state.running) {
      state.again = true;
      return state.running;
    }
    const run = async () => {
      do {
        state.again = false;
        await this.renderInto(uri, state, opts.quiet ?? false);
        opts.quiet = false;
      } while (state.again && !opts.token?.isCancellationRequested);
    };
    state.running = run().finally(() => {
      state.running = undefined;
    });
    return state.running;
  }

  private async renderInto(uri: vscode.Uri, state: ViewState, quiet: boolean): Promise<void> {
    const { spec } = state;
    const eng = engine();
    const options = { buffers: dirtyBuffers(), kustomize: settings.kustomize(), trusted: settings.trusted(), viewId: uri.toString(), provenance: settings.provenance() };
    let result: RenderResult;
    if (spec.pair && spec.rev) {
      // The left side of a diff: rendered with its partner, so that both sides get their masks together.
      result = (await eng.renderPair(spec.target, spec.rev, options)).left;
    } else if (spec.pair && spec.against) {
      const pair = await eng.renderPair(spec.target, spec.against, options);
      result = pair.right;
      this.updatePartner(spec, pair.left);
    } else {
      result = await eng.render(spec.target, { ...options, rev: spec.rev });
    }
    const before = state.text;
    if (result.ok) {
      state.text = result.text;
      state.problem = undefined;
      state.warnings = result.warnings;
    } else {
      state.problem = result.problem;
      if (!state.text || state.text.startsWith('# GitOps Sandbox:')) state.text = noteFor(spec, result.problem);
    }
    this.showProblem(uri, state);
    const changed = before !== state.text;
    this.samples.push({ uri: uri.toString(), ms: result.ms, ok: result.ok, changed, at: Date.now() });
    if (this.samples.length > 500) this.samples.splice(0, this.samples.length - 500);
    const what = `${describeTarget(spec.target)}${spec.rev ? ` at ${spec.revLabel ?? spec.rev.slice(0, 7)}` : ''}`;
    if (result.ok) log.info(`rendered ${what}: ${result.objects} objects in ${result.ms.toFixed(1)} ms${changed ? '' : ' (unchanged)'}`);
    else log.warn(`render of ${what} failed in ${result.ms.toFixed(1)} ms: ${formatProblem(result.problem)}`);
    if (changed && !quiet) this.emitter.fire(uri);
  }

  /** The left side of a pair is re-masked when the right side changes. */
  private updatePartner(right: ViewSpec, left: RenderResult): void {
    const leftUri = renderedUri({ target: right.target, rev: right.against, revLabel: right.againstLabel, pair: right.pair });
    const state = this.views.get(leftUri.toString());
    if (!state || !left.ok || state.text === left.text) return;
    state.text = left.text;
    this.emitter.fire(leftUri);
  }

  private showProblem(uri: vscode.Uri, state: ViewState): void {
    const p = state.problem;
    if (state.spec.rev === undefined) this.diagnostics.set(`render:${uri.toString()}`, p ? [p] : (state.warnings ?? []));
    if (!p || p.code === 'unavailable') {
      this.diagnostics.setOn(uri, []);
      return;
    }
    const onView = toDiagnostic({
      ...p,
      line: 1,
      column: undefined,
      message: `Render failed, showing the last successful render: ${formatProblem(p)}`,
    });
    this.diagnostics.setOn(uri, [onView]);
  }

  dispose(): void {
    this.emitter.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export function formatProblem(p: Problem): string {
  const rel = p.file ? vscode.workspace.asRelativePath(p.file, false) : '';
  const loc = rel ? `${rel}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: ` : '';
  return `${loc}${p.message}`;
}

function noteFor(spec: ViewSpec, p: Problem): string {
  const head = p.code === 'unavailable' ? 'not available in this build' : 'could not render';
  return `# GitOps Sandbox: ${head}: ${describeTarget(spec.target)}\n# ${formatProblem(p).replace(/\n/g, '\n# ')}\n`;
}
