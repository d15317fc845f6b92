/**
 * Planning an app of 2,000 objects against 2,000 live objects (issue 8: target < 100 ms). Prints the median time
 * and its ratio to JSON.stringify of the same inputs, measured in the same run (these machines are noisy).
 * Run: npx node --import tsx bench/plan.ts
 */
import { planSync, planSyncWithDiff } from '../src/engine/plan/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

const N = 2000;
const kinds: [string, string][] = [
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
  ['apps/v1', 'Deployment'],
  ['v1', 'ServiceAccount'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['batch/v1', 'CronJob'],
];

function make(i: number): KubeObject {
  const [apiVersion, kind] = kinds[i % kinds.length]!;
  const ns = `team-${i % 20}`;
  const o: KubeObject = {
    apiVersion,
    kind,
    metadata: {
      name: `obj-${i}`,
      namespace: ns,
      labels: { app: `app-${i % 50}`, tier: i % 2 ? 'web' : 'db' },
      annotations: { 'argocd.argoproj.io/sync-wave': String((i % 7) - 3) },
    },
  };
  if (kind === 'Deployment') {
    o.spec = { replicas: 2, selector: { matchLabels: { app: `app-${i}` } }, template: { metadata: { labels: { app: `app-${i}` } }, spec: { containers: [{ name: 'c', image: `registry/app:${i}`, ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: 'b' }] }] } } };
  } else if (kind === 'ConfigMap') o.data = { 'config.yaml': `key: ${i}\nother: value\n`, flag: 'true' };
  else if (kind === 'Secret') o.data = { password: Buffer.from(`pw-${i}`).toString('base64') };
  else if (kind === 'Service') o.spec = { selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 8080 }] };
  else o.spec = { placeholder: i };
  if (i % 100 === 0) o.metadata.annotations!['argocd.argoproj.io/hook'] = i % 200 === 0 ? 'PreSync' : 'PostSync';
  return o;
}

const desired: KubeObject[] = [];
for (let i = 0; i < N; i++) desired.push(make(i));
// Live: 1,800 of the desired objects as synced before (a tenth of them drifted), plus 200 objects to prune.
const live: KubeObject[] = [];
for (let i = 0; i < 1800; i++) {
  const o = structuredClone(desired[i]!);
  const g = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  o.metadata.uid = `uid-${i}`;
  o.metadata.resourceVersion = String(1000 + i);
  o.metadata.annotations = { ...o.metadata.annotations, 'argocd.argoproj.io/tracking-id': `bench:${g}/${o.kind}:${o.metadata.namespace}/${o.metadata.name}` };
  if (i % 10 === 0) o.metadata.labels = { ...o.metadata.labels, drift: 'yes' };
  if (i % 10 === 1) o.metadata.labels = { ...o.metadata.labels, tier: 'changed' };
  (o as Record<string, unknown>).status = { observedGeneration: 1 };
  live.push(o);
}
for (let i = N; i < N + 200; i++) {
  const o = make(i);
  const g = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  delete o.metadata.annotations!['argocd.argoproj.io/hook'];
  o.metadata.annotations = { ...o.metadata.annotations, 'argocd.argoproj.io/tracking-id': `bench:${g}/${o.kind}:${o.metadata.namespace}/${o.metadata.name}` };
  live.push(o);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown, runs: number): number {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

const input = { app: { name: 'bench', destinationNamespace: 'default', syncOptions: ['CreateNamespace=true'] }, desired, live, prune: true, revision: 'abcdef0123', startedAt: new Date(0) };
// Warm up the JIT on both.
for (let i = 0; i < 3; i++) {
  planSync(input);
  JSON.stringify({ desired, live });
}
// Interleaved, so both see the same machine load; the minimum is the least disturbed run.
const planRuns: number[] = [];
const refRuns: number[] = [];
const planCpu: number[] = [];
for (let r = 0; r < 21; r++) {
  const c0 = process.cpuUsage();
  planRuns.push(time(() => planSync(input), 1));
  const c1 = process.cpuUsage(c0);
  planCpu.push((c1.user + c1.system) / 1000);
  refRuns.push(time(() => JSON.stringify({ desired, live }), 1));
}
const planMs = median(planRuns);
const refMs = median(refRuns);
const planMin = Math.min(...planRuns);
const refMin = Math.min(...refRuns);
const p = planSync(input);
const counts: Record<string, number> = {};
for (const t of p.tasks) counts[t.action] = (counts[t.action] ?? 0) + 1;
console.log(`plan: ${N} desired vs ${live.length} live objects → ${p.tasks.length} tasks in ${p.waves.length} waves ${JSON.stringify(counts)}`);
console.log(`plan median ${planMs.toFixed(1)} ms, min ${planMin.toFixed(1)} ms wall; median ${median(planCpu).toFixed(1)} ms CPU (target < 100 ms)`);
console.log(`JSON.stringify(inputs) median ${refMs.toFixed(1)} ms, min ${refMin.toFixed(1)} ms`);
console.log(`ratio plan / JSON.stringify: median ${(planMs / refMs).toFixed(2)}×, min ${(planMin / refMin).toFixed(2)}×`);

// With the diff engine deciding "modified" (what the CLI runs): reported, no target.
await planSyncWithDiff(input);
const diffRuns: number[] = [];
const diffCpu: number[] = [];
for (let r = 0; r < 9; r++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await planSyncWithDiff(input);
  diffRuns.push(performance.now() - t0);
  const c1 = process.cpuUsage(c0);
  diffCpu.push((c1.user + c1.system) / 1000);
}
console.log(`plan with the diff engine (1,800 pairs diffed, what the CLI runs): median ${median(diffRuns).toFixed(0)} ms, min ${Math.min(...diffRuns).toFixed(0)} ms wall; median ${median(diffCpu).toFixed(0)} ms CPU`);
console.log(`machine load average during the run: ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs`);
