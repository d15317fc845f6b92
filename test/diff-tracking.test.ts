import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTrackingId,
  parseTrackingId,
  appInstanceName,
  trackedAppName,
  reconcile,
  diffAppLive,
  staticLiveSource,
  diffResource,
  stampTracking,
  parseArgocdCm,
  diffRenders,
  stopJq,
  TRACKING_ANNOTATION,
} from '../src/engine/diff/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

after(() => stopJq());

const cm = (name: string, ns: string | undefined, data: Record<string, string>, ann: Record<string, string> = {}, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(ns ? { namespace: ns } : {}), ...(Object.keys(ann).length ? { annotations: ann } : {}), ...(labels ? { labels } : {}) },
  data,
});

test('TRK-1 tracking id: core group empty, cluster-scoped objects take the destination namespace, apps outside argocd are ns_name', () => {
  assert.equal(buildTrackingId('app', cm('c', 'ns', {}), 'dest'), 'app:/ConfigMap:ns/c');
  assert.equal(buildTrackingId('app', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } }, 'dest'), 'app:rbac.authorization.k8s.io/ClusterRole:dest/r');
  assert.deepEqual(parseTrackingId('a:apps/Deployment:ns/web'), { appName: 'a', group: 'apps', kind: 'Deployment', namespace: 'ns', name: 'web' });
  assert.equal(parseTrackingId('a:apps/Deployment'), undefined);
  assert.equal(parseTrackingId('a:apps/x/Deployment:ns/web'), undefined);
  assert.equal(appInstanceName('web', 'team-a'), 'team-a_web');
  assert.equal(appInstanceName('web', 'argocd'), 'web');
  const labelled = cm('c', 'ns', {}, {}, { 'app.kubernetes.io/instance': 'web' });
  assert.equal(trackedAppName(labelled), undefined, 'annotation tracking is the default since v3');
  assert.equal(trackedAppName(labelled, { method: 'label', labelKey: 'app.kubernetes.io/instance' }), 'web');
  const withInstall = cm('c', 'ns', {}, { [TRACKING_ANNOTATION]: 'web:/ConfigMap:ns/c', 'argocd.argoproj.io/installation-id': 'other' });
  assert.equal(trackedAppName(withInstall, { method: 'annotation', labelKey: 'x', installationID: 'mine' }), undefined);
});

test('TRK-5 CRDs get no tracking stamped', () => {
  const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' } } as KubeObject;
  assert.equal(stampTracking(crd, 'app', 'ns').metadata.annotations, undefined);
});

test('TRK-2 TRK-3 pairing: adoption, prune candidates, copies with a foreign id and owned objects are left alone', () => {
  const targets = [cm('kept', 'ns', { a: '1' }), cm('adopted', 'ns', {})];
  const live = [
    cm('kept', 'ns', { a: '1' }, { [TRACKING_ANNOTATION]: 'app:/ConfigMap:ns/kept' }),
    cm('adopted', 'ns', {}),
    cm('gone', 'ns', {}, { [TRACKING_ANNOTATION]: 'app:/ConfigMap:ns/gone' }),
    cm('copy', 'other', {}, { [TRACKING_ANNOTATION]: 'app:/ConfigMap:ns/gone' }),
    { ...cm('owned', 'ns', {}, { [TRACKING_ANNOTATION]: 'app:/ConfigMap:ns/owned' }), metadata: { name: 'owned', namespace: 'ns', annotations: { [TRACKING_ANNOTATION]: 'app:/ConfigMap:ns/owned' }, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: '1' }] } },
    cm('hook', 'ns', {}, { [TRACKING_ANNOTATION]: 'app:/ConfigMap:ns/hook', 'argocd.argoproj.io/hook': 'PreSync' }),
    cm('elsewhere', 'ns', {}, { [TRACKING_ANNOTATION]: 'other:/ConfigMap:ns/elsewhere' }),
  ];
  const pairs = reconcile({ targets, live, appInstance: 'app', destNamespace: 'ns' });
  const by = new Map(pairs.map((p) => [p.key.name, p]));
  assert.ok(by.get('kept')!.live && by.get('kept')!.target);
  assert.ok(by.get('adopted')!.live, 'an untracked object at a target key is adopted');
  assert.equal(by.get('gone')!.requiresPruning, true);
  assert.equal(by.get('copy')!.requiresPruning, false, 'a copy whose id names another object is not pruned');
  assert.equal(by.get('copy')!.selfReferenced, false);
  assert.equal(by.has('owned'), false, 'objects with ownerReferences are not managed');
  assert.equal(by.get('hook')!.requiresPruning, false, 'hooks are never pruned');
  assert.equal(by.has('elsewhere'), false);
});

