import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_KINDS, knownKinds, openApiDefinitions, patchMetaFor, ssaListTypeAt, ssaListTypeInSchema, typeMeta } from '../src/engine/kube/index.ts';

test('every built-in kind the sandbox serves has merge metadata', () => {
  const known = new Set(knownKinds('1.32').map((k) => `${k.apiVersion}|${k.kind}`));
  for (const b of BUILTIN_KINDS) {
    const apiVersion = b.group ? `${b.group}/${b.versions[0]}` : b.versions[0]!;
    assert.ok(known.has(`${apiVersion}|${b.kind}`), `${apiVersion} ${b.kind} has no root type`);
  }
  for (const view of ['1.32', '1.21'] as const) for (const k of knownKinds(view)) assert.ok(typeMeta(k.type, view), `${k.type} is defined (${view})`);
});

test('server-side apply list types at the paths users patch most', () => {
  const d = (path: string) => ssaListTypeAt('apps/v1', 'Deployment', path.split('.'));
  assert.deepEqual(d('spec.template.spec.containers'), { shape: 'list', listType: 'map', keys: ['name'] });
  assert.deepEqual(d('spec.template.spec.containers.ports'), { shape: 'list', listType: 'map', keys: ['containerPort', 'protocol'] });
  assert.deepEqual(d('spec.template.spec.containers.env'), { shape: 'list', listType: 'map', keys: ['name'] });
  assert.deepEqual(d('spec.template.spec.containers.volumeMounts'), { shape: 'list', listType: 'map', keys: ['mountPath'] });
  assert.deepEqual(d('spec.template.spec.tolerations'), { shape: 'list', listType: 'atomic', keys: undefined });
  assert.deepEqual(d('metadata.finalizers'), { shape: 'list', listType: 'set', keys: undefined });
  assert.deepEqual(d('metadata.ownerReferences'), { shape: 'list', listType: 'map', keys: ['uid'] });
  assert.deepEqual(d('spec.template.spec.nodeSelector'), { shape: 'map', mapType: 'atomic' });
  assert.deepEqual(d('spec.selector'), { shape: 'object', mapType: 'atomic' });
  assert.deepEqual(ssaListTypeAt('v1', 'Service', ['spec', 'ports']), { shape: 'list', listType: 'map', keys: ['port', 'protocol'] });
  assert.deepEqual(ssaListTypeAt('batch/v1', 'CronJob', 'spec.jobTemplate.spec.template.spec.initContainers'.split('.')), { shape: 'list', listType: 'map', keys: ['name'] });
  assert.deepEqual(ssaListTypeAt('rbac.authorization.k8s.io/v1', 'ClusterRole', ['rules']), { shape: 'list', listType: 'atomic', keys: undefined });
  assert.equal(ssaListTypeAt('example.com/v1', 'Widget', ['spec']), undefined, 'custom resources are not in the table');
});

test('strategic merge metadata differs from server-side apply where Kubernetes says so', () => {
  const ports = patchMetaFor('v1', 'Service')!.field('spec')!.field('ports')!;
  assert.equal(ports.meta?.patchMergeKey, 'port', 'strategic merge keys Service ports by port only');
  assert.deepEqual(ports.meta?.listMapKeys, ['port', 'protocol']);
  const strategy = patchMetaFor('apps/v1', 'Deployment')!.field('spec')!.field('strategy')!;
  assert.equal(strategy.meta?.patchStrategy, 'retainKeys');
  assert.equal(patchMetaFor('autoscaling/v2', 'HorizontalPodAutoscaler', '1.21'), undefined, 'kustomize\u2019s v1.21.2 schema has no autoscaling/v2');
  assert.ok(patchMetaFor('batch/v1beta1', 'CronJob', '1.21'));
  assert.equal(patchMetaFor('v1', 'Pod', '1.21')!.field('spec')!.field('schedulingGates'), undefined, 'schedulingGates is newer than 1.21');
});

test('the OpenAPI form carries the extensions and GVKs', () => {
  const defs = openApiDefinitions();
  const podSpec = defs.PodSpec as { properties: Record<string, Record<string, unknown>> };
  assert.equal(podSpec.properties.containers!['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(podSpec.properties.containers!['x-kubernetes-list-type'], 'map');
  assert.deepEqual((defs.Deployment as Record<string, unknown>)['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
});

test('server-side apply list types inside a CRD schema', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          routes: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { hosts: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } } } },
          tags: { type: 'array', items: { type: 'string' } },
          selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
        },
      },
    },
  };
  assert.deepEqual(ssaListTypeInSchema(schema, ['spec', 'routes']), { shape: 'list', listType: 'map', keys: ['name'] });
  assert.deepEqual(ssaListTypeInSchema(schema, ['spec', 'routes', 'hosts']), { shape: 'list', listType: 'set', keys: undefined });
  assert.deepEqual(ssaListTypeInSchema(schema, ['spec', 'tags']), { shape: 'list', listType: 'atomic', keys: undefined });
  assert.deepEqual(ssaListTypeInSchema(schema, ['spec', 'selector']), { shape: 'map', mapType: 'atomic' });
  const v3 = openApiDefinitions('1.32', '#/components/schemas/');
  assert.equal(((v3.PodSpec as { properties: Record<string, { items: { $ref: string } }> }).properties.containers!.items.$ref), '#/components/schemas/Container');
});
