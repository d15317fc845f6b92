import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, Sandbox } from '../src/engine/sandbox/index.ts';
import { configMap, deployment } from './sandbox/fixtures.ts';

const T0 = '2025-01-01T00:00:00Z';
const sandbox = () => new Sandbox({ seed: 7, startTime: T0 });

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('expected an ApiError');
}

test('create fills uid, resourceVersion, generation (only for kinds that track it), creationTimestamp and managedFields', () => {
  const sb = sandbox();
  const d = sb.create(deployment('web'), { fieldManager: 'kubectl-create' });
  assert.match(String(d.metadata.uid), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(String(d.metadata.resourceVersion), /^\d+$/);
  assert.equal(d.metadata.generation, 1);
  assert.equal(d.metadata.creationTimestamp, T0);
  assert.equal(d.metadata.managedFields?.[0].manager, 'kubectl-create');
  assert.equal(d.metadata.managedFields?.[0].operation, 'Update');
  const cm = sb.create(configMap('c', { a: '1' }));
  assert.equal(cm.metadata.generation, undefined, 'ConfigMaps have no generation');
  const rv1 = Number(d.metadata.resourceVersion);
  assert.ok(Number(cm.metadata.resourceVersion) > rv1, 'resourceVersion grows with every write');
});

test('the API server defaults what a real one defaults, so get -o yaml shows the same fields', () => {
  const sb = sandbox();
  const d = sb.create(deployment('web'));
  const spec = d.spec as any;
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.template.metadata.creationTimestamp, null);
  const c = spec.template.spec.containers[0];
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.ports[0].protocol, 'TCP');
  assert.equal(spec.template.spec.dnsPolicy, 'ClusterFirst');
  const svc = sb.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } });
  assert.match(String((svc.spec as any).clusterIP), /^10\.96\.\d+\.\d+$/);
  assert.equal((svc.spec as any).ports[0].targetPort, 80);
  assert.equal((svc.spec as any).type, 'ClusterIP');
  const secret = sb.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } });
  assert.deepEqual(secret.data, { k: Buffer.from('v').toString('base64') });
  assert.equal(secret.stringData, undefined);
  assert.equal(secret.type, 'Opaque');
});

test('generation is bumped by spec changes only, not by metadata or status', () => {
  const sb = sandbox();
  let d = sb.create(deployment('web'));
  d = sb.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }, { metadata: { labels: { tier: 'a' } } }, 'merge');
  assert.equal(d.metadata.generation, 1);
  d = sb.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }, { spec: { replicas: 5 } }, 'merge');
  assert.equal(d.metadata.generation, 2);
  d = sb.updateStatus({ ...d, status: { replicas: 9 } });
  assert.equal(d.metadata.generation, 2);
  assert.equal((d.status as any).replicas, 9);
});

test('a namespaced object needs its Namespace; a cluster-scoped one loses the namespace it was given', () => {
  const sb = sandbox();
  const e = apiError(() => sb.create(configMap('c', {}, 'nowhere')));
  assert.equal(e.code, 404);
  assert.equal(e.status.message, 'namespaces "nowhere" not found');
  const ns = sb.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', namespace: 'default' } });
  assert.equal(ns.metadata.namespace, undefined);
  assert.equal(ns.metadata.labels?.['kubernetes.io/metadata.name'], 'team');
  assert.equal(sb.create(configMap('c', {}, 'team')).metadata.namespace, 'team');
});

