/**
 * ApplicationSet expansion, generator by generator (SET-1 … SET-8): the parameters each generator produces in
 * fasttemplate and goTemplate mode, how matrix and merge combine them, and what the controller does to every
 * generated Application.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverApps, fastTemplate, type AppsOptions } from '../src/engine/apps/index.ts';
import { MemoryView } from './helpers/memory-view.ts';

const REPO = 'https://github.com/example/deploy-repo.git';

/** An ApplicationSet whose template exposes parameters through the app name, path, namespace and an annotation. */
function appset(spec: string, template = DEFAULT_TEMPLATE, extra = ''): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: set
  namespace: argocd
spec:
${extra}${spec}
  template:
${template}`;
}

const DEFAULT_TEMPLATE = `    metadata:
      name: '{{name}}'
    spec:
      project: default
      source:
        repoURL: ${REPO}
        path: apps
      destination:
        server: https://kubernetes.default.svc
        namespace: default
`;

/** A template whose annotation `p` shows one expression's value (the app name comes from `name`). */
function show(expr: string, name = '{{name}}'): string {
  return `    metadata:
      name: '${name}'
      annotations:
        p: '${expr}'
    spec:
      project: default
      source:
        repoURL: ${REPO}
        path: apps
      destination:
        server: https://kubernetes.default.svc
        namespace: default
`;
}

async function expand(files: Record<string, string>, opts: AppsOptions = {}) {
  const r = await discoverApps(new MemoryView({ 'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', ...files }), {
    remotes: [REPO],
    render: false,
    ...opts,
  });
  return {
    names: r.apps.map((a) => a.name),
    p: r.apps.map((a) => a.manifest.metadata.annotations?.p),
    apps: r.apps,
    errors: r.errors.map((e) => `${e.file}:${e.line}: ${e.message}`),
  };
}

describe('SET-1 rendering modes', () => {
  test('fasttemplate: trimmed tags, string params only, everything else written back verbatim', () => {
    const params = { name: 'web', n: 3 as unknown as string, 'path.basename': 'prod' };
    assert.equal(fastTemplate('{{name}}-{{ name }}-{{path.basename}}', params), 'web-web-prod');
    assert.equal(fastTemplate('{{ nope }}|{{n}}|{{}}|{{ }}', params), '{{ nope }}|{{n}}|{{}}|{{ }}');
    assert.equal(fastTemplate('{{name\n}}', params), '{{name\n}}', 'a tag split over lines is not a template');
    assert.equal(fastTemplate('no tags {{ here', params), 'no tags {{ here');
    assert.throws(() => fastTemplate('{{name}} {{ unclosed', params), /Cannot find end tag="}}"/);
  });

  test('every string and map key of the template is templated; numbers and booleans are left alone', async () => {
    const { apps } = await expand({
      'set.yaml': appset(
        `  generators:
    - list:
        elements:
          - name: web
            tier: front`,
        `    metadata:
      name: '{{name}}'
      labels:
        'tier-{{tier}}': '{{tier}}'
    spec:
      project: default
      source:
        repoURL: ${REPO}
        path: apps
        directory:
          recurse: true
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{name}}-{{tier}}'
      revisionHistoryLimit: 3
`,
      ),
    });
    const m = apps[0]!.manifest as unknown as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
    assert.deepEqual(m.metadata.labels, { 'tier-front': 'front' });
    assert.equal((m.spec.destination as { namespace: string }).namespace, 'web-front');
    assert.equal((m.spec.source as { directory: { recurse: boolean } }).directory.recurse, true);
    assert.equal(m.spec.revisionHistoryLimit, 3);
  });

  test('goTemplate without options prints <no value> for a missing key; with missingkey=error it is an error', async () => {
    const gen = `  generators:
    - list:
        elements:
          - name: web`;
    const lax = await expand({ 'set.yaml': appset(gen, show('{{ .nope }}', '{{ .name }}'), '  goTemplate: true\n') });
    assert.deepEqual(lax.p, ['<no value>']);
    const strict = await expand({ 'set.yaml': appset(gen, show('{{ .nope }}', '{{ .name }}'), '  goTemplate: true\n  goTemplateOptions: ["missingkey=error"]\n') });
    assert.deepEqual(strict.names, []);
    assert.equal(strict.errors.length, 1);
    assert.match(strict.errors[0]!, /^set\.yaml:17: ApplicationSet set: failed to execute go template \{\{ \.nope \}\}: template: base:1:3: executing "base" at <\.nope>: map has no entry for key "nope"$/);
  });
});

describe('SET-2 list generator', () => {
  test('fast mode: values become values.k; elementsYaml is appended', async () => {
    const r = await expand({
      'set.yaml': appset(
        `  generators:
    - list:
        elements:
          - name: a
            values:
              size: small
        elementsYaml: |
          - name: b
            values:
              size: big`,
        show('{{values.size}}'),
      ),
    });
    assert.deepEqual(r.names, ['a', 'b']);
    assert.deepEqual(r.p, ['small', '{{values.size}}'], 'elementsYaml elements are used as they are, so values.size does not exist');
  });

  test('fast mode refuses non-string values; go mode keeps the types', async () => {
    const gen = `  generators:
    - list:
        elements:
          - name: a
            replicas: 3`;
    const fast = await expand({ 'set.yaml': appset(gen) });
    assert.deepEqual(fast.names, []);
    assert.match(fast.errors[0]!, /^set\.yaml:11: ApplicationSet set: error parsing value as string: replicas is 3/);
    const go = await expand({ 'set.yaml': appset(gen, show('{{ .replicas }}/{{ add .replicas 1 }}', '{{ .name }}'), '  goTemplate: true\n') });
    assert.deepEqual(go.p, ['3/4']);
  });
});

describe('SET-3 clusters generator', () => {
  const secret = (name: string, server: string, labels: string, extra = '') => `apiVersion: v1
