/** `gitops-sandbox apps`: the tree as text, the JSON shape of issue 5, --rev, --app and the exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';
import type { CliIO } from '../src/cli/io.ts';
import { deployRepo, scratchRepo } from './helpers/apps-fixture.ts';

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd };
  const code = await runCli(args, commands, io);
  return { code, out, err };
}

test('apps prints the tree: roots, ApplicationSet groups, children, Flux in dependency order', async (t) => {
  const repo = deployRepo();
  t.after(() => repo.cleanup());
  const { code, out } = await cli(['apps', repo.dir], repo.dir);
  assert.equal(code, 0, out);
  const heads = out.split('\n').filter((l) => /(Application|Kustomization|ApplicationSet) \S+/.test(l) && !/^\s+(source|dest|sync|render|note)/.test(l));
  const names = heads.map((l) => l.replace(/[│├└─ ]+/g, ' ').trim().replace(/\s+\S+:\d+$/, ''));
  assert.deepEqual(names, [
    'Application root-prod',
    'Application cert-manager',
    'Application guestbook-preview',
    'Application billing',
    'Application platform-prod',
    'ApplicationSet podinfo-regions: 4 apps',
    'Application podinfo-staging-eu-west',
    'Application podinfo-staging-us-east',
    'Application podinfo-prod-eu-west',
    'Application podinfo-prod-us-east',
    'ApplicationSet services-prod: 2 apps',
    'Application guestbook-prod',
    'Application podinfo-prod',
    'Kustomization flux-system',
    'Kustomization infrastructure',
    'Kustomization apps',
  ]);
  assert.match(out, /sync {4}auto \(prune, self-heal\)/);
  assert.match(out, /sync {4}every 10m, prune, 1 health check, timeout 9m30s, after infrastructure/);
  assert.match(out, /render {2}not rendered: Helm chart cert-manager from the Helm repository https:\/\/charts\.jetstack\.io/);
  assert.match(out, /note {4}targets feature\/preview; showing branch main/);
});

test('apps --json has the shape issue 5 gives, and exits 1 with located errors', async (t) => {
  const repo = scratchRepo({
    'apps/a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    'root.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: a
spec:
  source:
    repoURL: https://github.com/example/deploy-repo
    path: apps/a
  destination:
    server: https://kubernetes.default.svc
    namespace: team-a
  syncPolicy:
    automated: {prune: true}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: b
spec:
  source:
    repoURL: https://github.com/example/deploy-repo
    path: apps/b
  destination:
    server: https://kubernetes.default.svc
`,
  });
  t.after(() => repo.cleanup());
  const { code, out } = await cli(['apps', repo.dir, '--json'], repo.dir);
  assert.equal(code, 1);
  const j = JSON.parse(out);
  assert.deepEqual(j.apps[0], {
    name: 'a',
    kind: 'Application',
    definedIn: { file: 'root.yaml', line: 1 },
    source: { repoURL: 'https://github.com/example/deploy-repo', path: 'apps/a', targetRevision: '' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a' },
    syncPolicy: { automated: { prune: true, selfHeal: false, allowEmpty: false }, syncOptions: [] },
    external: false,
    render: { ok: true, objects: 1 },
  });
  assert.deepEqual(Object.keys(j), ['apps', 'errors']);
  assert.deepEqual(j.apps[1].render, { ok: false, objects: 0, error: 'root.yaml:22: apps/b: app path does not exist' });
  assert.deepEqual(j.errors, [{ file: 'root.yaml', line: 22, message: 'apps/b: app path does not exist' }]);
});

test('apps --rev reads a revision; --app prints one app with Secret values masked', async (t) => {
  const repo = scratchRepo({
    'apps/a/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: canary-8c1f\n',
    'app.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    repoURL: https://github.com/example/deploy-repo\n    path: apps/a\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: team-a\n',
  });
  t.after(() => repo.cleanup());
  repo.remove('app.yaml');
  const now = await cli(['apps', repo.dir, '--json'], repo.dir);
  assert.deepEqual(JSON.parse(now.out).apps, [], 'the working tree no longer has the app');
  const head = await cli(['apps', repo.dir, '--rev', 'HEAD', '--json'], repo.dir);
  assert.deepEqual(JSON.parse(head.out).apps.map((a: { name: string }) => a.name), ['a']);
  const one = await cli(['apps', repo.dir, '--rev', 'HEAD', '--app', 'a'], repo.dir);
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /kind: Secret/);
  assert.match(one.out, /namespace: team-a/);
  assert.ok(!one.out.includes('canary-8c1f'), 'the Secret value never leaves the engine');
  const missing = await cli(['apps', repo.dir, '--app', 'nope'], repo.dir);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no app named nope/);
});

test('render --app renders one app as its controller would (kustomize options included), Secret values masked', async (t) => {
  const repo = deployRepo();
  t.after(() => repo.cleanup());
  const { code, out, err } = await cli(['render', '--app', 'guestbook-preview', repo.dir], repo.dir);
  assert.equal(code, 0, err);
  assert.match(out, /name: preview-guestbook-ui\n {2}namespace: guestbook-preview/);
  assert.match(out, /image: gcr\.io\/heptio-images\/ks-guestbook-demo:0\.4/);
  const flux = await cli(['render', '--app', 'flux-system/apps', repo.dir], repo.dir);
  assert.equal(flux.code, 0, flux.err);
  assert.match(flux.out, /host: podinfo\.prod\.example\.com/);
  const ext = await cli(['render', '--app', 'billing', repo.dir], repo.dir);
  assert.equal(ext.code, 1);
  assert.match(ext.err, /^clusters\/prod\/apps\/other-team\.yaml:2:1: billing is not rendered: repoURL/);
});

test('apps --cluster adds a cluster for the clusters generator; a chart source is shown as a chart', async (t) => {
  const repo = scratchRepo({
    'apps/a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    'set.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: everywhere, namespace: argocd}
spec:
  generators:
    - clusters: {}
  template:
    metadata: {name: 'a-{{name}}'}
    spec:
      project: default
      source: {repoURL: https://github.com/example/deploy-repo, path: apps/a}
      destination: {server: '{{server}}', namespace: a}
`,
    'chart.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: c}\nspec:\n  source: {repoURL: https://charts.example.com, chart: thing, targetRevision: 1.2.3}\n  destination: {server: https://kubernetes.default.svc, namespace: c}\n',
  });
  t.after(() => repo.cleanup());
  const { code, out } = await cli(['apps', repo.dir, '--cluster', 'edge=https://edge.example.com'], repo.dir);
  assert.equal(code, 0, out);
  assert.match(out, /Application a-edge .*\n.*\n.*dest {4}https:\/\/edge\.example\.com\/a/);
  assert.match(out, /Application a-in-cluster/);
  assert.match(out, /source {2}chart thing @ 1\.2\.3 from https:\/\/charts\.example\.com/);
  const bad = await cli(['apps', repo.dir, '--cluster', 'nope'], repo.dir);
  assert.equal(bad.code, 2);
});

test('the four mistakes of issue 5 at once in the fixture: each located, every other app still listed and rendered (SET-1)', async (t) => {
  const app = (name: string, path: string): string =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/example/deploy-repo.git\n    path: ${path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${name}\n`;
  const set = (name: string, generator: string, tmplName: string, goTemplate: boolean): string => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${name}
  namespace: argocd
spec:
${goTemplate ? '  goTemplate: true\n  goTemplateOptions: ["missingkey=error"]\n' : ''}  generators:
${generator}
  template:
    metadata:
      name: '${tmplName}'
    spec:
      project: default
      source:
        repoURL: https://github.com/example/deploy-repo.git
        path: apps/podinfo/overlays/prod
      destination:
        server: https://kubernetes.default.svc
        namespace: podinfo
`;
  const repo = deployRepo({
    'clusters/prod/apps/missing-param.yaml': set('missing-param', '    - list:\n        elements:\n          - team: a', '{{ .team }}-{{ .region }}', true),
    'clusters/prod/apps/unknown-generator.yaml': set('unknown-generator', '    - gitlab:\n        project: x', 'never', false),
    'clusters/prod/apps/typo.yaml': app('typo', 'apps/podinfo/overlays/qa'),
    // Renders clusters/prod, where root.yaml is: root-prod → loop → root-prod.
    'clusters/prod/apps/loop.yaml': app('loop', 'clusters/prod'),
  });
  t.after(() => repo.cleanup());
  const { code, out } = await cli(['apps', repo.dir, '--json'], repo.dir);
  assert.equal(code, 1);
  const json = JSON.parse(out) as { apps: { name: string; render: { ok: boolean; error?: string } }[]; errors: { file: string; line: number; message: string }[] };
  assert.deepEqual(
    json.errors.map((e) => `${e.file}:${e.line}: ${e.message}`),
    [
      'clusters/prod/apps/missing-param.yaml:15: ApplicationSet missing-param: failed to execute go template {{ .team }}-{{ .region }}: template: base:1:15: executing "base" at <.region>: map has no entry for key "region"',
      'clusters/prod/apps/typo.yaml:10: apps/podinfo/overlays/qa: app path does not exist',
      'clusters/prod/apps/unknown-generator.yaml:8: ApplicationSet unknown-generator: unknown generator "gitlab"; Argo CD knows list, clusters, git, matrix, merge, scmProvider, clusterDecisionResource, pullRequest, plugin',
      'clusters/prod/root.yaml:2: app-of-apps cycle: root-prod → loop → root-prod',
    ],
  );
  const names = json.apps.map((a) => a.name);
  for (const n of ['root-prod', 'guestbook-preview', 'platform-prod', 'podinfo-prod-us-east', 'guestbook-prod', 'podinfo-prod', 'flux-system', 'apps', 'typo', 'loop']) assert.ok(names.includes(n), `${n} is listed`);
  assert.equal(names.length, 16, names.join(', '));
  assert.equal(names[0], 'root-prod', 'the root app stays the top of the tree, with loop under it, despite the cycle');
  assert.equal(json.apps.filter((a) => a.render.ok).length, 13, 'everything that rendered before still renders, and loop renders too');
  assert.equal(json.apps.find((a) => a.name === 'typo')?.render.error, 'clusters/prod/apps/typo.yaml:10: apps/podinfo/overlays/qa: app path does not exist');
});

test('apps --rev <default branch>: apps that target HEAD get no note, apps that target another branch do', async (t) => {
  const repo = deployRepo();
  t.after(() => repo.cleanup());
  const { code, out } = await cli(['apps', repo.dir, '--rev', 'main', '--json'], repo.dir);
  assert.equal(code, 0, out);
  const apps = (JSON.parse(out) as { apps: { name: string; revisionNote?: string }[] }).apps;
  const note = (n: string) => apps.find((a) => a.name === n)?.revisionNote;
  assert.equal(note('root-prod'), undefined);
  assert.equal(note('guestbook-prod'), undefined);
  assert.equal(note('guestbook-preview'), 'targets feature/preview; showing revision main');
  repo.git('checkout', '-q', '-b', 'feature/x');
  const branch = await cli(['apps', repo.dir, '--json'], repo.dir);
  const onBranch = (JSON.parse(branch.out) as { apps: { name: string; revisionNote?: string }[] }).apps;
  assert.equal(onBranch.find((a) => a.name === 'root-prod')?.revisionNote, 'targets HEAD (main); showing branch feature/x');
});
