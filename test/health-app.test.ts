import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateAppHealth, HealthChecker, parseHealthOverrides, type ManagedResource } from '../src/engine/health/index.ts';
import { objectKey, type KubeObject } from '../src/engine/kube/index.ts';

const checker = HealthChecker.builtin();

function o(apiVersion: string, kind: string, name: string, rest: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: 'ns', ...(annotations ? { annotations } : {}) }, ...rest };
}
const healthyDeploy = (name: string) =>
  o('apps/v1', 'Deployment', name, { spec: { replicas: 1 }, status: { replicas: 1, updatedReplicas: 1, availableReplicas: 1 } });
const pausedDeploy = (name: string) => o('apps/v1', 'Deployment', name, { spec: { paused: true } });
const failedJob = (name: string) => o('batch/v1', 'Job', name, { status: { conditions: [{ type: 'Failed', message: 'bad' }] } });
const pvcPending = (name: string) => o('v1', 'PersistentVolumeClaim', name, { status: { phase: 'Pending' } });

function live(obj: KubeObject): ManagedResource {
  return { key: objectKey(obj), target: obj, live: obj };
}
function missing(obj: KubeObject): ManagedResource {
  return { key: objectKey(obj), target: obj };
}

test('HLT-14 the worst resource health wins, with the causes in the message', () => {
  const r = aggregateAppHealth([live(healthyDeploy('a')), live(pvcPending('data')), live(pausedDeploy('b'))], checker);
  assert.equal(r.status, 'Progressing');
  assert.equal(r.message, 'Caused by PersistentVolumeClaim:ns/data');
  const worse = aggregateAppHealth([live(pvcPending('data')), live(failedJob('migrate'))], checker);
  assert.equal(worse.status, 'Degraded');
  assert.equal(worse.message, 'Caused by batch/Job:ns/migrate');
});

test('HLT-14 the message lists up to 3 resources with the worst status, then "and N more"', () => {
  const r = aggregateAppHealth(['a', 'b', 'c', 'd', 'e'].map((n) => live(pvcPending(n))), checker);
  assert.equal(r.status, 'Progressing');
  assert.equal(r.message, 'Caused by PersistentVolumeClaim:ns/a, PersistentVolumeClaim:ns/b, PersistentVolumeClaim:ns/c and 2 more');
  assert.equal(aggregateAppHealth([live(healthyDeploy('a'))], checker).message, '');
});

test('HLT-14 since v3.4 a missing resource does not lower app health', () => {
  const r = aggregateAppHealth([live(healthyDeploy('a')), missing(healthyDeploy('b'))], checker);
  assert.equal(r.status, 'Healthy');
  assert.deepEqual(r.resources[1]!.health, { status: 'Missing', message: '' });
});

test('HLT-14 the app is Missing when it has resources and none exists live', () => {
  const r = aggregateAppHealth([missing(healthyDeploy('a')), missing(o('v1', 'ConfigMap', 'cm'))], checker);
  assert.equal(r.status, 'Missing');
  assert.equal(r.message, '');
  assert.equal(aggregateAppHealth([], checker).status, 'Healthy', 'an app without resources is Healthy');
});

test('HLT-14 skipped: Skip targets, live hooks, ignored hooks, ignore-healthcheck, no health check', () => {
  const skip = o('apps/v1', 'Deployment', 's', { spec: { paused: true } }, { 'argocd.argoproj.io/hook': 'Skip' });
  const hook = failedJob('hook');
  hook.metadata.annotations = { 'argocd.argoproj.io/hook': 'PreSync' };
  const helmTest = failedJob('helm-test');
  helmTest.metadata.annotations = { 'helm.sh/hook': 'test' };
  const ignored = o('batch/v1', 'Job', 'ignored', { status: { conditions: [{ type: 'Failed' }] } }, { 'argocd.argoproj.io/ignore-healthcheck': 'true' });
  const cm = o('v1', 'ConfigMap', 'cm');
  const r = aggregateAppHealth([live(skip), live(hook), live(helmTest), live(ignored), live(cm), live(healthyDeploy('a'))], checker);
  assert.equal(r.status, 'Healthy');
  assert.equal(r.resources[4]!.health, undefined, 'a ConfigMap has no health');
});

test('HLT-14 only-skipped resources do not make the app Missing', () => {
  const hook = failedJob('hook');
  hook.metadata.annotations = { 'argocd.argoproj.io/hook': 'PostSync' };
  assert.equal(aggregateAppHealth([{ key: objectKey(hook), live: hook }], checker).status, 'Healthy');
});

test('HLT-14 a child Application that is Missing or Unknown is ignored; the app itself is ignored (APP-1)', () => {
  const overrides = parseHealthOverrides({
    'resource.customizations.health.argoproj.io_Application': 'return {status = obj.status.health.status}',
  });
  return HealthChecker.create(overrides).then((c) => {
    const child = (name: string, status: string) => o('argoproj.io/v1alpha1', 'Application', name, { status: { health: { status } } });
    assert.equal(aggregateAppHealth([live(child('a', 'Unknown')), live(child('b', 'Missing')), live(healthyDeploy('d'))], c).status, 'Healthy');
    assert.equal(aggregateAppHealth([live(child('a', 'Degraded'))], c).status, 'Degraded');
    const self = child('parent', 'Degraded');
    assert.equal(aggregateAppHealth([live(self)], c, { app: { name: 'parent', namespace: 'ns' } }).status, 'Healthy');
  });
});

test('HLT-14 an empty Lua status ranks like Healthy (HLT-1/HLT-13)', async () => {
  const c = await HealthChecker.create(parseHealthOverrides({ 'resource.customizations.health.example.com_X': 'return {}' }));
  const r = aggregateAppHealth([live(o('example.com/v1', 'X', 'x')), live(pausedDeploy('p'))], c);
  assert.equal(r.status, 'Suspended');
  assert.deepEqual(r.resources[0]!.health, { status: '', message: '' });
});
