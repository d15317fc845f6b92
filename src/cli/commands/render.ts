import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GitOpsError, isGitOpsError } from '../../engine/errors/index.ts';
import { explainAll } from '../../engine/provenance/index.ts';
import { findKustomizations, Renderer, type LoadRestrictor, type RenderResult } from '../../engine/render/index.ts';
import { openView, type FileView } from '../../engine/source/index.ts';
import { emitDocuments, type MapNode, type YNode } from '../../engine/yaml/index.ts';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { runRenderApp } from './apps.ts';

const USAGE = `Usage:
  gitops-sandbox render <dir> [--rev <git-rev>] [--load-restrictor <mode>] [--enable-helm [--helm-command <path>]] [--show-secrets]
  gitops-sandbox render <dir> --provenance [--rev <git-rev>] [--load-restrictor <mode>] [--enable-helm [--helm-command <path>]]
  gitops-sandbox render --all <repo-dir> --out <dir> [--rev <git-rev>] [--load-restrictor <mode>] [--enable-helm [--helm-command <path>]] [--show-secrets]
  gitops-sandbox render --app <name> [<repo-dir>] [--rev <git-rev>] [--show-secrets]

Renders a kustomization folder exactly as \`kubectl kustomize <dir>\` (kustomize v5.5.0) would and prints the
stream on stdout (exit 0), or the error, located as file:line:column, on stderr (exit 1).

  --rev <git-rev>   read the files from that revision of the git repository holding <dir> (nothing is checked out)
  --all <repo-dir>  render every folder under <repo-dir> that kustomize can build on its own (components are not);
                    write each stream to <out>/<folder>/rendered.yaml, or the error to <out>/<folder>/error.txt,
                    print one line per folder, and exit 1 if any failed
  --out <dir>       where --all writes
  --load-restrictor LoadRestrictionsRootOnly | LoadRestrictionsNone
                    kustomize's load restrictor, as \`kubectl kustomize --load-restrictor\`: the default refuses files
                    outside the kustomization folder; LoadRestrictionsNone (what Argo CD's kustomize.buildOptions
                    often set) reads them from anywhere in the repository
  --enable-helm     inflate helmCharts (and the builtin HelmChartInflationGenerator) by running \`helm template\`, as
                    \`kubectl kustomize --enable-helm\` does; charts must be in the repository (under chartHome,
                    \`charts/\` by default): nothing is downloaded. Without it, helmCharts is an error, as in
                    \`kubectl kustomize\` and Argo CD's default
  --helm-command <path>
                    the helm binary --enable-helm runs (default: \`helm\` found on PATH)
  --app <name>      render one Argo CD Application or Flux Kustomization of the repo as its controller would
                    (see \`gitops-sandbox apps\`): <name>, <namespace>/<name> or <kind>/<namespace>/<name>
  --provenance      print, as JSON, each rendered document's id and the provenance of every field instead of the
                    stream: [{"object": {group, version, kind, namespace, name}, "fields": [{"path", "value",
                    "origin", "history"}]}] (see \`gitops-sandbox explain --help\`; Secret data stays masked)
  --show-secrets    print Secret data and stringData as rendered; by default their values are masked (********),
                    the one difference from kubectl kustomize's output`;

interface Args {
  dir?: string;
  app?: string;
  all?: string;
  out?: string;
  rev?: string;
  showSecrets: boolean;
  provenance: boolean;
  loadRestrictor?: LoadRestrictor;
  enableHelm: boolean;
  helmCommand?: string;
}

