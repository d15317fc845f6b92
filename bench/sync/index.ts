/**
 * Sync benchmarks (issue 10), figures and ratios measured in this run (the machines are noisy):
 *   1. every app of the generated 100-overlay repo (bench/fixtures/generate-repo.ts) synced into one embedded
 *      sandbox, in process: total time, per app, objects per second; as a ratio to rendering the same overlays and
 *      to plain server-side apply of the same objects (no plan, no waves, no health: the floor);
 *   2. a three-wave app with a PreSync and a PostSync hook, settling on the sandbox's virtual clock: wall time per
 *      sync (target < 100 ms), the virtual time it covers, and its ratio to applying the same objects raw.
 * Run: npm run bench -- sync      (or: npx node --import tsx bench/sync/index.ts [--apps N] [--runs N])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxTarget } from '../../src/engine/cluster/index.ts';
import type { KubeObject } from '../../src/engine/kube/index.ts';
import { Renderer } from '../../src/engine/render/index.ts';
import { Sandbox } from '../../src/engine/sandbox/index.ts';
import { WorktreeView } from '../../src/engine/source/index.ts';
import { syncApp } from '../../src/engine/sync/index.ts';
import { generateRepo } from '../fixtures/generate-repo.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const APPS = arg('--apps', 100);
const RUNS = arg('--runs', 21);
const T0 = '2025-01-01T00:00:00Z';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** The cluster the generated apps expect: the Prometheus operator's ServiceMonitor CRD is installed. */
function clusterWithCrds(): Sandbox {
  const sb = new Sandbox({ seed: 1, startTime: T0 });
  sb.create({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'servicemonitors.monitoring.coreos.com' },
    spec: {
      group: 'monitoring.coreos.com',
      names: { kind: 'ServiceMonitor', plural: 'servicemonitors', singular: 'servicemonitor', listKind: 'ServiceMonitorList' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  });
  sb.advance(5000);
  return sb;
}

function nsOf(objects: KubeObject[]): string {
  return objects.find((o) => o.metadata?.namespace)?.metadata.namespace ?? 'default';
}

// ------------------------------------------------------------------ 1. the 100-overlay repo

const dir = mkdtempSync(join(tmpdir(), 'gs-bench-sync-'));
try {
  const repo = generateRepo(dir, { apps: APPS });
  const view = new WorktreeView(dir);
  const renderer = new Renderer();
  const r0 = performance.now();
  const apps: { name: string; objects: KubeObject[] }[] = [];
  for (const o of repo.overlays) apps.push({ name: o.split('/')[1]!, objects: (await renderer.render(view, o)).resources.map((r) => r.object) });
  const renderMs = performance.now() - r0;
  const objects = apps.reduce((n, a) => n + a.objects.length, 0);

  // The floor: the same objects server-side applied in process, namespaces first, without planning or waiting.
  const raw = clusterWithCrds();
  const a0 = performance.now();
  for (const a of apps) {
    raw.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsOf(a.objects) } }, { fieldManager: 'bench', force: true });
    for (const o of a.objects) raw.apply(o, { fieldManager: 'bench', force: true });
  }
  raw.advance(0);
  const rawMs = performance.now() - a0;

  const sb = clusterWithCrds();
  const target = await SandboxTarget.open({ sandbox: sb });
  const clock0 = sb.now();
  const c0 = process.cpuUsage();
  const s0 = performance.now();
  const perApp: number[] = [];
  const failures: string[] = [];
  for (const a of apps) {
    const t = performance.now();
    const { result } = await syncApp({ app: { name: a.name, destinationNamespace: nsOf(a.objects), syncOptions: ['CreateNamespace=true'] }, desired: a.objects, target, prune: true });
    perApp.push(performance.now() - t);
    if (result.phase !== 'Succeeded') failures.push(`${a.name}: ${result.phase} ${result.message}`);
  }
  const syncMs = performance.now() - s0;
  const syncCpu = cpuMs(c0);
  // A second pass: every object unchanged (the common case of a sync after a small change).
  const n0 = performance.now();
  for (const a of apps) await syncApp({ app: { name: a.name, destinationNamespace: nsOf(a.objects), syncOptions: ['CreateNamespace=true'] }, desired: a.objects, target, prune: true });
  const noopMs = performance.now() - n0;

  console.log(`sync: ${apps.length} apps of the generated repo (${objects} rendered objects) into one sandbox, in process`);
  if (failures.length) console.log(`  ! ${failures.length} apps did not succeed, e.g. ${failures.slice(0, 3).join(' | ')}`);
  console.log(`  all apps: ${syncMs.toFixed(0)} ms wall, ${syncCpu.toFixed(0)} ms CPU; per app median ${median(perApp).toFixed(1)} ms, max ${Math.max(...perApp).toFixed(1)} ms; ${((objects / syncMs) * 1000).toFixed(0)} objects/s`);
  console.log(`  virtual time covered: ${((sb.now() - clock0) / 1000).toFixed(0)} s (each generated app is one wave without hooks: Argo CD does not wait for the last wave, ORD-12)`);
  console.log(`  second sync of every app (all unchanged): ${noopMs.toFixed(0)} ms`);
  console.log(`  render of the same ${apps.length} overlays: ${renderMs.toFixed(0)} ms; raw server-side apply of the same objects: ${rawMs.toFixed(0)} ms`);
  console.log(`  ratio sync / render: ${(syncMs / renderMs).toFixed(2)}×; sync / raw apply: ${(syncMs / rawMs).toFixed(2)}×`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------ 2. three waves with hooks on the virtual clock

const NS = 'shop';
function hook(name: string, type: string): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS, annotations: { 'argocd.argoproj.io/hook': type, 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' } },
    spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'registry.example/tools:1' }] } } },
  };
}
function deployment(name: string, wave: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: `registry.example/${name}:1` }] } } },
  };
}
const threeWaves: KubeObject[] = [
  hook('migrate', 'PreSync'),
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: NS }, data: { mode: 'bench' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: NS }, data: { password: Buffer.from('bench-secret').toString('base64') } },
  deployment('db', 1),
  deployment('api', 2),
  deployment('web', 2),
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS, annotations: { 'argocd.argoproj.io/sync-wave': '2' } }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
  hook('smoke', 'PostSync'),
];

