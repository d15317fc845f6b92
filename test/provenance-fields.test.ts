/**
 * Field provenance on test-fixtures/provenance (a base with a generator and a labels entry, a monitoring component
 * with commonAnnotations and a strategic merge patch on the container list, a prod overlay with namespace,
 * namePrefix, a generator merge, a JSON 6902 patch, images, replicas and a replacement, a staging overlay with
 * nameSuffix, commonLabels, a secretGenerator, an inline patch and a var). Every expected location below was
 * counted by hand from the fixture files (1-based lines and columns; a scalar is located at its value, a map or
 * list at the key naming it, a list item at its first key); none is copied from our own output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { explainObject, explainAll, findObject, finalSetter, SecretValues, type FieldProvenance } from '../src/engine/provenance/index.ts';
import { Renderer, type RenderResult } from '../src/engine/render/index.ts';
import { WorktreeView } from '../src/engine/source/index.ts';
import { isGitOpsError } from '../src/engine/errors/index.ts';

const ROOT = join(import.meta.dirname, '..', 'test-fixtures', 'provenance');
const view = new WorktreeView(ROOT);
const renderer = new Renderer();
const prod = await renderer.render(view, 'overlays/prod', { provenance: true });
const staging = await renderer.render(view, 'overlays/staging', { provenance: true });

function field(result: RenderResult, object: string, pointer: string): FieldProvenance {
  const r = findObject(result.resources, object);
  const p = explainObject(r, { field: pointer, secrets: SecretValues.of(result.resources) });
  assert.equal(p.fields[0]?.path, pointer, `${object} has ${pointer}`);
  return p.fields[0]!;
}

const at = (l: { file: string | null; line: number | null; column: number | null } | null) => (l && l.file !== null ? `${l.file}:${l.line}:${l.column}` : null);

interface Case {
  result: () => RenderResult;
  object: string;
  path: string;
  value?: unknown;
  origin: string | null;
  /** The final setter: the last history entry's location (or the origin when nothing changed the field). */
  setBy: string | null;
  op?: string;
}

const P = 'overlays/prod/kustomization.yaml';
const S = 'overlays/staging/kustomization.yaml';
const D = 'base/deployment.yaml';
const K = 'base/kustomization.yaml';
const SC = 'components/monitoring/sidecar.yaml';
const JP = 'overlays/prod/json-patch.yaml';
const p = () => prod;
const s = () => staging;

