/**
 * `npm run bench -- diff`: `gitops-sandbox diff --all --base main` over the generated 100-overlay repo (one Argo CD
 * Application per overlay; a branch that raises the replicas of 10 overlays), against the reference: both
 * revisions rendered with `kubectl kustomize` (200 runs). Printed: cold and warm times of our diff, the reference
 * time, and their ratio, all measured in this run. Target: warm diff at most 1 s.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../../src/cli/run.ts';
import { commands } from '../../src/cli/commands/index.ts';
import { stopJq } from '../../src/engine/diff/index.ts';

interface GeneratedRepo {
  root: string;
  overlays: string[];
  editable: (overlay: string) => string;
}

const generator = join(import.meta.dirname, '..', 'fixtures', 'generate-repo.ts');
if (!existsSync(generator)) {
  console.log(`skipped: ${generator} (the render bench's repo generator) is not here yet`);
  process.exit(0);
}
const { generateRepo } = (await import(pathToFileURL(generator).href)) as { generateRepo: (root: string, opts: { apps?: number }) => GeneratedRepo };

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const root = mkdtempSync(join(tmpdir(), 'gs-bench-diff-'));
const URL = 'https://git.example.com/bench/deploy.git';
try {
  const repo = generateRepo(root, { apps: 100 });
  mkdirSync(join(root, 'argocd'), { recursive: true });
  writeFileSync(
    join(root, 'argocd', 'apps.yaml'),
    repo.overlays
      .map((o) => {
        const name = o.split('/')[1]!;
        return `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: ${URL}\n    targetRevision: HEAD\n    path: ${o}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${name}\n`;
      })
      .join('---\n'),
  );
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.email', 'bench@example.com');
  git(root, 'config', 'user.name', 'bench');
  git(root, 'remote', 'add', 'origin', URL);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'generated');
  git(root, 'checkout', '-q', '-b', 'feature');
  for (const o of repo.overlays.slice(0, 10)) {
    const f = join(root, repo.editable(o));
    writeFileSync(f, readFileSync(f, "utf8").replace("replicas: 4", "replicas: 6"));
  }
  git(root, 'commit', '-q', '-am', '6 replicas in 10 overlays');

  const runDiff = async (): Promise<{ ms: number; cpuMs: number; code: number; apps: number; changed: number }> => {
    let out = '';
    let err = '';
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const code = await runCli(['diff', '--all', '--base', 'main', '--json'], commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd: root });
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    if (code === 2) throw new Error(`diff failed: ${err.slice(0, 2000)}`);
    const json = JSON.parse(out) as { apps: { objects: unknown[] }[] };
    return { ms, cpuMs, code, apps: json.apps.length, changed: json.apps.filter((a) => a.objects.length).length };
  };
  const cold = await runDiff();
  const warm: number[] = [];
  const warmCpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await runDiff();
    warm.push(r.ms);
    warmCpu.push(r.cpuMs);
  }
  warm.sort((a, b) => a - b);
  warmCpu.sort((a, b) => a - b);

  // Reference: kubectl kustomize of every overlay at both revisions (the base extracted with git archive).
  const baseDir = join(root, '..', `${root.split('/').pop()}-base`);
  mkdirSync(baseDir, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${root}" archive main | tar -x -C "${baseDir}"`]);
  const t0 = performance.now();
  for (const dir of [root, baseDir]) for (const o of repo.overlays) execFileSync('kubectl', ['kustomize', join(dir, o)], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  const kubectlMs = performance.now() - t0;
  rmSync(baseDir, { recursive: true, force: true });

  const med = warm[1]!;
  console.log(`diff --all --base main over ${cold.apps} apps (${cold.changed} changed), exit ${cold.code}`);
  console.log(`  ours, cold (first run in the process): ${cold.ms.toFixed(0)} ms`);
  console.log(`  ours, warm (median of 3):              ${med.toFixed(0)} ms wall, ${warmCpu[1]!.toFixed(0)} ms CPU  [target <= 1000 ms: ${med <= 1000 ? 'met' : 'NOT met'}]`);
  console.log(`  machine load average during the run:   ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs`);
  console.log(`  kubectl kustomize, 2 x ${repo.overlays.length} overlays:     ${kubectlMs.toFixed(0)} ms`);
  console.log(`  ratio ours warm / kubectl:             ${(med / kubectlMs).toFixed(3)}  (cold ${(cold.ms / kubectlMs).toFixed(3)})`);
} finally {
  rmSync(root, { recursive: true, force: true });
  await stopJq();
}
