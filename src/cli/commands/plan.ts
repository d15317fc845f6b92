/**
 * `gitops-sandbox plan`: the sync Argo CD would run for a folder of manifests, against nothing or a sandbox state:
 * tasks grouped by phase and wave, with hooks, prune, health gating and the warnings a reviewer needs.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { HealthChecker, type ArgoCdConfigMap } from '../../engine/health/index.ts';
import type { KubeObject } from '../../engine/kube/index.ts';
import { ignoreRulesOf, parseArgocdCm } from '../../engine/diff/index.ts';
import { readSnapshot } from '../../engine/sandbox/index.ts';
import { planSyncWithDiff, planToJson, type Plan, type PlanTask } from '../../engine/plan/index.ts';
import { openView } from '../../engine/source/index.ts';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { findApplication, headRevision, loadArgoCdCm, planAppOf, renderDesired, trackingOf } from '../app-input.ts';

const USAGE = `Usage: gitops-sandbox plan <dir> | --app <name> [<repo-dir>] [--cluster sandbox[:<state-file>]] [--json | --markdown]

Shows the sync Argo CD would run: tasks in execution order, grouped by phase and wave, with hooks and their
delete policies, prune, which waves wait for health, and warnings.

Options:
  --cluster sandbox[:<file>]  compare with a sandbox state (without it, or with an empty sandbox, everything is created)
  --app <name>                plan an Argo CD Application found in the repo (name, namespace/name or its id); its
                              destination, sync options, automated.prune and ignoreDifferences are used
  --app-name <name>           with <dir>: the Application name used for tracking (default: the folder name)
  --dest-namespace <ns>       with <dir>: spec.destination.namespace (default: default)
  --sync-option <opt>         a spec.syncPolicy.syncOptions item, e.g. CreateNamespace=true (repeatable; added to the app's)
  --prune                     the sync prunes (default: the app's automated.prune; off for a folder)
  --revision <sha>            the revision used for generateName hook names (default: HEAD when in a git repo)
  --argocd-cm <file>          the argocd-cm with custom health checks (default: the first one found in the repo)
  --json | --markdown         machine-readable or Markdown output

Exit status: 0 when the plan was made, 1 when Argo CD would refuse or fail the sync, 2 on a usage error.`;

interface Args {
  dir?: string;
  app?: string;
  cluster?: string;
  appName?: string;
  destNamespace: string;
  syncOptions: string[];
  prune: boolean;
  revision?: string;
  argocdCm?: string;
  format: 'text' | 'json' | 'markdown';
}

function parseArgs(args: string[]): Args {
  const out: Args = { destNamespace: 'default', syncOptions: [], prune: false, format: 'text' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const flag = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (flag) {
      case '--app':
        out.app = value();
        break;
      case '--cluster':
        out.cluster = value();
        break;
      case '--app-name':
        out.appName = value();
        break;
      case '--dest-namespace':
        out.destNamespace = value();
        break;
      case '--sync-option':
        out.syncOptions.push(value());
        break;
      case '--prune':
        out.prune = true;
        break;
      case '--revision':
        out.revision = value();
        break;
      case '--argocd-cm':
        out.argocdCm = value();
        break;
      case '--json':
        out.format = 'json';
        break;
      case '--markdown':
        out.format = 'markdown';
        break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (out.dir !== undefined) throw new UsageError('expected one directory');
        out.dir = a;
    }
  }
  if (out.app === undefined && out.dir === undefined) throw new UsageError('expected a directory or --app <name>');
  if (out.cluster !== undefined && out.cluster !== 'sandbox' && !out.cluster.startsWith('sandbox:')) {
    throw new UsageError(`--cluster must be sandbox or sandbox:<state-file>, not ${out.cluster}`);
  }
  return out;
}

/** The live objects of `--cluster sandbox[:<file>]`: none for a fresh sandbox, else the objects of its state file. */
async function loadCluster(spec: string, cwd: string): Promise<KubeObject[]> {
  if (spec === 'sandbox') return [];
  const file = resolve(cwd, spec.slice('sandbox:'.length));
  try {
    await readFile(file);
  } catch {
    // A state file that does not exist yet is a sandbox nothing was synced to.
    return [];
  }
  return (await readSnapshot(file)).objects;
}

export const plan: Command = {
  name: 'plan',
  summary: 'preview the Argo CD sync: phases, waves, hooks, prune and health gates, with warnings',
  usage: USAGE,
  async run(argv: string[], io: CliIO): Promise<number> {
    const args = parseArgs(argv);
    const abs = resolve(io.cwd, args.dir ?? '.');
    const { view, rel } = await openView(abs);
    const app = args.app !== undefined ? await findApplication(view, args.app, 'plan previews Argo CD syncs') : undefined;
    const desired = app ? app.render!.objects : await renderDesired(view, rel);
    const cm = await loadArgoCdCm(view, io.cwd, args.argocdCm);
    const health = await HealthChecker.create(cm?.overrides);
    const live = args.cluster ? await loadCluster(args.cluster, io.cwd) : undefined;
    const result = await planSyncWithDiff(
      {
        app: planAppOf(app, abs, args),
        desired,
        live,
        health,
        prune: args.prune || undefined,
        revision: args.revision ?? (await headRevision(abs)) ?? '',
        tracking: trackingOf(cm),
      },
      { diff: { system: parseArgocdCm(cm?.data, cm?.file), ignoreDifferences: app ? ignoreRulesOf(app.manifest) : undefined } },
    );
    if (args.format === 'json') io.out(`${JSON.stringify(planToJson(result), null, 2)}\n`);
    else if (args.format === 'markdown') io.out(markdown(result, cm));
    else io.out(text(result, cm));
    return result.failure ? 1 : 0;
  },
};