const cases: Case[] = [
  // resources: untouched fields
  { result: p, object: 'Deployment/prod-web', path: '/apiVersion', value: 'apps/v1', origin: `${D}:1:13`, setBy: `${D}:1:13` },
  { result: p, object: 'Deployment/prod-web', path: '/kind', value: 'Deployment', origin: `${D}:2:7`, setBy: `${D}:2:7` },
  { result: p, object: 'Deployment/prod-web', path: '/metadata/labels/tier', value: 'frontend', origin: `${D}:6:11`, setBy: `${D}:6:11` },
  { result: p, object: 'Deployment/prod-web', path: '/metadata/labels', origin: `${D}:5:3`, setBy: `${D}:5:3` },
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/metadata/labels/tier', value: 'frontend', origin: `${D}:15:15`, setBy: `${D}:15:15` },
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers', origin: `${D}:17:7`, setBy: `${D}:17:7` },
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/0', origin: `${D}:18:9`, setBy: `${D}:18:9` },
  { result: p, object: 'Service/prod-web', path: '/spec/ports/0/targetPort', value: 8080, origin: 'base/service.yaml:10:17', setBy: 'base/service.yaml:10:17' },
  { result: p, object: 'HorizontalPodAutoscaler/prod-web', path: '/spec/maxReplicas', value: 5, origin: 'base/hpa.yaml:11:16', setBy: 'base/hpa.yaml:11:16' },
  // images
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/0/image', value: 'registry.example.com/web:1.27.0', origin: `${D}:19:16`, setBy: `${P}:20:3`, op: 'images' },
  // replicas
  { result: p, object: 'Deployment/prod-web', path: '/spec/replicas', value: 3, origin: `${D}:8:13`, setBy: `${P}:23:3`, op: 'replicas' },
  // namePrefix / nameSuffix
  { result: p, object: 'Deployment/prod-web', path: '/metadata/name', value: 'prod-web', origin: `${D}:4:9`, setBy: `${P}:4:13`, op: 'namePrefix' },
  { result: p, object: 'Service/prod-web', path: '/metadata/name', value: 'prod-web', origin: 'base/service.yaml:4:9', setBy: `${P}:4:13`, op: 'namePrefix' },
  { result: s, object: 'Deployment/web-stg', path: '/metadata/name', value: 'web-stg', origin: `${D}:4:9`, setBy: `${S}:4:13`, op: 'nameSuffix' },
  // namespace (a field the namespace transformer creates is located at the namespace line)
  { result: p, object: 'Deployment/prod-web', path: '/metadata/namespace', value: 'prod', origin: `${P}:3:12`, setBy: `${P}:3:12`, op: 'namespace' },
  { result: p, object: 'ConfigMap/prod-web-config-c7d8tt298f', path: '/metadata/namespace', value: 'prod', origin: `${P}:3:12`, setBy: `${P}:3:12`, op: 'namespace' },
  // labels (includeSelectors) / commonLabels / commonAnnotations from a component
  { result: p, object: 'Deployment/prod-web', path: '/metadata/labels/app.kubernetes.io~1name', value: 'web', origin: `${K}:9:5`, setBy: `${K}:9:5`, op: 'labels' },
  { result: p, object: 'Deployment/prod-web', path: '/spec/selector/matchLabels/app.kubernetes.io~1name', value: 'web', origin: `${K}:9:5`, setBy: `${K}:9:5`, op: 'labels' },
  { result: p, object: 'Service/prod-web', path: '/spec/selector/app.kubernetes.io~1name', value: 'web', origin: `${K}:9:5`, setBy: `${K}:9:5`, op: 'labels' },
  { result: s, object: 'Deployment/web-stg', path: '/spec/template/metadata/labels/env', value: 'staging', origin: `${S}:8:3`, setBy: `${S}:8:3`, op: 'commonLabels' },
  { result: p, object: 'Deployment/prod-web', path: '/metadata/annotations/monitoring.example.com~1scrape', value: 'true', origin: 'components/monitoring/kustomization.yaml:4:3', setBy: 'components/monitoring/kustomization.yaml:4:3', op: 'commonAnnotations' },
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/metadata/annotations/monitoring.example.com~1scrape', value: 'true', origin: 'components/monitoring/kustomization.yaml:4:3', setBy: 'components/monitoring/kustomization.yaml:4:3', op: 'commonAnnotations' },
  // strategic merge patch on the container list (from the component): a merged item and a new one
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/0/resources/limits/memory', value: '256Mi', origin: `${SC}:12:21`, setBy: `${SC}:12:21`, op: 'patch (strategic merge)' },
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/1', origin: `${SC}:13:9`, setBy: `${SC}:13:9`, op: 'patch (strategic merge)' },
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/1/name', value: 'exporter', origin: `${SC}:13:15`, setBy: `${SC}:13:15`, op: 'patch (strategic merge)' },
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/1/image', value: 'prom/exporter:v0.1', origin: `${SC}:14:16`, setBy: `${SC}:14:16`, op: 'patch (strategic merge)' },
  // strategic merge patch inline in the staging kustomization (a block scalar: lines map onto the kustomization)
  { result: s, object: 'Deployment/web-stg', path: '/spec/replicas', value: 2, origin: `${D}:8:13`, setBy: `${S}:20:17`, op: 'patch (strategic merge)' },
  // JSON 6902: a replaced value (the operation), an added list (the operation names the key, the value node adds it)
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/0/ports/0/containerPort', value: 9090, origin: `${D}:21:26`, setBy: `${JP}:5:3`, op: 'patch (json6902)' },
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/0/args', value: ['--verbose'], origin: `${JP}:1:3`, setBy: `${JP}:4:3`, op: 'patch (json6902)' },
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/0/args/0', value: '--verbose', origin: `${JP}:4:5`, setBy: `${JP}:4:5`, op: 'patch (json6902)' },
  // generators: each data key at its env line or literal; the hashed name at the generator entry
  { result: p, object: 'ConfigMap/prod-web-config-c7d8tt298f', path: '/data/DB_HOST', value: 'db.internal', origin: 'base/web.env:2:1', setBy: 'base/web.env:2:1', op: 'configMapGenerator' },
  { result: p, object: 'ConfigMap/prod-web-config-c7d8tt298f', path: '/data/DB_PORT', value: '5432', origin: 'base/web.env:3:1', setBy: 'base/web.env:3:1', op: 'configMapGenerator' },
  { result: p, object: 'ConfigMap/prod-web-config-c7d8tt298f', path: '/data/LOG_LEVEL', value: 'warn', origin: `${P}:13:5`, setBy: `${P}:13:5`, op: 'configMapGenerator' },
  { result: s, object: 'ConfigMap/web-config-stg-g77dh98bgd', path: '/data/LOG_LEVEL', value: 'info', origin: `${K}:16:5`, setBy: `${K}:16:5`, op: 'configMapGenerator' },
  { result: p, object: 'ConfigMap/prod-web-config-c7d8tt298f', path: '/metadata/name', value: 'prod-web-config-c7d8tt298f', origin: `${K}:12:9`, setBy: `${P}:10:3`, op: 'hash suffix' },
  { result: s, object: 'ConfigMap/web-config-stg-g77dh98bgd', path: '/metadata/name', value: 'web-config-stg-g77dh98bgd', origin: `${K}:12:9`, setBy: `${K}:12:3`, op: 'hash suffix' },
  { result: s, object: 'Secret/db-creds-stg-hfbf28b62g', path: '/metadata/name', value: 'db-creds-stg-hfbf28b62g', origin: `${S}:10:9`, setBy: `${S}:10:3`, op: 'hash suffix' },
  { result: s, object: 'Secret/db-creds-stg-hfbf28b62g', path: '/data/password', value: '********', origin: `${S}:12:5`, setBy: `${S}:12:5`, op: 'secretGenerator' },
  // replacement: the replacement entry sets it
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/0/env/0/value', value: 'prod-web', origin: `${D}:27:18`, setBy: `${P}:26:3`, op: 'replacement' },
  // name references: the rename that caused the rewrite (hash suffix → generator entry; prefix → namePrefix line)
  { result: p, object: 'Deployment/prod-web', path: '/spec/template/spec/containers/0/envFrom/0/configMapRef/name', value: 'prod-web-config-c7d8tt298f', origin: `${D}:24:19`, setBy: `${P}:10:3`, op: 'nameReference' },
  { result: p, object: 'HorizontalPodAutoscaler/prod-web', path: '/spec/scaleTargetRef/name', value: 'prod-web', origin: 'base/hpa.yaml:9:11', setBy: `${P}:4:13`, op: 'nameReference' },
  { result: s, object: 'Deployment/web-stg', path: '/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef/name', value: 'db-creds-stg-hfbf28b62g', origin: `${S}:31:25`, setBy: `${S}:10:3`, op: 'nameReference' },
  // vars: the var entry sets it
  { result: s, object: 'Deployment/web-stg', path: '/spec/template/spec/containers/0/args/0', value: '--upstream=web-stg', origin: `${S}:26:15`, setBy: `${S}:34:3`, op: 'vars' },
];

