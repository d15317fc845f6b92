import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argocd } from '../src/engine/kube/index.ts';
import { generatedHookName } from '../src/engine/plan/index.ts';
import { cm, codes, deploy, hook, lines, NS, obj, plan, task, tracked } from './helpers/plan.ts';

test('HOOK-1 an Argo hook annotation makes a hook; a Helm hook too, except crd-install', () => {
  const helm = cm('helm-pre', { ann: { 'helm.sh/hook': 'pre-install' } });
  const crdInstall = cm('crd-install', { ann: { 'helm.sh/hook': 'crd-install' } });
  const p = plan({ desired: [hook('Job', 'argo', 'PreSync'), helm, crdInstall] });
  assert.deepEqual(lines(p), ['PreSync/0 ConfigMap/helm-pre hook', 'PreSync/0 Job/argo hook', 'Sync/0 ConfigMap/crd-install create']);
});

test('HOOK-1 annotation values are a trimmed, de-duplicated CSV; unknown items are ignored, and with none valid the Helm types count', () => {
  const o = cm('x', { ann: { 'argocd.argoproj.io/hook': ' Foo , PostSync,,PostSync ' } });
  assert.deepEqual(argocd.hookTypes(o), ['PostSync']);
  const fallback = cm('y', { ann: { 'argocd.argoproj.io/hook': 'Foo', 'helm.sh/hook': 'post-upgrade' } });
  assert.deepEqual(argocd.hookTypes(fallback), ['PostSync']);
  assert.deepEqual(lines(plan({ desired: [fallback] })), ['PostSync/0 ConfigMap/y hook']);
});

test('HOOK-2 Skip: no task, not pruned although live, no sync status or health; Skip,PreSync is a PreSync hook', () => {
  const skipped = deploy('legacy', { ann: { 'argocd.argoproj.io/hook': 'Skip' } });
  const both = cm('both', { ann: { 'argocd.argoproj.io/hook': 'Skip,PreSync' } });
  const p = plan({ desired: [skipped, both, cm('a')], live: [tracked(deploy('legacy'))], prune: true });
  assert.deepEqual(lines(p), ['PreSync/0 ConfigMap/both hook', 'Sync/0 ConfigMap/a create']);
  const res = p.resources.find((r) => r.name === 'legacy')!;
  assert.equal(res.status, undefined);
  assert.equal(res.requiresPruning, false);
  assert.ok(codes(p).includes('skipped-resource'));
});

test('HOOK-3 a hook with no usable type (Helm test, Argo Foo) is dropped: not applied, not pruned', () => {
  const helmTest = obj('v1', 'Pod', 'chart-test', { ann: { 'helm.sh/hook': 'test' } });
  const foo = cm('foo', { ann: { 'argocd.argoproj.io/hook': 'Foo' } });
  const p = plan({ desired: [helmTest, foo, cm('a')], live: [tracked(helmTest)], prune: true });
  assert.deepEqual(lines(p), ['Sync/0 ConfigMap/a create']);
  assert.equal(codes(p).filter((c) => c === 'hook-ignored').length, 2);
});

