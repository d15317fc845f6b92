/**
 * `gitops-sandbox sync`: runs the plan for real against the embedded sandbox (optionally persisted in a state file),
 * our k3s container, or a kube context, printing each task as it goes. The safety rails run before anything is
 * read from the target; Ctrl-C stops the operation between API calls and prints what was applied, pruned and left
 * pending. Exit status: 0 Succeeded, 1 Failed (cancelled included), 2 an error (refused, unreachable, bad input).
 */
import { resolve } from 'node:path';
import { isGitOpsError } from '../../engine/errors/index.ts';
import { HealthChecker } from '../../engine/health/index.ts';
import { ignoreRulesOf, parseArgocdCm } from '../../engine/diff/index.ts';
import { openTarget, parseTargetSpec, type ClusterTarget, type TargetSpec } from '../../engine/cluster/index.ts';
import { parseDuration, syncApp, SyncRefusedError, type RetryStrategy, type SyncEvent, type SyncOutcome, type SyncResult } from '../../engine/sync/index.ts';
import { openView } from '../../engine/source/index.ts';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { findApplication, headRevision, loadArgoCdCm, planAppOf, renderDesired, trackingOf, type SyncPolicyInput } from '../app-input.ts';

const USAGE = `Usage: gitops-sandbox sync <dir> | --app <name> [<repo-dir>] --to sandbox[:<state-file>] | k3s | context:<name>
                           [--confirm-context <name>] [--prune] [--dry-run] [--json]

Runs the sync Argo CD would run (see \`gitops-sandbox plan\`) for real, printing a line per task as it goes.

Targets (--to):
  sandbox                the embedded sandbox, in memory (gone when the command ends)
  sandbox:<state-file>   the embedded sandbox loaded from <state-file> (new if absent) and saved back to it, so that
                         \`diff --cluster sandbox:<file>\` and \`plan --cluster sandbox:<file>\` see the result
  k3s                    gitops-sandbox's own k3s container (needs Docker; see \`gitops-sandbox k3s\`)
  context:<name>         a context of your kubeconfig. Contexts that are not local (server on loopback, or named
                         kind-*, k3d-*, minikube*, docker-desktop*, rancher-desktop*, orbstack*) need
                         --confirm-context <name>, get a server-side dry-run first, and pruning there needs
                         --confirm-prune <name>. Contexts matching *prod* are refused.

Options:
  --confirm-context <name>  confirm a context that is not local, by its name
  --confirm-prune <name>    confirm pruning on a context that is not local, by its name
  --prune                   delete tracked objects that are no longer in git (default: the app's automated.prune)
  --approve-prune           approve pruning objects marked Prune=confirm (without it the sync stops before them)
  --dry-run                 Argo CD's dry-run: every task checked, nothing written
  --json                    print the result (Argo CD's operation state shape) as JSON instead of progress lines
  --kubeconfig <file>       the kubeconfig for context targets (default: $KUBECONFIG or ~/.kube/config)
  --timeout <duration>      stop waiting after this long on the target's clock (default 10m)
  --app-name <name>         with <dir>: the Application name used for tracking (default: the folder name)
  --dest-namespace <ns>     with <dir>: spec.destination.namespace (default: default)
  --sync-option <opt>       a spec.syncPolicy.syncOptions item, e.g. CreateNamespace=true (repeatable)
  --revision <sha>          the revision for generateName hook names (default: HEAD when in a git repo)
  --argocd-cm <file>        the argocd-cm with custom health checks and tracking settings (default: found in the repo)

Ctrl-C stops the sync between API calls and prints what was applied, pruned and left pending.
Exit status: 0 Succeeded, 1 Failed or cancelled, 2 an error (refused target, unreachable cluster, bad input).`;

interface Args {
  dir?: string;
  app?: string;
  to?: string;
  confirmContext?: string;
  confirmPrune?: string;
  prune: boolean;
  approvePrune: boolean;
  dryRun: boolean;
  json: boolean;
  kubeconfig?: string;
  timeoutMs?: number;
  appName?: string;
  destNamespace: string;
  syncOptions: string[];
  revision?: string;
  argocdCm?: string;
}

