/**
 * The smaller pieces of app discovery: repoURL matching, Argo CD's kustomize edits, directory sources, the three
 * glob dialects, name normalisation and namespace defaulting (ORD-7).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import {
  applyArgoKustomizeOptions,
  envsubstArgo,
  gitPathspecMatch,
  gobwasMatch,
  goPathMatch,
  matchRepo,
  normalizeNamespaces,
  normalizeRepoURL,
  parseImageArg,
  renderDirectory,
  sameRepo,
  sanitizeName,
  slugify,
  splitImage,
} from '../src/engine/apps/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';
import { MemoryView } from './helpers/memory-view.ts';

describe('repoURL matching', () => {
  test('https, ssh, scp-like and .git forms of one repository are the same repository', () => {
    const forms = [
      'https://github.com/Example/Deploy-Repo.git',
      'https://github.com/example/deploy-repo',
      'https://github.com/example/deploy-repo/',
      'https://token@github.com/example/deploy-repo.git',
      'git@github.com:example/deploy-repo.git',
      'ssh://git@github.com/example/deploy-repo',
      'ssh://git@github.com:22/example/deploy-repo.git',
      'git://github.com/example/deploy-repo.git',
    ];
    for (const f of forms) assert.equal(normalizeRepoURL(f), 'github.com/example/deploy-repo', f);
    assert.equal(sameRepo(forms[0]!, forms[4]!), true);
    assert.equal(sameRepo('https://github.com/example/deploy-repo', 'https://github.com/example/deploy-repo-2'), false);
    assert.equal(sameRepo('https://gitlab.com/example/deploy-repo', 'https://github.com/example/deploy-repo'), false);
  });

  test('a repoURL is local when a remote matches, external (with the reason) when none does, assumed local without remotes', () => {
    assert.deepEqual(matchRepo('https://github.com/example/deploy-repo', ['git@github.com:example/deploy-repo.git']), { local: true });
    const ext = matchRepo('https://github.com/example/other', ['git@github.com:example/deploy-repo.git']);
    assert.equal(ext.local, false);
    assert.equal(ext.reason, 'repoURL https://github.com/example/other is another repository (this one is git@github.com:example/deploy-repo.git)');
    assert.deepEqual(matchRepo('https://github.com/example/other', []), { local: true, assumed: true });
  });
});

describe('Argo CD kustomize options, applied as `kustomize edit` would', () => {
  const env = { ARGOCD_APP_NAME: 'web', ARGOCD_APP_NAMESPACE: 'prod' };
  const edit = async (text: string, opts: Record<string, unknown>, exists: string[] = []) => parse(await applyArgoKustomizeOptions(text, opts, env, async (p) => exists.includes(p)));

  test('namePrefix, nameSuffix and namespace are set; deprecated bases and imageTags move as FixKustomization moves them', async () => {
    const k = await edit('resources: [a.yaml]\nbases: [../base]\nnamePrefix: old-\nimageTags:\n  - name: x\n    newTag: "1"\n', { namePrefix: 'new-', nameSuffix: '-s', namespace: 'team' });
    assert.deepEqual(k, { resources: ['a.yaml', '../base'], namePrefix: 'new-', images: [{ name: 'x', newTag: '1' }], nameSuffix: '-s', namespace: 'team' });
  });

  test('images: the kustomize edit set image argument forms, `*` keeps what the file had, the list is sorted by name', async () => {
    const k = await edit('images:\n  - name: zeta\n    newTag: "1"\n  - name: nginx\n    newName: my/nginx\n    newTag: "1.0"\n', {
      images: ['nginx=*:1.25', 'alpine@sha256:abc', 'redis=valkey/valkey:8', 'app:${ARGOCD_APP_NAME}'],
    });
    assert.deepEqual(k.images, [
      { name: 'alpine', digest: 'sha256:abc' },
      { name: 'app', newTag: 'web' },
      { name: 'nginx', newName: 'my/nginx', newTag: '1.25' },
      { name: 'redis', newName: 'valkey/valkey', newTag: '8' },
      { name: 'zeta', newTag: '1' },
    ]);
    assert.deepEqual(splitImage('registry:5000/app:1.2@sha256:x'), { name: 'registry:5000/app', tag: '1.2', digest: 'sha256:x' });
    assert.throws(() => parseImageArg('nginx'), /invalid format of image/);
  });

  test('replicas are merged by name and sorted; commonLabels and commonAnnotations refuse to overwrite unless forced', async () => {
    const k = await edit('replicas:\n  - name: b\n    count: 1\n  - name: a\n    count: 1\n', { replicas: [{ name: 'b', count: '5' }, { name: 'c', count: 2 }] });
    assert.deepEqual(k.replicas, [{ name: 'a', count: 1 }, { name: 'b', count: 5 }, { name: 'c', count: 2 }]);
    await assert.rejects(edit('commonLabels:\n  env: dev\n', { commonLabels: { env: 'prod' } }), /label env already in kustomization file\. Use --force to override\./);
    assert.deepEqual((await edit('commonLabels:\n  env: dev\n', { commonLabels: { env: '$ARGOCD_APP_NAMESPACE' }, forceCommonLabels: true })).commonLabels, { env: 'prod' });
    await assert.rejects(edit('commonAnnotations:\n  a: b\n', { commonAnnotations: { a: 'c' } }), /annotation a already in kustomization file/);
    const ann = await edit('', { commonAnnotations: { app: '${ARGOCD_APP_NAME}', raw: '${ARGOCD_APP_NAME}' }, commonAnnotationsEnvsubst: false });
    assert.deepEqual(ann.commonAnnotations, { app: '${ARGOCD_APP_NAME}', raw: '${ARGOCD_APP_NAME}' }, 'annotations are substituted only with commonAnnotationsEnvsubst');
  });

  test('labelWithoutSelector writes `labels` without selectors (and with templates when asked)', async () => {
    const k = await edit('resources: [a.yaml]\n', { commonLabels: { team: 'x', tier: 'y' }, labelWithoutSelector: true, labelIncludeTemplates: true });
    assert.deepEqual(k.labels, [{ pairs: { team: 'x', tier: 'y' }, includeTemplates: true }]);
  });

  test('patches are appended; components are added once, missing ones ignored only with ignoreMissingComponents', async () => {
    const k = await edit('patches:\n  - path: p.yaml\ncomponents: [c1]\n', {
      patches: [{ target: { kind: 'Deployment' }, patch: '- op: add\n  path: /x\n  value: 1\n' }],
      components: ['c1', 'c2', 'gone'],
      ignoreMissingComponents: true,
    }, ['c1', 'c2']);
    assert.deepEqual(k.patches, [{ path: 'p.yaml' }, { target: { kind: 'Deployment' }, patch: '- op: add\n  path: /x\n  value: 1\n' }]);
    assert.deepEqual(k.components, ['c1', 'c2']);
    await assert.rejects(edit('', { components: ['gone'] }), /component gone has no match/);
  });

  test('the build environment is expanded with os.Expand rules', () => {
    assert.equal(envsubstArgo('$ARGOCD_APP_NAME-${ARGOCD_APP_NAMESPACE}-$$-$UNKNOWN-${', { ARGOCD_APP_NAME: 'web', ARGOCD_APP_NAMESPACE: 'prod' }), 'web-prod-$--');
  });
});

describe('directory sources', () => {
  const view = new MemoryView({
    'app/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a2\n',
    'app/b.json': '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}',
    'app/values.yaml': 'replicas: 2\n',
    'app/skip.yaml': '# +argocd:skip-file-rendering\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: skipped\n',
    'app/notes.txt': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: txt\n',
    'app/sub/c.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
    'app/sub/deeper/d.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n',
  });
  const names = async (opts?: Record<string, unknown>) => (await renderDirectory(view, 'app', opts)).map((r) => r.object.metadata.name);

  test('only the top folder without recurse; manifests in walk order; unrelated YAML and non-manifest extensions ignored', async () => {
    assert.deepEqual(await names(), ['a', 'a2', 'b']);
    assert.deepEqual(await names({ recurse: true }), ['a', 'a2', 'b', 'c', 'd']);
  });

  test('include and exclude are globs on the path below the app folder ({a,b} alternatives, * crosses /)', async () => {
    assert.deepEqual(await names({ recurse: true, include: '{*.yml,sub/deeper/*}' }), ['c', 'd']);
    assert.deepEqual(await names({ recurse: true, exclude: 'sub/*' }), ['a', 'a2', 'b']);
    assert.deepEqual(await names({ recurse: true, disableExtensionFilter: true, include: '*.txt' }), ['txt']);
  });

  test('a file that looks like a manifest but does not parse is an error naming it', async () => {
    const bad = new MemoryView({ 'app/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n' });
    await assert.rejects(renderDirectory(bad, 'app', {}), (e: Error & { location?: { file: string } }) => /Failed to unmarshal "x\.yaml"/.test(e.message) && e.location?.file === 'app/x.yaml');
    const two = new MemoryView({ 'app/x.json': '{"a": 1} {"b": 2}' });
    await assert.rejects(renderDirectory(two, 'app', {}), /Failed to unmarshal "x\.json"/);
  });
});

describe('globs and names', () => {
  test('Go path.Match (git directory generator): * and ? stay in a segment, classes, escapes', () => {
    assert.equal(goPathMatch('apps/*', 'apps/web'), true);
    assert.equal(goPathMatch('apps/*', 'apps/web/prod'), false);
    assert.equal(goPathMatch('apps/*/overlays/[dp]*', 'apps/web/overlays/prod'), true);
    assert.equal(goPathMatch('apps/[^w]*', 'apps/web'), false);
    assert.equal(goPathMatch('apps/we?', 'apps/web'), true);
    assert.equal(goPathMatch('a\\*b', 'a*b'), true);
    assert.equal(goPathMatch('apps/[', 'apps/['), false, 'a malformed pattern matches nothing');
  });

  test('git pathspecs (git files generator): * crosses /, a plain path matches the folder below', () => {
    assert.equal(gitPathspecMatch('config/*.yaml', 'config/a/b/c.yaml'), true);
    assert.equal(gitPathspecMatch('config', 'config/a.yaml'), true);
    assert.equal(gitPathspecMatch('config/a.yaml', 'config/a.yaml'), true);
    assert.equal(gitPathspecMatch('conf', 'config/a.yaml'), false);
    assert.equal(gitPathspecMatch('*.json', 'x/y.json'), true);
    assert.equal(gitPathspecMatch('config/[!x]*.yaml', 'config/a.yaml'), true);
  });

  test('gobwas globs (directory include/exclude)', () => {
    assert.equal(gobwasMatch('*.yaml', 'sub/a.yaml'), true);
    assert.equal(gobwasMatch('{a,b}/*', 'b/x'), true);
    assert.equal(gobwasMatch('[!a]*', 'b'), true);
    assert.equal(gobwasMatch('?.yaml', 'ab.yaml'), false);
  });

  test('sanitizeName and slugify', () => {
    assert.equal(sanitizeName('My_App.Prod-'), 'my-app.prod');
    assert.equal(sanitizeName('x'.repeat(300)).length, 253);
    assert.equal(slugify('Hello World!'), 'hello-world');
    assert.equal(slugify('a-very-long-name', 8), 'a-very');
  });
});

describe('ORD-7 namespace normalisation', () => {
  test('namespaced objects without a namespace get the destination namespace; cluster-scoped objects lose theirs', () => {
    const objs: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'explicit' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r', namespace: 'oops' } },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { kind: 'Widget' }, scope: 'Cluster' } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' } },
      { apiVersion: 'other.com/v1', kind: 'Gadget', metadata: { name: 'g' } },
    ];
    const out = normalizeNamespaces(objs, 'dest');
    assert.deepEqual(out.map((o) => o.metadata.namespace), ['dest', 'explicit', undefined, undefined, undefined, 'dest']);
  });
});