test('the fixture renders as kubectl kustomize does (so the fields below are the real ones)', async (t) => {
  for (const dir of ['overlays/prod', 'overlays/staging']) {
    const want = await new Promise<string | 'missing'>((resolve) => {
      execFile('kubectl', ['kustomize', join(ROOT, dir)], (err, stdout) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') resolve('missing');
        else if (err) resolve(`kubectl failed: ${err.message}`);
        else resolve(stdout);
      });
    });
    if (want === 'missing') return t.skip('kubectl not found: cannot compare with kustomize');
    const ours = dir === 'overlays/prod' ? prod : staging;
    assert.equal(ours.text, want, dir);
  }
});

test(`at least 30 hand-checked fields (${cases.length})`, () => {
  assert.ok(cases.length >= 30);
});

for (const c of cases) {
  test(`${c.object} ${c.path}: written at ${c.origin}, set by ${c.setBy}${c.op ? ` (${c.op})` : ''}`, () => {
    const f = field(c.result(), c.object, c.path);
    if (c.value !== undefined) assert.deepEqual(f.value, c.value);
    assert.equal(at(f.origin), c.origin, 'origin');
    const set = finalSetter(f);
    assert.equal(at(set.at), c.setBy, 'final setter');
    if (c.op) assert.equal(set.operation, c.op, 'operation of the final setter');
    else assert.deepEqual(f.history, [], 'nothing changed it');
  });
}

