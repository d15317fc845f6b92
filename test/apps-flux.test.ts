/**
 * Flux kustomize-controller behaviour: post-build substitution (FLX-5) operator by operator and in strict mode, the
 * root kustomization the controller generates and overlays (FLX-1, FLX-6), timings (FLX-3), dependsOn (FLX-2).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { dependencyOrder, discoverApps, envsubst, fluxKustomization, fluxTimings, isLocalRelativePath, SECRET_VALUE_MASK, type AppEntry, type KustomizeRenderer } from '../src/engine/apps/index.ts';
import { MemoryView } from './helpers/memory-view.ts';

describe('FLX-5 substitution operators', () => {
  const vars: Record<string, string> = {
    var01: 'abcdEFGH28ij',
    path_name: '/home/bozo/ideas/thoughts.for.today',
    stringZ: 'abcABC123ABCabc',
    filename: 'bash.string.txt',
    dir: 'path/to/file',
    default_var: 'foo1',
    empty: '',
  };
  const lookup = (n: string): string | undefined => vars[n];
  const rows: [string, string][] = [
    ['${var01}', 'abcdEFGH28ij'],
    ['${#var01}', '12'],
    ['${var01^}', 'AbcdEFGH28ij'],
    ['${var01^^}', 'ABCDEFGH28IJ'],
    ['${stringZ,}', 'abcABC123ABCabc'],
    ['${var01,,}', 'abcdefgh28ij'],
    ['${path_name:11}', 'ideas/thoughts.for.today'],
    ['${path_name:11:5}', 'ideas'],
    ['${stringZ/abc/xyz}', 'xyzABC123ABCabc'],
    ['${stringZ//abc/xyz}', 'xyzABC123ABCxyz'],
    ['${stringZ/#abc/XYZ}', 'XYZABC123ABCabc'],
    ['${stringZ/%abc/XYZ}', 'abcABC123ABCXYZ'],
    ['${stringZ/abc/}', 'ABC123ABCabc'],
    ['${filename#*.}', 'string.txt'],
    ['${filename##*.}', 'txt'],
    ['${filename%.*}', 'bash.string'],
    ['${filename%%.*}', 'bash'],
    ['${dir#*/}', 'to/file'],
    ['${missing=xyz}', 'xyz'],
    ['${missing:=xyz}', 'xyz'],
    ['${missing:-xyz}', 'xyz'],
    ['${empty:-xyz}', 'xyz'],
    ['${empty=xyz}', 'xyz'],
    ['${var01:-xyz}', 'abcdEFGH28ij'],
    ['${missing:=${default_var}-suffix}', 'foo1-suffix'],
    ['${missing:=prefix${default_var}}', 'prefixfoo1'],
    // Quirks of the implementation: :+ and :? behave as defaults, not as bash's alternate value / error.
    ['${var01:+alt}', 'abcdEFGH28ij'],
    ['${missing:+alt}', 'alt'],
    ['${missing:?message}', 'message'],
    ['${path_name:-5}', '/home/bozo/ideas/thoughts.for.today'],
    ['$${var01} $$x a$b $var01', '${var01} $x a$b $var01'],
    ['no vars: http://x/y}', 'no vars: http://x/y}'],
    ['${stringZ/\\/x/y}', 'abcABC123ABCabc'],
  ];
  test('every operator, as fluxcd/pkg/envsubst evaluates it', () => {
    for (const [input, want] of rows) assert.equal(envsubst(input, lookup, true), want, input);
  });

  test('strict mode (the default since kustomize-controller v1.9.0): an unset variable fails unless a default operator is used', () => {
    for (const input of ['${missing}', '${#missing}', '${missing^^}', '${missing:0:2}', '${missing/a/b}', '${missing#x}', '${missing%%x}']) {
      assert.throws(() => envsubst(input, lookup, true), { message: 'variable not set (strict mode): "missing"' }, input);
    }
    assert.equal(envsubst('${missing}|${#missing}', lookup, false), '|0', 'non-strict mode gives empty strings');
  });

  test('parse errors are errors (including ${var-default}, which the README lists but the parser rejects)', () => {
    assert.throws(() => envsubst('${var01-default}', lookup, true), { message: 'missing closing brace' });
    assert.throws(() => envsubst('${a b}', lookup, true), { message: 'missing closing brace' });
    assert.throws(() => envsubst('${}', lookup, true), { message: 'unable to parse variable name' });
    assert.throws(() => envsubst('${var01', lookup, true), { message: 'missing closing brace' });
    assert.throws(() => envsubst('${var01/x}', lookup, true), { message: 'bad substitution' });
  });
});