test('TRK-4 a live object tracked by label compares equal to a target stamped with the annotation', async () => {
  const target = stampTracking(cm('c', 'ns', { a: '1' }), 'app', 'ns');
  const live = cm('c', 'ns', { a: '1' }, {}, { 'app.kubernetes.io/instance': 'app' });
  const d = await diffResource(target, live);
  assert.equal(d.modified, false, d.diff);
  const labelMode = parseArgocdCm({ 'application.resourceTrackingMethod': 'label' });
  assert.equal((await diffResource(target, live, { system: labelMode })).modified, true, 'label mode does not normalise');
});

test('DIF-10 app status: Synced, OutOfSync on change/missing/prune, IgnoreExtraneous does not count, hooks get no status', async () => {
  const app = { name: 'app', destNamespace: 'ns' };
  const synced = await diffAppLive(app, [cm('a', undefined, { k: 'v' })], staticLiveSource([stampTracking(cm('a', 'ns', { k: 'v' }), 'app', 'ns')]));
  assert.equal(synced.status, 'Synced');
  assert.deepEqual(synced.objects.map((o) => [o.name, o.change, o.status]), [['a', 'unchanged', 'Synced']]);

  const extraneous = cm('x', 'ns', {}, { [TRACKING_ANNOTATION]: 'app:/ConfigMap:ns/x', 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' });
  const r = await diffAppLive(app, [cm('a', 'ns', { k: 'v' })], staticLiveSource([stampTracking(cm('a', 'ns', { k: 'v' }), 'app', 'ns'), extraneous]));
  assert.equal(r.status, 'Synced');
  assert.deepEqual(r.objects.find((o) => o.name === 'x')!.change, 'prune');
  assert.equal(r.objects.find((o) => o.name === 'x')!.status, 'OutOfSync');

  const changed = await diffAppLive(app, [cm('a', 'ns', { k: 'new' }), cm('b', 'ns', {})], staticLiveSource([stampTracking(cm('a', 'ns', { k: 'v' }), 'app', 'ns')]));
  assert.equal(changed.status, 'OutOfSync');
  assert.deepEqual(changed.objects.map((o) => [o.name, o.change]), [['a', 'changed'], ['b', 'added']]);
  assert.deepEqual(changed.objects[0]!.fields, ['/data/k']);

  const hook = { ...cm('h', 'ns', {}, { 'argocd.argoproj.io/hook': 'PostSync' }) };
  const withHook = await diffAppLive(app, [cm('a', 'ns', { k: 'v' }), hook], staticLiveSource([stampTracking(cm('a', 'ns', { k: 'v' }), 'app', 'ns')]));
  assert.equal(withHook.status, 'Synced');
  // Hooks have no status and are not differences (`argocd app diff` leaves them out).
  assert.equal(withHook.objects.find((o) => o.name === 'h'), undefined);
});

test('revision diff: added/removed/changed, and a generated ConfigMap whose hash suffix changed is one renamed change', () => {
  const dep = (cmName: string, image: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' }, spec: { template: { spec: { containers: [{ name: 'app', image, envFrom: [{ configMapRef: { name: cmName } }] }] } } } });
  const before = [cm('web-config-7h2kt8g5b9', 'ns', { LEVEL: 'info' }), dep('web-config-7h2kt8g5b9', 'nginx:1'), cm('old', 'ns', {})];
  const after = [cm('web-config-c4d6b8fh9m', 'ns', { LEVEL: 'debug' }), dep('web-config-c4d6b8fh9m', 'nginx:1'), cm('new', 'ns', {})];
  const changes = diffRenders(before, after);
  const summary = changes.map((c) => [c.kind, c.name, c.change, c.previousName ?? '']);
  assert.deepEqual(summary, [
    ['Deployment', 'web', 'changed', ''],
    ['ConfigMap', 'web-config-c4d6b8fh9m', 'renamed', 'web-config-7h2kt8g5b9'],
    ['ConfigMap', 'new', 'added', ''],
    ['ConfigMap', 'old', 'removed', ''],
  ]);
  assert.deepEqual(changes[1]!.fields, ['/data/LEVEL', '/metadata/name']);
  assert.deepEqual(changes[0]!.fields, ['/spec/template/spec/containers/0/envFrom/0/configMapRef/name']);
  assert.match(changes[1]!.diff, /^-  LEVEL: info$/m);
});