test('history is in the order the transformations ran: prefix in the overlay, then the hash suffix of the merged generator', () => {
  const f = field(prod, 'ConfigMap/prod-web-config-c7d8tt298f', '/metadata/name');
  assert.deepEqual(
    f.history.map((h) => [h.operation, at(h)]),
    [
      ['namePrefix', `${P}:4:13`],
      ['hash suffix', `${P}:10:3`],
    ],
  );
  const g = field(staging, 'ConfigMap/web-config-stg-g77dh98bgd', '/metadata/name');
  assert.deepEqual(
    g.history.map((h) => [h.operation, at(h)]),
    [
      ['nameSuffix', `${S}:4:13`],
      ['hash suffix', `${K}:12:3`],
    ],
  );
});

test('an image updated by one images entry has one history entry, naming the new tag', () => {
  const f = field(prod, 'Deployment/prod-web', '/spec/template/spec/containers/0/image');
  assert.equal(f.history.length, 1);
  assert.match(f.history[0]!.detail, /newTag: 1\.27\.0/);
});

test('a replacement names the source field and where it was written', () => {
  const f = field(prod, 'Deployment/prod-web', '/spec/template/spec/containers/0/env/0/value');
  const h = f.history[f.history.length - 1]!;
  assert.match(h.detail, /Service\/prod\/prod-web metadata\.name/);
  assert.match(h.detail, /base\/service\.yaml:4:9/);
});

test('a name reference says which object was renamed', () => {
  const f = field(prod, 'HorizontalPodAutoscaler/prod-web', '/spec/scaleTargetRef/name');
  assert.match(f.history[0]!.detail, /web → prod-web: Deployment web was renamed/);
});

test('explaining an object lists every field in printed order, maps and list items included', () => {
  const r = findObject(prod.resources, 'deployment/prod-web');
  const all = explainObject(r).fields.map((f) => f.path);
  assert.equal(all[0], '/apiVersion');
  assert.ok(all.includes('/spec/template/spec/containers/0'), 'list items');
  assert.ok(all.includes('/spec/template/spec/containers/0/args/0'), 'scalar list items');
  assert.ok(all.includes('/metadata/labels'), 'maps');
  // Every field of the printed object appears exactly once.
  assert.equal(new Set(all).size, all.length);
  const count = (v: unknown): number =>
    Array.isArray(v) ? v.reduce((n: number, x) => n + 1 + count(x), 0) : v && typeof v === 'object' ? Object.values(v).reduce((n: number, x) => n + 1 + count(x), 0) : 0;
  assert.equal(all.length, count(r.object));
  // Printed order: keys sorted as kustomize prints them.
  const top = all.filter((p) => p.split('/').length === 2);
  assert.deepEqual(top, ['/apiVersion', '/kind', '/metadata', '/spec']);
});

test('field paths: dotted with key selectors, indexes, bracketed keys, and JSON pointers name the same field', () => {
  const r = findObject(prod.resources, 'Deployment/prod/prod-web');
  const forms = [
    'spec.template.spec.containers[name=app].image',
    'spec.template.spec.containers.[name=app].image',
    'spec.template.spec.containers[0].image',
    '/spec/template/spec/containers/0/image',
  ];
  for (const f of forms) assert.equal(explainObject(r, { field: f }).fields[0]!.path, '/spec/template/spec/containers/0/image', f);
  assert.equal(explainObject(r, { field: 'metadata.labels[app.kubernetes.io/name]' }).fields[0]!.path, '/metadata/labels/app.kubernetes.io~1name');
  assert.equal(explainObject(r, { field: 'metadata.labels["app.kubernetes.io/name"]' }).fields[0]!.path, '/metadata/labels/app.kubernetes.io~1name');
  assert.equal(explainObject(r, { field: 'metadata.labels.app\\.kubernetes\\.io/name' }).fields[0]!.path, '/metadata/labels/app.kubernetes.io~1name');
  // A map field explains itself and everything under it.
  assert.deepEqual(
    explainObject(r, { field: 'spec.template.spec.containers[name=exporter]' }).fields.map((f) => f.path),
    ['/spec/template/spec/containers/1', '/spec/template/spec/containers/1/image', '/spec/template/spec/containers/1/name'],
  );
});

