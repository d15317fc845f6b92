import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  HealthChecker,
  parseHealthOverrides,
  readArgoCdConfigMap,
  findArgoCdConfigMap,
  chooseHealthScript,
  type HealthStatus,
} from '../src/engine/health/index.ts';
import { WorktreeView } from '../src/engine/source/index.ts';
import { GitOpsError } from '../src/engine/errors/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

const FIXTURE = 'test-fixtures/health/argocd-cm.yaml';
const cm = readArgoCdConfigMap(readFileSync(FIXTURE, 'utf8'), FIXTURE)!;
const checkerPromise = HealthChecker.create(cm.overrides);

function obj(apiVersion: string, kind: string, rest: Record<string, unknown> = {}, name = 'w1'): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: 'ns' }, ...rest };
}

async function health(o: KubeObject): Promise<HealthStatus | undefined> {
  return (await checkerPromise).health(o);
}

async function inline(script: string, o: KubeObject, useOpenLibs = false): Promise<HealthStatus | undefined> {
  const key = o.apiVersion.includes('/') ? `${o.apiVersion.split('/')[0]}/${o.kind}` : o.kind;
  const overrides = new Map([[key, { healthLua: script, useOpenLibs }]]);
  return (await HealthChecker.create(overrides)).health(o);
}

test('HLT-13 the fixture argocd-cm is found in its repo folder and read in both key forms', async () => {
  const found = await findArgoCdConfigMap(new WorktreeView(process.cwd()), 'test-fixtures/health');
  assert.ok(found);
  assert.equal(found.file, FIXTURE);
  assert.deepEqual([...found.overrides.keys()].sort(), ['*.crossplane.example/*', 'Service', 'batch/CronJob', 'example.com/Doohickey', 'example.com/Gadget', 'example.com/Gizmo', 'example.com/Loop', 'example.com/Widget']);
  assert.equal(found.overrides.get('example.com/Gizmo')!.useOpenLibs, true);
  assert.equal(found.overrides.get('*.crossplane.example/*')!.useOpenLibs, true);
  assert.equal(found.overrides.get('example.com/Widget')!.useOpenLibs, false);
  assert.equal(found.settings.trackingMethod, 'annotation');
});

test('HLT-13 a split-key script (group_Kind) decides health, reading obj as a Lua table with 1-based lists', async () => {
  assert.deepEqual(await health(obj('example.com/v1', 'Widget')), { status: 'Progressing', message: 'Waiting for the widget controller' });
  assert.deepEqual(await health(obj('example.com/v1', 'Widget', { spec: { parts: ['a', 'b', 'c'] }, status: { phase: 'Ready' } })), {
    status: 'Healthy',
    message: 'Widget ready with 3 parts',
  });
  assert.deepEqual(await health(obj('example.com/v1', 'Widget', { status: { phase: 'Broken', reason: 'gear slipped' } })), { status: 'Degraded', message: 'gear slipped' });
  assert.deepEqual(await health(obj('example.com/v2', 'Widget', { status: { phase: 'Paused' } })), { status: 'Suspended', message: 'phase Paused' });
});

test('HLT-13 a script that errors gives Unknown with the Lua error message', async () => {
  const got = await health(obj('example.com/v1', 'Gadget', { spec: {} }));
  assert.equal(got?.status, 'Unknown');
  assert.match(got!.message, /^<string>:1: attempt to perform arithmetic on a nil value/);
  assert.deepEqual(await health(obj('example.com/v1', 'Gadget', { spec: { replicas: 2 } })), { status: 'Healthy', message: 'count 3' });
});

test('HLT-13 an override beats the built-in Go check (core key is the Kind alone)', async () => {
  assert.deepEqual(await health(obj('v1', 'Service', { spec: { type: 'ClusterIP' } }, 'web')), { status: 'Suspended', message: 'custom service check for web' });
});

test('HLT-13 an override beats Argo CD\'s built-in Lua script', async () => {
  assert.deepEqual(await health(obj('batch/v1', 'CronJob', { spec: { suspend: true } })), { status: 'Healthy', message: 'overridden cron' });
});