function parseArgs(args: string[]): Args {
  const out: Args = { prune: false, approvePrune: false, dryRun: false, json: false, destNamespace: 'default', syncOptions: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--app': out.app = value(); break;
      case '--to': out.to = value(); break;
      case '--confirm-context': out.confirmContext = value(); break;
      case '--confirm-prune': out.confirmPrune = value(); break;
      case '--prune': out.prune = true; break;
      case '--approve-prune': out.approvePrune = true; break;
      case '--dry-run': out.dryRun = true; break;
      case '--json': out.json = true; break;
      case '--kubeconfig': out.kubeconfig = value(); break;
      case '--timeout': {
        const v = value();
        try {
          out.timeoutMs = parseDuration(v);
        } catch {
          throw new UsageError(`--timeout expects a duration like 90s or 10m, not ${v}`);
        }
        break;
      }
      case '--app-name': out.appName = value(); break;
      case '--dest-namespace': out.destNamespace = value(); break;
      case '--sync-option': out.syncOptions.push(value()); break;
      case '--revision': out.revision = value(); break;
      case '--argocd-cm': out.argocdCm = value(); break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (out.dir !== undefined) throw new UsageError('expected one directory');
        out.dir = a;
    }
  }
  if (out.app === undefined && out.dir === undefined) throw new UsageError('expected a directory or --app <name>');
  if (out.to === undefined) throw new UsageError('expected --to sandbox[:<state-file>], k3s or context:<name>');
  return out;
}

type Policy = SyncPolicyInput & { retry?: RetryStrategy };

// ------------------------------------------------------------------ progress output

function keyOf(r: { group: string; kind: string; namespace: string; name: string }): string {
  const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
  return r.namespace ? `${kind}/${r.namespace}/${r.name}` : `${kind}/${r.name}`;
}

/** Prints a line per event; on a terminal a progress bar stays on the last line, redrawn after each line. */
class Progress {
  private bar = '';
  private done = 0;
  private total = 0;
  private where = '';

  constructor(private readonly io: CliIO) {}

  line(text: string): void {
    this.clear();
    this.io.out(`${text}\n`);
    this.draw();
  }

  event(e: SyncEvent): void {
    switch (e.type) {
      case 'started':
        this.total = e.tasks;
        this.done = 0;
        this.line(`${e.attempt > 0 ? `Attempt #${e.attempt + 1}: ` : ''}${e.tasks} task${e.tasks === 1 ? '' : 's'} in ${e.waves} wave${e.waves === 1 ? '' : 's'}${e.dryRun ? ' (dry run: nothing is written)' : ''}`);
        break;
      case 'server-dry-run':
        this.line(`${e.ok ? '✓' : '✗'} ${e.message}`);
        break;
      case 'wave':
        this.where = `${e.phase} wave ${e.wave}`;
        this.line(`${e.phase} · wave ${e.wave}${e.final ? ' (last)' : ''}`);
        break;
      case 'task': {
        const r = e.result;
        if (!this.where && !e.dryRun && r.kind === 'Namespace') {
          // ORD-14: the destination namespace is created before the dry-run, ahead of every wave.
          this.where = 'namespace';
          this.line('PreSync · the destination namespace first (CreateNamespace=true)');
        }
        this.done = e.done;
        this.total = e.total;
        // Tasks checked by the dry-run pass report only failures; they are marked so nobody thinks they were written.
        const dry = e.dryRun && !r.message.includes('dry run') ? ' (dry run)' : '';
        this.line(`  ${(r.status ?? '-').padEnd(12)} ${(r.hookPhase || '-').padEnd(9)} ${keyOf(r)}${r.hookType ? ` [${r.hookType} hook]` : ''}: ${r.message}${dry}`);
        break;
      }
      case 'hook-deleted':
        this.line(`  deleted hook ${e.key} (delete policy)`);
        break;
      case 'retry':
        this.line(`↻ ${e.message}`);
        break;
      case 'waiting':
        this.line(`… ${e.message}`);
        break;
      case 'operation':
        if (e.phase === 'Running' && e.message.startsWith('waiting for')) this.line(`… ${e.message}`);
        else if (e.phase === 'Terminating') this.line(`■ ${e.message}`);
        break;
    }
  }

  private draw(): void {
    if (!this.io.isTTY || this.total === 0) return;
    const width = 24;
    const filled = Math.min(width, Math.round((this.done / this.total) * width));
    this.bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.done}/${this.total} tasks${this.where ? ` · ${this.where}` : ''}`;
    this.io.out(this.bar);
  }

  clear(): void {
    if (this.bar) this.io.out('\r\x1b[K');
    this.bar = '';
  }
}

function list(title: string, items: string[]): string[] {
  return items.length ? [`  ${title} (${items.length}):`, ...items.map((i) => `    ${i}`)] : [`  ${title}: none`];
}

function summary(result: SyncResult): string {
  const r = result.report;
  const out: string[] = [''];
  const head = result.cancelled ? 'Cancelled' : result.phase;
  out.push(`${head}: ${result.message}${result.waitingFor && !result.message.includes(result.waitingFor) ? ` (was ${result.waitingFor})` : ''}`);
  if (result.pruneConfirmationNeeded) out.push(`Pruning these needs confirmation (Prune=confirm): ${result.pruneConfirmationNeeded.join(', ')}. Run again with --approve-prune.`);
  const clock = result.clockMs >= 1000 ? `${(result.clockMs / 1000).toFixed(1)} s` : `${result.clockMs} ms`;
  if (result.phase === 'Succeeded' && !result.cancelled) {
    const counts = result.dryRun ? `Dry run: ${result.resources.length} tasks checked, nothing written` : `Applied ${r.applied.length}, pruned ${r.pruned.length}, hooks deleted ${r.hooksDeleted.length}`;
    out.push(`${counts} · ${result.durationMs} ms wall, ${clock} on the target's clock`);
  } else {
    out.push('Report:', ...list('applied', r.applied), ...list('pruned', r.pruned), ...list('pending (not run)', r.pending), ...list('hooks deleted', r.hooksDeleted));
    out.push(`${result.durationMs} ms wall, ${clock} on the target's clock`);
  }
  return `${out.join('\n')}\n`;
}

