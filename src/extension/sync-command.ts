import * as vscode from 'vscode';
import { dirtyBuffers } from './buffers.ts';
import type { PlanView, RenderTarget } from './engine/api.ts';
import type { SyncSummary } from './engine/plan-view.ts';
import type { TargetChoice } from './engine/sync-api.ts';
import { engine, syncEngine } from './engine-loader.ts';
import { log } from './log.ts';
import type { PlanPanels } from './plan-panel.ts';
import { describeTarget } from './render-uri.ts';
import { settings } from './settings.ts';

/**
 * "Sync…": pick a target (the embedded sandbox, a k3s container, a kube context), confirm what the safety rails ask
 * for, then sync under a progress notification that cancels between API calls; every task's outcome appears in the
 * target's plan panel as it happens. Tests and the CLI-minded pass the choices instead of picking them.
 */
export interface SyncPreset {
  /** A target spec: `sandbox` (the editor's own sandbox), `k3s`, `context:<name>`. */
  to?: string;
  prune?: boolean;
  dryRun?: boolean;
}

export interface SyncDeps {
  plans: PlanPanels;
  /** Where the editor's sandbox keeps its state between syncs (workspace storage). */
  sandboxStateFile: string | undefined;
}

interface TargetItem extends vscode.QuickPickItem {
  choice?: TargetChoice;
}