/** A stand-in for kustomize: lists the kustomization's resource files and applies its namespace (enough to observe FLX-5/FLX-6). */
const listingRenderer: KustomizeRenderer = async (view, dir) => {
  const k = parse(await view.readText(`${dir}/kustomization.yaml`)) as { resources?: string[]; namespace?: string };
  const out = [];
  for (const r of k.resources ?? []) {
    const p = `${dir}/${r.replace(/^\.\//, '')}`;
    for (const doc of (await view.readText(p)).split(/^---$/m)) {
      const object = parse(doc);
      if (!object) continue;
      if (k.namespace) object.metadata.namespace = k.namespace;
      out.push({ object, file: p });
    }
  }
  return out;
};

function ks(spec: string, name = 'app'): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 5m
  path: ./app
  sourceRef:
    kind: GitRepository
    name: flux-system
${spec}`;
}

const GITREPO = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: https://github.com/example/deploy-repo\n  ref:\n    branch: main\n';

async function fluxRender(files: Record<string, string>, strict = true) {
  const r = await discoverApps(new MemoryView({ 'flux/source.yaml': GITREPO, ...files }), {
    remotes: ['https://github.com/example/deploy-repo'],
    renderer: listingRenderer,
    strictSubstitution: strict,
  });
  return { r, app: r.apps.find((a) => a.name === 'app')! };
}

describe('FLX-5 postBuild substitution in a render', () => {
  const manifests = {
    'app/cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  env: \${env}
  size: "\${size}"
  greeting: \${greeting:=hello}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: untouched
  labels:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  script: echo \${HOME}
`,
    'app/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n',
  };

  test('inline substitute over substituteFrom ConfigMaps (later ones win), newlines dropped, disabled objects skipped', async () => {
    const { app } = await fluxRender({
      ...manifests,
      'flux/vars.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vars\n  namespace: flux-system\ndata:\n  env: from-cm\n  size: "2"\n  replicas: "3"\n',
      'flux/vars2.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vars2\n  namespace: flux-system\ndata:\n  size: |\n    multi\n    line\n',
      'flux/app.yaml': ks('  postBuild:\n    substitute:\n      env: inline\n    substituteFrom:\n      - kind: ConfigMap\n        name: vars\n      - kind: ConfigMap\n        name: vars2\n'),
    });
    assert.ok(app.render?.ok, JSON.stringify(app.render?.error));
    const [settings, untouched, deploy] = app.render!.objects;
    assert.deepEqual(settings!.data, { env: 'inline', size: 'multiline', greeting: 'hello' });
    assert.deepEqual(untouched!.data, { script: 'echo ${HOME}' });
    assert.equal((deploy!.spec as { replicas: unknown }).replicas, 3, 'the substituted text is read back as YAML: 3 is a number');
  });

  test('a value from a Secret is substituted masked; an optional missing object is skipped, a required one is an error', async () => {
    const { app } = await fluxRender({
      ...manifests,
      'flux/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: flux-system\nstringData:\n  env: secret-canary-42\n',
      'flux/app.yaml': ks('  postBuild:\n    substitute:\n      size: "1"\n      replicas: "1"\n    substituteFrom:\n      - kind: Secret\n        name: creds\n      - kind: ConfigMap\n        name: nope\n        optional: true\n'),
    });
    assert.equal(app.render!.objects[0]!.data && (app.render!.objects[0]!.data as Record<string, string>).env, SECRET_VALUE_MASK);
    assert.ok(!JSON.stringify(app.render).includes('secret-canary-42'));
    const missing = await fluxRender({ ...manifests, 'flux/app.yaml': ks('  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: nope\n') });
    assert.equal(missing.app.render?.ok, false);
    assert.equal(missing.app.render?.error?.line, 14);
    assert.match(missing.app.render!.error!.message, /substitute from 'ConfigMap\/nope' error/);
  });

  test('strict mode names the object and the variable; without strict mode the variable becomes empty', async () => {
    const files = { ...manifests, 'flux/app.yaml': ks('  postBuild:\n    substitute:\n      env: x\n') };
    const strict = await fluxRender(files);
    assert.equal(strict.app.render?.ok, false);
    assert.equal(strict.app.render?.error?.message, `post build failed for 'settings': envsubst error: variable substitution failed: variable not set (strict mode): "size"`);
    assert.equal(strict.app.render?.error?.file, 'app/cm.yaml');
    const lax = await fluxRender(files, false);
    // The quotes of "\${size}" are gone by the time Flux substitutes (it works on sigs.k8s.io/yaml's printing), so an
    // empty value reads back as null.
    assert.deepEqual(lax.app.render!.objects[0]!.data, { env: 'x', size: null, greeting: 'hello' });
  });

  test('nothing is substituted when no variable is defined', async () => {
    const { app } = await fluxRender({ ...manifests, 'flux/app.yaml': ks('  postBuild:\n    substitute: {}\n') });
    assert.deepEqual(app.render!.objects[0]!.data, { env: '${env}', size: '${size}', greeting: '${greeting:=hello}' });
  });

  test('substituteStrategy: Always substitutes with no variable defined: defaults apply, and strict mode still refuses an unset one', async () => {
    const defaults = { 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  greeting: ${greeting:=hello}\n  kept: $HOME\n' };
    const { app } = await fluxRender({ ...defaults, 'flux/app.yaml': ks('  postBuild:\n    substituteStrategy: Always\n') });
    assert.ok(app.render?.ok, JSON.stringify(app.render?.error));
    assert.deepEqual(app.render!.objects[0]!.data, { greeting: 'hello', kept: '$HOME' });
    const withVariables = await fluxRender({ ...defaults, 'flux/app.yaml': ks('  postBuild:\n    substituteStrategy: WithVariables\n') });
    assert.deepEqual(withVariables.app.render!.objects[0]!.data, { greeting: '${greeting:=hello}', kept: '$HOME' });
    const unset = await fluxRender({ ...manifests, 'flux/app.yaml': ks('  postBuild:\n    substituteStrategy: Always\n') });
    assert.equal(unset.app.render?.error?.message, `post build failed for 'settings': envsubst error: variable substitution failed: variable not set (strict mode): "env"`);
  });

  test('an invalid variable name is an error', async () => {
    const { app } = await fluxRender({ ...manifests, 'flux/app.yaml': ks('  postBuild:\n    substitute:\n      bad-name: x\n') });
    assert.match(app.render!.error!.message, /'bad-name' var name is invalid/);
  });

  test('commonMetadata labels and annotations are applied after the build and override', async () => {
    const { app } = await fluxRender({ 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    team: old\n', 'flux/app.yaml': ks('  commonMetadata:\n    labels:\n      team: new\n    annotations:\n      owner: me\n') });
    assert.deepEqual(app.render!.objects[0]!.metadata.labels, { team: 'new' });
    assert.deepEqual(app.render!.objects[0]!.metadata.annotations, { owner: 'me' });
  });
});

describe('FLX-1 and FLX-6 the root kustomization', () => {
  test('without a kustomization file the controller lists the manifests below (sub-folders with their own as one entry)', async () => {
    const view = new MemoryView({
      'app/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      'app/notes.txt': 'ignored',
      'app/sub/b.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
      'app/base/kustomization.yaml': 'resources: []\n',
      'app/base/c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
    });
    const k = await fluxKustomization(view, 'app', {});
    assert.equal(k.file, 'app/kustomization.yaml');
    assert.equal(k.created, true);
    assert.deepEqual(parse(k.text), { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['./a.yaml', './base', './sub/b.yml'] });
    const empty = await fluxKustomization(new MemoryView({ 'app/readme.md': 'x' }), 'app', {});
    assert.equal(parse(empty.text).namespace, '_placeholder');
    await assert.rejects(fluxKustomization(new MemoryView({ 'app/values.yaml': 'replicas: 2\n' }), 'app', {}), /failed to decode Kubernetes YAML from app\/values\.yaml: missing kind/);
  });

  test('spec fields override or extend the file: namespace, prefix, suffix, patches appended, images merged, components', async () => {
    const view = new MemoryView({
      'app/kustomization.yaml': `resources: [a.yaml]
namespace: old
namePrefix: old-
patches:
  - path: p.yaml
images:
  - name: nginx
    newTag: "1.0"
    digest: sha256:aaa
  - name: redis
    newName: valkey
unknownField: dropped
`,
      'app/comp/kustomization.yaml': 'kind: Component\n',
    });
    const k = await fluxKustomization(view, 'app', {
      targetNamespace: 'team',
      namePrefix: 'p-',
      nameSuffix: '-s',
      patches: [{ patch: 'x: 1', target: { kind: 'Deployment', name: 'web' } }],
      images: [{ name: 'nginx', newTag: '2.0' }, { name: 'redis', newTag: '7' }, { name: 'new', newName: 'other' }],
      components: ['comp', 'missing'],
      ignoreMissingComponents: true,
    });
    assert.equal(k.created, false);
    assert.deepEqual(parse(k.text), {
      resources: ['a.yaml'],
      namespace: 'team',
      namePrefix: 'p-',
      nameSuffix: '-s',
      patches: [{ path: 'p.yaml' }, { patch: 'x: 1', target: { kind: 'Deployment', name: 'web' } }],
      images: [
        { name: 'nginx', newTag: '2.0' },
        { name: 'redis', newName: 'valkey', newTag: '7' },
        { name: 'new', newName: 'other' },
      ],
      components: ['comp'],
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
    });
    await assert.rejects(fluxKustomization(view, 'app', { components: ['https://github.com/x/y'] }), /component path 'https:\/\/github.com\/x\/y' must be local and relative/);
    assert.equal(isLocalRelativePath('../shared/comp'), true);
    assert.equal(isLocalRelativePath('git@github.com:x/y'), false);
  });

  test('an existing kustomization without resources gets originAnnotations build metadata', async () => {
    const k = await fluxKustomization(new MemoryView({ 'app/kustomization.yaml': 'configMapGenerator:\n  - name: x\n    literals: [a=b]\n' }), 'app', {});
    assert.deepEqual(parse(k.text).buildMetadata, ['originAnnotations']);
  });
});

describe('FLX-2 and FLX-3', () => {
  test('timeout defaults to interval - 30s with a floor of 30s; retryInterval to interval', () => {
    assert.deepEqual(fluxTimings({ interval: '10m' }), { interval: '10m', retryInterval: '10m', timeout: '9m30s' });
    assert.deepEqual(fluxTimings({ interval: '45s' }), { interval: '45s', retryInterval: '45s', timeout: '30s' });
    assert.deepEqual(fluxTimings({ interval: '1h', retryInterval: '2m', timeout: '5m' }), { interval: '1h', retryInterval: '2m', timeout: '5m' });
  });

  test('dependency order: dependencies first, a diamond resolves, the written order breaks ties', () => {
    const app = (name: string, deps: string[] = []): AppEntry =>
      ({ id: `Kustomization/flux-system/${name}`, name, definedIn: { file: `${name}.yaml`, line: 1, column: 1 }, flux: { dependsOn: deps.map((d) => ({ name: d, namespace: 'flux-system' })) } }) as unknown as AppEntry;
    const { order, errors } = dependencyOrder([app('apps', ['infra', 'crds']), app('monitoring', ['crds']), app('infra', ['crds']), app('crds')]);
    assert.deepEqual(order.map((id) => id.split('/')[2]), ['crds', 'monitoring', 'infra', 'apps']);
    assert.deepEqual(errors, []);
  });
});

describe('Flux sources', () => {
  test('a Kustomization of another GitRepository, or of an OCIRepository, is listed as external with the reason; a branch other than the current one is noted', async () => {
    const other = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: platform\n  namespace: flux-system\nspec:\n  url: ssh://git@github.com/example/platform.git\n  ref:\n    branch: main\n';
    const release = GITREPO.replace('name: flux-system', 'name: release').replace('branch: main', 'branch: release-1.2');
    const ks2 = (name: string, kind: string, source: string): string => ks('', name).replace('kind: GitRepository\n    name: flux-system', `kind: ${kind}\n    name: ${source}`);
    const r = await discoverApps(
      new MemoryView({
        'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
        'flux/source.yaml': GITREPO,
        'flux/platform.yaml': other,
        'flux/release.yaml': release,
        'flux/ours.yaml': ks('', 'ours'),
        'flux/theirs.yaml': ks2('theirs', 'GitRepository', 'platform'),
        'flux/oci.yaml': ks2('oci', 'OCIRepository', 'manifests'),
        'flux/released.yaml': ks2('released', 'GitRepository', 'release'),
      }),
      { remotes: ['git@github.com:example/deploy-repo.git'], renderer: listingRenderer, currentBranch: 'main' },
    );
    const row = (n: string) => {
      const a = r.apps.find((x) => x.name === n)!;
      return [a.external, a.externalReason ?? '', a.revisionNote ?? '', a.render?.ok ?? false];
    };
    assert.deepEqual(row('ours'), [false, '', '', true]);
    assert.deepEqual(row('theirs'), [true, 'GitRepository flux-system/platform reads ssh://git@github.com/example/platform.git is another repository (this one is git@github.com:example/deploy-repo.git)', '', false]);
    assert.deepEqual(row('oci'), [true, 'OCIRepository flux-system/manifests is not a git repository', '', false]);
    assert.deepEqual(row('released'), [false, '', 'targets release-1.2; showing branch main', true]);
    assert.deepEqual(r.errors, []);
  });
});

describe('FLX-7 apply', () => {
  test('namespaced objects left without a namespace (no targetNamespace) are flagged: Flux fails their apply with "namespace not specified"', async () => {
    const files = {
      'app/all.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loose\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: placed\n  namespace: team\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: unknown-scope\n',
    };
    const { app } = await fluxRender({ ...files, 'flux/app.yaml': ks('') });
    assert.ok(app.render?.ok);
    assert.deepEqual(app.render!.warnings, ['kustomize-controller cannot apply this namespaced object without a namespace ("namespace not specified"); set spec.targetNamespace or metadata.namespace: ConfigMap/loose']);
    const targeted = await fluxRender({ ...files, 'flux/app.yaml': ks('  targetNamespace: team\n') });
    assert.deepEqual(targeted.app.render!.warnings, []);
  });
});
