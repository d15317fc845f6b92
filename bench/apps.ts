/**
 * `apps` over a generated deploy repo with 300 generated apps (issue 5: target under 1 s warm, rendering included):
 * a root app-of-apps renders an ApplicationSet whose git directory generator (goTemplate) finds 300 service folders;
 * every generated app is rendered: two in three are kustomize overlays of a shared base (namePrefix, images,
 * replicas, a configMapGenerator) rendered by the project's renderer, the rest directory sources with three plain
 * manifests. Prints the cold time, the median warm
 * time, and its ratio to a reference measured in the same run: reading and parsing every file of the repo once
 * with the project's YAML parser (the least any discovery must do). These machines are noisy; compare ratios.
 * Also prints one cold `gitops-sandbox apps --json` process (node start, bundle load, discovery and rendering) when
 * dist/cli.mjs is built, since that is what a user of the CLI waits for.
 * Run: npx node --import tsx bench/apps.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { discoverApps } from '../src/engine/apps/index.ts';
import { WorktreeView } from '../src/engine/source/index.ts';
import { parseYamlDocuments } from '../src/engine/yaml/index.ts';

const N = 300;
const REPO = 'https://github.com/example/bench-repo.git';
const root = mkdtempSync(join(tmpdir(), 'gs-bench-apps-'));

function write(p: string, text: string): void {
  mkdirSync(dirname(join(root, p)), { recursive: true });
  writeFileSync(join(root, p), text);
}

// A shared base, and per service either a kustomize overlay (two of three) or plain manifests (a directory source).
write('base/kustomization.yaml', 'resources:\n  - deployment.yaml\n  - service.yaml\nlabels:\n  - pairs: {tier: backend}\n');
write('base/deployment.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0.0
          ports: [{containerPort: 8080}]
          envFrom: [{configMapRef: {name: settings}}]
`);
write('base/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  selector: {app: app}\n  ports: [{port: 80, targetPort: 8080}]\n');
for (let i = 0; i < N; i++) {
  const svc = `svc-${String(i).padStart(3, '0')}`;
  if (i % 3 !== 2) {
    write(`services/${svc}/kustomization.yaml`, `resources:
  - ../../base
namePrefix: ${svc}-
images:
  - name: registry.example.com/app
    newTag: 1.${i}.0
replicas:
  - name: app
    count: ${1 + (i % 3)}
configMapGenerator:
  - name: settings
    literals: [SERVICE=${svc}, LOG_LEVEL=info]
`);
    continue;
  }
  write(`services/${svc}/deployment.yaml`, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${svc}
  labels: {app: ${svc}, tier: backend}
spec:
  replicas: ${1 + (i % 3)}
  selector:
    matchLabels: {app: ${svc}}
  template:
    metadata:
      labels: {app: ${svc}}
    spec:
      containers:
        - name: app
          image: registry.example.com/${svc}:1.${i}.0
          ports: [{containerPort: 8080}]
`);
  write(`services/${svc}/service.yaml`, `apiVersion: v1
kind: Service
metadata:
  name: ${svc}
spec:
  selector: {app: ${svc}}
  ports: [{port: 80, targetPort: 8080}]
`);
  write(`services/${svc}/config.yaml`, `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${svc}-config
data:
  settings.yaml: |
    service: ${svc}
`);
}
write('clusters/prod/root.yaml', `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: root, namespace: argocd}
spec:
  project: default
  source: {repoURL: ${REPO}, path: clusters/prod/apps}
  destination: {server: https://kubernetes.default.svc, namespace: argocd}
`);
write('clusters/prod/apps/services.yaml', `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: services, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - git:
        repoURL: ${REPO}
        revision: HEAD
        directories:
          - path: services/*
  template:
    metadata:
      name: '{{ .path.basename }}'
      labels: {team: '{{ .path.basename | trunc 5 }}'}
    spec:
      project: default
      source: {repoURL: ${REPO}, targetRevision: HEAD, path: '{{ .path.path }}'}
      destination: {server: https://kubernetes.default.svc, namespace: '{{ .path.basename }}'}
      syncPolicy: {automated: {prune: true}, syncOptions: [CreateNamespace=true]}
`);

async function discover(): Promise<number> {
  const r = await discoverApps(new WorktreeView(root), { remotes: [REPO] });
  const rendered = r.apps.filter((a) => a.render?.ok).length;
  if (r.apps.length !== N + 1 || rendered !== N + 1 || r.errors.length) throw new Error(`unexpected result: ${r.apps.length} apps, ${rendered} rendered, ${JSON.stringify(r.errors.slice(0, 3))}`);
  return r.apps.reduce((n, a) => n + (a.render?.objects.length ?? 0), 0);
}

async function reference(): Promise<void> {
  const view = new WorktreeView(root);
  const walk = async (dir: string): Promise<void> => {
    for (const e of await view.list(dir)) {
      const p = dir ? `${dir}/${e.name}` : e.name;
      if (e.kind === 'dir') await walk(p);
      else parseYamlDocuments(await view.readText(p), p);
    }
  };
  await walk('');
}

async function time(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

try {
  const cold = await time(discover);
  const objects = await discover();
  const warm: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < 7; i++) {
    warm.push(await time(discover));
    ref.push(await time(reference));
  }
  const w = median(warm);
  const r = median(ref);
  console.log(`apps over ${N} generated apps (+1 root), ${objects} rendered objects (${N - Math.floor(N / 3)} kustomize overlays, ${Math.floor(N / 3)} directory sources)`);
  console.log(`  cold: ${cold.toFixed(0)} ms`);
  console.log(`  warm: ${w.toFixed(0)} ms median of ${warm.length} (target < 1000 ms)`);
  console.log(`  reference (read + parse every file once): ${r.toFixed(0)} ms`);
  console.log(`  ratio apps / reference: ${(w / r).toFixed(2)}`);
  const cli = join(import.meta.dirname, '..', 'dist', 'cli.mjs');
  if (existsSync(cli)) {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const p = spawnSync(process.execPath, [cli, 'apps', root, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
      runs.push(performance.now() - t);
      const apps = p.status === 0 ? (JSON.parse(p.stdout) as { apps: unknown[] }).apps.length : -1;
      if (apps !== N + 1) throw new Error(`gitops-sandbox apps exited ${p.status}: ${p.stderr.slice(0, 500)}`);
    }
    console.log(`  one CLI process (gitops-sandbox apps --json, cold): ${median(runs).toFixed(0)} ms median of ${runs.length}`);
  } else {
    console.log('  one CLI process: skipped (dist/cli.mjs not built; npm run build)');
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