kind: Secret
metadata:
  name: cluster-${name}
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster
${labels}
  annotations:
    region.example.com/name: ${name}-region
${extra}`;
  const secrets = {
    'clusters/b.yaml': secret('b-cluster', 'https://b.example.com', '    env: prod', `stringData:\n  name: b-cluster\n  server: https://b.example.com\n  config: '{"bearerToken": "secret-canary"}'\n`),
    'clusters/a.yaml': secret('a-cluster', 'https://a.example.com', '    env: staging', `data:\n  name: ${Buffer.from('a-cluster').toString('base64')}\n  server: ${Buffer.from('https://a.example.com').toString('base64')}\n  project: ${Buffer.from('team-a').toString('base64')}\n`),
  };

  test('cluster Secrets in the repo plus the in-cluster default, with labels and annotations as parameters (fast mode)', async () => {
    const r = await expand({
      ...secrets,
      'set.yaml': appset(`  generators:
    - clusters: {}`, show('{{server}} {{nameNormalized}} [{{project}}] {{metadata.labels.env}} {{metadata.annotations.region.example.com/name}}')),
    });
    assert.deepEqual(r.names, ['a-cluster', 'b-cluster', 'in-cluster']);
    assert.deepEqual(r.p, [
      'https://a.example.com a-cluster [team-a] staging a-cluster-region',
      'https://b.example.com b-cluster [] prod b-cluster-region',
      'https://kubernetes.default.svc in-cluster [] {{metadata.labels.env}} {{metadata.annotations.region.example.com/name}}',
    ]);
  });

  test('go mode: metadata as maps (index for dotted keys); a selector drops the in-cluster default', async () => {
    const r = await expand({
      ...secrets,
      'set.yaml': appset(`  goTemplate: true
  generators:
    - clusters:
        selector:
          matchLabels:
            env: prod`, show('{{ .server }} {{ index .metadata.annotations "region.example.com/name" }}', '{{ .name }}')),
    });
    assert.deepEqual(r.names, ['b-cluster']);
    assert.deepEqual(r.p, ['https://b.example.com b-cluster-region']);
  });

  test('matchExpressions, values resolved against the params, flatList, and clusters given by hand', async () => {
    const r = await expand(
      {
        ...secrets,
        'set.yaml': appset(`  generators:
    - clusters:
        selector:
          matchExpressions:
            - key: env
              operator: In
              values: [staging, dev]
        values:
          ns: 'ns-{{name}}'`, show('{{values.ns}}')),
      },
      { clusters: [{ name: 'dev-cluster', server: 'https://dev.example.com', labels: { env: 'dev' } }] },
    );
    assert.deepEqual(r.names, ['a-cluster', 'dev-cluster']);
    assert.deepEqual(r.p, ['ns-a-cluster', 'ns-dev-cluster']);
    const flat = await expand({
      ...secrets,
      'set.yaml': appset(`  goTemplate: true
  generators:
    - clusters:
        flatList: true`, show('{{ range .clusters }}{{ .name }},{{ end }}', 'all'), ''),
    });
    assert.deepEqual(flat.p, ['a-cluster,b-cluster,in-cluster,']);
  });

  test('no in-cluster default when a selected Secret already has the in-cluster server', async () => {
    const r = await expand({
      'clusters/local.yaml': secret('local', 'https://kubernetes.default.svc', '    env: prod', 'stringData:\n  name: local\n  server: https://kubernetes.default.svc\n'),
      'set.yaml': appset(`  generators:
    - clusters: {}`),
    });
    assert.deepEqual(r.names, ['local']);
  });

  test('the cluster Secret credentials never reach a parameter', async () => {
    const r = await expand({
      ...secrets,
      'set.yaml': appset(`  goTemplate: true
  generators:
    - clusters: {}`, show('{{ toJson . }}', '{{ .name }}')),
    });
    for (const p of r.p) assert.ok(!String(p).includes('secret-canary'));
  });
});

