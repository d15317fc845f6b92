/**
 * Render benchmark (issue 3): on a generated repo of 100 overlays (about 30 objects each),
 *  1. render every overlay in one process vs `kubectl kustomize` once per overlay (target: at least 20× faster);
 *  2. re-render one overlay after one of its files changed, with a warm Renderer (target: median at most 10 ms);
 *  3. rendering with provenance vs without (issue 4 target: at most 1.5×).
 * Ratios are measured in the same run. Outputs are also checked equal to kubectl's, so the speed is not bought
 * with wrong answers.
 *
 * Run: npm run bench -- render      (or: npx node --import tsx bench/render/index.ts [--apps N] [--kubectl-sample N])
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Renderer } from '../../src/engine/render/index.ts';
import { WorktreeView } from '../../src/engine/source/index.ts';
import { generateRepo } from '../fixtures/generate-repo.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const APPS = arg('--apps', 100);
const SAMPLE = arg('--kubectl-sample', APPS);
const EDITS = arg('--edits', 41);

/** CPU time (ms) of waited-for child processes, from /proc (Linux); undefined elsewhere. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'gs-bench-render-'));
try {
  const repo = generateRepo(dir, { apps: APPS });
  const view = new WorktreeView(dir);

  // 1. All overlays, one process (cold: a fresh Renderer, nothing cached; the engine's code is loaded but not warm).
  const cold = new Renderer();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outputs: string[] = [];
  let objects = 0;
  for (const o of repo.overlays) {
    const r = await cold.render(view, o);
    outputs.push(r.text);
    objects += r.resources.length;
  }
  const oursAll = performance.now() - t0;
  const oursCpu = process.cpuUsage(cpu0);

  // Same work with provenance on (fresh renderer again, so both runs are cold).
  const prov = new Renderer();
  const t1 = performance.now();
  for (const o of repo.overlays) await prov.render(view, o, { provenance: true });
  const oursProv = performance.now() - t1;

  // kubectl kustomize once per overlay (a sample when asked, scaled to all overlays).
  let kubectlMs: number | undefined;
  let kubectlCpu: number | undefined;
  let mismatches = 0;
  try {
    const sample = repo.overlays.slice(0, SAMPLE);
    const c2 = childrenCpuMs();
    const t2 = performance.now();
    sample.forEach((o, i) => {
      const out = execFileSync('kubectl', ['kustomize', join(dir, o)], { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (out !== outputs[i]) mismatches++;
    });
    kubectlMs = ((performance.now() - t2) / sample.length) * repo.overlays.length;
    const c3 = childrenCpuMs();
    if (c2 !== undefined && c3 !== undefined) kubectlCpu = ((c3 - c2) / sample.length) * repo.overlays.length;
  } catch (e) {
    console.log(`kubectl not usable, skipping the comparison: ${(e as Error).message.split('\n')[0]}`);
  }

  // 2. Re-render after one file changed (warm renderer; the file is rewritten on disk each time).
  const warm = new Renderer();
  const target = repo.overlays[Math.floor(repo.overlays.length / 2)]!;
  const file = join(dir, repo.editable(target));
  const original = readFileSync(file, 'utf8');
  await warm.render(view, target);
  await warm.render(view, target);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    writeFileSync(file, original.replace('replicas: 4', `replicas: ${5 + i}`));
    const t = performance.now();
    const c = process.cpuUsage();
    const r = await warm.render(view, target);
    const cu = process.cpuUsage(c);
    times.push(performance.now() - t);
    cpuTimes.push((cu.user + cu.system) / 1000);
    if (!r.text.includes(`replicas: ${5 + i}`)) throw new Error('the re-render did not see the edit');
  }
  writeFileSync(file, original);
  const rerender = median(times);
  const warmAll: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    for (const o of repo.overlays) await warm.render(view, o);
    warmAll.push(performance.now() - t);
  }

  const line = (s: string) => console.log(s);
  line(`render bench: ${repo.overlays.length} overlays, ${objects} objects (${(objects / repo.overlays.length).toFixed(1)} per overlay)`);
  line(`  all overlays, one process, cold:        ${oursAll.toFixed(0)} ms wall (${(oursAll / repo.overlays.length).toFixed(1)} ms per overlay), ${((oursCpu.user + oursCpu.system) / 1000).toFixed(0)} ms CPU`);
  line(`  all overlays, one process, warm caches: ${median(warmAll).toFixed(0)} ms`);
  if (kubectlMs !== undefined) {
    line(`  kubectl kustomize once per overlay:      ${kubectlMs.toFixed(0)} ms${SAMPLE < repo.overlays.length ? ` (measured on ${SAMPLE}, scaled)` : ''}`);
    line(`  ratio kubectl / ours (cold), wall time: ${(kubectlMs / oursAll).toFixed(1)}×  (target ≥ 20×)`);
    if (kubectlCpu !== undefined) {
      const ours = (oursCpu.user + oursCpu.system) / 1000;
      line(`  ratio kubectl / ours (cold), CPU time:  ${(kubectlCpu / ours).toFixed(1)}×  (kubectl ${kubectlCpu.toFixed(0)} ms CPU; the steadier figure on a loaded machine)`);
    }
    line(`  outputs equal to kubectl's:             ${SAMPLE - mismatches}/${SAMPLE}`);
  }
  line(`  re-render after one file changed:       median ${rerender.toFixed(2)} ms wall, ${median(cpuTimes).toFixed(2)} ms CPU, over ${EDITS} edits (target ≤ 10 ms)`);
  line(`  machine load average while measuring:   ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (wall times stretch under load)`);
  line(`  provenance on / off (cold, all):        ${(oursProv / oursAll).toFixed(2)}×  (target ≤ 1.5×)`);
  if (mismatches) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
