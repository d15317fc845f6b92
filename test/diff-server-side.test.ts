import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { diffAppLive, sandboxLiveSource, serverSideDiffMode, staticLiveSource, stampTracking, stopJq, type LiveSource } from '../src/engine/diff/index.ts';
import { Sandbox } from '../src/engine/sandbox/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

after(() => stopJq());

const CANARY = 'ssd-canary-7e21';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const cm = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data });
const secret = (password: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, stringData: { password } });

/** A sandbox after Argo CD synced the app server-side, and a source whose dry-runs pass a mutating webhook. */
function cluster(objects: KubeObject[]): { sandbox: Sandbox; source: LiveSource; webhook: LiveSource } {
  const sandbox = new Sandbox({ seed: 1 });
  sandbox.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, { fieldManager: 'setup' });
  for (const o of objects) sandbox.apply(stampTracking(o, 'shop', 'shop'), { fieldManager: 'argocd-controller', force: true });
  const source = sandboxLiveSource(sandbox);
  const webhook: LiveSource = {
    ...source,
    // What a mutating webhook does to every request: a label nobody's apply owns.
    async serverSideDryRun(obj, manager) {
      const r = await source.serverSideDryRun!(obj, manager);
      r.metadata.labels = { ...(r.metadata.labels ?? {}), 'injected-by': 'webhook' };
      return r;
    },
  };
  return { sandbox, source, webhook };
}

test('DIF-4 ServerSideDiff is turned on per app by compare-options, or by the controller default unless the app says false', () => {
  assert.deepEqual(serverSideDiffMode({ name: 'a', destNamespace: '', compareOptions: 'ServerSideDiff=true' }), { enabled: true, includeMutationWebhook: false });
  assert.deepEqual(serverSideDiffMode({ name: 'a', destNamespace: '' }, true), { enabled: true, includeMutationWebhook: false });
  assert.deepEqual(serverSideDiffMode({ name: 'a', destNamespace: '', compareOptions: 'ServerSideDiff=false' }, true).enabled, false);
  assert.deepEqual(serverSideDiffMode({ name: 'a', destNamespace: '', compareOptions: 'ServerSideDiff=true, IncludeMutationWebhook=true' }), { enabled: true, includeMutationWebhook: true });
  assert.equal(serverSideDiffMode({ name: 'a', destNamespace: '' }).enabled, false, 'off by default');
});

test('DIF-4 the server-side dry-run predicts live; webhook mutations are removed unless IncludeMutationWebhook=true', async () => {
  const { webhook } = cluster([cm({ mode: 'prod' })]);
  const app = { name: 'shop', destNamespace: 'shop', compareOptions: 'ServerSideDiff=true' };
  const synced = await diffAppLive(app, [cm({ mode: 'prod' })], webhook);
  assert.deepEqual(synced.objects.map((o) => [o.name, o.change, o.mode]), [['settings', 'unchanged', 'server-side-diff']]);
  assert.equal(synced.status, 'Synced');

  const withWebhook = await diffAppLive({ ...app, compareOptions: 'ServerSideDiff=true,IncludeMutationWebhook=true' }, [cm({ mode: 'prod' })], webhook);
  assert.equal(withWebhook.objects[0]!.change, 'changed');
  assert.deepEqual(withWebhook.objects[0]!.fields, ['/metadata/labels']);

  const drift = await diffAppLive(app, [cm({ mode: 'staging' })], webhook);
  assert.equal(drift.objects[0]!.change, 'changed');
  assert.deepEqual(drift.objects[0]!.fields, ['/data/mode']);
  assert.match(drift.objects[0]!.diff, /^-  mode: prod$/m);
  assert.match(drift.objects[0]!.diff, /^\+  mode: staging$/m);
  assert.doesNotMatch(drift.objects[0]!.diff, /managedFields|resourceVersion/, 'server bookkeeping is stripped from both sides');
});

test('DIF-4 creates and prunes need no dry-run; ignoreDifferences apply after it', async () => {
  const { source } = cluster([cm({ mode: 'prod', replicas: '3' })]);
  let calls = 0;
  const counting: LiveSource = { ...source, serverSideDryRun: async (o, m) => (calls++, source.serverSideDryRun!(o, m)) };
  const fresh: KubeObject = { ...cm({ a: 'b' }), metadata: { name: 'fresh', namespace: 'shop' } };
  const r = await diffAppLive(
    { name: 'shop', destNamespace: 'shop', compareOptions: 'ServerSideDiff=true', ignoreDifferences: [{ group: '', kind: 'ConfigMap', jsonPointers: ['/data/replicas'] }] },
    [cm({ mode: 'prod', replicas: '5' }), fresh],
    counting,
  );
  assert.deepEqual(r.objects.map((o) => [o.name, o.change]), [['settings', 'unchanged'], ['fresh', 'added']]);
  assert.equal(calls, 1, 'only the update is dry-run');
});

test('DIF-4 DIF-9 Secrets: stringData is sent as data; a changed value is reported, masked as a pair, the canary never shown; without a server the sandbox answers', async () => {
  const { sandbox } = cluster([secret('old-value')]);
  const live = sandbox.list({ apiVersion: 'v1', kind: 'Secret' }).items.map((o) => ({ ...o, apiVersion: 'v1', kind: 'Secret' })) as KubeObject[];
  // A static source has no server: the sandbox's own apply on a scratch copy of live gives the dry-run answer.
  const r = await diffAppLive({ name: 'shop', destNamespace: 'shop', compareOptions: 'ServerSideDiff=true' }, [secret(CANARY)], staticLiveSource(live));
  const o = r.objects.find((x) => x.kind === 'Secret')!;
  assert.equal(o.mode, 'server-side-diff');
  assert.equal(o.change, 'changed');
  assert.deepEqual(o.fields, ['/data/password']);
  const text = JSON.stringify(r);
  assert.ok(!text.includes(CANARY) && !text.includes(b64(CANARY)) && !text.includes(b64('old-value')), 'no Secret value in the result');
  assert.match(o.diff, /\+{8}/);
});