describe('SET-4 git directory generator', () => {
  const dirs = {
    'apps/web/overlays/prod/k.yaml': 'x: 1',
    'apps/api/overlays/prod/k.yaml': 'x: 1',
    'apps/api/overlays/dev/k.yaml': 'x: 1',
    'apps/legacy/overlays/prod/k.yaml': 'x: 1',
    'apps/.hidden/overlays/prod/k.yaml': 'x: 1',
    'apps/Web_App/k.yaml': 'x: 1',
  };
  const git = (paths: string, extra = '') => `  generators:
    - git:
        repoURL: git@github.com:example/deploy-repo.git
        revision: HEAD
${extra}        directories:
${paths}`;

  test('path.Match patterns: * stays in one segment, hidden folders are skipped, exclude wins wherever it is listed', async () => {
    const r = await expand({
      ...dirs,
      'set.yaml': appset(
        git(`          - path: apps/legacy/*/prod
            exclude: true
          - path: apps/*/overlays/prod`),
        show('{{path}} {{path.basename}} {{path[1]}} {{path.basenameNormalized}}', '{{path[1]}}'),
      ),
    });
    assert.deepEqual(r.names, ['api', 'web']);
    assert.deepEqual(r.p, ['apps/api/overlays/prod prod api prod', 'apps/web/overlays/prod prod web prod']);
  });

  test('go mode: .path is a map (SET-8a), segments, basenameNormalized, pathParamPrefix', async () => {
    const r = await expand({
      ...dirs,
      'set.yaml': appset(git('          - path: apps/Web_App', '        pathParamPrefix: svc\n'), show('{{ .svc.path.path }} {{ .svc.path.basenameNormalized }} {{ index .svc.path.segments 0 }}', 'x'), '  goTemplate: true\n'),
    });
    assert.deepEqual(r.p, ['apps/Web_App web-app apps']);
    const m = await expand({ ...dirs, 'set.yaml': appset(git('          - path: apps/Web_App'), show('{{ .path }}', 'x'), '  goTemplate: true\n') });
    assert.deepEqual(m.p, ['map[basename:Web_App basenameNormalized:web-app path:apps/Web_App segments:[apps Web_App]]']);
  });

  test('a git generator reading another repository is an error at its repoURL', async () => {
    const r = await expand({
      'set.yaml': appset(`  generators:
    - git:
        repoURL: https://github.com/example/elsewhere
        directories:
          - path: '*'`),
    });
    assert.deepEqual(r.names, []);
    assert.deepEqual(r.errors, ['set.yaml:9: ApplicationSet set: git generator reads https://github.com/example/elsewhere, which is not this repository, so its files cannot be listed here']);
  });
});

describe('SET-4/SET-5 git generator revision', () => {
  test('a git generator reading another revision than the one shown says so on each app it generates', async () => {
    const set = (revision: string) =>
      appset(`  generators:
    - matrix:
        generators:
          - list:
              elements: [{env: prod}]
          - git:
              repoURL: ${REPO}
              revision: ${revision}
              directories:
                - path: 'svc/*'`, show('x', '{{path.basename}}-{{env}}'));
    const files = { 'svc/a/cm.yaml': 'kind: ConfigMap\n' };
    const other = await expand({ ...files, 'set.yaml': set('release-1.0') }, { currentBranch: 'main' });
    assert.deepEqual(other.apps.map((a) => [a.name, a.revisionNote]), [['a-prod', 'git generator reads release-1.0; showing branch main']]);
    const same = await expand({ ...files, 'set.yaml': set('main') }, { currentBranch: 'main' });
    assert.deepEqual(same.apps.map((a) => [a.name, a.revisionNote]), [['a-prod', undefined]]);
    const rev = await expand({ ...files, 'set.yaml': set('HEAD') }, { rev: 'v1.2.0' });
    // The generated app's own source has no targetRevision (HEAD) either: both notes.
    assert.deepEqual(rev.apps.map((a) => a.revisionNote), ['targets HEAD (the default branch); showing revision v1.2.0; git generator reads HEAD (the default branch); showing revision v1.2.0']);
  });
});

