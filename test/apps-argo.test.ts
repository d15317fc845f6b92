/**
 * Argo CD Applications end to end through the project renderer (src/engine/render): the `source.kustomize` options
 * compared with `kubectl kustomize` on the kustomization `kustomize edit` would have written, multi-source apps,
 * destinations by cluster name, app-of-apps several levels deep, and the three views (working tree, unsaved
 * buffers, a git revision) each rendering their own content.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { openView, OverlayView } from '../src/engine/source/index.ts';
import { appsJson, discoverApps, normalizeNamespaces, type AppEntry, type AppsResult } from '../src/engine/apps/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';
import type { CliIO } from '../src/cli/io.ts';
import { deployRepo, kubectlAvailable, scratchRepo } from './helpers/apps-fixture.ts';

const REPO = 'https://github.com/example/deploy-repo.git';
const noKubectl = kubectlAvailable();

function byName(r: AppsResult, name: string): AppEntry {
  const a = r.apps.find((x) => x.name === name);
  assert.ok(a, `app ${name} is listed; found ${r.apps.map((x) => x.name).join(', ')}`);
  return a;
}

function key(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd };
  const code = await runCli(args, commands, io);
  return { code, out, err };
}

const WEB_BASE = {
  'apps/web/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - service.yaml\n',
  'apps/web/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.25
`,
  'apps/web/base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n',
  'apps/web/components/monitoring/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - monitor.yaml
`,
  'apps/web/components/monitoring/monitor.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: monitor\ndata:\n  scrape: "true"\n',
  'apps/web/overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nimages:\n  - name: busybox\n    newTag: "1.36"\n',
};

const KUSTOMIZE_OPTIONS_APP = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-prod
  namespace: argocd
spec:
  project: default
  source:
    repoURL: ${REPO}
    path: apps/web/overlays/prod
    kustomize:
      namePrefix: shop-
      nameSuffix: -v2
      images:
        - nginx=registry.example.com/nginx:1.27
      replicas:
        - name: web
          count: 4
      commonLabels:
        team: web
      commonAnnotations:
        owner: $ARGOCD_APP_NAME
      commonAnnotationsEnvsubst: true
      namespace: web-prod
      patches:
        - target: {kind: Deployment}
          patch: |-
            - op: add
              path: /spec/template/spec/priorityClassName
              value: high
      components:
        - ../../components/monitoring
  destination:
    server: https://kubernetes.default.svc
    namespace: elsewhere
`;

// What `kustomize edit set nameprefix/namesuffix/image/replicas`, `edit add label/annotation/component` and
// `edit set namespace` write for the options above (in the order Argo CD runs them), plus the patches Argo CD
// appends to the file itself: written by hand, since the kustomize binary is not on these machines.
const EDITED_BY_KUSTOMIZE_EDIT = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../base
images:
- name: busybox
  newTag: "1.36"
- name: nginx
  newName: registry.example.com/nginx
  newTag: "1.27"
namePrefix: shop-
nameSuffix: -v2
replicas:
- count: 4
  name: web
commonLabels:
  team: web
commonAnnotations:
  owner: web-prod
namespace: web-prod
patches:
- patch: |-
    - op: add
      path: /spec/template/spec/priorityClassName
      value: high
  target:
    kind: Deployment
components:
- ../../components/monitoring
`;

test('Application kustomize options (all nine) render like kubectl kustomize after the equivalent kustomize edit (ORD-7)', { skip: noKubectl }, async (t) => {
  const repo = scratchRepo({ ...WEB_BASE, 'argocd/web-prod.yaml': KUSTOMIZE_OPTIONS_APP });
  const copy = mkdtempSync(join(tmpdir(), 'gs-apps-edit-'));
  t.after(() => {
    repo.cleanup();
    rmSync(copy, { recursive: true, force: true });
  });
  const r = await discoverApps((await openView(repo.dir)).view); // the project renderer
  assert.deepEqual(r.errors, []);
  const app = byName(r, 'web-prod');
  assert.equal(app.render?.ok, true);

  cpSync(repo.dir, copy, { recursive: true, filter: (p) => !p.includes('/.git') });
  writeFileSync(join(copy, 'apps/web/overlays/prod/kustomization.yaml'), EDITED_BY_KUSTOMIZE_EDIT);
  const out = execFileSync('kubectl', ['kustomize', join(copy, 'apps/web/overlays/prod')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const theirs = normalizeNamespaces(
    out.split(/^---$/m).map((d) => parse(d) as KubeObject).filter((o) => o && typeof o === 'object'),
    'elsewhere',
  );
  assert.deepEqual(app.render!.objects, theirs);

  // What a user sees: every option took effect, and the kustomize namespace beats the destination namespace.
  assert.deepEqual(app.render!.objects.map(key), ['ConfigMap/web-prod/shop-monitor-v2', 'Service/web-prod/shop-web-v2', 'Deployment/web-prod/shop-web-v2']);
  const dep = app.render!.objects[2] as KubeObject & { spec: { replicas: number; template: { spec: { priorityClassName: string; containers: { image: string }[] } } } };
  assert.equal(dep.spec.replicas, 4);
  assert.equal(dep.spec.template.spec.containers[0]!.image, 'registry.example.com/nginx:1.27');
  assert.equal(dep.spec.template.spec.priorityClassName, 'high');
  assert.equal(dep.metadata.labels?.team, 'web');
  assert.equal(dep.metadata.annotations?.owner, 'web-prod', 'commonAnnotationsEnvsubst expands $ARGOCD_APP_NAME');
});

test('a multi-source Application renders each source of this repo in order; a chart and a values-only ref are listed, not rendered', async (t) => {
  const repo = scratchRepo({
    'apps/a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    ...WEB_BASE,
    'argocd/multi.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: multi
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://charts.example.com
      chart: redis
      targetRevision: 18.0.0
    - repoURL: ${REPO}
      ref: values
    - repoURL: git@github.com:example/deploy-repo.git
      path: apps/a
    - repoURL: ${REPO}
      path: apps/web/base
      kustomize:
        namePrefix: b-
  destination:
    server: https://kubernetes.default.svc
    namespace: multi
`,
  });
  t.after(() => repo.cleanup());
  const r = await discoverApps((await openView(repo.dir)).view);
  const app = byName(r, 'multi');
  assert.equal(app.external, false);
  assert.equal(app.sources.length, 4);
  assert.deepEqual(app.render!.objects.map(key), ['ConfigMap/multi/a', 'Service/multi/b-web', 'Deployment/multi/b-web']);
  assert.deepEqual(app.render!.warnings, ['source 1 (Helm chart redis from the Helm repository https://charts.example.com) is not rendered']);
});

test('destination by cluster name is resolved through the cluster Secrets in the repo; sync policy, retry and ignoreDifferences are read; Secret data never shows', async (t) => {
  const CANARY = 'canary-bearer-token-7f3a';
  const repo = scratchRepo({
    'apps/a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    'argocd/cluster-eu.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: cluster-eu
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster
stringData:
  name: prod-eu
  server: https://prod-eu.example.com:6443
  config: '{"bearerToken": "${CANARY}"}'
`,
    'argocd/a.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: a
  namespace: argocd
spec:
  project: team
  source:
    repoURL: ${REPO}
    path: apps/a
  destination:
    name: prod-eu
    namespace: team-a
  syncPolicy:
    automated: {prune: true, selfHeal: true, allowEmpty: true}
    syncOptions: [ServerSideApply=true]
    retry:
      limit: 3
      backoff: {duration: 10s, factor: 2, maxDuration: 2m}
  ignoreDifferences:
    - group: apps
      kind: Deployment
      jsonPointers: [/spec/replicas]
`,
  });
  t.after(() => repo.cleanup());
  const r = await discoverApps((await openView(repo.dir)).view);
  const app = byName(r, 'a');
  assert.deepEqual(app.destination, { name: 'prod-eu', namespace: 'team-a', server: 'https://prod-eu.example.com:6443' });
  assert.equal(app.project, 'team');
  assert.deepEqual(app.ignoreDifferences, [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }]);
  const json = appsJson(r).apps[0]!;
  assert.deepEqual(json.destination, { server: 'https://prod-eu.example.com:6443', namespace: 'team-a' });
  assert.deepEqual(json.syncPolicy, {
    automated: { prune: true, selfHeal: true, allowEmpty: true },
    syncOptions: ['ServerSideApply=true'],
    retry: { limit: 3, backoff: { duration: '10s', factor: 2, maxDuration: '2m' } },
  });

  const text = await cli(['apps', repo.dir], repo.dir);
  assert.equal(text.code, 0, text.out);
  assert.match(text.out, /dest {4}https:\/\/prod-eu\.example\.com:6443\/team-a/);
  assert.match(text.out, /sync {4}auto \(prune, self-heal, allow-empty\), ServerSideApply=true, retry 3 \(every 10s ×2 max 2m\)/);
  const asJson = await cli(['apps', repo.dir, '--json'], repo.dir);
  for (const out of [text.out, asJson.out, (await cli(['render', '--app', 'a', repo.dir], repo.dir)).out]) assert.ok(!out.includes(CANARY), 'the cluster Secret token never shows');
});

test('AUTO-3: an automated app without retry shows the default retry of 5; a manual one shows none', async (t) => {
  const app = (name: string, policy: string): string =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ${name}, namespace: argocd}\nspec:\n  source: {repoURL: ${REPO}, path: apps/a}\n  destination: {server: https://kubernetes.default.svc, namespace: x}\n${policy}`;
  const repo = scratchRepo({
    'apps/a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    'argocd/auto.yaml': app('auto', '  syncPolicy: {automated: {}}\n'),
    'argocd/manual.yaml': app('manual', ''),
  });
  t.after(() => repo.cleanup());
  const { out } = await cli(['apps', repo.dir], repo.dir);
  assert.match(out, /Application auto[^\n]*\n[^\n]*\n[^\n]*\n[ │]+sync {4}auto, retry 5 \(default\)\n/);
  assert.match(out, /Application manual[^\n]*\n[^\n]*\n[^\n]*\n[ │]+sync {4}manual\n/);
});

test('app-of-apps to any depth: root → team app → ApplicationSet → leaf apps, and a cycle three levels down is reported', async (t) => {
  const app = (name: string, path: string): string =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  source:\n    repoURL: ${REPO}\n    path: ${path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${name}\n`;
  const repo = scratchRepo({
    'bootstrap/root.yaml': app('root', 'tree/level1'),
    'tree/level1/team.yaml': app('team', 'tree/level2'),
    'tree/level2/set.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: leaves, namespace: argocd}
spec:
  generators:
    - list:
        elements: [{leaf: x}, {leaf: y}]
  template:
    metadata: {name: 'leaf-{{leaf}}'}
    spec:
      source: {repoURL: ${REPO}, path: 'tree/leaves/{{leaf}}'}
      destination: {server: https://kubernetes.default.svc, namespace: '{{leaf}}'}
`,
    'tree/leaves/x/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    // leaf-y renders an Application that renders root again: a cycle root → team → leaf-y → loop → root.
    'tree/leaves/y/loop.yaml': app('loop', 'bootstrap'),
  });
  t.after(() => repo.cleanup());
  const r = await discoverApps((await openView(repo.dir)).view);
  assert.deepEqual(
    r.apps.map((a) => [a.name, a.parent ?? '', a.generatedBy ?? '']),
    [
      ['root', '', ''],
      ['team', 'root', ''],
      ['leaf-x', 'team', 'leaves'],
      ['leaf-y', 'team', 'leaves'],
      ['loop', 'leaf-y', ''],
    ],
  );
  assert.deepEqual(r.roots, ['Application/argocd/root']);
  assert.deepEqual(byName(r, 'leaf-x').render!.objects.map(key), ['ConfigMap/x/x']);
  assert.deepEqual(r.errors.map((e) => [e.file, e.line, e.message]), [['bootstrap/root.yaml', 1, 'app-of-apps cycle: root → team → leaf-y → loop → root']]);
  const { out, code } = await cli(['apps', repo.dir], repo.dir);
  assert.equal(code, 1);
  assert.match(out, /bootstrap\/root\.yaml:1:1: app-of-apps cycle: root → team → leaf-y → loop → root/);
});

test('the working tree, unsaved buffers and a git revision each render their own content through the project renderer', async (t) => {
  const repo = deployRepo();
  t.after(() => repo.cleanup());
  const replicas = (r: AppsResult): number => {
    const d = byName(r, 'guestbook-prod').render!.objects.find((o) => o.kind === 'Deployment') as KubeObject & { spec: { replicas: number } };
    return d.spec.replicas;
  };
  const prod = 'apps/guestbook/overlays/prod/kustomization.yaml';
  const committed = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nreplicas:\n  - name: guestbook-ui\n    count: ';
  writeFileSync(join(repo.dir, prod), committed + '5\n');
  const wt = await discoverApps((await openView(repo.dir)).view);
  assert.equal(replicas(wt), 5, 'the working tree shows the saved, uncommitted edit');
  const head = await discoverApps((await openView(repo.dir, { rev: 'HEAD' })).view, { rev: 'HEAD' });
  assert.equal(replicas(head), 3, 'HEAD shows the committed overlay');
  const buffers = new OverlayView((await openView(repo.dir)).view, { [prod]: committed + '7\n' });
  const typed = await discoverApps(buffers);
  assert.equal(replicas(typed), 7, 'an unsaved buffer wins over the file on disk');
  for (const r of [wt, head, typed]) assert.deepEqual(r.errors, []);
});

test('apps <folder> inside a repository lists the apps written below it; paths stay relative to the repository', async (t) => {
  const repo = deployRepo();
  t.after(() => repo.cleanup());
  const { code, out } = await cli(['apps', join(repo.dir, 'clusters'), '--json'], repo.dir);
  assert.equal(code, 0, out);
  const json = JSON.parse(out) as { apps: { name: string; kind: string; render: { ok: boolean } }[] };
  assert.ok(json.apps.length > 0 && json.apps.every((a) => a.kind === 'Application'), 'no Flux Kustomization: they are written under flux/');
  assert.equal(json.apps[0]!.name, 'root-prod');
  assert.equal(json.apps.find((a) => a.name === 'guestbook-prod')?.render.ok, true, 'paths resolve from the repository root');
  const flux = await cli(['apps', join(repo.dir, 'flux')], repo.dir);
  assert.match(flux.out, /^Flux \(in dependency order\)$/m);
  assert.doesNotMatch(flux.out, /^Argo CD$/m);
});

test('.argocd-source.yaml and .argocd-source-<app>.yaml in the app folder override the Application\'s kustomize options, the app-specific file last', async (t) => {
  const app = (name: string): string =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ${name}, namespace: argocd}\nspec:\n  source:\n    repoURL: ${REPO}\n    path: apps/web/base\n    kustomize:\n      namePrefix: from-app-\n      nameSuffix: -kept\n  destination: {server: https://kubernetes.default.svc, namespace: ${name}}\n`;
  const repo = scratchRepo({
    ...WEB_BASE,
    'apps/web/base/.argocd-source.yaml': 'kustomize:\n  namePrefix: shared-\n',
    'apps/web/base/.argocd-source-blue.yaml': 'kustomize:\n  namePrefix: blue-\n  images: [nginx:1.27]\n',
    'argocd/blue.yaml': app('blue'),
    'argocd/green.yaml': app('green'),
  });
  t.after(() => repo.cleanup());
  const r = await discoverApps((await openView(repo.dir)).view);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(byName(r, 'blue').render!.objects.map(key), ['Service/blue/blue-web-kept', 'Deployment/blue/blue-web-kept']);
  assert.deepEqual(byName(r, 'green').render!.objects.map(key), ['Service/green/shared-web-kept', 'Deployment/green/shared-web-kept']);
  const image = (byName(r, 'blue').render!.objects[1] as KubeObject & { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0]!.image;
  assert.equal(image, 'nginx:1.27');
});
