/**
 * Sandbox benchmarks, printed as numbers and ratios measured in this run (the machines are noisy):
 *   1. server-side apply of 1,000 objects in process (objects per second), and again as a no-op;
 *   2. the same 1,000 objects through HTTP with `kubectl apply --server-side` against the sandbox served here,
 *      as a ratio to (1);
 *   3. 200 Deployments rolled out and settled over virtual time (target: under 1 s of wall time), then a rolling
 *      update of all of them.
 * Run: npm run bench -- sandbox   (SANDBOX_BENCH_ONLY=rollout runs part 3 alone, =settle only its first rollout, for profiling)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/engine/kube/index.ts';
import { Sandbox, SandboxServer } from '../../src/engine/sandbox/index.ts';

const T0 = '2025-01-01T00:00:00Z';

function objects(n: number): KubeObject[] {
  const out: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }];
  for (let i = 0; out.length < n; i++) {
    const name = `app-${i}`;
    const labels = { app: name, 'app.kubernetes.io/part-of': 'bench' };
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config`, namespace: 'bench', labels }, data: { 'settings.yaml': `name: ${name}\nreplicas: 2\n`, LOG_LEVEL: 'info' } });
    if (out.length < n) out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'bench', labels }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    if (out.length < n)
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'bench', labels },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: `registry.example.com/${name}:1.0.${i}`,
                  ports: [{ containerPort: 8080, name: 'http' }],
                  env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'CONFIG', value: '/etc/app/settings.yaml' }],
                  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
                  readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
                  volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
                },
              ],
              volumes: [{ name: 'config', configMap: { name: `${name}-config` } }],
            },
          },
        },
      });
  }
  return out;
}

function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

/** CPU milliseconds this process used since `since` (wall time is unreliable on a shared machine). */
function cpu(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function applyAll(sb: Sandbox, objs: KubeObject[], manager: string): number {
  const t = process.hrtime.bigint();
  for (const o of objs) sb.apply(o, { fieldManager: manager, force: true });
  return ms(t);
}

function kubectl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => execFile('kubectl', args, { maxBuffer: 256 * 1024 * 1024, timeout: 600000 }, (err, stdout, stderr) => done({ code: err ? 1 : 0, out: `${stdout}${stderr}` })));
}

async function main(): Promise<void> {
  if (process.env.SANDBOX_BENCH_ONLY === 'rollout' || process.env.SANDBOX_BENCH_ONLY === 'settle') return rollout();
  const N = 1000;
  const objs = objects(N);
  console.log(`Sandbox benchmark (${N} objects: ConfigMaps, Services, Deployments with 0 replicas)\n`);

  // 1. In process.
  const warm = new Sandbox({ seed: 1, startTime: T0 });
  applyAll(warm, objs.slice(0, 100), 'warmup');
  const sb = new Sandbox({ seed: 1, startTime: T0 });
  const cc0 = process.cpuUsage();
  const create = applyAll(sb, objs, 'bench');
  const createCpu = cpu(cc0);
  const noop = applyAll(sb, objs, 'bench');
  const perSec = (n: number, t: number) => Math.round((n / t) * 1000);
  console.log(`in process, server-side apply (create): ${create.toFixed(0)} ms  = ${perSec(N, create)} objects/s  (${createCpu.toFixed(0)} ms CPU = ${perSec(N, createCpu)} objects per CPU-second)`);
  console.log(`in process, server-side apply (no-op):  ${noop.toFixed(0)} ms  = ${perSec(N, noop)} objects/s`);

  // 2. Through HTTP with kubectl.
  const missing = await kubectl(['version', '--client']);
  if (missing.code !== 0) console.log('kubectl not found: skipping the HTTP ratio');
  else {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-bench-'));
    const served = new Sandbox({ seed: 1 });
    const server = new SandboxServer(served);
    try {
      await server.start();
      const kc = join(dir, 'kubeconfig');
      writeFileSync(kc, server.kubeconfig());
      const file = join(dir, 'objects.yaml');
      writeFileSync(file, objs.map((o) => stringify(o)).join('---\n'));
      const base = ['--kubeconfig', kc, '--cache-dir', join(dir, 'cache')];
      await kubectl([...base, 'api-resources']);
      let t = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      const r = await kubectl([...base, 'apply', '--server-side', '-f', file]);
      const http = ms(t);
      const serverCpu = cpu(c0);
      if (r.code !== 0) throw new Error(`kubectl apply failed:\n${r.out.slice(0, 2000)}`);
      t = process.hrtime.bigint();
      await kubectl([...base, 'apply', '--server-side', '-f', file]);
      const httpNoop = ms(t);
      console.log(`kubectl apply --server-side over HTTP:  ${http.toFixed(0)} ms  = ${perSec(N, http)} objects/s  (${(http / create).toFixed(1)}x the in-process time; the server used ${serverCpu.toFixed(0)} ms of CPU, the rest is kubectl)`);
      console.log(`kubectl apply --server-side, no-op:     ${httpNoop.toFixed(0)} ms  (${(httpNoop / noop).toFixed(1)}x the in-process time)`);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  await rollout();
}

async function rollout(): Promise<void> {
  // 3. 200 Deployments rolled out over virtual time.
  const D = 200;
  const roll = new Sandbox({ seed: 2, startTime: T0 });
  const deployments = objects(3 * D + 1)
    .filter((o) => o.kind === 'Deployment')
    .slice(0, D)
    .map((o) => ({ ...o, spec: { ...(o.spec as object), replicas: 3 } }) as KubeObject);
  const healthy = () =>
    roll.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'bench' }).items.every((d: any) => d.status?.observedGeneration === d.metadata.generation && d.status?.updatedReplicas === 3 && d.status?.availableReplicas === 3 && d.status?.replicas === 3);
  roll.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  let t = process.hrtime.bigint();
  const rc0 = process.cpuUsage();
  for (const d of deployments) roll.apply(d, { fieldManager: 'bench' });
  const virt = roll.advanceUntil(healthy, { timeoutMs: 600000, stepMs: 1000 });
  const settle = ms(t);
  const settleCpu = cpu(rc0);
  const pods = roll.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'bench' }).items.length;
  console.log(`\n${D} Deployments x 3 replicas rolled out and settled: ${settle.toFixed(0)} ms wall, ${settleCpu.toFixed(0)} ms CPU, for ${((virt ?? NaN) / 1000).toFixed(1)} s virtual (${pods} pods, ${roll.reconcileCount()} reconciles)  target < 1000 ms wall: ${settle < 1000 ? 'met' : 'NOT met'}`);
  if (process.env.SANDBOX_BENCH_ONLY === 'settle') return;
  t = process.hrtime.bigint();
  const uc0 = process.cpuUsage();
  for (const d of deployments) {
    const c = structuredClone(d) as any;
    c.spec.template.spec.containers[0].image += '-patched';
    roll.apply(c, { fieldManager: 'bench' });
  }
  const virt2 = roll.advanceUntil(() => healthy() && roll.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'bench' }).items.length === 3 * D, { timeoutMs: 600000, stepMs: 1000 });
  const update = ms(t);
  console.log(`${D} Deployments rolling update to a new image, settled: ${update.toFixed(0)} ms wall, ${cpu(uc0).toFixed(0)} ms CPU, for ${((virt2 ?? NaN) / 1000).toFixed(1)} s virtual`);
  const load = (await import('node:os')).loadavg()[0];
  console.log(`\nrollout wall / 1 s target = ${(settle / 1000).toFixed(2)} (machine load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs during this run)`);
}

await main();