test('a field or object that is not there is a GitOpsError saying what is', () => {
  const r = findObject(prod.resources, 'deploy/prod-web');
  assert.throws(() => explainObject(r, { field: 'spec.template.spec.containers[name=nope].image' }), (e) => isGitOpsError(e) && /no item .* has name=nope/.test(e.message));
  assert.throws(() => explainObject(r, { field: 'spec.replica' }), (e) => isGitOpsError(e) && /has no "replica" \(it has replicas, selector, template\)/.test(e.message));
  assert.throws(() => findObject(prod.resources, 'Deployment/web'), (e) => isGitOpsError(e) && /Deployment\/prod\/prod-web/.test(e.message));
  assert.throws(() => findObject(prod.resources, 'Deployment/staging/prod-web'), isGitOpsError);
  // Kinds by short name, plural and kind.group.
  for (const k of ['deploy', 'deployments', 'deployment.apps', 'DEPLOYMENT']) assert.equal(findObject(prod.resources, `${k}/prod-web`).id.kind, 'Deployment');
  assert.equal(findObject(prod.resources, 'cm/prod/prod-web-config-c7d8tt298f').id.kind, 'ConfigMap');
});

test('render --provenance data: one entry per document with its id, fields as explain gives them', () => {
  const all = explainAll(staging.resources);
  assert.deepEqual(
    all.map((d) => `${d.object.kind}/${d.object.name}`),
    staging.resources.map((r) => `${r.id.kind}/${r.id.name}`),
  );
  const dep = all.find((d) => d.object.kind === 'Deployment')!;
  assert.deepEqual(dep.object, { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'staging', name: 'web-stg' });
  assert.deepEqual(dep.fields, explainObject(findObject(staging.resources, 'Deployment/web-stg')).fields);
});

// ---- more transformations, on a small in-memory repo (locations counted by hand from the texts below) ----------

test('generator files, patchesStrategicMerge, patchesJson6902 and images newName, each at its own line', async () => {
  const { MemoryView } = await import('./helpers/memory-view.ts');
  const mem = new MemoryView({
    'kustomization.yaml': [
      'resources:', //                                1
      '- deploy.yaml', //                             2
      'configMapGenerator:', //                       3
      '- name: files', //                             4
      '  files:', //                                  5
      '  - app.properties', //                        6
      '  - custom=other.txt', //                      7
      'patchesStrategicMerge:', //                    8
      '- smp.yaml', //                                9
      'patchesJson6902:', //                          10
      '- target:', //                                 11
      '    group: apps', //                           12
      '    version: v1', //                           13
      '    kind: Deployment', //                      14
      '    name: d', //                               15
      '  path: ops.yaml', //                          16
      'images:', //                                   17
      '- name: nginx', //                             18
      '  newName: registry.local/nginx', //           19
      '',
    ].join('\n'),
    'app.properties': 'a=1\n',
    'other.txt': 'hello\n',
    'deploy.yaml': ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: d', 'spec:', '  template:', '    spec:', '      containers:', '      - name: c', '        image: nginx:1.25', ''].join('\n'),
    'smp.yaml': ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: d', 'spec:', '  template:', '    spec:', '      containers:', '      - name: c', '        env:', '        - name: A', '          value: "1"', ''].join('\n'),
    'ops.yaml': ['- op: add', '  path: /spec/replicas', '  value: 2', ''].join('\n'),
  });
  const result = await new Renderer().render(mem, '', { provenance: true });
  const cm = result.resources.find((r) => r.id.kind === 'ConfigMap')!;
  const dep = findObject(result.resources, 'Deployment/d');
  const check = (r: typeof cm, path: string, value: unknown, origin: string, setBy: string, op: string) => {
    const f = explainObject(r, { field: path }).fields[0]!;
    assert.deepEqual(f.value, value, path);
    assert.equal(at(f.origin), origin, `${path} origin`);
    const s = finalSetter(f);
    assert.equal(at(s.at), setBy, `${path} final setter`);
    assert.equal(s.operation, op, `${path} operation`);
  };
  check(cm, '/data/app.properties', 'a=1\n', 'kustomization.yaml:6:5', 'kustomization.yaml:6:5', 'configMapGenerator');
  check(cm, '/data/custom', 'hello\n', 'kustomization.yaml:7:5', 'kustomization.yaml:7:5', 'configMapGenerator');
  check(cm, '/metadata/name', cm.id.name, 'kustomization.yaml:4:9', 'kustomization.yaml:4:3', 'hash suffix');
  check(dep, '/spec/replicas', 2, 'ops.yaml:3:10', 'ops.yaml:3:10', 'patch (json6902)');
  check(dep, '/spec/template/spec/containers/0/env/0/value', '1', 'smp.yaml:12:18', 'smp.yaml:12:18', 'patch (strategic merge)');
  check(dep, '/spec/template/spec/containers/0/image', 'registry.local/nginx:1.25', 'deploy.yaml:10:16', 'kustomization.yaml:18:3', 'images');
});
