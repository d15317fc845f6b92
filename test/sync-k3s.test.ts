/**
 * The k3s target: a real k3s in Docker through @testcontainers/k3s, reached by the client-node path. Where Docker is
 * missing the integration test skips with the reason, and the target itself reports that reason plainly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerUnavailableError, dockerUnavailableReason, k3sStatus, k3sStop, openTarget } from '../src/engine/cluster/index.ts';
import { fixtureApp, leftover, NS, resultLines, runSync } from './sync/fixture.ts';

const reason = await dockerUnavailableReason();

test('k3s target without Docker: a clear error naming the reason and the alternatives', async (t) => {
  if (!reason) {
    t.skip('Docker is available here: the integration test below covers the k3s target');
    return;
  }
  await assert.rejects(openTarget({ type: 'k3s' }), (e: unknown) => {
    assert.ok(e instanceof DockerUnavailableError);
    assert.match((e as Error).message, /^Docker is not available: .+\. Use the embedded sandbox \(--to sandbox\) or a kube context\.$/);
    return true;
  });
});

test('ORD-11 ORD-12 HOOK-5 (k3s integration): the fixture app synced into a real k3s, hooks run and the prune happens', { timeout: 600_000 }, async (t) => {
  if (reason) {
    t.skip(reason);
    return;
  }
  // A k3s the user already runs is reused and left running; one started here is removed afterwards.
  const wasRunning = (await k3sStatus()).running;
  if (!wasRunning) t.after(() => k3sStop().then(() => undefined));
  const target = await openTarget({ type: 'k3s' }, { pollIntervalMs: 1000 });
  t.after(() => target.close());
  // Real images must be pullable here: busybox is small and always present on Docker Hub.
  const desired = fixtureApp().map((o) => JSON.parse(JSON.stringify(o).replace(/registry\.example\/[a-z-]+:1/g, 'busybox:1.36')));
  for (const o of desired) {
    const spec = (o.spec as { template?: { spec?: { containers?: { command?: string[] }[] } } } | undefined)?.template?.spec;
    for (const c of spec?.containers ?? []) c.command = o.kind === 'Job' ? ['true'] : ['sleep', '3600'];
  }
  if (!(await target.get({ apiVersion: 'v1', kind: 'Namespace', name: NS }))) await target.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  if (!(await target.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'old-settings', namespace: NS }))) await target.create(leftover());
  const r = await runSync(target, desired, { waveDelayMs: 2000 });
  assert.equal(r.result.phase, 'Succeeded', r.result.message);
  assert.deepEqual(r.result.report.pruned, ['ConfigMap/shop/old-settings']);
  assert.ok(resultLines(r.result).some((l) => l.startsWith('PostSync 0 Job/smoke Synced Succeeded')));
});
