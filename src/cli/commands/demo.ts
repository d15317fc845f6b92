import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { isGitOpsError } from '../../engine/errors/index.ts';
import { findKustomizations, Renderer } from '../../engine/render/index.ts';
import { Sandbox } from '../../engine/sandbox/index.ts';
import { openView } from '../../engine/source/index.ts';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { diff } from './diff.ts';
import { explain } from './explain.ts';
import { plan } from './plan.ts';
import { sync } from './sync.ts';

/**
 * `npm start`: the tour of what the engine does on a deploy repo. It renders every kustomization, then takes the
 * last one through the whole loop a user lives in: where a field came from, the sync Argo CD would run, that sync
 * for real into a throwaway sandbox, a drift made in the sandbox (as `kubectl scale` would), and the live diff that
 * shows it. Each step is the real command, so the tour doubles as a smoke test of the CLI. Nothing in the repo is
 * written; the sandbox lives in a temporary state file that is removed at the end.
 */
export const demo: Command = {
  name: 'demo',
  summary: 'the tour: render every overlay, then explain, plan, sync to a throwaway sandbox, drift and diff (what `npm start` runs)',
  usage: 'Usage: gitops-sandbox demo [<repo-dir>] [--render-only]',
  async run(args, io) {
    const renderOnly = args.includes('--render-only');
    const rest = args.filter((a) => a !== '--render-only');
    if (rest.some((a) => a.startsWith('-'))) throw new UsageError(`unknown option ${rest.find((a) => a.startsWith('-'))}`);
    if (rest.length > 1) throw new UsageError('expected at most one directory');
    const { view, rel } = await openView(resolve(io.cwd, rest[0] ?? '.'));
    const dirs = await findKustomizations(view, rel);
    io.out(`Deploy repo: ${view.root} (${view.label})\n`);
    io.out(`Kustomizations kustomize can build: ${dirs.length}\n\n`);
    io.out('1. Render (kustomize v5.5.0, byte-identical to `kubectl kustomize`):\n');
    const renderer = new Renderer();
    let failed = 0;
    let target: { dir: string; deployment?: { name: string; namespace?: string; container?: string } } | undefined;
    const show = (d: string) => (rel === '' ? d : d === rel ? '.' : d.slice(rel.length + 1)) || '.';
    const width = Math.max(0, ...dirs.map((d) => show(d).length));
    for (const d of dirs) {
      try {
        const started = performance.now();
        const r = await renderer.render(view, d);
        const ms = performance.now() - started;
        const kinds = new Map<string, number>();
        for (const x of r.resources) kinds.set(x.id.kind, (kinds.get(x.id.kind) ?? 0) + 1);
        const list = [...kinds].map(([k, c]) => (c > 1 ? `${c}×${k}` : k)).join(', ');
        io.out(`  ${show(d).padEnd(width)}  ${String(r.resources.length).padStart(3)} objects  ${list}  (${ms.toFixed(1)} ms)\n`);
        // The tour follows the last overlay that renders, through its first Deployment.
        const dep = r.resources.find((x) => x.id.kind === 'Deployment')?.object;
        const containers = (dep?.spec as { template?: { spec?: { containers?: { name?: string }[] } } } | undefined)?.template?.spec?.containers;
        target = { dir: d, deployment: dep?.metadata.name ? { name: dep.metadata.name, namespace: dep.metadata.namespace, container: containers?.[0]?.name } : undefined };
      } catch (err) {
        if (!isGitOpsError(err)) throw err;
        failed++;
        io.out(`  ${show(d).padEnd(width)}  error: ${err.toString()}\n`);
      }
    }
    if (renderOnly || !target) {
      io.out(`\nTry: gitops-sandbox render ${dirs.length ? relative(io.cwd, join(view.root, dirs.at(-1)!)) || '.' : '<dir>'}\n`);
      return failed ? 1 : 0;
    }
    const ok = await tour(io, relative(io.cwd, join(view.root, target.dir)) || '.', target.deployment);
    return failed || !ok ? 1 : 0;
  },
};

async function tour(io: CliIO, dir: string, dep: { name: string; namespace?: string; container?: string } | undefined): Promise<boolean> {
  const appName = dir.split('/').filter(Boolean).slice(-2).join('-') || 'demo';
  const ns = dep?.namespace ?? 'default';
  const common = [dir, '--app-name', appName, '--dest-namespace', ns, '--sync-option', 'CreateNamespace=true'];
  const step = async (title: string, cmd: Command, argv: string[], expect: number[] = [0]): Promise<boolean> => {
    io.out(`\n${title}\n  $ gitops-sandbox ${cmd.name} ${argv.join(' ')}\n`);
    let text = '';
    const code = await cmd.run(argv, { ...io, isTTY: false, out: (t) => void (text += t), err: (t) => void (text += t) });
    io.out(text.replace(/^(?=.)/gm, '  '));
    return expect.includes(code);
  };
  const state = await mkdtemp(join(tmpdir(), 'gitops-sandbox-demo-'));
  const file = join(state, 'sandbox.json');
  try {
    let ok = true;
    if (dep) {
      const field = dep.container ? `spec.template.spec.containers[name=${dep.container}].image` : 'spec.replicas';
      ok &&= await step('2. Provenance: where a rendered field came from, and every change made to it', explain, [dir, `Deployment/${ns}/${dep.name}`, field]);
    }
    ok &&= await step('3. Sync preview: the sync Argo CD would run into an empty cluster', plan, common);
    ok &&= await step('4. Sync for real, into a throwaway embedded sandbox (no Docker, a virtual clock)', sync, [...common, '--to', `sandbox:${file}`]);
    if (dep) {
      // The drift a user makes with `kubectl scale` against `gitops-sandbox sandbox serve`, done in process here.
      const sandbox = await Sandbox.load(file);
      const live = sandbox.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: dep.name, namespace: ns });
      const replicas = ((live?.spec as { replicas?: number } | undefined)?.replicas ?? 1) + 2;
      sandbox.patch({ apiVersion: 'apps/v1', kind: 'Deployment', name: dep.name, namespace: ns }, { spec: { replicas } }, 'merge', { fieldManager: 'kubectl' });
      await sandbox.save(file);
      io.out(`\n5. Drift: Deployment ${ns}/${dep.name} scaled to ${replicas} in the sandbox, as \`kubectl scale\` would\n`);
      ok &&= await step('6. Live diff, normalised as Argo CD normalises (exit 1: a difference)', diff, [dir, '--app-name', appName, '--dest-namespace', ns, '--cluster', `sandbox:${file}`], [1]);
    }
    io.out(`\nNext: gitops-sandbox apps <repo> · render --provenance · affects <file>:<line> · diff --base · sandbox serve (see README)\n`);
    return ok;
  } finally {
    await rm(state, { recursive: true, force: true });
  }
}