describe('SET-5 git files generator', () => {
  const files = {
    'config/eu/cluster.json': '{"cluster": {"name": "eu", "size": 1000000}, "enabled": true}',
    'config/us/cluster.yaml': 'cluster:\n  name: us\n  size: 3\nenabled: false\n',
    'config/deep/nested/cluster.yaml': '- cluster: {name: n1}\n- cluster: {name: n2}\n',
    'config/skip/cluster.yaml': 'cluster: {name: skipped}\n',
  };
  const gen = (extra = '') => `  generators:
    - git:
        repoURL: ${REPO}
        revision: HEAD
        files:
          - path: config/*.yaml
          - path: config/*.json
          - path: config/skip/*
            exclude: true
${extra}`;

  test('git pathspecs (* crosses /), sorted files, arrays give one set per item, fast mode flattens with %v', async () => {
    const r = await expand({ ...files, 'set.yaml': appset(gen(), show('{{cluster.size}}|{{enabled}}|{{path}}|{{path.filename}}|{{path[1]}}', 'c-{{cluster.name}}')) });
    assert.deepEqual(r.names, ['c-n1', 'c-n2', 'c-eu', 'c-us']);
    assert.deepEqual(r.p, [
      '{{cluster.size}}|{{enabled}}|config/deep/nested|cluster.yaml|deep',
      '{{cluster.size}}|{{enabled}}|config/deep/nested|cluster.yaml|deep',
      '1e+06|true|config/eu|cluster.json|eu',
      '3|false|config/us|cluster.yaml|us',
    ]);
  });

  test('go mode keeps the structure; path.filenameNormalized; pathParamPrefix', async () => {
    const r = await expand({
      ...files,
      'set.yaml': appset(gen('        pathParamPrefix: src\n'), show('{{ .cluster.size }} {{ .src.path.filenameNormalized }} {{ .src.path.path }}', 'c-{{ .cluster.name }}'), '  goTemplate: true\n'),
    });
    assert.deepEqual(r.names, ['c-n1', 'c-n2', 'c-eu', 'c-us']);
    assert.deepEqual(r.p.slice(2), ['1e+06 cluster.json config/eu', '3 cluster.yaml config/us']);
  });

  test('a file that is neither an object nor a list of objects is an error naming the file', async () => {
    const r = await expand({ 'config/bad/cluster.yaml': 'just a string\n', 'set.yaml': appset(gen()) });
    assert.match(r.errors[0]!, /unable to process file 'config\/bad\/cluster\.yaml'/);
  });
});

describe('SET-6 matrix generator', () => {
  test('the second child is interpolated with each param set of the first (fast mode)', async () => {
    const r = await expand({
      'envs/dev/a.yaml': 'app: a1\n',
      'envs/dev/b.yaml': 'app: b1\n',
      'envs/prod/a.yaml': 'app: a2\n',
      'set.yaml': appset(
        `  generators:
    - matrix:
        generators:
          - list:
              elements:
                - env: dev
                - env: prod
          - git:
              repoURL: ${REPO}
              files:
                - path: 'envs/{{env}}/*.yaml'`,
        show('{{env}}', '{{app}}-{{env}}'),
      ),
    });
    assert.deepEqual(r.names, ['a1-dev', 'b1-dev', 'a2-prod']);
  });

  test('go mode: the first generator wins on conflicting keys; fast mode refuses conflicts', async () => {
    const matrix = `  generators:
    - matrix:
        generators:
          - list:
              elements:
                - name: one
                  shared: first
          - list:
              elements:
                - other: x
                  shared: second`;
    const go = await expand({ 'set.yaml': appset(matrix, show('{{ .shared }}-{{ .other }}', '{{ .name }}'), '  goTemplate: true\n') });
    assert.deepEqual(go.p, ['first-x']);
    const fast = await expand({ 'set.yaml': appset(matrix) });
    assert.deepEqual(fast.names, []);
    assert.match(fast.errors[0]!, /found duplicate key shared with different value, a: first ,b: second/);
  });

  test('a matrix needs exactly two generators', async () => {
    const r = await expand({
      'set.yaml': appset(`  generators:
    - matrix:
        generators:
          - list:
              elements: [{name: a}]`),
    });
    assert.deepEqual(r.errors, ['set.yaml:9: ApplicationSet set: found less than two generators, Matrix support only two']);
  });
});

