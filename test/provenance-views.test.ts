/**
 * Provenance beyond single fields: the reverse map ("this line affects …"), the rendered-text map, the CLI shapes
 * of explain / render --provenance / affects, unsaved buffers and git revisions, Secret masking (with a canary),
 * and fields kustomize adds itself. Expected counts are reasoned out by hand from test-fixtures/provenance.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';
import {
  explain,
  explainAll,
  explainObject,
  findObject,
  finalSetter,
  KUSTOMIZE_ITSELF,
  renderedTextMap,
  repoProvenance,
  SecretValues,
  type AffectsReport,
  type ObjectProvenance,
} from '../src/engine/provenance/index.ts';
import { Renderer } from '../src/engine/render/index.ts';
import { OverlayView, openView, WorktreeView } from '../src/engine/source/index.ts';
import { ScratchRepo } from './helpers/git.ts';
import { MemoryView } from './helpers/memory-view.ts';

const ROOT = join(import.meta.dirname, '..', 'test-fixtures', 'provenance');
const view = new WorktreeView(ROOT);
const CANARY = 'CANARY-s3cr3t-do-not-print';
const CANARY64 = Buffer.from(CANARY).toString('base64');

// A scratch git repository holding the fixture at its root, so CLI paths are relative to that root.
const repo = new ScratchRepo('gs-prov-');
after(() => repo.cleanup());
cpSync(ROOT, repo.dir, { recursive: true });
const firstCommit = repo.commit('provenance fixture');

async function cli(args: string[], cwd = repo.dir): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd });
  return { code, out, err };
}

const where = (l: { file: string | null; line: number | null; column: number | null } | null) => (l && l.file !== null ? `${l.file}:${l.line}:${l.column}` : null);

// ---- reverse map -------------------------------------------------------------------------------------------------

const { index, renders } = await repoProvenance(view);

test('the reverse map covers the overlays, not the base they include', () => {
  assert.deepEqual(renders.map((r) => r.dir), ['base', 'overlays/prod', 'overlays/staging']);
  assert.deepEqual(index.renders.map((r) => r.dir), ['overlays/prod', 'overlays/staging']);
});

test('affects: a base image line reaches the image field of both overlays', () => {
  const r = index.affects('base/deployment.yaml', 19);
  assert.deepEqual(r.summary, { overlays: 2, objects: 2, fields: 2, overridden: 0 });
  assert.deepEqual(
    r.overlays.map((o) => [o.dir, o.objects.map((x) => `${x.object.kind}/${x.object.name}`), o.objects[0]!.fields.map((f) => [f.path, f.via, f.effective])]),
    [
      ['overlays/prod', ['Deployment/prod-web'], [['/spec/template/spec/containers/0/image', ['written'], true]]],
      ['overlays/staging', ['Deployment/web-stg'], [['/spec/template/spec/containers/0/image', ['written'], true]]],
    ],
  );
});

test('affects: a base value both overlays overwrite is listed as overridden and not counted', () => {
  const r = index.affects('base/deployment.yaml', 8);
  assert.deepEqual(r.summary, { overlays: 0, objects: 0, fields: 0, overridden: 2 });
  for (const o of r.overlays) assert.deepEqual(o.objects[0]!.fields.map((f) => [f.path, f.effective]), [['/spec/replicas', false]]);
});

test('affects: the namePrefix line renames 4 objects and reaches 3 fields that copied a renamed name', () => {
  const r = index.affects('overlays/prod/kustomization.yaml', 4);
  assert.deepEqual(r.summary, { overlays: 1, objects: 4, fields: 7, overridden: 0 });
  const fields = r.overlays[0]!.objects.flatMap((o) => o.fields.map((f) => `${o.object.kind} ${f.path} ${f.via.join('+')}`)).sort();
  assert.deepEqual(fields, [
    'ConfigMap /metadata/name namePrefix',
    'Deployment /metadata/name namePrefix',
    'Deployment /spec/template/spec/containers/0/env/0/value replacement source',
    'Deployment /spec/template/spec/containers/0/envFrom/0/configMapRef/name nameReference source',
    'HorizontalPodAutoscaler /metadata/name namePrefix',
    'HorizontalPodAutoscaler /spec/scaleTargetRef/name nameReference+nameReference source',
    'Service /metadata/name namePrefix',
  ]);
});

test('affects: a component line reaches only the overlay that uses the component', () => {
  const r = index.affects('components/monitoring/kustomization.yaml', 4);
  // Every object gets the annotation (and the annotations map it creates); the Deployment's pod template too.
  assert.deepEqual(r.summary, { overlays: 1, objects: 4, fields: 10, overridden: 0 });
  assert.deepEqual(r.overlays.map((o) => o.dir), ['overlays/prod']);
});

test('affects: a replacement source and a var source reach the fields they were copied into', () => {
  const r = index.affects('base/service.yaml', 4);
  assert.deepEqual(r.summary, { overlays: 2, objects: 4, fields: 4, overridden: 0 });
  const got = r.overlays.map((o) => [o.dir, o.objects.flatMap((x) => x.fields.map((f) => `${x.object.kind} ${f.path} ${f.via.join('+')}`))]);
  assert.deepEqual(got, [
    ['overlays/prod', ['Service /metadata/name written', 'Deployment /spec/template/spec/containers/0/env/0/value replacement source']],
    ['overlays/staging', ['Service /metadata/name written', 'Deployment /spec/template/spec/containers/0/args/0 vars source']],
  ]);
});

test('affects: an env file line reaches the data key it produced in both overlays; a comment line reaches nothing', () => {
  const r = index.affects('base/web.env', 3);
  assert.deepEqual(r.summary, { overlays: 2, objects: 2, fields: 2, overridden: 0 });
  assert.deepEqual(r.overlays.map((o) => o.objects[0]!.fields.map((f) => [f.path, f.value])), [[['/data/DB_PORT', '5432']], [['/data/DB_PORT', '5432']]]);
  assert.deepEqual(index.affects('base/web.env', 1).overlays, []);
});

// ---- rendered-text map -------------------------------------------------------------------------------------------

test('text map: every printed line maps to the field printed there, with that field’s provenance', async () => {
  const result = await new Renderer().render(view, 'overlays/staging', { provenance: true });
  const map = renderedTextMap(result);
  assert.equal(map.text, result.text);
  const lines = result.text.split('\n');
  assert.equal(map.lineCount, lines.length - 1);
  // The inline patch's replicas: line 20, column 17 of the staging kustomization.
  const n = lines.indexOf('  replicas: 2') + 1;
  const at = map.at(n)!;
  assert.equal(at.object.kind, 'Deployment');
  assert.equal(at.path, '/spec/replicas');
  assert.equal(where(finalSetter(at.field!).at), 'overlays/staging/kustomization.yaml:20:17');
  assert.equal(where(at.field!.origin), 'base/deployment.yaml:8:13');
  // A separator line names the next document and no field.
  const sep = lines.indexOf('---') + 1;
  assert.equal(map.at(sep)!.separator, true);
  assert.equal(map.at(sep)!.field, undefined);
  assert.equal(map.at(lines.length + 5), undefined);
  // And back: where a field lands in the rendered text.
  assert.equal(map.lineOf(at.doc, '/spec/replicas'), n);
  const item = map.lineOf(at.doc, '/spec/template/spec/containers/0/env/0');
  assert.equal(lines[item! - 1], '        - name: DB_PASSWORD');
  assert.equal(map.lineOf(at.doc, ''), lines.indexOf('---', lines.indexOf('kind: Service')) + 2);
  assert.equal(map.lineOf(at.doc, '/spec/nope'), undefined);
  // Every other line agrees with explain for the same field.
  const all = explainAll(result.resources);
  for (let i = 1; i <= map.lineCount; i++) {
    const l = map.at(i)!;
    if (l.separator) continue;
    const f = all[l.doc]!.fields.find((x) => x.path === l.path);
    assert.ok(f, `line ${i} (${lines[i - 1]}) maps to ${l.path}, a field of document ${l.doc}`);
    assert.deepEqual(l.field, f, `line ${i}`);
  }
});

// ---- views: unsaved buffers and git revisions --------------------------------------------------------------------

test('unsaved buffers: provenance follows the text in the editor, not the file on disk', async () => {
  const disk = readFileSync(join(ROOT, 'overlays/prod/kustomization.yaml'), 'utf8');
  const edited = '# edited, not saved\n' + disk.replace('newTag: 1.27.0', 'newTag: 2.0.0');
  const buffered = new OverlayView(view, { 'overlays/prod/kustomization.yaml': edited });
  const p = await explain(buffered, 'overlays/prod', 'Deployment/prod-web', { field: 'spec.template.spec.containers[name=app].image' });
  assert.equal(p.fields[0]!.value, 'registry.example.com/web:2.0.0');
  assert.equal(where(finalSetter(p.fields[0]!).at), 'overlays/prod/kustomization.yaml:21:3');
  const r = (await repoProvenance(buffered)).index.affects('overlays/prod/kustomization.yaml', 21);
  assert.deepEqual(r.summary, { overlays: 1, objects: 1, fields: 1, overridden: 0 });
  // openView's buffers option gives the same answer.
  const opened = await openView(join(repo.dir, 'overlays/prod'), { buffers: { 'overlays/prod/kustomization.yaml': edited } });
  const q = await explain(opened.view, opened.rel, 'deploy/prod-web', { field: '/spec/template/spec/containers/0/image' });
  assert.deepEqual(q.fields, p.fields);
});

test('git revision: provenance at HEAD is unaffected by a later working-tree edit', async () => {
  const file = join(repo.dir, 'overlays/prod/kustomization.yaml');
  const before = readFileSync(file, 'utf8');
  try {
    writeFileSync(file, before.replace('newTag: 1.27.0', 'newTag: 9.9.9').replace('namespace: prod\n', 'namespace: prod\n# a new line\n'));
    const head = await openView(join(repo.dir, 'overlays/prod'), { rev: 'HEAD' });
    const atHead = await explain(head.view, head.rel, 'Deployment/prod-web', { field: 'spec.template.spec.containers[name=app].image' });
    assert.equal(atHead.fields[0]!.value, 'registry.example.com/web:1.27.0');
    assert.equal(where(finalSetter(atHead.fields[0]!).at), 'overlays/prod/kustomization.yaml:20:3');
    const wt = await openView(join(repo.dir, 'overlays/prod'));
    const now = await explain(wt.view, wt.rel, 'Deployment/prod-web', { field: 'spec.template.spec.containers[name=app].image' });
    assert.equal(now.fields[0]!.value, 'registry.example.com/web:9.9.9');
    assert.equal(where(finalSetter(now.fields[0]!).at), 'overlays/prod/kustomization.yaml:21:3');
    // The CLI at a revision, and the reverse map at a revision.
    const c = await cli(['explain', 'overlays/prod', 'Deployment/prod-web', 'spec.template.spec.containers[name=app].image', '--json', '--rev', firstCommit]);
    assert.equal(c.code, 0, c.err);
    assert.equal((JSON.parse(c.out) as ObjectProvenance).fields[0]!.value, 'registry.example.com/web:1.27.0');
    const a = await cli(['affects', 'overlays/prod/kustomization.yaml:20', '--json', '--rev', 'HEAD']);
    assert.equal(a.code, 0, a.err);
    assert.deepEqual((JSON.parse(a.out) as AffectsReport).summary, { overlays: 1, objects: 1, fields: 1, overridden: 0 });
  } finally {
    writeFileSync(file, before);
  }
});

// ---- CLI shapes --------------------------------------------------------------------------------------------------

test('explain --json prints exactly {object, fields: [{path, value, origin, history: [{file, line, column, operation, detail}]}]}', async () => {
  const r = await cli(['explain', 'overlays/prod', 'deployment/prod-web', 'spec.template.spec.containers[name=app].image', '--json']);
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out) as ObjectProvenance;
  assert.deepEqual(Object.keys(out), ['object', 'fields']);
  assert.deepEqual(out.object, { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'prod', name: 'prod-web' });
  assert.deepEqual(out.fields, [
    {
      path: '/spec/template/spec/containers/0/image',
      value: 'registry.example.com/web:1.27.0',
      origin: { file: 'base/deployment.yaml', line: 19, column: 16 },
      history: [{ file: 'overlays/prod/kustomization.yaml', line: 20, column: 3, operation: 'images', detail: 'registry.example.com/web → newTag: 1.27.0' }],
    },
  ]);
  // Namespaced form, JSON pointer field, and no field (every field) all work.
  const all = JSON.parse((await cli(['explain', 'overlays/prod', 'Deployment/prod/prod-web', '--json'])).out) as ObjectProvenance;
  assert.ok(all.fields.length > 40);
  for (const f of all.fields) {
    assert.deepEqual(Object.keys(f), ['path', 'value', 'origin', 'history']);
    for (const h of f.history) assert.deepEqual(Object.keys(h), ['file', 'line', 'column', 'operation', 'detail']);
  }
  const ptr = JSON.parse((await cli(['explain', 'overlays/prod', 'Deployment/prod/prod-web', '/spec/replicas', '--json'])).out) as ObjectProvenance;
  assert.deepEqual(ptr.fields.map((f) => [f.path, f.value]), [['/spec/replicas', 3]]);
});

test('explain (text) names the field, where it was written and each change in order', async () => {
  const r = await cli(['explain', 'overlays/prod', 'hpa/prod-web', 'spec.scaleTargetRef.name']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^HorizontalPodAutoscaler\/prod\/prod-web/);
  assert.match(r.out, /spec\.scaleTargetRef\.name = "prod-web"\n {2}written +base\/hpa\.yaml:9:11\n {2}nameReference +overlays\/prod\/kustomization\.yaml:4:13 +web → prod-web: Deployment web was renamed/);
  const list = await cli(['explain', 'overlays/prod', 'deploy/prod-web', 'spec.template.spec.containers']);
  assert.match(list.out, /spec\.template\.spec\.containers\[name=exporter\]\.image = "prom\/exporter:v0\.1"/);
});

test('explain: mistakes are reported without a stack, with what exists', async () => {
  const nope = await cli(['explain', 'overlays/prod', 'Deployment/nope']);
  assert.equal(nope.code, 1);
  assert.match(nope.err, /no rendered object Deployment\/nope; the Deployment objects are: Deployment\/prod\/prod-web/);
  const field = await cli(['explain', 'overlays/prod', 'Deployment/prod-web', 'spec.replica']);
  assert.equal(field.code, 1);
  assert.match(field.err, /has no "replica"/);
  const usage = await cli(['explain', 'overlays/prod']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /missing <kind>\/<name>/);
  const broken = await cli(['explain', 'base', 'Deployment/web'], join(repo.dir, 'no-such-dir'));
  assert.equal(broken.code, 1);
  assert.doesNotMatch(broken.err, /at .*\.ts:\d+/);
});

test('render --provenance prints each document’s id and fields', async () => {
  const r = await cli(['render', 'overlays/prod', '--provenance']);
  assert.equal(r.code, 0, r.err);
  const docs = JSON.parse(r.out) as ObjectProvenance[];
  assert.deepEqual(
    docs.map((d) => `${d.object.kind}/${d.object.name}`),
    ['ConfigMap/prod-web-config-c7d8tt298f', 'Service/prod-web', 'Deployment/prod-web', 'HorizontalPodAutoscaler/prod-web'],
  );
  for (const d of docs) {
    assert.deepEqual(Object.keys(d), ['object', 'fields']);
    for (const f of d.fields) assert.deepEqual(Object.keys(f), ['path', 'value', 'origin', 'history']);
  }
  const cm = docs[0]!.fields.find((f) => f.path === '/data/LOG_LEVEL')!;
  assert.deepEqual(cm.origin, { file: 'overlays/prod/kustomization.yaml', line: 13, column: 5 });
  // The plain render still prints the stream.
  const plain = await cli(['render', 'overlays/prod']);
  assert.match(plain.out, /^apiVersion: v1\ndata:/);
  assert.equal((await cli(['render', '--all', '.', '--out', '/tmp/x', '--provenance'])).code, 2);
});

test('affects --json and text: counts, overlays, objects and fields', async () => {
  const j = await cli(['affects', 'base/deployment.yaml:19', '--json']);
  assert.equal(j.code, 0, j.err);
  const rep = JSON.parse(j.out) as AffectsReport;
  assert.deepEqual(Object.keys(rep), ['file', 'line', 'overlays', 'summary', 'errors']);
  assert.equal(rep.file, 'base/deployment.yaml');
  assert.deepEqual(rep.summary, { overlays: 2, objects: 2, fields: 2, overridden: 0 });
  assert.deepEqual(Object.keys(rep.overlays[0]!.objects[0]!.fields[0]!), ['path', 'field', 'value', 'via', 'effective']);
  assert.equal(rep.overlays[0]!.objects[0]!.fields[0]!.field, 'spec.template.spec.containers[name=app].image');
  const t = await cli(['affects', 'base/deployment.yaml:8']);
  assert.match(t.out, /^base\/deployment\.yaml:8 affects 0 overlays, 0 objects, 0 fields \(and is overridden in 2 fields\)/);
  assert.match(t.out, /\n {4}spec\.replicas = 3 {2}\(written; overridden by a later step\)/);
  // From a subfolder, the file is still named relative to the repository root.
  const sub = await cli(['affects', 'deployment.yaml:19', '--json'], join(repo.dir, 'base'));
  assert.equal((JSON.parse(sub.out) as AffectsReport).file, 'base/deployment.yaml');
  assert.equal((await cli(['affects', 'base/deployment.yaml'])).code, 2);
});

// ---- Secrets ---------------------------------------------------------------------------------------------------------

test('Secret data never appears in provenance output (canary), in any command or answer', async () => {
  const outputs: string[] = [];
  for (const args of [
    ['explain', 'overlays/staging', 'Secret/db-creds-stg-hfbf28b62g', '--json'],
    ['explain', 'overlays/staging', 'Secret/db-creds-stg-hfbf28b62g'],
    ['explain', 'overlays/staging', 'secret/db-creds-stg-hfbf28b62g', 'data.password'],
    ['render', 'overlays/staging', '--provenance'],
    ['affects', 'overlays/staging/kustomization.yaml:12', '--json'],
    ['affects', 'overlays/staging/kustomization.yaml:12'],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    outputs.push(r.out, r.err);
  }
  const staging = await new Renderer().render(view, 'overlays/staging', { provenance: true });
  outputs.push(JSON.stringify(explainAll(staging.resources)));
  const map = renderedTextMap(staging);
  for (let i = 1; i <= map.lineCount; i++) outputs.push(JSON.stringify(map.at(i)));
  outputs.push(JSON.stringify(index.affects('overlays/staging/kustomization.yaml', 12)));
  for (const o of outputs) {
    assert.ok(!o.includes(CANARY), 'canary leaked');
    assert.ok(!o.includes(CANARY64), 'base64 canary leaked');
  }
  // …while the Secret's keys and provenance are still there.
  const secret = explainObject(findObject(staging.resources, 'Secret/db-creds-stg-hfbf28b62g'), { field: 'data' });
  assert.deepEqual(secret.fields.map((f) => [f.path, f.value]), [['/data', { password: '********' }], ['/data/password', '********']]);
});

test('a value a replacement copies out of a Secret is masked where it lands', async () => {
  const mem = new MemoryView({
    'kustomization.yaml': `resources:
- secret.yaml
- cm.yaml
replacements:
- source:
    kind: Secret
    name: creds
    fieldPath: stringData.token
  targets:
  - select:
      kind: ConfigMap
    fieldPaths:
    - data.copied
`,
    'secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  token: ${CANARY}
`,
    'cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  copied: placeholder
  other: fine
`,
  });
  const result = await new Renderer().render(mem, '', { provenance: true });
  assert.ok(result.text.includes(CANARY), 'the rendered stream itself holds the value (as kustomize prints it)');
  const cm = explainObject(findObject(result.resources, 'ConfigMap/settings'), { secrets: SecretValues.of(result.resources) });
  const copied = cm.fields.find((f) => f.path === '/data/copied')!;
  assert.equal(copied.value, '********');
  assert.equal(copied.history[0]!.operation, 'replacement');
  assert.equal(cm.fields.find((f) => f.path === '/data/other')!.value, 'fine');
  assert.ok(!JSON.stringify(cm).includes(CANARY));
  const map = renderedTextMap(result);
  for (let i = 1; i <= map.lineCount; i++) assert.ok(!JSON.stringify(map.at(i)).includes(CANARY), `text map line ${i}`);
});

// ---- fields kustomize adds itself -----------------------------------------------------------------------------------

test('fields kustomize adds itself say so: buildMetadata annotations cite the option that asked for them', async () => {
  const mem = new MemoryView({
    'kustomization.yaml': `resources:
- cm.yaml
buildMetadata: [originAnnotations]
`,
    'cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: b
`,
  });
  const result = await new Renderer().render(mem, '', { provenance: true });
  const p = explainObject(findObject(result.resources, 'ConfigMap/settings'), { field: 'metadata.annotations' });
  assert.deepEqual(p.fields.map((f) => f.path), ['/metadata/annotations', '/metadata/annotations/config.kubernetes.io~1origin']);
  for (const f of p.fields) {
    assert.equal(where(f.origin), 'kustomization.yaml:3:17');
    assert.equal(f.history.length, 1);
    assert.equal(f.history[0]!.operation, 'buildMetadata');
    assert.match(f.history[0]!.detail, /kustomize adds this itself \(buildMetadata: originAnnotations\)/);
  }
});

test('a field with no location and no recorded change is reported as kustomize’s own, never as nowhere', () => {
  const node = {
    kind: 'map' as const,
    entries: [
      { key: { kind: 'scalar' as const, value: 'kind', tag: '!!str', style: 'plain' as const }, value: { kind: 'scalar' as const, value: 'ConfigMap', tag: '!!str', style: 'plain' as const } },
      {
        key: { kind: 'scalar' as const, value: 'metadata', tag: '!!str', style: 'plain' as const },
        value: { kind: 'map' as const, entries: [{ key: { kind: 'scalar' as const, value: 'name', tag: '!!str', style: 'plain' as const }, value: { kind: 'scalar' as const, value: 'x', tag: '!!str', style: 'plain' as const, origin: { file: 'cm.yaml', line: 4, column: 9 } } }] },
      },
    ],
  };
  const res = { id: { group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'x' }, node, object: {} as never, source: 'cm.yaml', referencedBy: [] };
  const p = explainObject(res);
  const kind = p.fields.find((f) => f.path === '/kind')!;
  assert.equal(kind.origin, null);
  assert.deepEqual(kind.history, [{ file: null, line: null, column: null, operation: 'kustomize', detail: KUSTOMIZE_ITSELF }]);
  assert.equal(where(p.fields.find((f) => f.path === '/metadata/name')!.origin), 'cm.yaml:4:9');
});
