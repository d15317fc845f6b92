import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { diffResource, stopJq } from '../src/engine/diff/index.ts';
import { applySchemeDefaults } from '../src/engine/diff/scheme-defaults.ts';
import { Sandbox } from '../src/engine/sandbox/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

after(() => stopJq());

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function deployment(spec: Record<string, unknown>, container: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      ...spec,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ...container }] } },
    },
  };
}

/** Live as a client-side `kubectl apply` of `applied` leaves it: the server's defaults plus the last-applied annotation. */
function appliedLive(applied: KubeObject): KubeObject {
  const sb = new Sandbox({ seed: 1 });
  sb.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, { fieldManager: 'test' });
  const withAnnotation = structuredClone(applied);
  withAnnotation.metadata.annotations = { ...(withAnnotation.metadata.annotations ?? {}), [LAST_APPLIED]: JSON.stringify(applied) };
  return sb.create(withAnnotation, { fieldManager: 'kubectl-client-side-apply' });
}

test('DIF-2 scheme defaults: a field dropped from git that the API server defaults back to the same value is no change', () => {
  const before = deployment({ replicas: 1, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }, { imagePullPolicy: 'IfNotPresent' });
  const live = appliedLive(before);
  const git = deployment({});
  const d = diffResource(git as never, live as never);
  assert.equal(d.mode, 'three-way');
  assert.equal(d.modified, false, d.diff);
  assert.deepEqual(d.fields, []);
});

test('DIF-2 scheme defaults: a dropped field whose value differs from the default changes to the default, and the diff says so', () => {
  const before = deployment({ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2 } } }, { imagePullPolicy: 'Always' });
  const live = appliedLive(before);
  const d = diffResource(deployment({}) as never, live as never);
  assert.equal(d.modified, true);
  assert.deepEqual(d.fields, ['/spec/replicas', '/spec/strategy/rollingUpdate/maxSurge', '/spec/template/spec/containers/0/imagePullPolicy']);
  assert.match(d.diff, /^-  replicas: 3$/m);
  assert.match(d.diff, /^\+  replicas: 1$/m);
  assert.match(d.diff, /^\+ +imagePullPolicy: IfNotPresent$/m);
});

test('DIF-2 scheme defaults are applied to live too: a live copy without them still matches git', () => {
  // A hand-written live Service (no server defaults), as a dump or another tool may give it.
  const git: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
  const live = structuredClone(git);
  live.metadata.annotations = { [LAST_APPLIED]: JSON.stringify({ ...git, spec: { ...(git.spec as object), ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] } }) };
  const d = diffResource(git as never, live as never);
  assert.equal(d.modified, false, d.diff);
  const shown = d.normalizedLive as { spec: { ports: Record<string, unknown>[]; type: string; sessionAffinity: string } };
  assert.deepEqual(shown.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.equal(shown.spec.type, 'ClusterIP');
  assert.equal(shown.spec.sessionAffinity, 'None');
});

test('DIF-2 custom resources get no scheme defaults: a field dropped from git shows as removed', () => {
  const cr = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' }, spec });
  const live = cr({ size: 1, replicas: 1 });
  live.metadata.annotations = { [LAST_APPLIED]: JSON.stringify(cr({ size: 1, replicas: 1 })) };
  const d = diffResource(cr({ size: 1 }) as never, live as never);
  assert.equal(d.modified, true);
  assert.deepEqual(d.fields, ['/spec/replicas']);
});

test('DIF-2 our scheme defaults add nothing the sandbox API server does not set itself', () => {
  const sb = new Sandbox({ seed: 1 });
  sb.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, { fieldManager: 'test' });
  const objects: KubeObject[] = [
    deployment({}, { ports: [{ containerPort: 80 }], env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], readinessProbe: { httpGet: { port: 80 } } }),
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }], volumes: [{ name: 'cfg', configMap: { name: 'x' } }] } } } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:latest' }] } } } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'shop' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox' }] } } } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop' }, spec: { schedule: '0 1 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox:1' }] } } } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8443 }] } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' }, data: { k: 'dg==' } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] } },
  ];
  for (const o of objects) {
    const live = sb.create(structuredClone(o), { fieldManager: 'test' });
    const defaulted = applySchemeDefaults(structuredClone(live) as never);
    assert.deepEqual(defaulted, live, `${o.kind}: a scheme default the API server did not set`);
    // And the defaults we fill in on the git object are what the server stored.
    const mine = applySchemeDefaults(structuredClone(o) as never) as KubeObject;
    const pick = (x: KubeObject) => JSON.stringify((x as { spec?: unknown }).spec ?? (x as { type?: unknown }).type);
    const serverSpec = JSON.parse(pick(live));
    const mineSpec = JSON.parse(pick(mine));
    assert.deepEqual(subset(mineSpec, serverSpec), true, `${o.kind}: our default differs from the server's`);
  }
});

/** Every field of `a` is in `b` with the same value (lists compared item by item). */
function subset(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => subset(x, b[i]));
  if (a && typeof a === 'object') return !!b && typeof b === 'object' && Object.entries(a).every(([k, v]) => subset(v, (b as Record<string, unknown>)[k]));
  return a === b;
}

test('DIF-1 a diff never changes the objects it is given (tracking normalisation, managed-field rules, defaults, quantities)', () => {
  const git = deployment({}, { resources: { requests: { cpu: '0.5' } } });
  git.metadata.annotations = { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/web' };
  const live = appliedLive(deployment({ replicas: 3 }, { resources: { requests: { cpu: '500m' } } }));
  live.metadata.labels = { 'app.kubernetes.io/instance': 'shop' };
  const before = JSON.stringify([git, live]);
  diffResource(git as never, live as never);
  diffResource(git as never, live as never, { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', managedFieldsManagers: ['kubectl-client-side-apply'] }] });
  diffResource(git as never, live as never, { serverSideApply: true });
  assert.equal(JSON.stringify([git, live]), before);
});