test('errors carry the Status a real API server returns: NotFound, AlreadyExists, Conflict, Invalid', () => {
  const sb = sandbox();
  const nf = apiError(() => sb.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nope' }));
  assert.deepEqual([nf.code, nf.reason, nf.status.message], [404, 'NotFound', 'deployments.apps "nope" not found']);
  assert.deepEqual(nf.status.details, { name: 'nope', group: 'apps', kind: 'deployments' });
  const d = sb.create(deployment('web'));
  const ae = apiError(() => sb.create(deployment('web')));
  assert.deepEqual([ae.code, ae.reason, ae.status.message], [409, 'AlreadyExists', 'deployments.apps "web" already exists']);
  sb.patch({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, { spec: { replicas: 3 } }, 'merge');
  const stale = apiError(() => sb.update(d));
  assert.equal(stale.code, 409);
  assert.equal(stale.reason, 'Conflict');
  assert.equal(stale.status.message, 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
  const bad = deployment('bad');
  (bad.spec as any).template.metadata.labels = { app: 'other' };
  const inv = apiError(() => sb.create(bad));
  assert.equal(inv.code, 422);
  assert.equal(inv.reason, 'Invalid');
  assert.match(inv.status.message ?? '', /^Deployment\.apps "bad" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
  assert.equal(inv.status.details?.causes?.[0].field, 'spec.template.metadata.labels');
  const noKind = apiError(() => sb.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }));
  assert.equal(noKind.noKindMatch, true);
  assert.equal(noKind.status.message, 'no matches for kind "Widget" in version "example.com/v1"');
});

test('immutable fields are refused: a Deployment selector, a Job template, a Service clusterIP', () => {
  const sb = sandbox();
  sb.create(deployment('web'));
  const e = apiError(() =>
    sb.patch({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, { spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } } } } }, 'merge'),
  );
  assert.equal(e.code, 422);
  assert.match(e.status.message ?? '', /spec\.selector: Invalid value: .*field is immutable/);
  sb.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
  const je = apiError(() => sb.patch({ apiVersion: 'batch/v1', kind: 'Job', name: 'j' }, { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } }, 'strategic'));
  assert.equal(je.code, 422);
  assert.match(je.status.message ?? '', /spec\.template: Invalid value: .*field is immutable/);
  const svc = sb.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } });
  const se = apiError(() => sb.patch({ apiVersion: 'v1', kind: 'Service', name: 's' }, { spec: { clusterIP: '10.96.9.9' } }, 'merge'));
  assert.equal(se.code, 422);
  assert.match(se.status.message ?? '', /may not change once set/);
  assert.ok((svc.spec as any).clusterIP);
});

test('label and field selectors filter lists; limit and continue page through them', () => {
  const sb = sandbox();
  for (const [n, tier] of [['a', 'web'], ['b', 'db'], ['c', 'web']]) sb.create({ ...configMap(n, {}), metadata: { name: n, namespace: 'default', labels: { tier } } });
  const names = (opts: object) => sb.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, opts).items.map((i) => i.metadata.name).filter((n) => n !== 'kube-root-ca.crt');
  assert.deepEqual(names({ labelSelector: 'tier=web' }), ['a', 'c']);
  assert.deepEqual(names({ labelSelector: 'tier in (db,cache)' }), ['b']);
  assert.deepEqual(names({ labelSelector: 'tier!=web' }), ['b']);
  assert.deepEqual(names({ labelSelector: '!tier' }), []);
  assert.deepEqual(names({ fieldSelector: 'metadata.name=b' }), ['b']);
  const e = apiError(() => names({ fieldSelector: 'data.x=1' }));
  assert.deepEqual([e.code, e.status.message], [400, 'field label not supported: data.x']);
  const page1 = sb.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, { limit: 2 });
  assert.equal(page1.items.length, 2);
  assert.ok(page1.metadata.continue);
  const page2 = sb.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, { limit: 2, continue: page1.metadata.continue });
  assert.equal(page2.items.length, 2);
  assert.equal(page2.metadata.continue, undefined);
  const all = sb.list({ apiVersion: 'v1', kind: 'ConfigMap' });
  assert.ok(all.items.some((i) => i.metadata.namespace === 'kube-system'), 'no namespace lists across namespaces');
});