function kindLabel(t: PlanTask): string {
  return t.group ? `${t.group}/${t.kind}` : t.kind;
}

function notes(t: PlanTask): string {
  const parts: string[] = [];
  if (t.hook) parts.push(`${t.hook.types.join(',')} hook · ${t.hook.deletePolicies.join(',')}: deleted ${t.hook.deleteWhen}`);
  if (t.actionDetail) parts.push(t.actionDetail);
  if (t.waveReason === 'namespace-first-use' || t.waveReason === 'crd-first-use') parts.push(`declares wave ${t.declaredWave}; moved to its first user`);
  else if (t.waveReason === 'prune-reversed') parts.push(`declares wave ${t.declaredWave}; prune waves run in reverse`);
  else if (t.waveReason === 'prune-last') parts.push('PruneLast');
  const opts = t.options.filter((o) => !o.startsWith('PrunePropagationPolicy=') && o !== 'PruneLast=true' && o !== 'CreateNamespace=true');
  if (opts.length) parts.push(opts.join(' '));
  if (t.health && t.action !== 'prune' && t.action !== 'prune-skipped') parts.push(`live: ${t.health.status || '(empty)'}${t.health.message ? ` (${t.health.message})` : ''}`);
  return parts.join('; ');
}

function waveTitle(p: Plan, i: number): string {
  const w = p.waves[i]!;
  const bits: string[] = [];
  if (w.phase === 'SyncFail') bits.push('runs only if the sync fails');
  else if (w.final) bits.push(w.healthGated ? 'last wave: waits for its hooks' : 'last wave: not waited for');
  else if (w.healthGated) bits.push('waits until healthy');
  if (w.waitsForDeletion) bits.push('waits until pruned objects are gone');
  if (w.delayAfter) bits.push('then a 2 s pause');
  return `${w.phase} · wave ${w.wave}${bits.length ? `  (${bits.join(', ')})` : ''}`;
}

function summary(p: Plan, cm: ArgoCdConfigMap | undefined): string[] {
  const counts = new Map<string, number>();
  for (const t of p.tasks) counts.set(t.action, (counts.get(t.action) ?? 0) + 1);
  const lines = [
    `Plan for app ${p.app}: ${p.tasks.length} task${p.tasks.length === 1 ? '' : 's'} in ${p.waves.length} wave${p.waves.length === 1 ? '' : 's'} (${[...counts].map(([a, n]) => `${n} ${a}`).join(', ') || 'nothing to do'})`,
    `${p.multiStep ? 'Multi-step sync: waves wait for health before the next one' : 'Single-step sync: resources are applied without waiting for health'}${p.prune ? '' : '; prune is off'}${p.skipHooks ? '; hooks are skipped' : ''}`,
    `Options: ${p.options.join(', ')}`,
    `Sync status: ${p.syncStatus} · Health: ${p.health.status}${p.health.message ? ` (${p.health.message})` : ''}`,
  ];
  if (cm) lines.push(`Health checks: argocd-cm from ${cm.file}`);
  if (p.failure) lines.push(`Argo CD would fail this sync: ${p.failure}`);
  return lines;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function text(p: Plan, cm: ArgoCdConfigMap | undefined): string {
  const out = [...summary(p, cm), ''];
  const wAction = Math.max(6, ...p.tasks.map((t) => t.action.length));
  const wKind = Math.max(4, ...p.tasks.map((t) => kindLabel(t).length));
  const wNs = Math.max(9, ...p.tasks.map((t) => t.namespace.length));
  const wName = Math.max(4, ...p.tasks.map((t) => t.name.length));
  p.waves.forEach((w, i) => {
    out.push(waveTitle(p, i));
    out.push(`  ${pad('ACTION', wAction)}  ${pad('KIND', wKind)}  ${pad('NAMESPACE', wNs)}  ${pad('NAME', wName)}  GATE  NOTES`);
    for (const ti of w.tasks) {
      const t = p.tasks[ti]!;
      out.push(`  ${pad(t.action, wAction)}  ${pad(kindLabel(t), wKind)}  ${pad(t.namespace, wNs)}  ${pad(t.name, wName)}  ${pad(t.healthGated ? 'yes' : '-', 4)}  ${notes(t)}`.trimEnd());
    }
    out.push('');
  });
  if (p.warnings.length) {
    out.push('Warnings:');
    for (const w of p.warnings) out.push(`  ! ${w.code}: ${w.message}`);
    out.push('');
  }
  return out.join('\n');
}

function md(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function markdown(p: Plan, cm: ArgoCdConfigMap | undefined): string {
  const out = [`## Sync plan: ${md(p.app)}`, '', ...summary(p, cm).slice(1).map((l) => `- ${md(l)}`), ''];
  p.waves.forEach((w, i) => {
    out.push(`### ${md(waveTitle(p, i))}`, '', '| Action | Kind | Namespace | Name | Health-gated | Notes |', '|---|---|---|---|---|---|');
    for (const ti of w.tasks) {
      const t = p.tasks[ti]!;
      out.push(`| ${t.action} | ${md(kindLabel(t))} | ${md(t.namespace)} | ${md(t.name)} | ${t.healthGated ? 'yes' : 'no'} | ${md(notes(t))} |`);
    }
    out.push('');
  });
  if (p.warnings.length) {
    out.push('### Warnings', '');
    for (const w of p.warnings) out.push(`- **${w.code}**: ${md(w.message)}`);
    out.push('');
  }
  return out.join('\n');
}
