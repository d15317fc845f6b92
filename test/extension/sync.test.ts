/**
 * The editor's Sync… as the extension runs it (engine facade + sync bundle, no VS Code): the target picker's
 * choices and their safety verdicts, a sync into the embedded sandbox with each task's outcome on the plan view's
 * rows, a second sync that changes nothing, a served sandbox reached through a kube context (client-node), the rails
 * refusing prod-like and unconfirmed contexts, and no Secret value in anything the panel or the log would get.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dockerUnavailableReason } from '../../src/engine/cluster/index.ts';
import { Sandbox, SandboxServer } from '../../src/engine/sandbox/index.ts';
import { planPreview, syncInput } from '../../src/extension/engine/api.ts';
import { viewRows } from '../../src/extension/engine/plan-view.ts';
import { checkTarget, runSync, targetChoices, type SyncProgress } from '../../src/extension/engine/sync-api.ts';
import { deployRepo } from '../helpers/apps-fixture.ts';

const OVERLAY = fileURLToPath(new URL('../e2e/fixture-repo/apps/shop/overlays/prod', import.meta.url));
// The overlay's secretGenerator literal, and its base64 as it would sit in the Secret's data.
const CANARY = 'e2e-canary-prod-51d2e8';
const CANARY_B64 = Buffer.from(CANARY).toString('base64');
const scratch = mkdtempSync(join(tmpdir(), 'gitops-sandbox-sync-ext-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function kubeconfig(contexts: { name: string; server: string }[]): string {
  const file = join(scratch, `kubeconfig-${contexts.map((c) => c.name).join('-')}`);
  const clusters = contexts.map((c) => `- name: ${c.name}\n  cluster:\n    server: ${c.server}`).join('\n');
  const ctx = contexts.map((c) => `- name: ${c.name}\n  context:\n    cluster: ${c.name}\n    user: u`).join('\n');
  writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters:\n${clusters}\ncontexts:\n${ctx}\ncurrent-context: ${contexts[0]!.name}\nusers:\n- name: u\n  user:\n    token: t\n`);
  return file;
}

function assertNoSecret(what: string, value: unknown): void {
  const text = JSON.stringify(value);
  assert.ok(!text.includes(CANARY) && !text.includes(CANARY_B64), `${what} carries the Secret value`);
}

test('Sync… to the embedded sandbox: each task has its outcome on its row (ORD-11 waves, HOOK-5 hooks); a second sync changes nothing', async () => {
  const input = await syncInput({ kind: 'overlay', dir: OVERLAY });
  assert.equal(input.error, undefined);
  const state = join(scratch, 'sandbox-state.json');
  const progress: SyncProgress[] = [];
  const first = await runSync(input, { to: `sandbox:${state}`, onProgress: (p) => progress.push(p) });
  assert.equal(first.sync?.phase, 'Succeeded', first.sync?.message);
  assert.equal(first.sync?.target, 'the embedded sandbox');
  const rows = viewRows(first).map((r) => `${r.kind}/${r.name} ${r.action} ${r.outcome?.status} ${r.outcome?.phase}`);
  assert.deepEqual(rows, [
    'Namespace/shop-prod create Synced Succeeded',
    'Job/db-migrate hook Synced Succeeded',
    'Secret/shop-credentials-9cb4fhfh8g create Synced Succeeded',
    'ConfigMap/shop-config-hf678c7m2b create Synced Succeeded',
    'Deployment/shop create Synced Succeeded',
    'Service/shop create Synced Succeeded',
    'Job/smoke-test hook Synced Succeeded',
  ]);
  // The panel got the plan first, then the waves in order, then each task as it ran.
  assert.equal(progress[0]?.type, 'plan');
  assert.deepEqual(
    progress.filter((p): p is Extract<SyncProgress, { type: 'wave' }> => p.type === 'wave').map((p) => `${p.phase}/${p.wave}`),
    ['PreSync/0', 'Sync/0', 'Sync/1', 'Sync/2', 'PostSync/0'],
  );
  assert.ok(progress.some((p) => p.type === 'task' && p.row === 'Deployment/shop' && p.outcome.phase === 'Succeeded'));
  // Rows still link to the lines that wrote them.
  assert.match(viewRows(first).find((r) => r.name === 'db-migrate')!.source!.file, /base\/db-migrate\.yaml$/);
  assertNoSecret('the sync view', first);
  assertNoSecret('the progress events', progress);

  const second = await runSync(input, { to: `sandbox:${state}` });
  assert.equal(second.sync?.phase, 'Succeeded');
  const resources = viewRows(second).filter((r) => !r.hook);
  assert.ok(resources.length >= 5);
  assert.deepEqual(resources.filter((r) => r.kind !== 'Namespace' && r.action !== 'unchanged').map((r) => `${r.kind}/${r.name} ${r.action}`), []);
});

test('Cancel stops the sync between API calls: the view says cancelled, what ran has its outcome, the rest is pending', async () => {
  const input = await syncInput({ kind: 'overlay', dir: OVERLAY });
  const abort = new AbortController();
  const view = await runSync(input, {
    to: 'sandbox',
    signal: abort.signal,
    onProgress: (p) => {
      // The user presses Cancel while wave 1 waits for the Deployment to become healthy.
      if (p.type === 'task' && p.row === 'Deployment/shop' && p.outcome.phase === 'Running') abort.abort();
    },
  });
  assert.equal(view.sync?.cancelled, true, JSON.stringify(view.sync));
  assert.notEqual(view.sync?.phase, 'Succeeded');
  assert.ok((view.sync?.pending ?? 0) > 0, 'later waves are pending');
  const rows = viewRows(view);
  assert.equal(rows.find((r) => r.name === 'db-migrate')?.outcome?.phase, 'Succeeded');
  assert.equal(rows.find((r) => r.kind === 'Deployment')?.outcome?.status, 'Synced', 'applied before the cancel');
  assert.equal(rows.find((r) => r.kind === 'Service')?.outcome, undefined, 'the last wave never ran');
});

test('the target picker lists the sandbox, k3s and each context with its verdict; Restricted Mode offers the sandbox only', async () => {
  const config = kubeconfig([
    { name: 'kind-dev', server: 'https://127.0.0.1:6443' },
    { name: 'team-prod', server: 'https://10.20.0.1:6443' },
    { name: 'staging', server: 'https://10.30.0.1:6443' },
  ]);
  const { choices } = await targetChoices({ sandboxStateFile: '/x/state.json', kubeconfigPath: config, trusted: true });
  const byLabel = new Map(choices.map((c) => [c.label, c]));
  assert.equal(byLabel.get('Embedded sandbox')?.spec, 'sandbox:/x/state.json');
  assert.equal(byLabel.get('k3s container')?.spec, 'k3s');
  assert.equal(byLabel.get('context kind-dev')?.local, true);
  assert.equal(byLabel.get('context team-prod')?.denied, '*prod*');
  assert.equal(byLabel.get('context staging')?.local, false);
  assert.equal(byLabel.get('context staging')?.denied, undefined);
  // No kubeconfig: no made-up localhost context, and the picker says why there are no contexts.
  const none = await targetChoices({ kubeconfigPath: join(scratch, 'missing-kubeconfig'), trusted: true });
  assert.deepEqual(none.choices.map((c) => c.spec), ['sandbox', 'k3s']);
  assert.match(none.note ?? '', /no kubeconfig at .*missing-kubeconfig/);
  const restricted = await targetChoices({ kubeconfigPath: config, trusted: false });
  assert.deepEqual(restricted.choices.map((c) => c.spec), ['sandbox']);
  assert.match(restricted.note ?? '', /Restricted Mode/);
});

test('the rails: a prod-like context is refused outright, a context that is not local is refused without confirmation, and nothing is read or written', async () => {
  const config = kubeconfig([
    { name: 'team-prod', server: 'https://10.20.0.1:6443' },
    { name: 'staging', server: 'https://10.30.0.1:6443' },
  ]);
  const input = await syncInput({ kind: 'overlay', dir: OVERLAY });
  const denied = await checkTarget(input, { to: 'context:team-prod', kubeconfigPath: config });
  assert.match(denied.refusal ?? '', /deny pattern "\*prod\*"/);
  const refused = await runSync(input, { to: 'context:team-prod', kubeconfigPath: config });
  assert.equal(refused.sync?.phase, 'Error');
  assert.match(refused.error?.message ?? '', /deny pattern/);
  // 10.30.0.1 is never contacted: the rails decide before anything is read.
  const unconfirmed = await runSync(input, { to: 'context:staging', kubeconfigPath: config });
  assert.equal(unconfirmed.sync?.phase, 'Error');
  assert.match(unconfirmed.error?.message ?? '', /not a local cluster.*Nothing was changed/s);
  const wrongName = await runSync(input, { to: 'context:staging', kubeconfigPath: config, confirmContext: 'other' });
  assert.match(wrongName.error?.message ?? '', /confirm-context names other/);
});

test('Sync… through a kube context: a served sandbox under a kind- context gets the same outcomes as the in-process sandbox', async () => {
  const server = new SandboxServer(new Sandbox(), { speed: 200 });
  await server.start();
  try {
    const file = join(scratch, 'kubeconfig-served');
    writeFileSync(file, server.kubeconfig('kind-editor'));
    const input = await syncInput({ kind: 'overlay', dir: OVERLAY });
    const progress: SyncProgress[] = [];
    const view = await runSync(input, { to: 'context:kind-editor', kubeconfigPath: file, waveDelayMs: 0, onProgress: (p) => progress.push(p) });
    assert.equal(view.sync?.phase, 'Succeeded', `${view.sync?.message} ${view.error?.message ?? ''}`);
    assert.equal(view.sync?.target, 'context kind-editor');
    const inProcess = await runSync(input, { to: 'sandbox', waveDelayMs: 0 });
    const outcomes = (v: typeof view) => viewRows(v).map((r) => `${r.kind}/${r.name} ${r.outcome?.status} ${r.outcome?.phase}`);
    assert.deepEqual(outcomes(view), outcomes(inProcess));
    assertNoSecret('the sync view (context)', view);
    assertNoSecret('the progress events (context)', progress);
  } finally {
    await server.stop();
  }
});

test('an ApplicationSet is not synced as one app: Sync… says to sync one of the apps it generates, while its preview still plans them', async () => {
  const repo = deployRepo();
  try {
    const input = await syncInput({ kind: 'app', repo: repo.dir, name: 'podinfo-regions' });
    assert.match(input.error?.message ?? '', /podinfo-regions is an ApplicationSet: Argo CD syncs each app it generates on its own \(podinfo-/);
    assert.equal(input.desired.length, 0);
    const view = await runSync(input, { to: 'sandbox' });
    assert.equal(view.sync?.phase, 'Error');
    assert.equal(view.sync?.applied, 0);
    const preview = await planPreview({ kind: 'app', repo: repo.dir, name: 'podinfo-regions' });
    assert.equal(preview.error, undefined);
    assert.ok(preview.phases.length > 0);
  } finally {
    repo.cleanup();
  }
});

test('Sync… to k3s without Docker says so plainly and names the other choices', async (t) => {
  const why = await dockerUnavailableReason();
  if (!why) return t.skip('Docker is available here: the k3s path is exercised by the cluster tests');
  const input = await syncInput({ kind: 'overlay', dir: OVERLAY });
  const view = await runSync(input, { to: 'k3s' });
  assert.equal(view.sync?.phase, 'Error');
  assert.equal(view.sync?.applied, 0);
  assert.match(view.error?.message ?? '', /^Docker is not available: .+\. Pick the embedded sandbox or a kube context instead\.$/);
});