test('HLT-13 wildcards in the map form match any group/Kind; the open libraries are on there', async () => {
  const o = obj('db.crossplane.example/v1', 'Instance', { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  assert.deepEqual(await health(o), { status: 'Healthy', message: 'Instance is ready' });
  assert.deepEqual(await health(obj('net.crossplane.example/v1', 'Vpc', { status: { conditions: [{ type: 'Ready', status: 'False', message: 'creating' }] } })), {
    status: 'Degraded',
    message: 'creating',
  });
  assert.deepEqual(chooseHealthScript(obj('crossplane.example/v1', 'X'), cm.overrides), undefined, 'the glob needs a subdomain');
});

test('HLT-13 useOpenLibs: string methods work with it and fail without it (no string library by default)', async () => {
  assert.deepEqual(await health(obj('example.com/v1', 'Gizmo', {}, 'g1')), { status: 'Healthy', message: 'GIZMO G1' });
  const without = await health(obj('example.com/v1', 'Doohickey'));
  assert.equal(without?.status, 'Unknown');
  assert.match(without!.message, /attempt to index a string value/);
});

test('HLT-13 the default libraries: base, table (with getn), package and a safe os (time and date only)', async () => {
  const o = obj('example.com/v1', 'Lib', { spec: { items: [1, 2] } });
  const script = [
    'local os2 = require("os")',
    'local parts = {}',
    'table.insert(parts, tostring(table.getn(obj.spec.items)))',
    'table.insert(parts, type(os.time()))',
    'table.insert(parts, type(os2.date))',
    'table.insert(parts, type(os.execute))',
    'table.insert(parts, type(os.getenv))',
    'table.insert(parts, type(string))',
    'table.insert(parts, type(math))',
    'table.insert(parts, type(io))',
    'return {status = "Healthy", message = table.concat(parts, ",")}',
  ].join('\n');
  assert.deepEqual(await inline(script, o), { status: 'Healthy', message: '2,number,function,nil,nil,nil,nil,nil' });
});

test('HLT-13 result contract: nil and empty table give an empty status, other returns are checked', async () => {
  const o = obj('example.com/v1', 'Thing');
  assert.deepEqual(await inline('return nil', o), { status: '', message: '' });
  assert.deepEqual(await inline('local x = 1', o), { status: '', message: '' });
  assert.deepEqual(await inline('return {}', o), { status: '', message: '' });
  assert.deepEqual(await inline('return {message = "no status"}', o), { status: 'Unknown', message: 'Lua returned an invalid health status' });
  assert.deepEqual(await inline('return {status = "Great"}', o), { status: 'Unknown', message: 'Lua returned an invalid health status' });
  assert.deepEqual(await inline('return "Healthy"', o), { status: 'Unknown', message: 'expect table output from Lua script, not string' });
  assert.deepEqual(await inline('return {status = "Missing", message = "gone"}', o), { status: 'Missing', message: 'gone' });
  // encoding/json: keys match case-insensitively, and a wrongly typed field empties the status.
  assert.deepEqual(await inline('return {Status = "Degraded", MESSAGE = "m"}', o), { status: 'Degraded', message: 'm' });
  assert.deepEqual(await inline('return {status = 1}', o), { status: '', message: '' });
  assert.deepEqual(await inline('return {"Healthy"}', o), { status: '', message: '' });
  // The last returned value is the one read.
  assert.deepEqual(await inline('return {status = "Degraded"}, {status = "Healthy"}', o), { status: 'Healthy', message: '' });
});

test('HLT-13 a result gopher-json cannot encode is Unknown with the encoder error', async () => {
  const o = obj('example.com/v1', 'Thing');
  const fn = await inline('return {status = "Healthy", extra = function() end}', o);
  assert.equal(fn?.status, 'Unknown');
  assert.match(fn!.message, /cannot encode function to JSON$/);
  const mixed = await inline('return {status = "Healthy", [1] = "x"}', o);
  assert.equal(mixed?.status, 'Unknown');
  assert.match(mixed!.message, /cannot encode mixed or invalid key types$/);
});

test('HLT-13 a script running past 1 s is stopped: Unknown, even when it hides the error in pcall', async () => {
  const looping = await health(obj('example.com/v1', 'Loop'));
  assert.deepEqual(looping, { status: 'Unknown', message: 'context deadline exceeded' });
  assert.deepEqual(await inline('while true do pcall(function() while true do end end) end', obj('example.com/v1', 'Sneaky')), {
    status: 'Unknown',
    message: 'context deadline exceeded',
  });
  // The VM is still usable afterwards.
  assert.equal((await health(obj('example.com/v1', 'Widget', { status: { phase: 'Ready' }, spec: { parts: [] } })))?.status, 'Healthy');
});

test('HLT-13 a syntax error is Unknown with the parser message', async () => {
  const got = await inline('return {', obj('example.com/v1', 'Thing'));
  assert.equal(got?.status, 'Unknown');
  assert.match(got!.message, /^<string>:1:/);
});

test('HLT-13 a script cannot reach the host: no io, no os.exit, no debug', async () => {
  const got = await inline('return {status = "Healthy", message = type(io) .. type(os.exit) .. type(debug) .. type(require)}', obj('example.com/v1', 'T'), true);
  assert.deepEqual(got, { status: 'Healthy', message: 'nilnilnilfunction' });
});

test('HLT-13 the map form and split keys merge; split keys win; all → */*', () => {
  const o = parseHealthOverrides({
    'resource.customizations': 'apps/Deployment:\n  health.lua: return {status="Degraded"}\n  health.lua.useOpenLibs: true\n',
    'resource.customizations.health.apps_Deployment': 'return {status="Healthy"}',
    'resource.customizations.health.all': 'return {status="Suspended"}',
    'resource.customizations.ignoreDifferences.apps_Deployment': 'jsonPointers: [/spec/replicas]',
  });
  assert.deepEqual(o.get('apps/Deployment'), { healthLua: 'return {status="Healthy"}', useOpenLibs: true });
  assert.equal(o.get('*/*')?.healthLua, 'return {status="Suspended"}');
});

test('HLT-13 a malformed argocd-cm is the user\'s mistake, located at the key', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  resource.customizations.useOpenLibs.example.com_X: "maybe"\n';
  assert.throws(
    () => readArgoCdConfigMap(text, 'argocd/cm.yaml'),
    (err: unknown) => err instanceof GitOpsError && err.toString() === 'argocd/cm.yaml:6:3: argocd-cm key resource.customizations.useOpenLibs.example.com_X: "maybe" is not a boolean',
  );
  assert.throws(() => parseHealthOverrides({ 'resource.customizations.colour.apps_Deployment': 'x' }), /resource customization type colour not supported/);
  assert.throws(() => parseHealthOverrides({ 'resource.customizations': 'a: [' }), GitOpsError);
});

test('HLT-13 lookup order: exact key, then wildcard, then built-in script, else the Go check', () => {
  const overrides = parseHealthOverrides({
    'resource.customizations': '"apps/*":\n  health.lua: return {status="Suspended"}\n',
    'resource.customizations.health.apps_Deployment': 'return {status="Healthy"}',
  });
  assert.equal(chooseHealthScript(obj('apps/v1', 'Deployment'), overrides)?.key, 'apps/Deployment');
  assert.equal(chooseHealthScript(obj('apps/v1', 'StatefulSet'), overrides)?.key, 'apps/*');
  assert.deepEqual(chooseHealthScript(obj('policy/v1', 'PodDisruptionBudget'), overrides), { source: 'builtin', key: 'policy/PodDisruptionBudget' });
  assert.equal(chooseHealthScript(obj('batch/v1', 'Job'), overrides), undefined);
  // An entry without a script does not shadow anything.
  const empty = parseHealthOverrides({ 'resource.customizations.useOpenLibs.batch_CronJob': 'true' });
  assert.deepEqual(chooseHealthScript(obj('batch/v1', 'CronJob'), empty), { source: 'builtin', key: 'batch/CronJob' });
});

test('HLT-13 the Lua VM is loaded only when a script exists; many runs reuse one engine', async () => {
  const checker = await HealthChecker.create(cm.overrides);
  const o = obj('example.com/v1', 'Widget', { spec: { parts: ['a'] }, status: { phase: 'Ready' } });
  for (let i = 0; i < 300; i++) assert.equal(checker.health(o)?.status, 'Healthy');
});

test('HLT-13 a custom check on a Secret never carries its values out in the message (canary)', async () => {
  const overrides = parseHealthOverrides({ 'resource.customizations.health.Secret': 'return {status = "Healthy", message = "pw=" .. obj.data.password .. " raw=" .. obj.stringData.token}' });
  const checker = await HealthChecker.create(overrides);
  const canary = 'canary-secret-value-42';
  const secret = obj('v1', 'Secret', { data: { password: Buffer.from(canary).toString('base64') }, stringData: { token: 'canary-token-7' } });
  const got = checker.health(secret)!;
  assert.equal(got.status, 'Healthy');
  assert.ok(!got.message.includes(canary) && !got.message.includes('canary-token-7'), got.message);
  assert.ok(!got.message.includes(Buffer.from(canary).toString('base64')));
  assert.match(got.message, /^pw=\*+ raw=\*+$/);
});