async function syncThreeWaves(): Promise<{ wallMs: number; clockMs: number; phase: string; waves: number }> {
  const sb = new Sandbox({ seed: 7, startTime: T0 });
  const target = await SandboxTarget.open({ sandbox: sb });
  const t = performance.now();
  let waves = 0;
  const { result } = await syncApp({ app: { name: 'shop', destinationNamespace: NS, syncOptions: ['CreateNamespace=true'] }, desired: threeWaves, target, prune: true, onEvent: (e) => void (e.type === 'wave' && waves++) });
  return { wallMs: performance.now() - t, clockMs: result.clockMs, phase: result.phase, waves };
}

function rawThreeWaves(): number {
  const sb = new Sandbox({ seed: 7, startTime: T0 });
  const t = performance.now();
  sb.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, { fieldManager: 'bench' });
  for (const o of threeWaves) sb.apply(o, { fieldManager: 'bench', force: true });
  sb.advance(0);
  return performance.now() - t;
}

for (let i = 0; i < 3; i++) {
  await syncThreeWaves();
  rawThreeWaves();
}
const syncRuns: number[] = [];
const rawRuns: number[] = [];
let last = await syncThreeWaves();
for (let i = 0; i < RUNS; i++) {
  last = await syncThreeWaves();
  syncRuns.push(last.wallMs);
  rawRuns.push(rawThreeWaves());
}
const m = median(syncRuns);
console.log(`three-wave app with PreSync and PostSync hooks (${threeWaves.length} objects, ${last.waves} waves run): ${last.phase}`);
console.log(`  wall per sync: median ${m.toFixed(1)} ms, min ${Math.min(...syncRuns).toFixed(1)} ms (target < 100 ms) for ${(last.clockMs / 1000).toFixed(1)} s on the virtual clock (${(last.clockMs / m).toFixed(0)}× faster than real time)`);
console.log(`  raw apply of the same objects without the sync: median ${median(rawRuns).toFixed(2)} ms; ratio sync / raw apply ${(m / median(rawRuns)).toFixed(1)}×`);