async function pickTarget(choices: TargetChoice[], note: string | undefined, name: string): Promise<TargetChoice | undefined> {
  const items: TargetItem[] = [];
  const local = choices.filter((c) => c.local && !c.denied);
  const others = choices.filter((c) => !c.local || c.denied);
  const item = (c: TargetChoice): TargetItem => ({
    label: `${c.denied ? '$(circle-slash)' : c.local ? '$(vm)' : '$(warning)'} ${c.label}`,
    description: c.description,
    detail: c.detail,
    choice: c,
  });
  items.push({ label: 'local', kind: vscode.QuickPickItemKind.Separator }, ...local.map(item));
  if (others.length) items.push({ label: 'not local: confirmation needed, prod-like names refused', kind: vscode.QuickPickItemKind.Separator }, ...others.map(item));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Sync ${name} to…`,
    placeHolder: note ?? 'Where to sync: the embedded sandbox is instant and safe',
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return picked?.choice;
}

async function pickOptions(defaultPrune: boolean): Promise<{ prune: boolean; dryRun: boolean } | undefined> {
  const prune: vscode.QuickPickItem = { label: 'Prune', description: 'delete tracked objects that are no longer rendered', picked: defaultPrune };
  const dryRun: vscode.QuickPickItem = { label: 'Dry run', description: 'check every task, write nothing' };
  const picked = await vscode.window.showQuickPick([prune, dryRun], {
    title: 'Sync options (Enter to go on)',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  return { prune: picked.includes(prune), dryRun: picked.includes(dryRun) };
}

function planSummary(view: PlanView | undefined): string {
  if (!view) return '';
  const parts = Object.entries(view.counts).map(([action, n]) => `${n} ${action}`);
  return parts.length ? parts.join(', ') : 'nothing to do';
}

function summaryLine(s: SyncSummary): string {
  const what = `${s.dryRun ? 'Dry run' : 'Sync'} to ${s.target}: ${s.phase}${s.cancelled ? ' (cancelled)' : ''}`;
  return `${what}. ${s.message} (${s.applied} applied, ${s.pruned} pruned, ${s.pending} pending)`;
}

export async function syncCommand(deps: SyncDeps, target: RenderTarget, preset: SyncPreset = {}): Promise<PlanView | undefined> {
  const name = describeTarget(target);
  const trusted = settings.trusted();
  const targetOpts = {
    sandboxStateFile: deps.sandboxStateFile,
    kubeconfigPath: settings.kubeconfig(),
    denyPatterns: settings.denyPatterns(),
    trusted,
  };
  const input = await engine().syncInput(target, { buffers: dirtyBuffers(), kustomize: settings.kustomize(), trusted });
  if (input.error) {
    log.warn(`sync of ${name}: ${input.error.message}`);
    void vscode.window.showErrorMessage(`GitOps Sandbox: cannot sync ${name}: ${input.error.message}`);
    return undefined;
  }
  const sync = syncEngine();
  let to: string;
  if (preset.to) {
    to = preset.to === 'sandbox' && deps.sandboxStateFile ? `sandbox:${deps.sandboxStateFile}` : preset.to;
    if (!trusted && !to.startsWith('sandbox')) {
      void vscode.window.showErrorMessage('GitOps Sandbox: in Restricted Mode only the embedded sandbox is a sync target.');
      return undefined;
    }
  } else {
    const { choices, note } = await sync.targetChoices(targetOpts);
    if (note) log.info(`sync targets: ${note}`);
    const choice = await pickTarget(choices, note, name);
    if (!choice) return undefined;
    if (choice.denied) {
      log.warn(`sync of ${name}: refusing ${choice.label}: it matches the deny pattern "${choice.denied}"`);
      void vscode.window.showErrorMessage(`GitOps Sandbox: refusing to sync to ${choice.label}: it matches the deny pattern "${choice.denied}" (setting gitopsSandbox.sync.denyPatterns).`);
      return undefined;
    }
    to = choice.spec;
  }
  const defaultPrune = input.app.automated?.prune ?? false;
  const options = preset.to ? { prune: preset.prune ?? defaultPrune, dryRun: preset.dryRun ?? false } : await pickOptions(defaultPrune);
  if (!options) return undefined;

  let confirmContext: string | undefined;
  let confirmPrune: string | undefined;
  if (to.startsWith('context:')) {
    // The rails: a context that is not local is confirmed by name in a modal showing what would change.
    let check;
    try {
      check = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading ${to.slice(8)}…` }, () =>
        sync.checkTarget(input, { ...targetOpts, to, prune: options.prune }),
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`GitOps Sandbox: cannot reach ${to.slice(8)}: ${message}`);
      return undefined;
    }
    if (check.refusal) {
      log.warn(check.refusal);
      void vscode.window.showErrorMessage(`GitOps Sandbox: ${check.refusal}`);
      return undefined;
    }
    if (!check.local) {
      const ctx = check.context ?? to.slice(8);
      const go = `Sync to ${ctx}`;
      const answer = await vscode.window.showWarningMessage(
        `Sync ${name} to context ${ctx}? It is not a local cluster.`,
        {
          modal: true,
          detail: `Context: ${ctx}\nServer: ${check.server ?? 'unknown'}\nWhy it asks: ${check.reason}\nPlan: ${planSummary(check.view)}\nA server-side dry run of every task runs before anything is written.`,
        },
        go,
      );
      if (answer !== go) return undefined;
      confirmContext = ctx;
      if (options.prune && (check.view?.counts.prune ?? 0) + (check.view?.counts['needs-confirmation'] ?? 0) > 0) {
        const yes = `Prune on ${ctx}`;
        const without = 'Sync without pruning';
        const p = await vscode.window.showWarningMessage(
          `Prune ${(check.view?.counts.prune ?? 0) + (check.view?.counts['needs-confirmation'] ?? 0)} objects on context ${ctx}?`,
          { modal: true, detail: 'Pruning deletes objects from a cluster that is not local.' },
          yes,
          without,
        );
        if (p === yes) confirmPrune = ctx;
        else if (p === without) options.prune = false;
        else return undefined;
      }
    }
  }

  const panel = deps.plans.showSync(target);
  log.info(`command: sync ${name} to ${to.startsWith('sandbox') ? 'the embedded sandbox' : to}${options.prune ? ' with prune' : ''}${options.dryRun ? ' (dry run)' : ''}`);
  const view = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Syncing ${name}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => {
        log.info(`sync of ${name}: cancel requested`);
        abort.abort();
      });
      let reported = 0;
      return sync.runSync(input, {
        ...targetOpts,
        to,
        prune: options.prune,
        dryRun: options.dryRun,
        confirmContext,
        confirmPrune,
        signal: abort.signal,
        approvePrune: async (resources) => {
          const yes = 'Prune them';
          const a = await vscode.window.showWarningMessage(`Prune ${resources.length} objects marked Prune=confirm?`, { modal: true, detail: resources.join('\n') }, yes);
          return a === yes;
        },
        onProgress: (p) => {
          if (p.type === 'plan') panel.view(p.view);
          else if (p.type === 'wave') progress.report({ message: `${p.phase} wave ${p.wave}: ${p.tasks} task${p.tasks === 1 ? '' : 's'}` });
          else if (p.type === 'task') {
            panel.outcome(p.task, p.outcome);
            const step = (100 * p.done) / Math.max(1, p.total) - reported;
            reported += Math.max(0, step);
            progress.report({ message: `${p.row}: ${[p.outcome.status, p.outcome.phase].filter(Boolean).join(' ')}`, increment: Math.max(0, step) });
            if (p.outcome.phase !== 'Running') log.info(`  ${p.row}: ${[p.outcome.status, p.outcome.phase].filter(Boolean).join(' ')} ${p.outcome.message}`);
          } else log.info(`  ${p.text}`);
        },
      });
    },
  );
  panel.view(view);
  const s = view.sync;
  if (s) {
    log.info(summaryLine(s));
    const show = (m: string) =>
      s.phase === 'Succeeded' ? vscode.window.showInformationMessage(m, 'Show Output') : vscode.window.showErrorMessage(m, 'Show Output');
    void show(`GitOps Sandbox: ${summaryLine(s)}`).then((a) => (a ? log.show() : undefined));
  }
  return view;
}
