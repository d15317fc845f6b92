/**
 * Safety rails, against the sandbox served over HTTP under context names a user would have: a production-like name
 * is refused, a cluster that is not local needs confirmation by name (and changes nothing without it), then gets a
 * server-side dry-run first; pruning there needs its own confirmation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessTarget, decideSafety, KubeTarget, listKubeContexts } from '../src/engine/cluster/index.ts';
import { SyncRefusedError, syncApp } from '../src/engine/sync/index.ts';
import type { Sandbox } from '../src/engine/sandbox/index.ts';
import { cli, scratch } from './sync/cli.ts';
import { nonLoopbackAddress, serveAs } from './sync/served.ts';
import { APP, configMap, leftover, NS, seededSandbox } from './sync/fixture.ts';

const WEB = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
  namespace: default
data:
  mode: demo
`;

/** A seeded sandbox whose controllers have settled (the namespace's default ServiceAccount and CA ConfigMap exist). */
function settled(sb: Sandbox): Sandbox {
  sb.advance(5000);
  return sb;
}

/** Everything a user could notice changed: every object with its resourceVersion. */
function fingerprint(sb: Sandbox): string[] {
  const out: string[] = [];
  for (const t of sb.resourceTypes()) {
    if (!t.verbs.includes('list')) continue;
    const apiVersion = t.group ? `${t.group}/${t.versions[0]}` : t.versions[0]!;
    for (const o of sb.list({ apiVersion, kind: t.kind }).items) out.push(`${t.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name} ${o.metadata.resourceVersion}`);
  }
  return out.sort();
}

test('safety: a context named like production (*prod*) is refused, even on loopback; nothing is read or written', async (t) => {
  const served = await serveAs('prod-eu-1', settled(seededSandbox()));
  t.after(() => served.close());
  const before = fingerprint(served.sandbox);
  const s = scratch({ 'web/cm.yaml': WEB }, false);
  t.after(s.cleanup);
  const r = await cli(['sync', 'web', '--to', 'context:prod-eu-1', '--kubeconfig', served.kubeconfigPath, '--confirm-context', 'prod-eu-1'], { cwd: s.dir });
  assert.equal(r.code, 2);
  assert.match(r.err, /refusing to sync to context prod-eu-1: it matches the deny pattern "\*prod\*"/);
  assert.deepEqual(fingerprint(served.sandbox), before);
  assert.deepEqual(served.requests, [], 'not even a read');
  // The engine says the same to the editor, before any request.
  const target = await KubeTarget.open({ kubeconfigPath: served.kubeconfigPath, context: 'prod-eu-1' });
  await assert.rejects(syncApp({ app: APP, desired: [configMap('x')], target }), (e: unknown) => e instanceof SyncRefusedError && /deny pattern/.test((e as Error).message));
  assert.deepEqual(fingerprint(served.sandbox), before);
});

