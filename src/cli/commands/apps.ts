import type { KubeObject } from '../../engine/kube/index.ts';
import { resolve } from 'node:path';
import { openView } from '../../engine/source/index.ts';
import {
  appsJson,
  discoverApps,
  findApps,
  projectRenderer,
  type AppEntry,
  type AppsResult,
  type ClusterInput,
  type KustomizeRenderer,
} from '../../engine/apps/index.ts';
import { marshalYAML, fromJSON } from '../../engine/apps/gotemplate/index.ts';
import { GitOpsError } from '../../engine/errors/index.ts';
import { UsageError, type CliIO, type Command } from '../io.ts';

const IN_CLUSTER = 'https://kubernetes.default.svc';

/** The kustomize renderer the CLI injects: the project's own (src/engine/render). */
export function cliRenderer(): KustomizeRenderer {
  return projectRenderer();
}

interface Parsed {
  dir?: string;
  clusters: ClusterInput[];
  rev?: string;
  json: boolean;
  app?: string;
  render: boolean;
}

function parseArgs(args: string[]): Parsed {
  const out: Parsed = { json: false, render: true, clusters: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--no-render') out.render = false;
    else if (a === '--cluster') {
      const v = args[++i];
      const m = v === undefined ? null : /^([^=]+)=(\S+)$/.exec(v);
      if (!m) throw new UsageError('--cluster needs <name>=<server-url>');
      out.clusters.push({ name: m[1]!, server: m[2]! });
    }
    else if (a === '--rev' || a === '--app') {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      if (a === '--rev') out.rev = v;
      else out.app = v;
    } else if (a.startsWith('--rev=')) out.rev = a.slice(6);
    else if (a.startsWith('--app=')) out.app = a.slice(6);
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (out.dir === undefined) out.dir = a;
    else throw new UsageError('expected at most one directory');
  }
  return out;
}

function dest(a: AppEntry): string {
  const server = a.destination.server === IN_CLUSTER ? 'in-cluster' : (a.destination.server ?? (a.destination.name ? `cluster ${a.destination.name}` : '?'));
  return a.destination.namespace ? `${server}/${a.destination.namespace}` : server;
}

function sync(a: AppEntry): string {
  const p = a.syncPolicy;
  if (a.kind === 'Kustomization') {
    const parts = [`every ${p.interval ?? '?'}`];
    if (p.prune) parts.push('prune');
    if (p.wait) parts.push('wait');
    // FLX-4: healthChecks only count without wait.
    else if (Array.isArray(p.healthChecks) && p.healthChecks.length) parts.push(`${p.healthChecks.length} health check${p.healthChecks.length === 1 ? '' : 's'}`);
    if (p.force) parts.push('force');
    if (p.timeout) parts.push(`timeout ${p.timeout}`);
    if (p.suspend) parts.push('suspended');
    const deps = p.dependsOn as string[];
    if (deps.length) parts.push(`after ${deps.join(', ')}`);
    return parts.join(', ');
  }
  const auto = p.automated as { prune: boolean; selfHeal: boolean; allowEmpty: boolean } | null;
  const flags = auto ? [auto.prune && 'prune', auto.selfHeal && 'self-heal', auto.allowEmpty && 'allow-empty'].filter(Boolean) : [];
  let s = auto ? `auto${flags.length ? ` (${flags.join(', ')})` : ''}` : 'manual';
  const opts = p.syncOptions as string[];
  if (opts.length) s += `, ${opts.join(', ')}`;
  const retry = p.retry as { limit?: unknown; backoff?: { duration?: unknown; factor?: unknown; maxDuration?: unknown } } | undefined;
  if (retry) {
    // A retry without a limit has limit 0: no retries. A negative limit retries forever.
    const limit = Number(retry.limit ?? 0);
    const b = retry.backoff ?? {};
    const backoff = [b.duration !== undefined && `every ${b.duration}`, b.factor !== undefined && `×${b.factor}`, b.maxDuration !== undefined && `max ${b.maxDuration}`].filter(Boolean);
    s += `, ${limit < 0 ? 'retry forever' : limit === 0 ? 'no retry' : `retry ${limit}`}${limit !== 0 && backoff.length ? ` (${backoff.join(' ')})` : ''}`;
  } else if (auto) {
    s += ', retry 5 (default)'; // AUTO-3: an automated sync without spec.syncPolicy.retry retries 5 times
  }
  return s;
}