test('HOOK-4 Helm mapping: pre-install/pre-upgrade → PreSync, post-install/post-upgrade → PostSync, weight → wave, policies added', () => {
  const pre = cm('pre', { ann: { 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-weight': '-4', 'helm.sh/hook-delete-policy': 'hook-succeeded,before-hook-creation' } });
  const post = cm('post', { ann: { 'helm.sh/hook': 'post-install,post-upgrade', 'argocd.argoproj.io/hook-delete-policy': 'HookFailed', 'helm.sh/hook-delete-policy': 'hook-succeeded' } });
  const p = plan({ desired: [pre, post] });
  assert.deepEqual(lines(p), ['PreSync/-4 ConfigMap/pre hook', 'PostSync/0 ConfigMap/post hook']);
  assert.deepEqual(task(p, 'pre').hook!.deletePolicies, ['HookSucceeded', 'BeforeHookCreation']);
  assert.deepEqual(task(p, 'post').hook!.deletePolicies, ['HookFailed', 'HookSucceeded']);
  assert.deepEqual(task(p, 'post').hook!.types, ['PostSync']);
});

test('HOOK-5 the default delete policy is BeforeHookCreation; each policy says when the hook goes', () => {
  const p = plan({
    desired: [
      hook('Job', 'default', 'PreSync'),
      hook('Job', 'succeeded', 'PreSync', { policy: 'HookSucceeded' }),
      hook('Job', 'failed', 'PostSync', { policy: 'HookFailed' }),
    ],
  });
  assert.deepEqual(task(p, 'default').hook!.deletePolicies, ['BeforeHookCreation']);
  assert.match(task(p, 'default').hook!.deleteWhen, /before the next sync creates it again/);
  assert.match(task(p, 'succeeded').hook!.deleteWhen, /^when the whole sync operation succeeds \(not when the hook finishes\)$/);
  assert.match(task(p, 'failed').hook!.deleteWhen, /^when the sync operation fails$/);
});

test('HOOK-5 a live copy with BeforeHookCreation is deleted first (hook-recreate); without it, re-applied in place', () => {
  const live = [tracked(hook('Job', 'migrate', 'PreSync')), tracked(hook('Job', 'seed', 'PreSync', { policy: 'HookSucceeded' }))];
  const p = plan({ desired: [hook('Job', 'migrate', 'PreSync'), hook('Job', 'seed', 'PreSync', { policy: 'HookSucceeded' })], live });
  assert.equal(task(p, 'migrate').action, 'hook-recreate');
  assert.equal(task(p, 'migrate').hook!.liveExists, true);
  assert.equal(task(p, 'seed').action, 'hook');
  assert.ok(codes(p).includes('hook-reapplied'));
});

test('HOOK-5 a PreSync Job hook without BeforeHookCreation is flagged: it fails on its second run', () => {
  const p = plan({ desired: [hook('Job', 'once', 'PreSync', { policy: 'HookFailed' }), hook('Job', 'ok', 'PreSync', { policy: 'HookSucceeded,BeforeHookCreation' })] });
  const w = p.warnings.filter((x) => x.code === 'hook-job-without-before-hook-creation');
  assert.equal(w.length, 1);
  assert.match(w[0]!.message, /^PreSync hook Job\/shop\/once has delete policy HookFailed without BeforeHookCreation: the Job stays after every successful sync/);
});

test('HOOK-6 hooks wait for their health; a hook without a health check succeeds at once', () => {
  const custom = obj('example.com/v1', 'Migration', 'mig', { ann: { 'argocd.argoproj.io/hook': 'PreSync' } });
  const p = plan({ desired: [hook('Job', 'job', 'PreSync'), hook('ConfigMap', 'cfg', 'PreSync'), custom] });
  assert.equal(task(p, 'job').healthGated, true);
  assert.equal(task(p, 'cfg').healthGated, false);
  assert.equal(task(p, 'mig').healthGated, false);
  assert.ok(p.warnings.some((w) => w.code === 'hook-without-health' && w.object?.name === 'mig'));
});

test('HOOK-7 generateName hooks get generateName + lower(rev7-phase-unixSeconds), one name per phase, and the hook finalizer', () => {
  const p = plan({ desired: [hook('Job', 'migrate-', 'PreSync,PostSync', { generateName: true })] });
  assert.deepEqual(
    p.tasks.map((t) => t.name),
    ['migrate-abcdef0-presync-1700000000', 'migrate-abcdef0-postsync-1700000000'],
  );
  assert.ok(p.tasks.every((t) => t.hook!.generatedName));
  assert.deepEqual(task(p, 'migrate-abcdef0-presync-1700000000').target!.metadata.finalizers, ['argocd.argoproj.io/hook-finalizer']);
  assert.equal(generatedHookName('x-', 'abc', 'Sync', new Date(5000)), 'x-abc-sync-5');
  assert.ok(codes(p).includes('hook-copies-pile-up'));
});

test('HOOK-8 SyncFail hooks are in the list but run only on failure, after everything else', () => {
  const p = plan({ desired: [cm('a', { wave: 3 }), hook('Job', 'notify', 'SyncFail', { wave: -5 })] });
  assert.deepEqual(lines(p), ['Sync/3 ConfigMap/a create', 'SyncFail/-5 Job/notify hook']);
  const fail = p.waves.find((w) => w.phase === 'SyncFail')!;
  assert.equal(fail.final, false);
  assert.equal(fail.delayAfter, false);
});

test('HOOK-9 PreDelete and PostDelete hooks stay out of the sync and add the app finalizers', () => {
  const pre = hook('Job', 'backup', 'PreDelete');
  const post = cm('bye', { ann: { 'helm.sh/hook': 'post-delete' } });
  const both = hook('Job', 'both', 'PostDelete,PostSync');
  const p = plan({ desired: [pre, post, both, cm('a')] });
  assert.deepEqual(lines(p), ['Sync/0 ConfigMap/a create', 'PostSync/0 Job/both hook']);
  assert.deepEqual(p.appFinalizers, [
    'pre-delete-finalizer.argocd.argoproj.io',
    'pre-delete-finalizer.argocd.argoproj.io/cleanup',
    'post-delete-finalizer.argocd.argoproj.io',
    'post-delete-finalizer.argocd.argoproj.io/cleanup',
  ]);
  assert.ok(codes(p).includes('delete-hooks'));
});

test('HOOK-1 hooks appear in every phase with their own waves', () => {
  const p = plan({
    desired: [
      hook('Job', 'pre-1', 'PreSync', { wave: -1 }),
      hook('Pod', 'pre-2', 'PreSync', { wave: 2 }),
      hook('Job', 'sync-hook', 'Sync', { wave: 1 }),
      deploy('app'),
      hook('Job', 'post', 'PostSync'),
      hook('Job', 'fail', 'SyncFail'),
    ],
  });
  assert.deepEqual(lines(p), [
    'PreSync/-1 Job/pre-1 hook',
    'PreSync/2 Pod/pre-2 hook',
    'Sync/0 Deployment/app create',
    'Sync/1 Job/sync-hook hook',
    'PostSync/0 Job/post hook',
    'SyncFail/0 Job/fail hook',
  ]);
  assert.equal(task(p, 'app').namespace, NS);
});