function parseArgs(args: string[]): Args {
  const a: Args = { showSecrets: false, provenance: false, enableHelm: false };
  for (let i = 0; i < args.length; i++) {
    const x = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${x} needs a value`);
      return v;
    };
    if (x === '--rev') a.rev = value();
    else if (x.startsWith('--rev=')) a.rev = x.slice(6);
    else if (x === '--all') a.all = value();
    else if (x.startsWith('--all=')) a.all = x.slice(6);
    else if (x === '--out') a.out = value();
    else if (x.startsWith('--out=')) a.out = x.slice(6);
    else if (x === '--app') a.app = value();
    else if (x.startsWith('--app=')) a.app = x.slice(6);
    else if (x === '--load-restrictor' || x.startsWith('--load-restrictor=')) {
      const v = x.includes('=') ? x.slice(x.indexOf('=') + 1) : value();
      if (v !== 'LoadRestrictionsRootOnly' && v !== 'LoadRestrictionsNone') {
        throw new UsageError(`--load-restrictor must be LoadRestrictionsRootOnly or LoadRestrictionsNone, not ${v}`);
      }
      a.loadRestrictor = v;
    } else if (x === '--enable-helm') a.enableHelm = true;
    else if (x === '--helm-command') a.helmCommand = value();
    else if (x.startsWith('--helm-command=')) a.helmCommand = x.slice(15);
    else if (x === '--show-secrets') a.showSecrets = true;
    else if (x === '--provenance') a.provenance = true;
    else if (x.startsWith('-')) throw new UsageError(`unknown option ${x}`);
    else if (a.dir === undefined) a.dir = x;
    else throw new UsageError(`unexpected argument ${x}`);
  }
  if (a.app !== undefined) {
    if (a.all !== undefined || a.out !== undefined || a.provenance) throw new UsageError('--app renders one app; --all, --out and --provenance go without it');
    if (a.loadRestrictor !== undefined) throw new UsageError('--load-restrictor goes with <dir> or --all; an app renders with its own settings');
    if (a.enableHelm || a.helmCommand !== undefined) throw new UsageError('--enable-helm goes with <dir> or --all; an app renders with its own settings');
  } else if (a.all !== undefined) {
    if (a.dir !== undefined) throw new UsageError('give either <dir> or --all <repo-dir>, not both');
    if (a.out === undefined) throw new UsageError('--all needs --out <dir>');
    if (a.provenance) throw new UsageError('--provenance goes with one <dir>, not --all');
  } else {
    if (a.dir === undefined) throw new UsageError('missing <dir>');
    if (a.out !== undefined) throw new UsageError('--out goes with --all');
  }
  if (a.helmCommand !== undefined && !a.enableHelm) throw new UsageError('--helm-command goes with --enable-helm');
  return a;
}

export const MASK = '********';

function maskNode(n: YNode): YNode {
  if (n.kind !== 'map') return n;
  return { ...n, entries: n.entries.map((e) => ({ key: e.key, value: { kind: 'scalar', value: MASK, tag: '!!str', style: 'plain' } as YNode })) };
}

/** The stream with every core Secret's data and stringData values replaced by a mask. */
export function maskedText(result: RenderResult): string {
  if (!result.resources.some((r) => r.id.kind === 'Secret' && r.id.group === '')) return result.text;
  const docs = result.resources.map((r) => {
    if (r.id.kind !== 'Secret' || r.id.group !== '') return r.node;
    const node: MapNode = {
      ...r.node,
      entries: r.node.entries.map((e) => (e.key.value === 'data' || e.key.value === 'stringData' ? { key: e.key, value: maskNode(e.value) } : e)),
    };
    return node;
  });
  return emitDocuments(docs);
}

function describeError(err: unknown): string {
  if (isGitOpsError(err)) return err.toString();
  const e = err as Error & { name?: string };
  if (e?.name === 'SourceError') return e.message;
  throw err;
}

async function renderOne(a: Args, io: CliIO): Promise<number> {
  const { view, rel } = await openView(resolve(io.cwd, a.dir!), { rev: a.rev });
  const result = await new Renderer().render(view, rel, { provenance: a.provenance, loadRestrictor: a.loadRestrictor, enableHelm: a.enableHelm, helmCommand: a.helmCommand });
  if (a.provenance) io.out(JSON.stringify(explainAll(result.resources), null, 2) + '\n');
  else io.out(a.showSecrets ? result.text : maskedText(result));
  return 0;
}

function summary(result: RenderResult): string {
  const n = result.resources.length;
  const kinds = new Map<string, number>();
  for (const r of result.resources) kinds.set(r.id.kind, (kinds.get(r.id.kind) ?? 0) + 1);
  const list = [...kinds].map(([k, c]) => (c > 1 ? `${c} ${k}` : k)).join(', ');
  return `${n} object${n === 1 ? '' : 's'}${n ? ` (${list})` : ''}`;
}

async function renderAll(a: Args, io: CliIO): Promise<number> {
  const root = resolve(io.cwd, a.all!);
  const out = resolve(io.cwd, a.out!);
  const { view, rel } = await openView(root, { rev: a.rev });
  const dirs = await findKustomizations(view, rel);
  const renderer = new Renderer();
  let failed = 0;
  const width = Math.max(0, ...dirs.map((d) => relTo(rel, d).length));
  for (const d of dirs) {
    if (io.signal.aborted) {
      io.err('cancelled; stopped before rendering the remaining folders\n');
      return 2;
    }
    const sub = relTo(rel, d);
    const target = join(out, sub);
    await mkdir(target, { recursive: true });
    try {
      const result = await renderer.render(view as FileView, d, { loadRestrictor: a.loadRestrictor, enableHelm: a.enableHelm, helmCommand: a.helmCommand });
      await writeFile(join(target, 'rendered.yaml'), a.showSecrets ? result.text : maskedText(result));
      io.out(`ok     ${(sub || '.').padEnd(width)}  ${summary(result)}\n`);
    } catch (err) {
      failed++;
      const msg = describeError(err);
      await writeFile(join(target, 'error.txt'), msg + '\n');
      io.out(`error  ${(sub || '.').padEnd(width)}  ${msg}\n`);
    }
  }
  io.out(`${dirs.length} kustomization${dirs.length === 1 ? '' : 's'}, ${dirs.length - failed} rendered, ${failed} failed; written under ${out}\n`);
  return failed ? 1 : 0;
}

function relTo(base: string, d: string): string {
  if (base === '') return d;
  if (d === base) return '';
  return d.startsWith(base + '/') ? d.slice(base.length + 1) : d;
}

export const render: Command = {
  name: 'render',
  summary: 'render a kustomization exactly as `kubectl kustomize` would (or every one in a repo with --all)',
  usage: USAGE,
  async run(args, io) {
    const a = parseArgs(args);
    try {
      if (a.app !== undefined) return await runRenderApp(a.app, a.dir, a.rev, io, a.showSecrets);
      return a.all !== undefined ? await renderAll(a, io) : await renderOne(a, io);
    } catch (err) {
      if (err instanceof GitOpsError) throw err;
      const e = err as Error & { name?: string };
      if (e?.name === 'SourceError') throw new GitOpsError(e.message, undefined, 'source');
      throw err;
    }
  },
};
