/**
 * Provenance benchmark (issue 4), on the generated repo of 100 overlays (bench/fixtures/generate-repo.ts):
 *  1. rendering every overlay with provenance vs without, warm renderers, alternating rounds (target: ≤ 1.5×);
 *     also with every field explained (what `render --provenance` does) and with the reverse index built;
 *  2. the reverse map of one line across all overlays after a warm render (target: ≤ 50 ms): a fresh (lazy) index
 *     answering that one line, which is what the first question costs; the full index of every file; then lookups
 *     on a built index (a shared component line that reaches every overlay, a base line, an overlay line, and the
 *     line with the most hits in the whole repo).
 * Every figure is measured in this run; ratios compare runs made side by side.
 *
 * Run: npm run bench -- provenance   (or: npx node --import tsx bench/provenance/index.ts [--apps N] [--rounds N])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainAll, ProvenanceIndex, repoProvenance } from '../../src/engine/provenance/index.ts';
import { Renderer, type RenderResult } from '../../src/engine/render/index.ts';
import { WorktreeView } from '../../src/engine/source/index.ts';
import { generateRepo } from '../fixtures/generate-repo.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const APPS = arg('--apps', 100);
const ROUNDS = arg('--rounds', 7);
const QUERIES = arg('--queries', 50);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

const dir = mkdtempSync(join(tmpdir(), 'gs-bench-prov-'));
try {
  const repo = generateRepo(dir, { apps: APPS });
  const view = new WorktreeView(dir);
  console.log(`repo: ${APPS} overlays under ${dir}; ${cpus().length} cpus, load ${loadavg()[0]!.toFixed(2)}`);

  // ---- 1. render with provenance vs without -------------------------------------------------------------------
  const plain = new Renderer();
  const withProv = new Renderer();
  const renderAll = async (r: Renderer, provenance: boolean): Promise<RenderResult[]> => {
    const out: RenderResult[] = [];
    for (const o of repo.overlays) out.push(await r.render(view, o, { provenance }));
    return out;
  };
  // Warm both (parse caches, base caches, JIT), and check the bytes agree.
  const a = await renderAll(plain, false);
  const b = await renderAll(withProv, true);
  let objects = 0;
  a.forEach((r, i) => {
    objects += r.resources.length;
    if (r.text !== b[i]!.text) throw new Error(`provenance changed the output of ${repo.overlays[i]}`);
  });

  // Wall time and this process's CPU time: on a shared, loaded machine the CPU time is the steadier measure.
  const wall = { plain: [] as number[], prov: [] as number[], explain: [] as number[], index: [] as number[] };
  const cpu = { plain: [] as number[], prov: [] as number[], explain: [] as number[], index: [] as number[] };
  const measure = async (what: keyof typeof wall, fn: () => Promise<void>) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall[what].push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu[what].push((c.user + c.system) / 1000);
  };
  let fields = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await measure('plain', async () => void (await renderAll(plain, false)));
    await measure('prov', async () => void (await renderAll(withProv, true)));
    await measure('explain', async () => {
      const rs = await renderAll(withProv, true);
      fields = 0;
      for (const r of rs) for (const d of explainAll(r.resources)) fields += d.fields.length;
    });
    await measure('index', async () => {
      const rs = await renderAll(withProv, true);
      new ProvenanceIndex(rs.map((result, i) => ({ dir: repo.overlays[i]!, result }))).files();
    });
  }
  const row = (label: string, what: keyof typeof wall, target = '') => {
    const w = median(wall[what]);
    const c = median(cpu[what]);
    const rw = w / median(wall.plain);
    const rc = c / median(cpu.plain);
    console.log(`   ${label.padEnd(44)} wall ${fmt(w).padStart(7)} ms (${rw.toFixed(2)}×)   cpu ${fmt(c).padStart(7)} ms (${rc.toFixed(2)}×)${target}`);
  };
  console.log(`\n1. render all ${repo.overlays.length} overlays (${objects} objects), warm, median of ${ROUNDS} alternating rounds`);
  row('without provenance', 'plain');
  row('with provenance', 'prov', '   target ≤ 1.5×');
  row(`with provenance + all ${fields} fields explained`, 'explain');
  row('with provenance + reverse index built', 'index');

  // ---- 2. reverse map of one line ------------------------------------------------------------------------------
  const renderer = new Renderer();
  let t = performance.now();
  const cold = await repoProvenance(view, { renderer });
  const coldMs = performance.now() - t;
  t = performance.now();
  const warm = await repoProvenance(view, { renderer });
  const warmMs = performance.now() - t;
  const index = warm.index;
  const indexWall: number[] = [];
  const indexCpu: number[] = [];
  let rebuilt = index;
  for (let k = 0; k < 5; k++) {
    const c0 = process.cpuUsage();
    t = performance.now();
    rebuilt = new ProvenanceIndex(index.renders);
    rebuilt.files(); // the index is lazy: this builds it for every file
    indexWall.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    indexCpu.push((c.user + c.system) / 1000);
  }
  void cold;

  // The line with the most hits anywhere (the worst case for one lookup).
  let worst = { file: '', line: 0, n: 0 };
  const probe = rebuilt as unknown as { byFile: Map<string, Map<number, unknown[]>> };
  for (const [file, lines] of probe.byFile) for (const [line, hits] of lines) if (hits.length > worst.n) worst = { file, line, n: hits.length };

  const lines: { what: string; file: string; line: number }[] = [
    { what: 'component patch value (every overlay)', file: 'components/monitoring/kustomization.yaml', line: 12 },
    { what: 'component resource name (every overlay)', file: 'components/monitoring/service-monitor.yaml', line: 4 },
    { what: 'one base image line', file: 'apps/app-07/base/api-deployment.yaml', line: 20 },
    { what: 'one overlay namePrefix line', file: `${repo.overlays[7]}/kustomization.yaml`, line: 4 },
    { what: `busiest line (${worst.n} hits)`, file: worst.file, line: worst.line },
  ];
  console.log(`\n2. reverse map over ${index.renders.length} overlays (${warm.renders.length} kustomizations rendered)`);
  console.log(`   repoProvenance cold (render everything + index)  ${fmt(coldMs)} ms`);
  console.log(`   repoProvenance warm renderer (re-render + index)  ${fmt(warmMs)} ms`);
  console.log(`   full index build, every file (median of 5)        wall ${fmt(median(indexWall))} ms, cpu ${fmt(median(indexCpu))} ms`);
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;
  for (const l of lines) {
    // What a first question costs right after a warm render: a fresh (lazy) index that reads only this file.
    const freshWall: number[] = [];
    const freshCpu: number[] = [];
    for (let k = 0; k < 7; k++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      new ProvenanceIndex(index.renders).affects(l.file, l.line);
      freshWall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      freshCpu.push((c.user + c.system) / 1000);
    }
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let summary = '';
    for (let q = 0; q <= QUERIES; q++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const rep = index.affects(l.file, l.line);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpuTimes.push((c.user + c.system) / 1000);
      summary = `${rep.summary.overlays} overlays, ${rep.summary.objects} objects, ${rep.summary.fields} fields`;
    }
    const [first, ...rest] = times;
    const [firstCpu, ...restCpu] = cpuTimes;
    console.log(`   ${l.what}: ${l.file}:${l.line} → ${summary}`);
    console.log(`      fresh index + this line (median of 7): wall ${fmt(median(freshWall))} ms, cpu ${fmt(median(freshCpu))} ms   (target ≤ 50 ms)`);
    console.log(
      `      then on that index: wall first ${fmt(first!)} ms, then median ${fmt(median(rest))} ms, p95 ${fmt(p95(rest))} ms;  cpu: first ${fmt(firstCpu!)} ms, median ${fmt(median(restCpu))} ms, p95 ${fmt(p95(restCpu))} ms`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