describe('SET-7 merge generator', () => {
  test('later generators override base sets by merge key; sets not in the base are dropped', async () => {
    const r = await expand({
      'set.yaml': appset(
        `  generators:
    - merge:
        mergeKeys: [name]
        generators:
          - list:
              elements:
                - {name: a, size: small}
                - {name: b, size: small}
          - list:
              elements:
                - {name: b, size: big}
                - {name: c, size: huge}`,
        show('{{size}}'),
      ),
    });
    assert.deepEqual(r.names, ['a', 'b']);
    assert.deepEqual(r.p, ['small', 'big']);
  });

  test('duplicate merge keys and missing mergeKeys are errors', async () => {
    const dup = await expand({
      'set.yaml': appset(`  generators:
    - merge:
        mergeKeys: [name]
        generators:
          - list:
              elements: [{name: a}, {name: a}]
          - list:
              elements: [{name: a}]`),
    });
    assert.match(dup.errors[0]!, /not unique by the given mergeKeys.*Duplicate key was \{"name":"a"\}/);
    const none = await expand({
      'set.yaml': appset(`  generators:
    - merge:
        generators:
          - list:
              elements: [{name: a}]
          - list:
              elements: [{name: a}]`),
    });
    assert.match(none.errors[0]!, /no merge keys were specified, Merge requires at least one/);
  });
});

describe('SET-8 generated Applications', () => {
  test('namespace forced to the set\'s, resources finalizer added unless preserved or already set, names unique', async () => {
    const r = await expand({
      'set.yaml': appset(
        `  generators:
    - list:
        elements: [{name: a}, {name: a}, {name: b}]`,
        `    metadata:
      name: '{{name}}'
      namespace: somewhere-else
    spec:
      project: default
      source: {repoURL: ${REPO}, path: apps}
      destination: {server: https://kubernetes.default.svc, namespace: x}
`,
      ),
    });
    assert.deepEqual(r.names, ['a', 'b']);
    assert.deepEqual(r.apps.map((a) => a.manifest.metadata.namespace), ['argocd', 'argocd']);
    assert.deepEqual(r.apps[0]!.manifest.metadata.finalizers, ['resources-finalizer.argocd.argoproj.io']);
    assert.deepEqual(r.errors, ['set.yaml:8: ApplicationSet set: contains applications with duplicate name: a']);
    const kept = await expand({
      'set.yaml': appset(`  syncPolicy:
    preserveResourcesOnDeletion: true
  generators:
    - list:
        elements: [{name: a}]`),
    });
    assert.equal(kept.apps[0]!.manifest.metadata.finalizers, undefined);
  });

  test('templatePatch is templated and merged in; it cannot change the project', async () => {
    const r = await expand({
      'set.yaml': appset(
        `  goTemplate: true
  generators:
    - list:
        elements:
          - {name: a, auto: true}
          - {name: b, auto: false}
  templatePatch: |
    spec:
      project: hijacked
    {{- if .auto }}
      syncPolicy:
        automated: {prune: true}
    {{- end }}`,
        show('x', '{{ .name }}'),
      ),
    });
    assert.deepEqual(r.apps.map((a) => [a.name, a.project, JSON.stringify(a.syncPolicy.automated)]), [
      ['a', 'default', '{"prune":true,"selfHeal":false,"allowEmpty":false}'],
      ['b', 'default', 'null'],
    ]);
  });

  test('a generator\'s own template is merged over the set\'s template', async () => {
    const r = await expand({
      'set.yaml': appset(`  generators:
    - list:
        elements: [{name: a}]
        template:
          metadata: {}
          spec:
            project: special
            destination: {namespace: from-generator}`),
    });
    const a = r.apps[0]!;
    assert.equal(a.project, 'special');
    assert.equal(a.destination.namespace, 'from-generator');
    assert.equal(a.destination.server, 'https://kubernetes.default.svc', 'fields the generator template leaves empty come from the set');
  });

  test('generators that need a live system are reported, not guessed', async () => {
    const r = await expand({
      'set.yaml': appset(`  generators:
    - pullRequest:
        github: {owner: example, repo: x}`),
    });
    assert.deepEqual(r.errors, ['set.yaml:8: ApplicationSet set: the pullRequest generator reads a live system and cannot be previewed offline']);
  });

  test('a generator selector filters param sets on their flattened values', async () => {
    const r = await expand({
      'set.yaml': appset(`  generators:
    - list:
        elements: [{name: a, tier: web}, {name: b, tier: db}]
      selector:
        matchLabels:
          tier: db`),
    });
    assert.deepEqual(r.names, ['b']);
  });
});
