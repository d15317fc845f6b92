/**
 * The sync executor against the embedded sandbox, in process: Argo CD's order inside and across waves, hooks and
 * their delete policies, SyncFail, failing and blocked waves, cancel, prune options, retries, tracking, and no
 * Secret value anywhere in what the sync reports.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SandboxTarget } from '../src/engine/cluster/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';
import type { SyncEvent } from '../src/engine/sync/index.ts';
import { APP, CANARY, configMap, deployment, fixtureApp, job, leftover, newSandbox, NS, resultLines, runSync, sandboxRun, seededSandbox } from './sync/fixture.ts';

const ref = (kind: string, name: string, apiVersion = kind === 'Deployment' ? 'apps/v1' : kind === 'Job' ? 'batch/v1' : 'v1') => ({ apiVersion, kind, name, namespace: NS });

test('ORD-11 ORD-12 HOOK-5: PreSync hook, three waves with a prune, PostSync hook — applied in Argo CD order, each wave waiting for health', async () => {
  const r = await sandboxRun();
  assert.equal(r.result.phase, 'Succeeded');
  assert.equal(r.result.message, 'successfully synced (no more tasks)');
  assert.deepEqual(resultLines(r.result), [
    'PreSync 0 Job/migrate Synced Succeeded Reached expected number of succeeded pods',
    'Sync 0 Secret/creds Synced Succeeded secret/creds created',
    'Sync 0 ConfigMap/settings Synced Succeeded configmap/settings created',
    'Sync 1 ConfigMap/old-settings Pruned Succeeded pruned',
    'Sync 1 Deployment/db Synced Succeeded deployment.apps/db created',
    'Sync 2 Service/web Synced Succeeded service/web created',
    'Sync 2 Deployment/web Synced Succeeded deployment.apps/web created',
    'PostSync 0 Job/smoke Synced Succeeded Reached expected number of succeeded pods',
  ]);
  // Waves start in (phase, wave) order, one at a time.
  const waves = r.events.filter((e): e is Extract<SyncEvent, { type: 'wave' }> => e.type === 'wave').map((e) => `${e.phase}/${e.wave}`);
  assert.deepEqual(waves, ['PreSync/0', 'Sync/0', 'Sync/1', 'Sync/2', 'PostSync/0']);
  // ORD-12: wave 2 starts only after db is Healthy (db's result turns Succeeded before the wave event).
  const dbHealthy = r.events.findIndex((e) => e.type === 'task' && e.result.name === 'db' && e.result.hookPhase === 'Succeeded');
  const wave2 = r.events.findIndex((e) => e.type === 'wave' && e.phase === 'Sync' && e.wave === 2);
  assert.ok(dbHealthy >= 0 && dbHealthy < wave2);
  // HOOK-5: HookSucceeded deletes the PreSync hook only when the whole operation succeeded; the PostSync hook
  // (default BeforeHookCreation) stays, without the hook finalizer.
  assert.deepEqual(r.result.report.hooksDeleted, ['Job.batch/shop/migrate']);
  assert.equal(r.sandbox.tryGet(ref('Job', 'migrate')), undefined);
  const smoke = r.sandbox.tryGet(ref('Job', 'smoke'))!;
  assert.ok(smoke, 'the BeforeHookCreation hook stays');
  assert.deepEqual(smoke.metadata.finalizers ?? [], []);
  assert.equal(r.sandbox.tryGet(ref('ConfigMap', 'old-settings')), undefined, 'pruned');
  assert.deepEqual(r.result.report.pruned, ['ConfigMap/shop/old-settings']);
  assert.deepEqual(r.result.report.pending, []);
  // ORD-13: a 2 s pause after each of the four non-final waves, on the virtual clock.
  assert.ok(r.result.clockMs >= 4 * 2000);
});

test('HOOK-5: the PreSync hook (HookSucceeded) is still there while the Sync waves run, and carries the hook finalizer', async () => {
  let seen: KubeObject | undefined;
  const sandbox = seededSandbox();
  await sandboxRun(fixtureApp(), {
    sandbox,
    onEvent: (e) => {
      if (e.type === 'wave' && e.phase === 'Sync' && e.wave === 1) seen = sandbox.tryGet(ref('Job', 'migrate'));
    },
  });
  assert.ok(seen, 'migrate exists during Sync wave 1');
  assert.deepEqual(seen!.metadata.finalizers ?? [], [], 'the finalizer comes off once the hook completed');
});

test('TRK-1: the tracking annotation is on every applied object; label tracking writes the instance label', async () => {
  const r = await sandboxRun();
  for (const [kind, name] of [['ConfigMap', 'settings'], ['Secret', 'creds'], ['Deployment', 'db'], ['Service', 'web'], ['Job', 'smoke']] as const) {
    const o = r.sandbox.get(ref(kind, name));
    const g = kind === 'Deployment' ? 'apps' : kind === 'Job' ? 'batch' : '';
    assert.equal(o.metadata.annotations?.['argocd.argoproj.io/tracking-id'], `shop:${g}/${kind}:${NS}/${name}`, `${kind}/${name}`);
  }
  const l = await sandboxRun([configMap('labelled')], { tracking: { method: 'label' } });
  assert.equal(l.sandbox.get(ref('ConfigMap', 'labelled')).metadata.labels?.['app.kubernetes.io/instance'], 'shop');
});

test('a second sync changes nothing: every resource task is unchanged and kubectl reports "unchanged"', async () => {
  const first = await sandboxRun();
  const rvBefore = new Map(['settings', 'creds', 'db', 'web'].map((n) => [n, first.sandbox.tryGet(ref(n === 'db' || n === 'web' ? 'Deployment' : n === 'creds' ? 'Secret' : 'ConfigMap', n))?.metadata.resourceVersion]));
  const second = await runSync(first.target, fixtureApp());
  assert.equal(second.result.phase, 'Succeeded');
  const resourceTasks = second.plan.tasks.filter((t) => !t.hook);
  assert.deepEqual(resourceTasks.map((t) => `${t.kind}/${t.name} ${t.action}`), ['Secret/creds unchanged', 'ConfigMap/settings unchanged', 'Deployment/db unchanged', 'Service/web unchanged', 'Deployment/web unchanged']);
  for (const r of second.result.resources.filter((x) => !x.hookType)) assert.match(r.message, / unchanged$/, `${r.kind}/${r.name}`);
  for (const [n, rv] of rvBefore) {
    const kind = n === 'db' || n === 'web' ? 'Deployment' : n === 'creds' ? 'Secret' : 'ConfigMap';
    assert.equal(first.sandbox.tryGet(ref(kind, n))?.metadata.resourceVersion, rv, `${n} was not written again`);
  }
});

test('HOOK-5 BeforeHookCreation (the default): the next sync deletes the earlier copy, then creates the hook again', async () => {
  const first = await sandboxRun();
  const uid = first.sandbox.get(ref('Job', 'smoke')).metadata.uid;
  const second = await runSync(first.target, fixtureApp());
  assert.equal(second.plan.tasks.find((t) => t.name === 'smoke')!.action, 'hook-recreate');
  assert.equal(second.result.phase, 'Succeeded');
  const again = first.sandbox.get(ref('Job', 'smoke'));
  assert.notEqual(again.metadata.uid, uid, 'a new Job');
  // The wave waited for the deletion before creating (ORD-11 step 3).
  assert.ok(second.events.some((e) => e.type === 'operation' && e.message === 'waiting for deletion of hook batch/Job/smoke'));
});

test('HOOK-5 HookFailed: deleted when the operation fails, kept when it succeeds', async () => {
  const failing = await sandboxRun([configMap('a'), job('check', 'PreSync', { policy: 'HookFailed', fail: true })]);
  assert.equal(failing.result.phase, 'Failed');
  assert.equal(failing.sandbox.tryGet(ref('Job', 'check')), undefined, 'deleted on failure');
  assert.deepEqual(failing.result.report.hooksDeleted, ['Job.batch/shop/check']);
  const passing = await sandboxRun([configMap('a'), job('check', 'PreSync', { policy: 'HookFailed' })]);
  assert.equal(passing.result.phase, 'Succeeded');
  assert.ok(passing.sandbox.tryGet(ref('Job', 'check')), 'kept on success');
});

test('HOOK-5 HookSucceeded on a failed sync: the hook stays (only the operation succeeding deletes it)', async () => {
  const r = await sandboxRun([job('pre', 'PreSync', { policy: 'HookSucceeded' }), deployment('bad', { wave: 1, selector: 'other' })]);
  assert.equal(r.result.phase, 'Failed');
  assert.ok(r.sandbox.tryGet(ref('Job', 'pre')), 'kept');
  assert.deepEqual(r.result.report.hooksDeleted, []);
});

test('HOOK-6 HOOK-7: a ConfigMap hook (no health check) succeeds at once; generateName hooks get the revision, phase and start time in their name', async () => {
  const cmHook: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'note-', namespace: NS, annotations: { 'argocd.argoproj.io/hook': 'PostSync' } }, data: { a: 'b' } };
  const r = await sandboxRun([configMap('a'), cmHook], { revision: 'abcdef0123456789' });
  assert.equal(r.result.phase, 'Succeeded');
  const hook = r.result.resources.find((x) => x.hookType === 'PostSync')!;
  const expected = `note-abcdef0-postsync-${Math.floor(Date.parse('2025-01-01T00:00:00Z') / 1000)}`;
  assert.equal(hook.name, expected);
  assert.equal(hook.hookPhase, 'Succeeded');
  assert.equal(hook.message, `${expected} created`);
});

test('HOOK-8 SyncFail: a failing PreSync hook runs the SyncFail hooks, then fails with the original message', async () => {
  const r = await sandboxRun([job('migrate', 'PreSync', { fail: true }), configMap('a'), job('notify', 'SyncFail')], { sandbox: seededSandbox([]) });
  assert.equal(r.result.phase, 'Failed');
  assert.equal(r.result.message, 'one or more synchronization tasks completed unsuccessfully');
  const notify = r.result.resources.find((x) => x.name === 'notify')!;
  assert.equal(notify.syncPhase, 'SyncFail');
  assert.equal(notify.hookPhase, 'Succeeded');
  assert.deepEqual(r.result.report.pending, ['ConfigMap/shop/a'], 'the Sync wave never ran');
  // Without SyncFail hooks the operation fails at once; SyncFail hooks never run on success.
  const ok = await sandboxRun([configMap('a'), job('notify', 'SyncFail')]);
  assert.equal(ok.result.phase, 'Succeeded');
  assert.equal(ok.result.resources.find((x) => x.name === 'notify'), undefined);
});

test('HOOK-8 SyncFail: a SyncFail hook that fails to apply adds "one or more SyncFail hooks failed"', async () => {
  const badHook = job('notify', 'SyncFail');
  (badHook.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers = [];
  const r = await sandboxRun([deployment('bad', { selector: 'other' }), configMap('b', { wave: 1 }), badHook]);
  assert.equal(r.result.phase, 'Failed');
  const [first, second] = r.result.message.split('\n');
  // The failed apply starts SyncFail; the step after it sees a completed unsuccessful task, so that is the message.
  assert.match(first!, /^one or more synchronization tasks completed unsuccessfully, reason: Deployment.apps "bad" is invalid/);
  assert.match(second!, /^one or more SyncFail hooks failed, reason: Job.batch "notify" is invalid/);
});

test('ORD-12: a failing wave stops the sync: "one or more objects failed to apply" and later waves stay pending', async () => {
  const r = await sandboxRun([configMap('a'), deployment('bad', { wave: 1, selector: 'other' }), configMap('later', { wave: 2 })]);
  assert.equal(r.result.phase, 'Failed');
  assert.match(r.result.message, /^one or more objects failed to apply, reason: Deployment\.apps "bad" is invalid: spec\.template\.metadata\.labels/);
  const bad = r.result.resources.find((x) => x.name === 'bad')!;
  assert.equal(bad.status, 'SyncFailed');
  assert.equal(bad.hookPhase, 'Failed');
  assert.deepEqual(r.result.report.pending, ['ConfigMap/shop/later']);
  assert.equal(r.sandbox.tryGet(ref('ConfigMap', 'later')), undefined);
});

test('ORD-12: a Degraded resource fails the sync after its wave ("completed unsuccessfully")', async () => {
  const crashing = deployment('crash', { wave: 0 });
  (crashing.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds = 30;
  (crashing.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations = { 'sandbox.gitops-sandbox.dev/fail': 'CrashLoopBackOff' };
  const r = await sandboxRun([crashing, configMap('later', { wave: 1 })], { sandbox: seededSandbox([]) });
  assert.equal(r.result.phase, 'Failed');
  assert.equal(r.result.message, 'one or more synchronization tasks completed unsuccessfully');
  assert.deepEqual(r.result.report.pending, ['ConfigMap/shop/later']);
});

test('ORD-12: a Suspended (paused) Deployment blocks the next wave forever; the sync stops and says what it waits for', async () => {
  const r = await sandboxRun([deployment('paused', { wave: 0, paused: true }), configMap('after', { wave: 1 })], { sandbox: seededSandbox([]) });
  assert.equal(r.result.phase, 'Failed');
  assert.equal(r.result.message, 'Operation terminated');
  assert.equal(r.result.timedOut, true);
  assert.equal(r.result.waitingFor, 'waiting for healthy state of apps/Deployment/paused');
  assert.deepEqual(r.result.report.pending, ['ConfigMap/shop/after']);
  assert.equal(r.sandbox.tryGet(ref('ConfigMap', 'after')), undefined);
});

test('ORD-12: the last wave is not waited for — a paused Deployment in the final wave still gives Succeeded', async () => {
  const r = await sandboxRun([configMap('first'), deployment('paused', { wave: 1, paused: true })]);
  assert.equal(r.result.phase, 'Succeeded');
  assert.equal(r.result.message, 'successfully synced (all tasks run)');
});

test('cancel midway: the sync stops between API calls and reports what was applied, pruned and left pending', async () => {
  const controller = new AbortController();
  const r = await sandboxRun(fixtureApp(), {
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'task' && e.result.name === 'db' && e.result.status === 'Synced') controller.abort(new Error('user cancelled'));
    },
  });
  assert.equal(r.result.cancelled, true);
  assert.equal(r.result.phase, 'Failed');
  assert.equal(r.result.message, 'Operation terminated');
  assert.deepEqual(r.result.report.applied, ['Job.batch/shop/migrate', 'Secret/shop/creds', 'ConfigMap/shop/settings', 'Deployment.apps/shop/db']);
  assert.deepEqual(r.result.report.pruned, ['ConfigMap/shop/old-settings']);
  assert.deepEqual(r.result.report.pending, ['Service/shop/web', 'Deployment.apps/shop/web', 'Job.batch/shop/smoke']);
  assert.equal(r.sandbox.tryGet(ref('Deployment', 'web')), undefined, 'nothing after the cancel');
  // Hooks are never left holding the hook finalizer.
  assert.deepEqual(r.sandbox.tryGet(ref('Job', 'migrate'))?.metadata.finalizers ?? [], []);
});

test('OPT-12 Prune=false: the object stays, PruneSkipped "ignored (no prune)", and the sync succeeds', async () => {
  const r = await sandboxRun(fixtureApp(), { sandbox: seededSandbox([leftover('keep-me', { 'argocd.argoproj.io/sync-options': 'Prune=false' })]) });
  assert.equal(r.result.phase, 'Succeeded');
  const keep = r.result.resources.find((x) => x.name === 'keep-me')!;
  assert.equal(keep.status, 'PruneSkipped');
  assert.equal(keep.message, 'ignored (no prune)');
  assert.ok(r.sandbox.tryGet(ref('ConfigMap', 'keep-me')));
});

test('OPT-12: without the prune flag, prune candidates are "ignored (requires pruning)"', async () => {
  const r = await sandboxRun(fixtureApp(), { prune: false });
  assert.equal(r.result.phase, 'Succeeded');
  const old = r.result.resources.find((x) => x.name === 'old-settings')!;
  assert.equal(old.status, 'PruneSkipped');
  assert.equal(old.message, 'ignored (requires pruning)');
  assert.ok(r.sandbox.tryGet(ref('ConfigMap', 'old-settings')));
});

test('OPT-12 Prune=confirm: the wave waits for confirmation; approved, the object is pruned', async () => {
  const confirmLive = () => seededSandbox([leftover('confirm-me', { 'argocd.argoproj.io/sync-options': 'Prune=confirm' })]);
  const waiting = await sandboxRun([configMap('a'), configMap('b', { wave: 1 })], { sandbox: confirmLive() });
  assert.deepEqual(waiting.result.pruneConfirmationNeeded, ['v1/ConfigMap/confirm-me']);
  assert.equal(waiting.result.waitingFor, 'Waiting for pruning confirmation of v1/ConfigMap/confirm-me');
  assert.ok(waiting.sandbox.tryGet(ref('ConfigMap', 'confirm-me')));
  assert.ok(waiting.sandbox.tryGet(ref('ConfigMap', 'a')), 'the wave before it ran');
  assert.equal(waiting.sandbox.tryGet(ref('ConfigMap', 'b')), undefined, 'its own wave waits');
  let asked: string[] = [];
  const approved = await sandboxRun([configMap('a'), configMap('b', { wave: 1 })], {
    sandbox: confirmLive(),
    approvePrune: async (names) => {
      asked = names;
      return true;
    },
  });
  assert.deepEqual(asked, ['v1/ConfigMap/confirm-me']);
  assert.equal(approved.result.phase, 'Succeeded');
  assert.equal(approved.sandbox.tryGet(ref('ConfigMap', 'confirm-me')), undefined);
});

test('ORD-9: prune waves run in reverse: a wave-1 leftover is pruned in the last wave', async () => {
  const sb = seededSandbox([leftover('w1'), { ...leftover('w3'), metadata: { ...leftover('w3').metadata, annotations: { ...leftover('w3').metadata.annotations, 'argocd.argoproj.io/sync-wave': '3' } } }]);
  const r = await sandboxRun([configMap('a', { wave: 1 }), configMap('b', { wave: 2 }), configMap('c', { wave: 3 })], { sandbox: sb });
  const lines = resultLines(r.result).filter((l) => l.includes('Pruned'));
  assert.deepEqual(lines, ['Sync 1 ConfigMap/w3 Pruned Succeeded pruned', 'Sync 3 ConfigMap/w1 Pruned Succeeded pruned']);
});

test('ORD-14: a client-side dry-run failure fails the sync before anything is written', async () => {
  const nameless: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: NS, annotations: { 'argocd.argoproj.io/sync-wave': '3' } }, data: {} };
  const sb = seededSandbox([]);
  const r = await sandboxRun([configMap('a'), nameless], { sandbox: sb });
  assert.equal(r.result.phase, 'Failed');
  assert.equal(r.result.message, 'one or more objects failed to apply (dry run)');
  assert.equal(sb.tryGet(ref('ConfigMap', 'a')), undefined, 'nothing written');
  assert.deepEqual(r.result.report.applied, []);
});

test('OPT-1 CreateNamespace: the destination namespace is created before the dry-run, in PreSync', async () => {
  const sb = seededSandbox([]);
  sb.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS });
  sb.advance(10_000);
  const r = await sandboxRun([configMap('a')], { sandbox: sb });
  assert.equal(r.result.phase, 'Succeeded');
  assert.equal(r.result.resources[0]!.kind, 'Namespace');
  assert.equal(r.result.resources[0]!.syncPhase, 'PreSync');
  assert.ok(sb.tryGet({ apiVersion: 'v1', kind: 'Namespace', name: NS }));
});

test('OPT-6 ServerSideApply=true: applied by server-side apply as argocd-controller', async () => {
  const r = await sandboxRun([configMap('ssa')], { app: { ...APP, syncOptions: ['ServerSideApply=true'] } });
  assert.equal(r.result.resources.find((x) => x.name === 'ssa')!.message, 'configmap/ssa serverside-applied');
  const live = r.sandbox.get(ref('ConfigMap', 'ssa'));
  assert.ok(live.metadata.managedFields?.some((m) => m.manager === 'argocd-controller' && m.operation === 'Apply'));
  assert.equal(live.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
});

test('OPT-4 Replace=true: created, then replaced on the next sync', async () => {
  const cm = configMap('rep', { ann: { 'argocd.argoproj.io/sync-options': 'Replace=true' } });
  const first = await sandboxRun([cm]);
  assert.equal(first.result.resources[0]!.message, 'configmap/rep created');
  const second = await runSync(first.target, [configMap('rep', { ann: { 'argocd.argoproj.io/sync-options': 'Replace=true' }, data: { key: 'v2' } })]);
  assert.equal(second.result.resources[0]!.message, 'configmap/rep replaced');
  assert.deepEqual(first.sandbox.get(ref('ConfigMap', 'rep')).data, { key: 'v2' });
});

test('ORD-15: a CRD and its custom resource in one sync — the CRD is Established before the resource is applied', async () => {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets', singular: 'widget' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
  };
  const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: NS }, spec: { size: 3 } };
  const r = await sandboxRun([widget, crd], { sandbox: seededSandbox([]) });
  assert.equal(r.result.phase, 'Succeeded', r.result.message);
  assert.deepEqual(r.result.resources.map((x) => x.kind), ['CustomResourceDefinition', 'Widget']);
  assert.ok(r.sandbox.tryGet({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: NS }));
});

test('AUTO-6: a failed operation is retried with backoff on the virtual clock, then reports "(retried N times)."', async () => {
  const retries: string[] = [];
  const r = await sandboxRun([deployment('bad', { selector: 'other' })], {
    retry: { limit: 2, backoff: { duration: '5s', factor: 2 } },
    onEvent: (e) => {
      if (e.type === 'retry') retries.push(e.message);
    },
  });
  assert.equal(r.result.phase, 'Failed');
  assert.equal(r.result.retryCount, 2);
  assert.match(r.result.message, /^one or more objects failed to apply, reason: .* \(retried 2 times\)\.$/);
  assert.equal(retries.length, 2);
  assert.match(retries[0]!, /\. Retrying attempt #1 at \d{1,2}:\d\d[AP]M\.$/);
  // 5 s then 10 s of backoff passed on the sandbox clock, not in real time.
  assert.ok(r.sandbox.now() - Date.parse('2025-01-01T00:00:00Z') >= 15_000);
});

test('dry-run operation: every task checked, nothing written, prune reported as "pruned (dry run)"', async () => {
  const sb = seededSandbox();
  const r = await sandboxRun(fixtureApp(), { sandbox: sb, dryRun: true });
  assert.equal(r.result.phase, 'Succeeded');
  assert.equal(r.result.dryRun, true);
  assert.ok(r.result.resources.some((x) => x.message === 'pruned (dry run)'));
  assert.ok(r.result.resources.some((x) => x.message === 'deployment.apps/db created (dry run)'));
  assert.equal(sb.tryGet(ref('ConfigMap', 'settings')), undefined);
  assert.ok(sb.tryGet(ref('ConfigMap', 'old-settings')));
  assert.deepEqual(r.result.report.applied, []);
});

test('Secrets: no Secret value in any progress event, result or error message (canary)', async () => {
  // The API server's error for this Secret quotes the invalid label value, which carries the secret value.
  const badSecret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad', namespace: NS, labels: { leak: `${CANARY}!` } }, type: 'Opaque', stringData: { token: CANARY } };
  const runs = [await sandboxRun(), await sandboxRun([badSecret], { sandbox: seededSandbox([]) })];
  assert.equal(runs[1]!.result.phase, 'Failed');
  assert.match(runs[1]!.result.message, /Invalid value: "\*{8}!"/, 'the error is shown, masked');
  const b64 = Buffer.from(CANARY).toString('base64');
  for (const r of runs) {
    const text = JSON.stringify({ events: r.events, result: r.result });
    assert.ok(!text.includes(CANARY), 'no plain value');
    assert.ok(!text.includes(b64), 'no base64 value');
  }
});

test('the sandbox target persists through a state file: a second process sees the synced state', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'sync-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'state.json');
  const target = await SandboxTarget.open({ stateFile: file });
  const r = await runSync(target, [configMap('persisted')]);
  assert.equal(r.result.phase, 'Succeeded');
  await target.close();
  const again = await SandboxTarget.open({ stateFile: file });
  assert.ok(await again.get(ref('ConfigMap', 'persisted')));
});

test('OPT-5 Force=true: an immutable field change fails without it, and is applied by deleting and re-creating the object with it', async () => {
  const forced = (image: string, force: boolean): KubeObject => {
    const j = job('batch-import', 'PreSync');
    delete j.metadata.annotations!['argocd.argoproj.io/hook'];
    if (force) j.metadata.annotations!['argocd.argoproj.io/sync-options'] = 'Force=true';
    (j.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = image;
    return j;
  };
  const first = await sandboxRun([forced('registry.example/import:1', false)], { sandbox: seededSandbox([]) });
  assert.equal(first.result.phase, 'Succeeded', first.result.message);
  const uid = first.sandbox.get(ref('Job', 'batch-import')).metadata.uid;
  const refused = await runSync(first.target, [forced('registry.example/import:2', false)]);
  assert.equal(refused.result.phase, 'Failed');
  assert.match(refused.result.message, /field is immutable/);
  const again = await runSync(first.target, [forced('registry.example/import:2', true)]);
  assert.equal(again.result.phase, 'Succeeded', again.result.message);
  assert.equal(again.result.resources[0]!.message, 'job.batch/batch-import configured');
  const live = first.sandbox.get(ref('Job', 'batch-import'));
  assert.notEqual(live.metadata.uid, uid, 'a new object');
  assert.equal((live.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image, 'registry.example/import:2');
});

test('OPT-4 Replace=true on a Namespace: updated in place with the live resourceVersion, never deleted (its contents stay)', async () => {
  const sb = seededSandbox([configMap('inside')]);
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { team: 'shop' }, annotations: { 'argocd.argoproj.io/sync-options': 'Replace=true' } } };
  const uid = sb.get({ apiVersion: 'v1', kind: 'Namespace', name: NS }).metadata.uid;
  const r = await sandboxRun([ns], { sandbox: sb, app: { ...APP, syncOptions: [] }, prune: false });
  assert.equal(r.result.phase, 'Succeeded', r.result.message);
  assert.equal(r.result.resources[0]!.message, 'Namespace/shop updated');
  const live = sb.get({ apiVersion: 'v1', kind: 'Namespace', name: NS });
  assert.equal(live.metadata.uid, uid);
  assert.equal(live.metadata.labels?.team, 'shop');
  assert.ok(sb.tryGet(ref('ConfigMap', 'inside')), 'the namespace kept its contents');
});

test('OPT-10 RespectIgnoreDifferences=true: the sync keeps the live value of an ignored field (replicas scaled by hand stay)', async () => {
  const ignore = { diff: { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }] } };
  const replicas = (r: { sandbox: { get: (x: ReturnType<typeof ref>) => KubeObject } }) => (r.sandbox.get(ref('Deployment', 'scaled')).spec as { replicas: number }).replicas;
  for (const respect of [true, false]) {
    const first = await sandboxRun([deployment('scaled')], { sandbox: seededSandbox([]) });
    first.sandbox.patch(ref('Deployment', 'scaled'), { spec: { replicas: 3 } }, 'merge');
    const app = { ...APP, syncOptions: respect ? ['RespectIgnoreDifferences=true'] : [] };
    const r = await runSync(first.target, [deployment('scaled', { image: 'registry.example/scaled:2' })], { app, ...ignore });
    assert.equal(r.result.phase, 'Succeeded', r.result.message);
    assert.equal(replicas(first), respect ? 3 : 1, respect ? 'the hand-scaled replicas stay' : 'without the option the sync resets them');
  }
});

test('HOOK-5 cancel just after a hook completes: a cancelled operation with its report, the hook keeps its result and loses the finalizer', async () => {
  const controller = new AbortController();
  const r = await sandboxRun(fixtureApp(), {
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'task' && e.result.name === 'migrate' && e.result.hookPhase === 'Succeeded') controller.abort(new Error('user cancelled'));
    },
  });
  assert.equal(r.result.cancelled, true);
  assert.equal(r.result.phase, 'Failed');
  assert.equal(r.result.message, 'Operation terminated');
  const migrate = r.result.resources.find((x) => x.name === 'migrate')!;
  assert.equal(migrate.hookPhase, 'Succeeded', migrate.message);
  assert.equal(migrate.message, 'Reached expected number of succeeded pods');
  assert.ok(!r.result.resources.some((x) => /finalizer/.test(x.message)), 'no task fails over the cancel');
  assert.deepEqual(r.result.report.applied, ['Job.batch/shop/migrate']);
  assert.deepEqual(r.result.report.pruned, []);
  assert.deepEqual(r.result.report.pending, ['Secret/shop/creds', 'ConfigMap/shop/settings', 'ConfigMap/shop/old-settings', 'Deployment.apps/shop/db', 'Service/shop/web', 'Deployment.apps/shop/web', 'Job.batch/shop/smoke']);
  // The bookkeeping of the interrupted step is finished: the hook finalizer comes off. HookSucceeded keeps the hook
  // (the operation did not succeed).
  const live = r.sandbox.tryGet(ref('Job', 'migrate'));
  assert.ok(live, 'the hook stays');
  assert.deepEqual(live!.metadata.finalizers ?? [], []);
  assert.equal(r.sandbox.tryGet(ref('ConfigMap', 'settings')), undefined, 'nothing after the cancel');
});

const namespaceObject = (): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });

test('ORD-7 a second sync of a declared Namespace: kubectl says "unchanged", as the plan does (the destination namespace on a cluster-scoped target is ignored)', async () => {
  const first = await sandboxRun([namespaceObject(), ...fixtureApp()], { sandbox: newSandbox() });
  assert.equal(first.result.phase, 'Succeeded');
  const rv = first.sandbox.tryGet({ apiVersion: 'v1', kind: 'Namespace', name: NS })?.metadata.resourceVersion;
  const second = await runSync(first.target, [namespaceObject(), ...fixtureApp()]);
  assert.equal(second.result.phase, 'Succeeded');
  assert.equal(second.plan.tasks.find((t) => t.kind === 'Namespace')!.action, 'unchanged');
  const ns = second.result.resources.find((x) => x.kind === 'Namespace')!;
  assert.equal(ns.message, `namespace/${NS} unchanged`);
  assert.equal(first.sandbox.tryGet({ apiVersion: 'v1', kind: 'Namespace', name: NS })?.metadata.resourceVersion, rv, 'not written again');
});

test('ORD-11 a second sync announces each wave once, though a BeforeHookCreation wave runs twice (delete, then create)', async () => {
  const first = await sandboxRun([namespaceObject(), ...fixtureApp().map((o) => (o.metadata.name === 'migrate' ? job('migrate', 'PreSync') : o))], { sandbox: newSandbox() });
  const second = await runSync(first.target, [namespaceObject(), ...fixtureApp().map((o) => (o.metadata.name === 'migrate' ? job('migrate', 'PreSync') : o))]);
  assert.equal(second.result.phase, 'Succeeded');
  assert.deepEqual(second.plan.tasks.filter((t) => t.hook).map((t) => `${t.name} ${t.action}`), ['migrate hook-recreate', 'smoke hook-recreate']);
  const waves = second.events.filter((e): e is Extract<SyncEvent, { type: 'wave' }> => e.type === 'wave').map((e) => `${e.phase}/${e.wave}`);
  assert.deepEqual(waves, ['PreSync/0', 'Sync/0', 'Sync/1', 'Sync/2', 'PostSync/0']);
  assert.equal(second.events.filter((e) => e.type === 'started').length, 1, 'one start');
});

test('ORD-15 cancel while a CRD is being written: the call it interrupted finishes its bookkeeping — the CRD reads as applied, not failed', async () => {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: { group: 'example.com', names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
  };
  const gadget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: NS }, spec: { size: 1 } };
  const sandbox = seededSandbox([]);
  const target = await SandboxTarget.open({ sandbox });
  const controller = new AbortController();
  // The user cancels while the API server is answering the CRD's create (before the sync waits for Established).
  const create = target.create.bind(target);
  target.create = async (o, opts) => {
    const out = await create(o, opts);
    if (o.kind === 'CustomResourceDefinition' && !opts?.dryRun) controller.abort(new Error('user cancelled'));
    return out;
  };
  const r = await runSync(target, [crd, gadget], { signal: controller.signal });
  assert.equal(r.result.cancelled, true);
  assert.equal(r.result.message, 'Operation terminated');
  const crdResult = r.result.resources.find((x) => x.kind === 'CustomResourceDefinition')!;
  assert.equal(crdResult.status, 'Synced', crdResult.message);
  assert.equal(crdResult.message, 'customresourcedefinition.apiextensions.k8s.io/gadgets.example.com created');
  assert.deepEqual(r.result.report.applied, ['CustomResourceDefinition.apiextensions.k8s.io/gadgets.example.com']);
  assert.deepEqual(r.result.report.pending, ['Gadget.example.com/shop/g']);
  assert.ok(sandbox.tryGet({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'gadgets.example.com' }));
});
