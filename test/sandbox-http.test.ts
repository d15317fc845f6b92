/**
 * The HTTP front at the protocol level: discovery and OpenAPI documents, Tables, and bad input answered with the
 * status codes and Status objects of a real API server — after which the server keeps serving.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox, SandboxServer } from '../src/engine/sandbox/index.ts';
import { deployment } from './sandbox/fixtures.ts';

describe('the sandbox HTTP API', () => {
  const sb = new Sandbox({ seed: 5 });
  const server = new SandboxServer(sb, { speed: 1 });
  let base = '';

  before(async () => {
    base = await server.start();
    sb.create(deployment('web'));
    sb.advance(5000);
  });
  after(async () => {
    await server.stop();
  });

  const req = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${base}${path}`, { method, body, headers });
    const text = await r.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, json, text, headers: r.headers };
  };
  const alive = async () => assert.equal((await req('GET', '/version')).json.gitVersion, 'v1.32.0-gitops-sandbox');
  const isStatus = (j: any, code: number, reason: string) => {
    assert.equal(j.kind, 'Status');
    assert.equal(j.apiVersion, 'v1');
    assert.equal(j.status, 'Failure');
    assert.equal(j.code, code);
    assert.equal(j.reason, reason);
  };

  it('answers a malformed JSON body with 400 BadRequest, and keeps serving', async () => {
    const r = await req('POST', '/api/v1/namespaces/default/configmaps', '{"apiVersion": "v1", "kind": ', { 'content-type': 'application/json' });
    assert.equal(r.status, 400);
    isStatus(r.json, 400, 'BadRequest');
    assert.match(r.json.message, /json parse error/);
    const y = await req('POST', '/api/v1/namespaces/default/configmaps', 'a: [b', { 'content-type': 'application/yaml' });
    isStatus(y.json, 400, 'BadRequest');
    const notObj = await req('POST', '/api/v1/namespaces/default/configmaps', '[1,2]', { 'content-type': 'application/json' });
    assert.equal(notObj.status, 400);
    await alive();
  });

  it('answers unknown kinds and paths with 404 NotFound', async () => {
    const r = await req('GET', '/apis/example.com/v1/namespaces/default/widgets');
    isStatus(r.json, 404, 'NotFound');
    assert.equal(r.json.message, 'the server could not find the requested resource');
    isStatus((await req('GET', '/api/v2/pods')).json, 404, 'NotFound');
    isStatus((await req('GET', '/nonsense/path')).json, 404, 'NotFound');
    const missing = await req('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    isStatus(missing.json, 404, 'NotFound');
    assert.deepEqual(missing.json.details, { name: 'nope', group: 'apps', kind: 'deployments' });
    await alive();
  });

  it('answers a stale resourceVersion with 409 Conflict and a duplicate create with 409 AlreadyExists', async () => {
    const cur = (await req('GET', '/apis/apps/v1/namespaces/default/deployments/web')).json;
    const stale = { ...cur, metadata: { ...cur.metadata, resourceVersion: '1' } };
    const r = await req('PUT', '/apis/apps/v1/namespaces/default/deployments/web', JSON.stringify(stale), { 'content-type': 'application/json' });
    isStatus(r.json, 409, 'Conflict');
    assert.equal(r.json.message, 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
    const dup = await req('POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify(deployment('web')), { 'content-type': 'application/json' });
    isStatus(dup.json, 409, 'AlreadyExists');
    const wrongName = await req('PUT', '/apis/apps/v1/namespaces/default/deployments/other', JSON.stringify(cur), { 'content-type': 'application/json' });
    isStatus(wrongName.json, 400, 'BadRequest');
    assert.equal(wrongName.json.message, 'the name of the object (web) does not match the name on the URL (other)');
    await alive();
  });

  it('answers an invalid object with 422 Invalid and field causes', async () => {
    const bad = deployment('bad');
    (bad.spec as any).template.spec.containers = [];
    const r = await req('POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify(bad), { 'content-type': 'application/json' });
    isStatus(r.json, 422, 'Invalid');
    assert.deepEqual(r.json.details.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' }]);
    const badName = await req('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' } }), { 'content-type': 'application/json' });
    isStatus(badName.json, 422, 'Invalid');
    assert.match(badName.json.message, /^ConfigMap "Not_Valid" is invalid: metadata\.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
  });

  it('answers an oversized body with 413 and keeps serving', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'y'.repeat(4 * 1024 * 1024) } });
    const r = await req('POST', '/api/v1/namespaces/default/configmaps', big, { 'content-type': 'application/json' });
    assert.equal(r.status, 413);
    isStatus(r.json, 413, 'RequestEntityTooLarge');
    await alive();
    assert.equal((await req('GET', '/api/v1/namespaces/default/configmaps/big')).status, 404);
  });

  it('answers unsupported media types with 415 and unacceptable Accept headers with 406', async () => {
    const r = await req('POST', '/api/v1/namespaces/default/configmaps', 'x', { 'content-type': 'text/plain' });
    isStatus(r.json, 415, 'UnsupportedMediaType');
    const p = await req('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', '{}', { 'content-type': 'application/xml' });
    isStatus(p.json, 415, 'UnsupportedMediaType');
    assert.match(p.json.message, /application\/strategic-merge-patch\+json/);
    const a = await req('GET', '/api/v1/namespaces', undefined, { accept: 'application/vnd.kubernetes.protobuf' });
    assert.equal(a.status, 406);
    isStatus(a.json, 406, 'NotAcceptable');
    await alive();
  });

  it('answers bad patches: invalid JSON 400, a JSON patch that does not apply 422, apply without fieldManager 422', async () => {
    const url = '/apis/apps/v1/namespaces/default/deployments/web';
    const j = await req('PATCH', url, '{not json', { 'content-type': 'application/merge-patch+json' });
    isStatus(j.json, 400, 'BadRequest');
    assert.equal(j.json.message, 'invalid JSON patch');
    const op = await req('PATCH', url, '[{"op":"replace","path":"/spec/nope/deeper","value":1}]', { 'content-type': 'application/json-patch+json' });
    assert.equal(op.status, 422);
    const ssa = await req('PATCH', url, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n', { 'content-type': 'application/apply-patch+yaml' });
    isStatus(ssa.json, 422, 'Invalid');
    assert.match(ssa.json.message, /fieldManager: Required value: is required for apply patch/);
    const force = await req('PATCH', `${url}?force=true`, '{}', { 'content-type': 'application/merge-patch+json' });
    assert.equal(force.status, 400);
    const dry = await req('POST', '/api/v1/namespaces/default/configmaps?dryRun=Yes', '{}', { 'content-type': 'application/json' });
    assert.equal(dry.status, 400);
    await alive();
  });

  it('answers a watch from a resourceVersion older than its history with an ERROR event carrying 410 Expired', async () => {
    const small = new Sandbox({ seed: 9, watchHistory: 10 });
    const s2 = new SandboxServer(small);
    const url = await s2.start();
    try {
      for (let i = 0; i < 40; i++) small.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` }, data: {} });
      const r = await fetch(`${url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1`);
      const line = (await r.text()).trim().split('\n')[0];
      const ev = JSON.parse(line);
      assert.equal(ev.type, 'ERROR');
      isStatus(ev.object, 410, 'Expired');
      assert.match(ev.object.message, /^too old resource version: 1 \(\d+\)$/);
    } finally {
      await s2.stop();
    }
  });

  it('serves aggregated discovery when asked, the legacy documents otherwise, and OpenAPI v3 with fieldValidation on PATCH', async () => {
    const agg = await req('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.equal(agg.json.kind, 'APIGroupDiscoveryList');
    assert.match(agg.headers.get('content-type') ?? '', /as=APIGroupDiscoveryList/);
    const apps = agg.json.items.find((i: any) => i.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    assert.deepEqual(deploy.subresources.map((s: any) => s.subresource), ['status', 'scale']);
    const legacy = await req('GET', '/apis');
    assert.equal(legacy.json.kind, 'APIGroupList');
    const core = await req('GET', '/api/v1');
    assert.ok(core.json.resources.some((r: any) => r.name === 'pods/status'));
    const idx = await req('GET', '/openapi/v3');
    const docUrl = idx.json.paths['apis/apps/v1'].serverRelativeURL;
    const doc = (await req('GET', docUrl)).json;
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation' && p.in === 'query'));
    const containers = doc.components.schemas.PodSpec.properties.containers;
    assert.deepEqual([containers['x-kubernetes-list-type'], containers['x-kubernetes-list-map-keys'], containers['x-kubernetes-patch-merge-key']], ['map', ['name'], 'name']);
  });

  it('prints server-side Tables for kubectl get, and takes YAML bodies', async () => {
    const t = await req('GET', '/apis/apps/v1/namespaces/default/deployments', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    assert.equal(t.json.kind, 'Table');
    assert.deepEqual(t.json.columnDefinitions.filter((c: any) => c.priority === 0).map((c: any) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    assert.deepEqual(t.json.rows[0].cells.slice(0, 4), ['web', '2/2', 2, 2]);
    const y = await req('POST', '/api/v1/namespaces/default/configmaps', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n', { 'content-type': 'application/yaml' });
    assert.equal(y.status, 201);
    assert.deepEqual(y.json.data, { a: '1' });
  });
});
