/**
 * The engine facade the extension loads (src/extension/engine/api.ts), on a scratch copy of the e2e fixture repo:
 * what the editor's views get, compared with `kubectl kustomize` where it is installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as api from '../../src/extension/engine/api.ts';
// @ts-expect-error: a plain ES module shared with the e2e suite
import { makeDeployRepo } from '../e2e/workspace.mjs';

let scratch: string;
let repo: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'gs-facade-'));
  repo = join(scratch, 'deploy');
  makeDeployRepo(repo);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

const prod = () => join(repo, 'apps/shop/overlays/prod');
const CANARY = Buffer.from('e2e-canary-prod-51d2e8').toString('base64');

test('a rendered view is what kubectl kustomize prints, Secret data masked', async (t) => {
  const r = await api.render({ kind: 'overlay', dir: prod() });
  assert.ok(r.ok, r.ok ? '' : r.problem.message);
  assert.ok(!r.text.includes(CANARY));
  const k = spawnSync('kubectl', ['kustomize', prod()], { encoding: 'utf8' });
  if (k.error || k.status !== 0) return t.skip(`kubectl kustomize not available: ${k.error?.message ?? k.stderr}`);
  assert.equal(r.text, k.stdout.replace(/^( {2}DB_PASSWORD: ).*$/m, '$1++++++++'));
});

test('unsaved buffers win over the working tree, and a broken one is located on its line', async () => {
  const file = join(prod(), 'kustomization.yaml');
  const text = readFileSync(file, 'utf8');
  const edited = await api.render({ kind: 'overlay', dir: prod() }, { buffers: new Map([[file, text.replace('count: 3', 'count: 9')]]) });
  assert.ok(edited.ok && /replicas: 9/.test(edited.text));
  const broken = await api.render({ kind: 'overlay', dir: prod() }, { buffers: new Map([[file, text.replace('newTag: 1.0.1', 'newTag: 1.0.1: x')]]) });
  assert.equal(broken.ok, false);
  if (!broken.ok) {
    assert.equal(broken.problem.file, file);
    assert.equal(broken.problem.line, 11);
  }
});

test('a diff pair: HEAD on the left, the buffers on the right, a changed Secret value shows as a changed mask', async () => {
  const file = join(prod(), 'kustomization.yaml');
  const text = readFileSync(file, 'utf8').replace('e2e-canary-prod-51d2e8', 'e2e-canary-prod-rotated');
  const head = await api.commitOf(repo, 'HEAD');
  const { left, right } = await api.renderPair({ kind: 'overlay', dir: prod() }, head, { buffers: new Map([[file, text]]) });
  assert.ok(left.ok && right.ok);
  if (!left.ok || !right.ok) return;
  assert.match(left.text, /^ {2}DB_PASSWORD: \+{8}$/m);
  assert.match(right.text, /^ {2}DB_PASSWORD: \+{12}$/m);
  assert.ok(!right.text.includes('rotated') && !right.text.includes(Buffer.from('e2e-canary-prod-rotated').toString('base64')));
});

test('hover provenance of a view, and the fields a source line affects across overlays', async () => {
  const r = await api.render({ kind: 'overlay', dir: prod() }, { viewId: 'test-view' });
  assert.ok(r.ok);
  if (!r.ok) return;
  const line = r.text.split('\n').findIndex((l) => l.includes('image: registry.example.com/shop:1.0.1')) + 1;
  const f = api.provenanceAt('test-view', line)!;
  assert.equal(f.path, 'spec.template.spec.containers[name=shop].image');
  assert.deepEqual(f.setBy, { file: join(prod(), 'kustomization.yaml'), line: 10 });
  assert.deepEqual(f.origin, { file: join(repo, 'apps/shop/base/deployment.yaml'), line: 19 });
  const affected = await api.affects(join(prod(), 'kustomization.yaml'), 11);
  assert.deepEqual(affected.map((a) => `${a.object} ${a.path} (${a.how})`), ['Deployment shop-prod/shop spec.template.spec.containers[name=shop].image (images)']);
});

test('the Applications view lists the apps written under the workspace folder only', async () => {
  const all = await api.listApps(repo);
  assert.deepEqual(all.apps.map((a) => `${a.name}:${a.status}`).sort(), ['platform:ok', 'shop-prod:ok']);
  assert.deepEqual(all.argoRoots.length, 2);
  const none = await api.listApps(join(repo, 'apps'));
  assert.deepEqual(none.apps, []);
});

test('the sync preview of an overlay links each task to the file that wrote it', async () => {
  const view = await api.planPreview({ kind: 'overlay', dir: prod() });
  assert.equal(view.error, undefined);
  const rows = view.phases.flatMap((p) => p.waves.flatMap((w) => w.rows));
  const migrate = rows.find((r) => r.name === 'db-migrate')!;
  assert.deepEqual(migrate.source, { file: join(repo, 'apps/shop/base/db-migrate.yaml'), line: 1 });
  assert.ok(!JSON.stringify(view).includes(CANARY));
});