function renderStatus(a: AppEntry): string {
  if (a.external) return `not rendered: ${a.externalReason}`;
  if (!a.render) return 'not rendered (--no-render)';
  if (a.render.error) return `error: ${a.render.error.file}:${a.render.error.line}: ${a.render.error.message}`;
  if (!a.render.ok) return `not rendered: ${a.render.warnings[a.render.warnings.length - 1] ?? 'unknown reason'}`;
  const n = a.render.objects.length;
  return `ok, ${n} object${n === 1 ? '' : 's'}`;
}

function sourceText(a: AppEntry): string {
  const s = a.source;
  const rev = s.targetRevision || 'HEAD';
  const chart = a.sources.find((x) => x.chart);
  if (chart && !a.sources.some((x) => x.path)) return `chart ${chart.chart} @ ${chart.targetRevision || 'latest'} from ${chart.repoURL}`;
  return `${s.path || '.'} @ ${rev}${a.external ? ` in ${s.repoURL}` : ''}`;
}

/** The tree: each app on one line, its details below; generated apps grouped under their ApplicationSet. */
export function formatAppsText(r: AppsResult, root: string): string {
  const byId = new Map(r.apps.map((a) => [a.id, a]));
  const lines: string[] = [`Apps in ${root} (${r.viewLabel})`, ''];
  const emit = (ids: string[], prefix: string, inGroup = false): void => {
    // Group consecutive generated apps under a line for their ApplicationSet.
    const items: ({ set: string; ids: string[] } | string)[] = [];
    for (const id of ids) {
      const a = byId.get(id)!;
      const last = items[items.length - 1];
      if (!inGroup && a.generatedBy && typeof last === 'object' && last.set === a.generatedBy) last.ids.push(id);
      else if (!inGroup && a.generatedBy) items.push({ set: a.generatedBy, ids: [id] });
      else items.push(id);
    }
    items.forEach((it, i) => {
      const lastItem = i === items.length - 1;
      const branch = prefix === '' ? '' : lastItem ? '└─ ' : '├─ ';
      const cont = prefix === '' ? '' : lastItem ? '   ' : '│  ';
      if (typeof it === 'object') {
        lines.push(`${prefix}${branch}ApplicationSet ${it.set}: ${it.ids.length} app${it.ids.length === 1 ? '' : 's'}`);
        emit(it.ids, prefix + cont + ' ', true);
        return;
      }
      const a = byId.get(it)!;
      lines.push(`${prefix}${branch}${a.kind} ${a.name}  ${a.definedIn.file}:${a.definedIn.line}`);
      const pad = prefix + cont + (a.children.length ? '│  ' : '   ');
      lines.push(`${pad}source  ${sourceText(a)}`);
      lines.push(`${pad}dest    ${dest(a)}`);
      lines.push(`${pad}sync    ${sync(a)}`);
      lines.push(`${pad}render  ${renderStatus(a)}`);
      if (a.revisionNote) lines.push(`${pad}note    ${a.revisionNote}`);
      for (const w of a.render?.ok ? a.render.warnings : (a.render?.warnings ?? []).slice(0, -1)) lines.push(`${pad}warning ${w}`);
      if (a.children.length) emit(a.children, prefix + cont + ' ');
    });
  };
  const argo = r.roots.filter((id) => byId.get(id)!.kind === 'Application');
  const flux = r.roots.filter((id) => byId.get(id)!.kind === 'Kustomization');
  if (argo.length) {
    lines.push('Argo CD');
    emit(argo, ' ');
    lines.push('');
  }
  if (flux.length) {
    lines.push('Flux (in dependency order)');
    emit(flux, ' ');
    lines.push('');
  }
  if (!r.apps.length) lines.push('No Argo CD Application, ApplicationSet or Flux Kustomization found.', '');
  const total = r.apps.length;
  const ok = r.apps.filter((a) => a.render?.ok).length;
  lines.push(`${total} app${total === 1 ? '' : 's'}, ${ok} rendered, ${r.apps.filter((a) => a.external).length} external, ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`);
  if (r.errors.length) {
    lines.push('', 'Errors:');
    for (const e of r.errors) lines.push(`  ${e.file}:${e.line}${e.column ? `:${e.column}` : ''}: ${e.message}`);
  }
  return lines.join('\n') + '\n';
}