test('JSON patch, JSON merge patch and strategic merge patch each do what the API server does', () => {
  const sb = sandbox();
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
  sb.create(deployment('web'));
  let d = sb.patch(ref, [{ op: 'replace', path: '/spec/replicas', value: 4 }, { op: 'add', path: '/metadata/labels', value: { a: 'b' } }], 'json');
  assert.equal((d.spec as any).replicas, 4);
  assert.deepEqual(d.metadata.labels, { a: 'b' });
  d = sb.patch(ref, { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } } }, 'merge');
  assert.deepEqual((d.spec as any).template.spec.containers.map((c: any) => c.name), ['sidecar'], 'a merge patch replaces lists');
  d = sb.patch(ref, { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } }, 'strategic');
  assert.deepEqual((d.spec as any).template.spec.containers.map((c: any) => c.name), ['app', 'sidecar'], 'a strategic merge patch merges containers by name');
  d = sb.patch(ref, { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }, 'strategic');
  assert.deepEqual((d.spec as any).template.spec.containers.map((c: any) => c.name), ['app']);
  assert.equal((d.spec as any).template.spec.containers[0].image, 'nginx:1.28');
  const failed = apiError(() => sb.patch(ref, [{ op: 'test', path: '/spec/replicas', value: 99 }], 'json'));
  assert.equal(failed.code, 422);
  sb.advance(0);
  const crd = sb.create(widgetCRD());
  assert.ok(crd);
  sb.advance(0);
  sb.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } });
  const smp = apiError(() => sb.patch({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' }, { spec: { size: 2 } }, 'strategic'));
  assert.equal(smp.code, 415, 'custom resources do not take strategic merge patches');
  assert.equal((sb.patch({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' }, { spec: { size: 2 } }, 'merge').spec as any).size, 2);
});

export function widgetCRD(): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', shortNames: ['wd'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    size: { type: 'integer', default: 1, minimum: 0 },
                    color: { type: 'string', enum: ['red', 'blue'] },
                    tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
                  },
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

test('server-side apply: create, shared ownership, conflicts, force, and removal of fields a manager stops applying', () => {
  const sb = sandbox();
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
  const mine = deployment('web', { replicas: 2 });
  (mine.metadata as any).labels = { team: 'a', owner: 'me' };
  let d = sb.apply(mine, { fieldManager: 'argocd' });
  assert.equal(d.metadata.managedFields?.length, 1);
  assert.equal(d.metadata.managedFields?.[0].operation, 'Apply');
  // The same value from another applier: shared, no conflict.
  sb.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }, { fieldManager: 'other' });
  // A different value: conflict, with the Status kubectl prints.
  const e = apiError(() => sb.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } }, { fieldManager: 'hpa-ish' }));
  assert.equal(e.code, 409);
  assert.equal(e.status.message, 'Apply failed with 2 conflicts: conflicts with "argocd":\n- .spec.replicas\nconflicts with "other":\n- .spec.replicas');
  assert.deepEqual(e.status.details?.causes?.map((c) => [c.reason, c.field]), [['FieldManagerConflict', '.spec.replicas'], ['FieldManagerConflict', '.spec.replicas']]);
  d = sb.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } }, { fieldManager: 'hpa-ish', force: true });
  assert.equal((d.spec as any).replicas, 5);
  const owners = (path: (f: any) => boolean) => (d.metadata.managedFields ?? []).filter((m) => path(m.fieldsV1)).map((m) => m.manager).sort();
  assert.deepEqual(owners((f) => f?.['f:spec']?.['f:replicas']), ['hpa-ish'], 'force takes the field from every other manager');
  // argocd stops applying the `owner` label: it goes; `team` stays.
  const next = deployment('web', { replicas: 2 });
  (next.metadata as any).labels = { team: 'a' };
  delete (next.spec as any).replicas;
  d = sb.apply(next, { fieldManager: 'argocd' });
  assert.deepEqual(d.metadata.labels, { team: 'a' });
  assert.equal((d.spec as any).replicas, 5, 'a field another manager owns is kept');
  // Dropping the container port removes it; dropping replicas (owned elsewhere) does not.
  const c = sb.get(ref);
  assert.deepEqual((c.spec as any).template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
  const noPorts = deployment('web');
  (noPorts.metadata as any).labels = { team: 'a' };
  delete (noPorts.spec as any).replicas;
  delete (noPorts.spec as any).template.spec.containers[0].ports;
  d = sb.apply(noPorts, { fieldManager: 'argocd' });
  assert.equal((d.spec as any).template.spec.containers[0].ports, undefined);
  // A no-op apply does not write.
  const rv = d.metadata.resourceVersion;
  assert.equal(sb.apply(noPorts, { fieldManager: 'argocd' }).metadata.resourceVersion, rv);
});

