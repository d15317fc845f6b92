/**
 * The scenario of the kubectl suite through @kubernetes/client-node, the client the real-cluster path uses, against
 * the sandbox served in process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { Sandbox, SandboxServer } from '../src/engine/sandbox/index.ts';
import { deployment } from './sandbox/fixtures.ts';

function errCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

function errStatus(e: unknown): { reason?: string; message?: string; code?: number } {
  const body = (e as { body?: unknown }).body;
  return typeof body === 'string' ? JSON.parse(body) : (body as object);
}

describe('@kubernetes/client-node against the sandbox', () => {
  // Pods take 20 virtual seconds to terminate (0.4 s of wall time at this speed), so foreground deletion is seen.
  const sb = new Sandbox({ seed: 3, simulation: { podTerminationMs: 20000 } });
  const server = new SandboxServer(sb, { speed: 50 });
  let kc: KubeConfig;
  let objects: KubernetesObjectApi;

  before(async () => {
    await server.start();
    kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    objects = KubernetesObjectApi.makeApiClient(kc);
  });
  after(async () => {
    await server.stop();
  });

  const waitFor = async (check: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  it('creates a multi-kind set of objects and reads them back defaulted', async () => {
    await objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    await objects.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'shop' }, data: { greeting: 'hello' } } as KubernetesObject);
    await objects.create(deployment('web', { ns: 'shop' }) as KubernetesObject);
    await objects.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } as KubernetesObject);
    const apps = kc.makeApiClient(AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
    assert.equal(d.spec?.progressDeadlineSeconds, 600);
    assert.equal(d.spec?.template.spec?.containers[0].terminationMessagePath, '/dev/termination-log');
    assert.equal(d.metadata?.generation, 1);
    await waitFor(async () => ((await apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' })).status?.availableReplicas ?? 0) === 2, 'the Deployment to become available');
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' });
    assert.equal(pods.items.length, 2);
    assert.ok(pods.items.every((p) => p.status?.phase === 'Running'));
  });

  it('applies server-side with a field manager, and patches with merge, JSON and strategic patches', async () => {
    const applied = await objects.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 3 } } as KubernetesObject,
      undefined,
      undefined,
      'client-node-test',
      true,
      PatchStrategy.ServerSideApply,
    );
    assert.equal((applied as { spec: { replicas: number } }).spec.replicas, 3);
    assert.ok(applied.metadata?.managedFields?.some((m) => m.manager === 'client-node-test' && m.operation === 'Apply'));
    const merged = await objects.patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'shop' }, data: { extra: 'x' } } as KubernetesObject, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    assert.deepEqual((merged as { data: object }).data, { greeting: 'hello', extra: 'x' });
    const apps = kc.makeApiClient(AppsV1Api);
    const j = await apps.patchNamespacedDeployment({ name: 'web', namespace: 'shop', body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] });
    assert.equal(j.spec?.replicas, 2);
    const smp = await objects.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } } as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.StrategicMergePatch,
    );
    const cs = (smp as { spec: { template: { spec: { containers: { name: string; image: string; ports?: unknown[] }[] } } } }).spec.template.spec.containers;
    assert.deepEqual(cs.map((c) => [c.name, c.image]), [['app', 'nginx:1.28']]);
    assert.ok(cs[0].ports?.length, 'the strategic merge kept the container ports');
  });

  it('reports errors as Status objects with the real codes', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    try {
      await apps.readNamespacedDeployment({ name: 'missing', namespace: 'shop' });
      assert.fail('expected 404');
    } catch (e) {
      assert.equal(errCode(e), 404);
      assert.deepEqual([errStatus(e).reason, errStatus(e).message], ['NotFound', 'deployments.apps "missing" not found']);
    }
    const current = await apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
    await apps.patchNamespacedDeployment({ name: 'web', namespace: 'shop', body: [{ op: 'replace', path: '/spec/replicas', value: 1 }] });
    try {
      await apps.replaceNamespacedDeployment({ name: 'web', namespace: 'shop', body: current });
      assert.fail('expected 409');
    } catch (e) {
      assert.equal(errCode(e), 409);
      assert.equal(errStatus(e).reason, 'Conflict');
    }
    try {
      await objects.create(deployment('web', { ns: 'shop' }) as KubernetesObject);
      assert.fail('expected 409');
    } catch (e) {
      assert.equal(errStatus(e).reason, 'AlreadyExists');
    }
  });

  it('watches: an update arrives as a MODIFIED event', async () => {
    const watch = new Watch(kc);
    const seen: string[] = [];
    const list = await kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: 'shop' });
    const ctl = await watch.watch('/api/v1/namespaces/shop/configmaps', { resourceVersion: list.metadata?.resourceVersion }, (type, obj) => seen.push(`${type} ${obj.metadata.name} ${obj.data?.greeting}`), () => undefined);
    try {
      await objects.patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'shop' }, data: { greeting: 'watched' } } as KubernetesObject, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
      await waitFor(async () => seen.includes('MODIFIED web-config watched'), 'the watch event');
    } finally {
      ctl.abort();
    }
  });

  it('deletes in the foreground: the Deployment waits for its ReplicaSets, then goes', async () => {
    await objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }, undefined, undefined, undefined, undefined, 'Foreground');
    const apps = kc.makeApiClient(AppsV1Api);
    const waiting = await apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
    assert.ok(waiting.metadata?.deletionTimestamp);
    assert.deepEqual(waiting.metadata?.finalizers, ['foregroundDeletion']);
    await waitFor(async () => {
      try {
        await apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
        return false;
      } catch (e) {
        return errCode(e) === 404;
      }
    }, 'the foreground deletion');
    assert.equal((await apps.listNamespacedReplicaSet({ namespace: 'shop' })).items.length, 0);
  });

  it('discovers a CRD once established and serves its custom resources', async () => {
    await objects.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Gadget', plural: 'gadgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } } } } }] },
    } as KubernetesObject);
    let created: KubernetesObject | undefined;
    await waitFor(async () => {
      try {
        created = await objects.create({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'shop' }, spec: { n: 1 } } as KubernetesObject);
        return true;
      } catch {
        return false;
      }
    }, 'the CRD to be established');
    assert.equal(created?.metadata?.name, 'g');
    const list = await objects.list('example.com/v1', 'Gadget', 'shop');
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ['g']);
  });
});
