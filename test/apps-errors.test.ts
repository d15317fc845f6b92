/**
 * Mistakes in a deploy repo: each is reported once, with the file and line a user would fix, and every other app
 * is still listed (and rendered).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverApps } from '../src/engine/apps/index.ts';
import { MemoryView } from './helpers/memory-view.ts';

const REPO = 'https://github.com/example/deploy-repo.git';

function app(name: string, path: string, extra = ''): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: ${REPO}
    path: ${path}${extra}
  destination:
    server: https://kubernetes.default.svc
    namespace: ${name}
`;
}

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n';

async function discover(files: Record<string, string>) {
  return discoverApps(new MemoryView(files), { remotes: ['git@github.com:example/deploy-repo.git'], renderer: async () => [] });
}

test('SET-1: a goTemplate that names a missing parameter under missingkey=error fails at its line; other apps stay', async () => {
  const r = await discover({
    'apps/a/cm.yaml': CM,
    'apps/b/cm.yaml': CM,
    'clusters/ok.yaml': app('ok', 'apps/a'),
    'clusters/set.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: broken
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - git:
        repoURL: ${REPO}
        directories:
          - path: apps/*
  template:
    metadata:
      name: '{{ .path.basename }}'
    spec:
      project: default
      source:
        repoURL: ${REPO}
        path: '{{ .path.path }}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{ .namespace }}'
`,
  });
  assert.deepEqual(r.apps.map((a) => a.name), ['ok']);
  assert.equal(r.apps[0]!.render?.objects.length, 1);
  assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
  const e = r.errors[0]!;
  assert.equal(e.file, 'clusters/set.yaml');
  assert.equal(e.line, 24, 'the line of the destination namespace template');
  assert.match(e.message, /ApplicationSet broken: failed to execute go template \{\{ \.namespace \}\}: template: base:1:3: executing "base" at <\.namespace>: map has no entry for key "namespace"/);
});

test('an app whose path does not exist is listed with a render error on its path line', async () => {
  const r = await discover({
    'apps/a/cm.yaml': CM,
    'clusters/good.yaml': app('good', 'apps/a'),
    'clusters/typo.yaml': app('typo', 'apps/missing'),
  });
  assert.deepEqual(r.apps.map((a) => [a.name, a.render?.ok]), [['good', true], ['typo', false]]);
  assert.deepEqual(r.errors.map((e) => [e.file, e.line, e.message]), [['clusters/typo.yaml', 10, 'apps/missing: app path does not exist']]);
});

test('an app-of-apps cycle is reported at the Application that closes it, and both apps are listed once', async () => {
  const r = await discover({
    'tree/a/child.yaml': app('b', 'tree/b'),
    'tree/b/parent.yaml': app('a', 'tree/a'),
  });
  // Neither app is outside the cycle; the one written first (b, in tree/a) is shown as the root.
  assert.deepEqual(r.apps.map((a) => [a.name, a.parent ?? '']), [['b', ''], ['a', 'b']]);
  assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
  assert.equal(r.errors[0]!.file, 'tree/a/child.yaml');
  assert.equal(r.errors[0]!.line, 1);
  assert.equal(r.errors[0]!.message, 'app-of-apps cycle: b → a → b');
});

test('an ApplicationSet with an unknown generator is an error at the generator; the apps of its other generators are listed, noted as not applied', async () => {
  const r = await discover({
    'apps/a/cm.yaml': CM,
    'clusters/set.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: mixed
  namespace: argocd
spec:
  generators:
    - lists:
        elements:
          - name: nope
    - list:
        elements:
          - name: fine
  template:
    metadata:
      name: '{{name}}'
    spec:
      project: default
      source:
        repoURL: ${REPO}
        path: apps/a
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{name}}'
`,
  });
  assert.deepEqual(r.apps.map((a) => [a.name, a.generatedBy]), [['fine', 'mixed']]);
  // applicationset_controller.go Reconcile: any generation error stops the reconcile before apps are applied.
  assert.equal(r.apps[0]!.revisionNote, 'not applied while ApplicationSet mixed has errors: Argo CD creates or updates none of its apps until they are fixed');
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.file, 'clusters/set.yaml');
  assert.equal(r.errors[0]!.line, 8);
  assert.match(r.errors[0]!.message, /ApplicationSet mixed: unknown generator "lists"/);
});

test('a YAML syntax error in an Application file is located; a Helm template with {{ }} is not an error', async () => {
  const r = await discover({
    'apps/a/cm.yaml': CM,
    'clusters/ok.yaml': app('ok', 'apps/a'),
    'clusters/bad.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: [oops\n',
    'charts/x/templates/app.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {{ .Values.name }}\n',
  });
  assert.deepEqual(r.apps.map((a) => a.name), ['ok']);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.file, 'clusters/bad.yaml');
  assert.match(r.errors[0]!.message, /invalid YAML/);
});

test('two Applications with the same name: the second is reported where it is written', async () => {
  const r = await discover({ 'apps/a/cm.yaml': CM, 'one.yaml': app('same', 'apps/a'), 'two.yaml': app('same', 'apps/a') });
  assert.equal(r.apps.length, 1);
  assert.deepEqual(r.errors.map((e) => [e.file, e.message]), [['two.yaml', 'Application same is also defined at one.yaml:1']]);
});

test('Flux: a dependsOn cycle and a dependency that does not exist are reported (FLX-2)', async () => {
  const ks = (name: string, deps: string[]) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 5m
  path: ./apps
  sourceRef:
    kind: GitRepository
    name: flux-system
  dependsOn:
${deps.map((d) => `    - name: ${d}`).join('\n')}
`;
  const r = await discover({
    'apps/cm.yaml': CM,
    'flux/a.yaml': ks('a', ['b']),
    'flux/b.yaml': ks('b', ['a']),
    'flux/c.yaml': ks('c', ['ghost']),
  });
  assert.deepEqual(r.apps.map((a) => a.name).sort(), ['a', 'b', 'c']);
  const msgs = r.errors.map((e) => `${e.file}:${e.line}: ${e.message}`);
  assert.deepEqual(msgs, [
    'flux/a.yaml:13: dependsOn cycle: a → b → a (none of them will ever be applied)',
    'flux/c.yaml:13: Kustomization c depends on flux-system/ghost, which is not defined in this repository',
  ]);
});