function exitCode(result: SyncResult): number {
  if (result.phase === 'Succeeded' && !result.cancelled) return 0;
  return result.phase === 'Error' ? 2 : 1;
}

function describeTarget(spec: TargetSpec, target: ClusterTarget): string {
  if (spec.type === 'context') return `context ${spec.context} (${target.info.server ?? 'unknown server'})`;
  if (spec.type === 'k3s') return `k3s (${target.info.server ?? 'container'})`;
  return spec.stateFile ? `the sandbox in ${spec.stateFile}` : 'the in-memory sandbox';
}

export const sync: Command = {
  name: 'sync',
  summary: 'sync for real: run the plan against the sandbox, a k3s container or a kube context, with safety rails',
  usage: USAGE,
  async run(argv: string[], io: CliIO): Promise<number> {
    const args = parseArgs(argv);
    let spec: TargetSpec;
    try {
      spec = parseTargetSpec(args.to!, io.cwd);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    let target: ClusterTarget | undefined;
    let outcome: SyncOutcome | undefined;
    try {
      const abs = resolve(io.cwd, args.dir ?? '.');
      const { view, rel } = await openView(abs);
      const app = args.app !== undefined ? await findApplication(view, args.app, 'sync runs Argo CD Applications') : undefined;
      const desired = app ? app.render!.objects : await renderDesired(view, rel);
      const cm = await loadArgoCdCm(view, io.cwd, args.argocdCm);
      const health = await HealthChecker.create(cm?.overrides);
      const policy = app?.syncPolicy as Policy | undefined;
      const planApp = planAppOf(app, abs, args);

      target = await openTarget(spec, { kubeconfigPath: args.kubeconfig });
      const progress = new Progress(io);
      if (!args.json) io.out(`Syncing app ${planApp.name} to ${describeTarget(spec, target)}\n`);
      outcome = await syncApp({
        app: planApp,
        desired,
        target,
        health,
        prune: args.prune || undefined,
        pruneConfirmed: args.approvePrune,
        dryRun: args.dryRun,
        revision: args.revision ?? (await headRevision(abs)) ?? '',
        retry: policy?.retry,
        timeoutMs: args.timeoutMs,
        confirmContext: args.confirmContext,
        confirmPrune: args.confirmPrune,
        tracking: trackingOf(cm),
        diff: { system: parseArgocdCm(cm?.data, cm?.file), ignoreDifferences: app ? ignoreRulesOf(app.manifest) : undefined },
        signal: io.signal,
        onEvent: args.json ? undefined : (e) => progress.event(e),
      });
      progress.clear();
    } catch (e) {
      await target?.close().catch(() => undefined);
      if (e instanceof UsageError) throw e;
      // Every failure before or outside the operation is an error (exit 2); a refused target changed nothing.
      if (e instanceof SyncRefusedError) io.err(`gitops-sandbox sync: ${e.message}\n`);
      else if (isGitOpsError(e)) io.err(`${e.toString()}\n`);
      else if ((e as Error)?.name === 'SourceError' || (e as Error)?.name === 'ClusterError') io.err(`gitops-sandbox sync: ${(e as Error).message}\n`);
      else {
        io.err(`gitops-sandbox sync: internal error: ${(e as Error)?.message ?? String(e)}\n`);
        if (process.env.GITOPS_SANDBOX_DEBUG) io.err(`${(e as Error)?.stack ?? ''}\n`);
      }
      return 2;
    }
    const result = outcome.result;
    // A dry run leaves the state file as it was (nothing was written, but the sandbox clock moved).
    if (!(args.dryRun && spec.type === 'sandbox')) await target.close();
    if (args.json) {
      io.out(`${JSON.stringify({ app: outcome.plan.app, local: outcome.safety.local, ...result }, null, 2)}\n`);
    } else io.out(summary(result));
    return exitCode(result);
  },
};