test('safety: a context that is not local changes nothing without --confirm-context naming it; confirmed, it gets a server-side dry-run first', async (t) => {
  const host = nonLoopbackAddress();
  if (!host) {
    t.skip('no network interface other than loopback here: cannot serve the sandbox as a remote cluster');
    return;
  }
  const served = await serveAs('staging-eu', settled(seededSandbox([leftover('stale')])), { remote: true });
  t.after(() => served.close());
  assert.ok(!served.server.includes('127.0.0.1'));
  const before = fingerprint(served.sandbox);
  const s = scratch({ 'web/cm.yaml': WEB }, false);
  t.after(s.cleanup);
  const to = ['--to', 'context:staging-eu', '--kubeconfig', served.kubeconfigPath];

  const unconfirmed = await cli(['sync', 'web', ...to], { cwd: s.dir });
  assert.equal(unconfirmed.code, 2);
  assert.match(unconfirmed.err, new RegExp(`context staging-eu \\(server ${served.server.replace(/[.]/g, '\\.')}\\) is not a local cluster: .*Nothing was changed\\. To sync there, confirm it by name: --confirm-context staging-eu`));
  assert.deepEqual(fingerprint(served.sandbox), before, 'nothing changed');
  assert.deepEqual(served.requests, [], 'not even a read');

  const wrongName = await cli(['sync', 'web', ...to, '--confirm-context', 'staging-us'], { cwd: s.dir });
  assert.equal(wrongName.code, 2);
  assert.match(wrongName.err, /--confirm-context names staging-us, but the target is context staging-eu/);
  const pruneUnconfirmed = await cli(['sync', 'web', ...to, '--confirm-context', 'staging-eu', '--prune'], { cwd: s.dir });
  assert.equal(pruneUnconfirmed.code, 2);
  assert.match(pruneUnconfirmed.err, /pruning on context staging-eu, which is not a local cluster, needs its own confirmation: --confirm-prune staging-eu/);
  assert.deepEqual(fingerprint(served.sandbox), before, 'still nothing changed');

  const confirmed = await cli(['sync', 'web', ...to, '--confirm-context', 'staging-eu'], { cwd: s.dir });
  assert.equal(confirmed.code, 0, confirmed.out + confirmed.err);
  const lines = confirmed.out.split('\n');
  const dryRun = lines.findIndex((l) => l === '✓ server-side dry-run passed');
  const applied = lines.findIndex((l) => /Synced .* ConfigMap\/default\/web-settings: configmap\/web-settings created$/.test(l));
  assert.ok(dryRun > 0 && applied > dryRun, 'the server-side dry-run comes before the first write');
  assert.equal((served.sandbox.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-settings', namespace: 'default' }).data as { mode?: string } | undefined)?.mode, 'demo');
});

test('safety: a server-side dry-run failure on a confirmed remote context stops the sync before anything is written', async (t) => {
  if (!nonLoopbackAddress()) {
    t.skip('no network interface other than loopback here: cannot serve the sandbox as a remote cluster');
    return;
  }
  const served = await serveAs('staging-eu', settled(seededSandbox([])), { remote: true });
  t.after(() => served.close());
  const before = fingerprint(served.sandbox);
  const target = await KubeTarget.open({ kubeconfigPath: served.kubeconfigPath, context: 'staging-eu' });
  // Valid on the client, refused by the API server: a label value longer than 63 characters.
  const bad = configMap('bad');
  bad.metadata.labels = { tier: 'x'.repeat(70) };
  const r = await syncApp({ app: APP, desired: [configMap('ok'), bad], target, confirmContext: 'staging-eu' });
  assert.equal(r.result.phase, 'Failed');
  assert.match(r.result.message, /^one or more objects failed to apply \(server dry run\), reason: ConfigMap\/shop\/bad: /);
  assert.deepEqual(fingerprint(served.sandbox), before);
});

test('safety: local contexts (loopback server, kind-/k3d-/minikube names) need no confirmation; listKubeContexts says why', async (t) => {
  const served = await serveAs('dev-laptop', seededSandbox([]));
  t.after(() => served.close());
  const contexts = await listKubeContexts({ kubeconfigPath: served.kubeconfigPath });
  assert.equal(contexts.length, 1);
  assert.equal(contexts[0]!.safety.local, true);
  assert.match(contexts[0]!.safety.reason, /its API server 127\.0\.0\.1 is on loopback/);
  const target = await KubeTarget.open({ kubeconfigPath: served.kubeconfigPath, context: 'dev-laptop' });
  const r = await syncApp({ app: APP, desired: [configMap('local-ok')], target, waveDelayMs: 0 });
  assert.equal(r.result.phase, 'Succeeded');
  assert.equal(r.safety.serverDryRunFirst, false);
  assert.ok(served.sandbox.tryGet({ apiVersion: 'v1', kind: 'ConfigMap', name: 'local-ok', namespace: NS }));

  const kind = await assessTarget({ type: 'context', label: 'context kind-dev', context: 'kind-dev', server: 'https://10.1.2.3:6443' });
  assert.deepEqual(kind, { local: true, reason: 'the context name starts with kind-' });
  const remote = await assessTarget({ type: 'context', label: 'context team-a', context: 'team-a', server: 'https://10.1.2.3:6443' });
  assert.equal(remote.local, false);
  const denied = await assessTarget({ type: 'context', label: 'context minikube', context: 'minikube', cluster: 'minikube', server: 'https://production.example:6443' });
  assert.equal(denied.denied, '*prod*', 'a production server host is refused even under a local-looking name');
  assert.equal(decideSafety({ type: 'sandbox', label: 'sandbox' }, await assessTarget({ type: 'sandbox', label: 'sandbox' }), {}).allowed, true);
});