/** The mask `render` prints for Secret values (the same as the render command's). */
const MASK = '********';

/** Secret values never leave the engine: data and stringData values are masked in anything printed. */
export function maskSecrets(o: KubeObject): KubeObject {
  if (o.kind !== 'Secret' || o.apiVersion !== 'v1') return o;
  const out: KubeObject = { ...o };
  for (const field of ['data', 'stringData']) {
    const d = o[field];
    if (d && typeof d === 'object') out[field] = Object.fromEntries(Object.keys(d).map((k) => [k, MASK]));
  }
  return out;
}

async function load(p: Parsed, io: CliIO): Promise<{ result: AppsResult; root: string }> {
  const { view, rel } = await openView(resolve(io.cwd, p.dir ?? '.'), { rev: p.rev });
  // A folder inside a repository: the apps written below it, with paths still relative to the repository root.
  const scope = rel && !rel.startsWith('..') ? rel : undefined;
  const result = await discoverApps(view, { renderer: cliRenderer(), rev: p.rev, render: p.render || p.app !== undefined, clusters: p.clusters, scope });
  return { result, root: view.root };
}

/** `render --app <name>`: one app's objects as its controller renders them (shared with the render command). */
export async function runRenderApp(name: string, dir: string | undefined, rev: string | undefined, io: CliIO, showSecrets = false): Promise<number> {
  const { result } = await load({ dir, rev, json: false, render: true, app: name, clusters: [] }, io);
  const found = findApps(result, name);
  if (!found.length) throw new UsageError(`no app named ${name} (run \`gitops-sandbox apps\` to list them)`);
  if (found.length > 1) throw new UsageError(`several apps are named ${name}: ${found.map((a) => a.id).join(', ')}; give <kind>/<namespace>/<name>`);
  const app = found[0]!;
  if (app.external) throw new GitOpsError(`${app.name} is not rendered: ${app.externalReason}`, { file: app.definedIn.file, line: app.definedIn.line, column: app.definedIn.column }, 'external');
  const err = app.render?.error;
  if (err) throw new GitOpsError(err.message, { file: err.file, line: err.line, column: err.column }, 'render');
  io.out((app.render?.objects ?? []).map((o) => marshalYAML(fromJSON(showSecrets ? o : maskSecrets(o)))).join('---\n'));
  return 0;
}

export const apps: Command = {
  name: 'apps',
  summary: 'list the Argo CD and Flux applications of a deploy repo as their controllers see them, rendered',
  usage: [
    'Usage: gitops-sandbox apps [<repo-dir>] [--rev <rev>] [--json] [--no-render] [--cluster <name>=<server>]…',
    '       gitops-sandbox apps [<repo-dir>] [--rev <rev>] --app <name>',
    '',
    'Finds Argo CD Applications, ApplicationSets (expanded), app-of-apps trees and Flux Kustomizations (in',
    'dependency order), and renders each as its controller would. With --app, prints that app\'s rendered objects.',
    '',
    '  <repo-dir>    the repository (default: the current directory); a folder inside it lists the apps written',
    '                below that folder, their paths still read from the repository root',
    '  --rev <rev>   read a git revision (branch, tag, commit, HEAD~1) instead of the working tree',
    '  --json        {"apps": [...], "errors": [...]}',
    '  --no-render   list only (app-of-apps children are found by rendering, so they are missing)',
    '  --app <name>  render one app: <name>, <namespace>/<name> or <kind>/<namespace>/<name>',
    '  --cluster <name>=<server>  a cluster for ApplicationSet clusters generators, besides the cluster Secrets',
    '                in the repo and the in-cluster default (repeatable)',
  ].join('\n'),
  async run(args, io) {
    const p = parseArgs(args);
    if (p.app !== undefined) {
      if (p.json) throw new UsageError('--app prints YAML; --json is for the list');
      return runRenderApp(p.app, p.dir, p.rev, io);
    }
    const { result, root } = await load(p, io);
    if (p.json) io.out(JSON.stringify(appsJson(result), null, 2) + '\n');
    else io.out(formatAppsText(result, root));
    return result.errors.length ? 1 : 0;
  },
};