test('server-side apply merges keyed lists by key and keeps other managers\' items, in a custom resource too', () => {
  const sb = sandbox();
  sb.create(widgetCRD());
  sb.advance(0);
  const ref = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' };
  sb.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { tags: [{ name: 'a', value: '1' }] } }, { fieldManager: 'one' });
  sb.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { tags: [{ name: 'b', value: '2' }] } }, { fieldManager: 'two' });
  assert.deepEqual((sb.get(ref).spec as any).tags, [{ name: 'a', value: '1' }, { name: 'b', value: '2' }]);
  sb.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} }, { fieldManager: 'one' });
  assert.deepEqual((sb.get(ref).spec as any).tags, [{ name: 'b', value: '2' }]);
  assert.equal((sb.get(ref).spec as any).size, 1, 'structural defaults apply');
  const e = apiError(() => sb.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { bogus: 1 } }, { fieldManager: 'one', fieldValidation: 'Strict' }));
  assert.deepEqual([e.code, e.status.message], [400, '.spec.bogus: field not declared in schema']);
  sb.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { bogus: 1 } }, { fieldManager: 'one' });
  assert.equal((sb.get(ref).spec as any).bogus, undefined, 'unknown fields are pruned');
  const inv = apiError(() => sb.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'green' } }, { fieldManager: 'one' }));
  assert.equal(inv.code, 422);
  assert.match(inv.status.message ?? '', /spec\.color: Unsupported value: "green": supported values: "red", "blue"/);
});

test('dryRun=All runs every write without storing anything', () => {
  const sb = sandbox();
  const rv0 = sb.api.store.rv;
  const d = sb.create(deployment('web'), { dryRun: true });
  assert.equal((d.spec as any).revisionHistoryLimit, 10, 'a dry run returns the defaulted object');
  assert.equal(sb.tryGet({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }), undefined);
  sb.create(deployment('web'));
  const rv1 = sb.api.store.rv;
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
  assert.equal((sb.patch(ref, { spec: { replicas: 7 } }, 'merge', { dryRun: true }).spec as any).replicas, 7);
  assert.equal((sb.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 8 } }, { fieldManager: 'x', dryRun: true, force: true }).spec as any).replicas, 8);
  assert.equal(sb.delete(ref, { dryRun: true }).deleted, true);
  assert.equal((sb.get(ref).spec as any).replicas, 2);
  assert.equal(sb.api.store.rv, rv1);
  assert.ok(rv1 > rv0);
});

test('finalizers hold a deleted object with a deletionTimestamp until they are removed', () => {
  const sb = sandbox();
  sb.create({ ...configMap('held', { a: '1' }), metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/keep'] } });
  const r = sb.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'held' });
  assert.equal(r.deleted, false);
  const held = sb.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'held' });
  assert.equal(held.metadata.deletionTimestamp, T0);
  const e = apiError(() => sb.update({ ...held, metadata: { ...held.metadata, finalizers: ['example.com/keep', 'example.com/more'] } }));
  assert.equal(e.code, 422, 'no new finalizers on a deleting object');
  sb.update({ ...held, metadata: { ...held.metadata, finalizers: [] } });
  assert.equal(sb.tryGet({ apiVersion: 'v1', kind: 'ConfigMap', name: 'held' }), undefined);
});

test('garbage collection follows ownerReferences: background, foreground and orphan propagation', () => {
  const sb = sandbox();
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
  const pods = () => sb.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }).items;
  const rss = () => sb.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'default' }).items;
  // Background: the owner goes at once, dependents after it.
  sb.create(deployment('web'));
  sb.advance(5000);
  assert.equal(pods().length, 2);
  sb.delete(ref, { propagationPolicy: 'Background' });
  assert.equal(sb.tryGet(ref), undefined);
  sb.advance(0);
  assert.equal(rss().length, 0);
  sb.advance(2000);
  assert.equal(pods().length, 0, 'pods go after their grace period');
  // Foreground: the owner waits, with a deletionTimestamp and the foregroundDeletion finalizer.
  sb.create(deployment('web'));
  sb.advance(5000);
  sb.delete(ref, { propagationPolicy: 'Foreground' });
  const waiting = sb.get(ref);
  assert.ok(waiting.metadata.deletionTimestamp);
  assert.deepEqual(waiting.metadata.finalizers, ['foregroundDeletion']);
  sb.advance(0);
  assert.ok(sb.tryGet(ref), 'still there while its pods terminate');
  sb.advance(3000);
  assert.equal(sb.tryGet(ref), undefined);
  assert.equal(rss().length + pods().length, 0);
  // Orphan: dependents stay, without the owner reference.
  sb.create(deployment('web'));
  sb.advance(5000);
  sb.delete(ref, { propagationPolicy: 'Orphan' });
  sb.advance(0);
  assert.equal(sb.tryGet(ref), undefined);
  assert.equal(rss().length, 1);
  assert.equal(rss()[0].metadata.ownerReferences, undefined);
  assert.equal(pods().length, 2);
});

