/**
 * Snapshots (branching a simulation), the state file (atomic, survives a restart) and `sandbox serve`'s lifecycle:
 * the kubeconfig it writes, a clean stop on SIGTERM and SIGINT, state saved and loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGitOpsError } from '../src/engine/errors/index.ts';
import { Sandbox } from '../src/engine/sandbox/index.ts';
import { deployment, health } from './sandbox/fixtures.ts';
import { kubectl, kubectlMissing, serve } from './sandbox/serve.ts';

const T0 = '2025-01-01T00:00:00Z';
const dref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-sandbox-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a snapshot branches a simulation: two restores of the same state evolve alike, and independently', () => {
  const sb = new Sandbox({ seed: 4, startTime: T0 });
  sb.create(deployment('web', { replicas: 2 }));
  sb.advance(500);
  assert.equal(health(sb.get(dref)), 'Progressing');
  const snap = sb.snapshot();
  const json = JSON.parse(JSON.stringify(snap));
  const a = Sandbox.fromSnapshot(json);
  const b = Sandbox.fromSnapshot(json);
  assert.equal(a.now(), sb.now());
  assert.deepEqual(a.get(dref), sb.get(dref));
  a.advance(5000);
  assert.equal(health(a.get(dref)), 'Healthy', 'timers resume after a restore');
  b.patch(dref, { spec: { replicas: 4 } }, 'merge');
  b.advance(5000);
  assert.equal((b.get(dref) as any).status.readyReplicas, 4);
  assert.equal((a.get(dref) as any).status.readyReplicas, 2);
  const podsA = a.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }).items.map((p) => p.metadata.name);
  const again = Sandbox.fromSnapshot(json);
  again.advance(5000);
  assert.deepEqual(again.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }).items.map((p) => p.metadata.name), podsA, 'the same state replays to the same names');
  sb.restore(snap);
  assert.equal(sb.now(), Date.parse(T0) + 500);
});

test('a snapshot keeps established CRDs and their custom resources', () => {
  const sb = new Sandbox({ seed: 4, startTime: T0 });
  sb.create({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: { group: 'example.com', names: { kind: 'Gadget', plural: 'gadgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
  });
  sb.advance(0);
  sb.create({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: { x: 1 } });
  const restored = Sandbox.fromSnapshot(sb.snapshot());
  assert.deepEqual(restored.get({ apiVersion: 'example.com/v1', kind: 'Gadget', name: 'g' }).spec, { x: 1 });
});

test('the state file is written atomically (a reader never sees a torn file) and loads into the same state', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'state.json');
  const sb = new Sandbox({ seed: 8, startTime: T0 });
  for (let i = 0; i < 30; i++) sb.create(deployment(`app-${i}`, { replicas: 3 }));
  sb.advance(5000);
  await sb.save(file);
  let reads = 0;
  let stop = false;
  const reader = (async () => {
    while (!stop) {
      const text = readFileSync(file, 'utf8');
      JSON.parse(text);
      reads++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  for (let i = 0; i < 10; i++) {
    sb.patch({ ...dref, name: `app-${i}` }, { spec: { replicas: 4 } }, 'merge');
    sb.advance(100);
    await sb.save(file);
  }
  stop = true;
  await reader;
  assert.ok(reads > 0);
  const loaded = await Sandbox.load(file);
  assert.equal(loaded.now(), sb.now());
  assert.deepEqual(loaded.get({ ...dref, name: 'app-3' }), sb.get({ ...dref, name: 'app-3' }));
  assert.ok(!readFileSync(file, 'utf8').includes('"stringData"'));
  const leftovers = (await import('node:fs')).readdirSync(dir).filter((f) => f.endsWith('.tmp'));
  assert.deepEqual(leftovers, [], 'no temporary files are left behind');
});

test('a file that is not a sandbox state is refused with a located error', async (t) => {
  const dir = scratch(t);
  const bad = join(dir, 'bad.json');
  // A file cut short (what a torn write would leave) is reported where it breaks off.
  writeFileSync(bad, '{"format": "gitops-sandbox.dev/state/v1",\n  "objects": [{"kind": "Pod"');
  await assert.rejects(Sandbox.load(bad), (e: unknown) => isGitOpsError(e) && e.location?.file === bad && e.location?.line === 2);
  const other = join(dir, 'other.json');
  writeFileSync(other, '{"hello": "world"}');
  await assert.rejects(Sandbox.load(other), (e: unknown) => isGitOpsError(e) && /not a sandbox state file/.test(e.message));
  await assert.rejects(Sandbox.load(join(dir, 'missing.json')), (e: unknown) => isGitOpsError(e) && /no such file/.test(e.message));
});

test('sandbox serve writes ./sandbox.kubeconfig by default, stops cleanly on SIGTERM and SIGINT, and saves and reloads --state', async (t) => {
  const dir = scratch(t);
  const skip = await kubectlMissing();
  const state = join(dir, 'state.json');
  const first = await serve(['--state', state, '--speed', '20'], dir, { kubeconfigFlag: false });
  t.after(() => first.stop('SIGKILL'));
  assert.ok(existsSync(join(dir, 'sandbox.kubeconfig')), 'the default kubeconfig is ./sandbox.kubeconfig');
  assert.match(first.output(), new RegExp(`Kubeconfig written to ${join(dir, 'sandbox.kubeconfig').replace(/[.]/g, '\\.')}`));
  const kc = readFileSync(join(dir, 'sandbox.kubeconfig'), 'utf8');
  assert.match(kc, /server: http:\/\/127\.0\.0\.1:\d+/);
  assert.match(kc, /current-context: gitops-sandbox/);
  const r = await fetch(`${first.url}/api/v1/namespaces/default/configmaps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survivor' }, data: { k: 'v' } }),
  });
  assert.equal(r.status, 201);
  assert.equal(await first.stop('SIGTERM'), 0);
  assert.match(first.output(), /Sandbox state saved to .*state\.json/);
  assert.ok(existsSync(state));
  const second = await serve(['--state', state, '--port', '0'], dir);
  t.after(() => second.stop('SIGKILL'));
  assert.match(second.output(), /State loaded from/);
  if (!skip) {
    const got = await kubectl(second, ['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.k}']);
    assert.equal(got.stdout, 'v');
  } else {
    const got = await fetch(`${second.url}/api/v1/namespaces/default/configmaps/survivor`);
    assert.equal(got.status, 200);
  }
  assert.equal(await second.stop('SIGINT'), 0);
  assert.match(second.output(), /Sandbox stopped\./);
});

test('sandbox serve refuses bad options with its usage and exit code 2', async (t) => {
  const dir = scratch(t);
  await assert.rejects(serve(['--speed', 'fast'], dir), /expects a number/);
  await assert.rejects(serve(['--bogus'], dir), /unknown option --bogus/);
});
