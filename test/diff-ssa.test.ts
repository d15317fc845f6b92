import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { diffResource, stopJq } from '../src/engine/diff/index.ts';
import { Sandbox } from '../src/engine/sandbox/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

after(() => stopJq());

const SSA = { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' };

function cm(labels: Record<string, string>, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', labels, annotations: { ...SSA } }, data };
}

/** Live built by real server-side applies (the sandbox API server), so managedFields are what a cluster records. */
function liveAfter(applies: { manager: string; obj: KubeObject }[]): KubeObject {
  const sb = new Sandbox({ seed: 1 });
  sb.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, { fieldManager: 'setup' });
  let last: KubeObject | undefined;
  for (const a of applies) last = sb.apply(structuredClone(a.obj), { fieldManager: a.manager, force: true });
  return last!;
}

test('DIF-3 a field git dropped stays when another manager also owns it (shared ownership), and goes when only Argo CD owned it', () => {
  const live = liveAfter([
    { manager: 'argocd-controller', obj: cm({ app: 'web', team: 'a', old: 'x' }, { mode: 'prod' }) },
    // Another applier sets team to the same value: both own it.
    { manager: 'platform', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', labels: { team: 'a' } } } },
  ]);
  const d = diffResource(cm({ app: 'web' }, { mode: 'prod' }) as never, live as never);
  assert.equal(d.mode, 'server-side-apply');
  assert.equal(d.modified, true);
  assert.deepEqual(d.fields, ['/metadata/labels/old'], 'team is kept (platform owns it too); old is removed');
});

test('DIF-3 git wins a field another manager owns (Argo CD applies with force), and unmanaged live fields stay', () => {
  const live = liveAfter([
    { manager: 'argocd-controller', obj: cm({ app: 'web' }, { mode: 'prod' }) },
    { manager: 'hotfix', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'debug', extra: 'kept' } } },
  ]);
  const d = diffResource(cm({ app: 'web' }, { mode: 'prod' }) as never, live as never);
  assert.equal(d.modified, true);
  assert.deepEqual(d.fields, ['/data/mode']);
  assert.deepEqual((d.predictedLive as { data: Record<string, string> }).data, { extra: 'kept', mode: 'prod' });
  const same = diffResource(cm({ app: 'web' }, { mode: 'debug' }) as never, live as never);
  assert.equal(same.modified, false, 'the hotfix value equals git: nothing to apply');
});

test('DIF-3 associative lists merge by key under server-side apply: a container env entry git dropped is removed, another manager\'s stays', () => {
  const dep = (env: { name: string; value: string }[]): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', annotations: { ...SSA } },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', env }] } } },
  });
  const live = liveAfter([
    { manager: 'argocd-controller', obj: dep([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]) },
    {
      manager: 'injector',
      obj: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'C', value: '3' }] }] } } } },
    },
  ]);
  const d = diffResource(dep([{ name: 'A', value: '1' }]) as never, live as never);
  assert.equal(d.modified, true);
  const env = (d.predictedLive as { spec: { template: { spec: { containers: { env: { name: string }[] }[] } } } }).spec.template.spec.containers[0]!.env;
  assert.deepEqual(env.map((e) => e.name).sort(), ['A', 'C']);
});

test('DIF-3 a custom resource the sandbox does not serve falls back to the ownership approximation', () => {
  const cr = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop', annotations: { ...SSA } }, spec });
  const live = cr({ size: 1, color: 'red' });
  live.metadata.managedFields = [{ manager: 'argocd-controller', operation: 'Apply', apiVersion: 'example.com/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:size': {}, 'f:color': {} } } }];
  const d = diffResource(cr({ size: 1 }) as never, live as never);
  assert.equal(d.mode, 'server-side-apply');
  assert.deepEqual(d.fields, ['/spec/color']);
});