test('a Job deleted without a propagation policy orphans its pods, as batch/v1 does', () => {
  const sb = sandbox();
  sb.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
  sb.advance(100);
  assert.equal(sb.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }).items.length, 1);
  sb.delete({ apiVersion: 'batch/v1', kind: 'Job', name: 'j' });
  sb.advance(5000);
  assert.equal(sb.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }).items.length, 1);
});

test('a deleted Namespace is Terminating until everything in it is gone, and refuses new content meanwhile', () => {
  const sb = sandbox();
  sb.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  sb.advance(0);
  sb.create(deployment('web', { ns: 'team' }));
  sb.create(configMap('c', {}, 'team'));
  sb.advance(5000);
  sb.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'team' });
  const ns = sb.get({ apiVersion: 'v1', kind: 'Namespace', name: 'team' });
  assert.equal((ns.status as any).phase, 'Terminating');
  const e = apiError(() => sb.create(configMap('d', {}, 'team')));
  assert.equal(e.code, 403);
  assert.equal(e.status.message, 'configmaps "d" is forbidden: unable to create new content in namespace team because it is being terminated');
  sb.advance(0);
  assert.ok(sb.tryGet({ apiVersion: 'v1', kind: 'Namespace', name: 'team' }), 'waits for pods to terminate');
  sb.advance(3000);
  assert.equal(sb.tryGet({ apiVersion: 'v1', kind: 'Namespace', name: 'team' }), undefined);
  assert.equal(sb.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'team' }).items.length, 0);
});

test('a custom resource is refused until its CRD is Established, then served with discovery, defaults and pruning; deleting the CRD deletes its resources', () => {
  const sb = sandbox();
  sb.create(widgetCRD());
  const early = apiError(() => sb.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }));
  assert.equal(early.noKindMatch, true);
  sb.advance(0);
  const crd = sb.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'widgets.example.com' });
  assert.ok((crd.status as any).conditions.some((c: any) => c.type === 'Established' && c.status === 'True'));
  assert.deepEqual(crd.metadata.finalizers, ['customresourcecleanup.apiextensions.k8s.io']);
  assert.ok(sb.resourceTypes().some((t) => t.group === 'example.com' && t.plural === 'widgets' && t.shortNames.includes('wd')));
  const w = sb.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'red', unknown: true }, status: { ok: true } });
  assert.deepEqual(w.spec, { color: 'red', size: 1 });
  assert.equal(w.status, undefined, 'status goes through the status subresource');
  assert.equal(w.metadata.generation, 1);
  sb.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'widgets.example.com' });
  sb.advance(1000);
  assert.equal(sb.tryGet({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'widgets.example.com' }), undefined);
  assert.ok(!sb.resourceTypes().some((t) => t.group === 'example.com'));
});

test('watch delivers events after a resourceVersion, and answers 410 Expired when that history is gone', () => {
  const sb = new Sandbox({ seed: 1, startTime: T0, watchHistory: 100 });
  const rv = String(sb.api.store.rv);
  sb.create(configMap('a', { x: '1' }));
  const seen: string[] = [];
  const stop = sb.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, { resourceVersion: rv }, (e) => seen.push(`${e.type} ${e.object.metadata.name}`));
  sb.patch({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a' }, { data: { x: '2' } }, 'merge');
  sb.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a' });
  stop();
  sb.create(configMap('b', {}));
  assert.deepEqual(seen, ['ADDED a', 'MODIFIED a', 'DELETED a']);
  const labelled: string[] = [];
  const stop2 = sb.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, { labelSelector: 'w=1' }, (e) => labelled.push(`${e.type} ${e.object.metadata.name}`));
  sb.patch({ apiVersion: 'v1', kind: 'ConfigMap', name: 'b' }, { metadata: { labels: { w: '1' } } }, 'merge');
  sb.patch({ apiVersion: 'v1', kind: 'ConfigMap', name: 'b' }, { metadata: { labels: { w: '2' } } }, 'merge');
  stop2();
  assert.deepEqual(labelled, ['ADDED b', 'DELETED b'], 'objects moving in and out of a selector are added and deleted');
  for (let i = 0; i < 200; i++) sb.patch({ apiVersion: 'v1', kind: 'ConfigMap', name: 'b' }, { data: { n: String(i) } }, 'merge');
  const e = apiError(() => sb.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { resourceVersion: rv }, () => undefined));
  assert.equal(e.code, 410);
  assert.equal(e.reason, 'Expired');
});
