/**
 * The same sync two ways: in process into the embedded sandbox, and through @kubernetes/client-node (the path every
 * real cluster takes) against the sandbox served over HTTP by `SandboxServer` (what `gitops-sandbox sandbox serve`
 * runs). Both must end in the same cluster state with the same task results.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeTarget, SandboxTarget, listLiveObjects, listTrackedObjects } from '../src/engine/cluster/index.ts';
import { SandboxServer } from '../src/engine/sandbox/index.ts';
import { APP, CANARY, configMap, fixtureApp, resultLines, runSync, seededSandbox, stateOf } from './sync/fixture.ts';

describe('ORD-11 ORD-12 HOOK-5 TRK-1: in process and through client-node against sandbox serve', () => {
  const served = seededSandbox();
  const server = new SandboxServer(served, { speed: 200 });
  let kube: KubeTarget;

  before(async () => {
    await server.start();
    kube = await KubeTarget.open({ kubeconfig: server.kubeconfig('gitops-sandbox'), pollIntervalMs: 20 });
  });
  after(async () => {
    await kube?.close();
    await server.stop();
  });

  it('a PreSync and a PostSync hook, three waves and a prune: the same final state and the same task results', async () => {
    const local = await SandboxTarget.open({ sandbox: seededSandbox() });
    const a = await runSync(local, fixtureApp(), { waveDelayMs: 200 });
    const b = await runSync(kube, fixtureApp(), { waveDelayMs: 200 });
    assert.equal(a.result.phase, 'Succeeded', a.result.message);
    assert.equal(b.result.phase, 'Succeeded', b.result.message);
    assert.equal(b.result.message, a.result.message);
    assert.deepEqual(resultLines(b.result), resultLines(a.result));
    assert.deepEqual(b.result.report, a.result.report);
    assert.deepEqual(b.result.report.pruned, ['ConfigMap/shop/old-settings']);
    // The deletions the sync started (the pruned object, the HookSucceeded hook) finish on the served clock too.
    let liveB = stateOf(await listLiveObjects(kube));
    for (let i = 0; i < 100 && liveB.length !== stateOf(await listLiveObjects(local)).length; i++) {
      await new Promise((r) => setTimeout(r, 20));
      liveB = stateOf(await listLiveObjects(kube));
    }
    assert.deepEqual(liveB, stateOf(await listLiveObjects(local)));
    // Secret values never appear in what either path reports.
    const b64 = Buffer.from(CANARY).toString('base64');
    for (const r of [a, b]) {
      const text = JSON.stringify({ events: r.events, result: r.result });
      assert.ok(!text.includes(CANARY) && !text.includes(b64));
    }
  });

  it('a second sync through client-node changes nothing: every resource task unchanged, kubectl says "unchanged"', async () => {
    const again = await runSync(kube, fixtureApp(), { waveDelayMs: 0 });
    assert.equal(again.result.phase, 'Succeeded', again.result.message);
    assert.deepEqual(
      again.plan.tasks.filter((t) => !t.hook).map((t) => `${t.kind}/${t.name} ${t.action}`),
      ['Secret/creds unchanged', 'ConfigMap/settings unchanged', 'Deployment/db unchanged', 'Service/web unchanged', 'Deployment/web unchanged'],
    );
    for (const r of again.result.resources.filter((x) => !x.hookType)) assert.match(r.message, / unchanged$/, `${r.kind}/${r.name}`);
  });

  it('TRK-1: listTrackedObjects finds what the sync applied, by the tracking annotation or by a label selector', async () => {
    const names = (await listTrackedObjects(kube, APP)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    // Hooks that stay (BeforeHookCreation) are tracked too; the HookSucceeded hook and the pruned object are gone.
    assert.deepEqual(names, ['ConfigMap/settings', 'Deployment/db', 'Deployment/web', 'Job/smoke', 'Secret/creds', 'Service/web']);
    const labelled = await runSync(kube, [configMap('by-label')], { app: { ...APP, name: 'labels' }, tracking: { method: 'label' }, waveDelayMs: 0 });
    assert.equal(labelled.result.phase, 'Succeeded');
    const byLabel = await listTrackedObjects(kube, { ...APP, name: 'labels' }, { method: 'label' });
    assert.deepEqual(byLabel.map((o) => o.metadata.name), ['by-label']);
  });
});
