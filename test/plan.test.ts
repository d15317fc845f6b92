import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_ORDER, kindRank } from '../src/engine/plan/index.ts';
import { argocd } from '../src/engine/kube/index.ts';
import { cm, codes, deploy, hook, lines, NS, obj, plan, task, tracked } from './helpers/plan.ts';

test('ORD-1 one task per managed object, in phase Sync; one per distinct hook type; live hooks are never pruned', () => {
  const h = hook('Job', 'both', 'PreSync, PostSync,PreSync');
  const liveHook = tracked(hook('Job', 'old-hook', 'PostSync'));
  const p = plan({ desired: [cm('a'), h], live: [liveHook], prune: true });
  assert.deepEqual(lines(p), ['PreSync/0 Job/both hook', 'Sync/0 ConfigMap/a create', 'PostSync/0 Job/both hook']);
});

test('ORD-2 phase order is PreSync, Sync, PostSync, SyncFail whatever the waves', () => {
  const p = plan({
    desired: [hook('Job', 'fail', 'SyncFail', { wave: -10 }), hook('Job', 'post', 'PostSync', { wave: -5 }), cm('main', { wave: 7 }), hook('Job', 'pre', 'PreSync', { wave: 9 })],
  });
  assert.deepEqual(
    p.tasks.map((t) => t.phase),
    ['PreSync', 'Sync', 'PostSync', 'SyncFail'],
  );
  assert.deepEqual(argocd.SYNC_PHASE_ORDER, { PreSync: -1, Sync: 0, PostSync: 1, SyncFail: 2 });
});

test('ORD-3 the wave is a Go Atoi of sync-wave, else helm.sh/hook-weight, else 0, for every object', () => {
  const p = plan({
    desired: [
      cm('minus', { wave: '-5' }),
      cm('plus', { wave: '+5' }),
      cm('space', { ann: { 'argocd.argoproj.io/sync-wave': ' 5', 'helm.sh/hook-weight': '3' } }),
      cm('float', { ann: { 'argocd.argoproj.io/sync-wave': '5.0' } }),
      cm('helm', { ann: { 'helm.sh/hook-weight': '-2' } }),
      cm('none'),
    ],
  });
  assert.deepEqual(
    p.tasks.map((t) => `${t.name}:${t.wave}`),
    ['minus:-5', 'helm:-2', 'float:0', 'none:0', 'space:3', 'plus:5'],
  );
  assert.deepEqual(codes(p).filter((c) => c === 'invalid-sync-wave').length, 2, 'both unparsable waves are reported');
  assert.equal(argocd.goAtoi('007'), 7);
  assert.equal(argocd.goAtoi('1e3'), undefined);
  assert.equal(argocd.goAtoi('99999999999999999999'), undefined);
});

test('ORD-4 the sort is phase, wave, kind rank, then name; namespace and group do not order before the name', () => {
  const p = plan({
    desired: [
      cm('b', { ns: 'aaa' }),
      cm('a', { ns: 'zzz' }),
      deploy('a'),
      obj('v1', 'Service', 'z'),
      cm('same', { ns: 'zzz' }),
      cm('same', { ns: 'aaa' }),
      obj('example.com/v1', 'Deployment', 'aa-custom'),
    ],
  });
  assert.deepEqual(
    p.tasks.map((t) => `${t.kind}/${t.namespace}/${t.name}`),
    ['ConfigMap/zzz/a', 'ConfigMap/aaa/b', 'ConfigMap/aaa/same', 'ConfigMap/zzz/same', 'Service/shop/z', 'Deployment/shop/a', 'Deployment/shop/aa-custom'],
  );
  assert.equal(task(p, 'aa-custom').kindRank, kindRank('Deployment'), 'a custom kind named Deployment ranks like apps/Deployment');
});

test('ORD-5 every kind in the kind order gets its rank (-35..-1); other kinds rank 0 and come last', () => {
  assert.equal(KIND_ORDER.length, 35);
  const desired = [...KIND_ORDER]
    .reverse()
    .map((kind, i) => obj(kind === 'CustomResourceDefinition' ? 'apiextensions.k8s.io/v1' : 'example.io/v1', kind, `n${String(i).padStart(2, '0')}`, { ns: null }));
  desired.unshift(obj('example.io/v1', 'Widget', 'w', { ns: null }), obj('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'v', { ns: null }));
  const p = plan({ desired, app: { name: 'shop', destinationNamespace: '' } });
  assert.deepEqual(
    p.tasks.map((t) => t.kind),
    [...KIND_ORDER, 'ValidatingWebhookConfiguration', 'Widget'],
  );
  assert.deepEqual(
    p.tasks.map((t) => t.kindRank),
    [...KIND_ORDER.map((_, i) => i - 35), 0, 0],
  );
});

test('ORD-6 a Namespace takes the phase and wave of the first task in it, even from a later wave', () => {
  const p = plan({
    desired: [obj('v1', 'Namespace', 'team', { ns: null, wave: 5 }), cm('settings', { ns: 'team', wave: 0 }), cm('early', { ns: 'other', wave: -1 })],
    app: { name: 'shop', destinationNamespace: 'other' },
  });
  assert.deepEqual(lines(p), ['Sync/-1 ConfigMap/early create', 'Sync/0 Namespace/team create', 'Sync/0 ConfigMap/settings create']);
  const ns = task(p, 'team');
  assert.equal(ns.declaredWave, 5);
  assert.equal(ns.waveReason, 'namespace-first-use');
  assert.ok(codes(p).includes('wave-moved'));
});

test('ORD-6 a Namespace moves into PreSync when a PreSync hook lives in it', () => {
  const p = plan({ desired: [obj('v1', 'Namespace', 'jobs', { ns: null }), { ...hook('Job', 'migrate', 'PreSync', { wave: -3 }), metadata: { name: 'migrate', namespace: 'jobs', annotations: { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/sync-wave': '-3' } } }] });
  assert.deepEqual(lines(p), ['PreSync/-3 Namespace/jobs create', 'PreSync/-3 Job/migrate hook']);
});

test('ORD-6 a CRD takes the wave of the first custom resource of its group/kind', () => {
  const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', {
    ns: null,
    wave: 3,
    spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced' },
  });
  const p = plan({ desired: [crd, obj('example.com/v1', 'Widget', 'w1', { wave: -1 }), obj('example.com/v1', 'Gadget', 'g1', { wave: -2 })] });
  assert.deepEqual(lines(p), ['Sync/-2 Gadget/g1 create', 'Sync/-1 CustomResourceDefinition/widgets.example.com create', 'Sync/-1 Widget/w1 create']);
  assert.equal(task(p, 'widgets.example.com').waveReason, 'crd-first-use');
});

test('ORD-6 bubbling looks only at targets: a prune task in a namespace does not pull the Namespace', () => {
  const p = plan({
    desired: [obj('v1', 'Namespace', 'team', { ns: null, wave: 2 })],
    live: [tracked(cm('gone', { ns: 'team', wave: -4 }))],
    prune: true,
  });
  assert.deepEqual(lines(p), ['Sync/-4 ConfigMap/gone prune', 'Sync/2 Namespace/team create']);
});

test('ORD-7 a namespaced target without a namespace gets the destination; a cluster-scoped one loses its namespace', () => {
  const p = plan({ desired: [cm('plain', { ns: null }), obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader', { ns: 'oops' })] });
  assert.equal(task(p, 'plain').namespace, NS);
  assert.equal(task(p, 'reader').namespace, '');
  assert.equal(task(p, 'reader').target!.metadata.namespace, NS, 'Argo still sets the destination namespace on the target it applies');
  assert.ok(codes(p).includes('cluster-scoped-namespace'));
});

test('ORD-7 quirk: a cluster-scoped target counts as "in" the destination namespace for Namespace bubbling', () => {
  const p = plan({ desired: [obj('v1', 'Namespace', NS, { ns: null, wave: 0 }), obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader', { ns: null, wave: -2 })] });
  assert.deepEqual(lines(p), [`Sync/-2 Namespace/${NS} create`, 'Sync/-2 ClusterRole/reader create']);
});

test('ORD-8 duplicate targets: the last one wins and the app gets RepeatedResourceWarning', () => {
  const p = plan({ desired: [cm('dup', { wave: 1 }), cm('other'), cm('dup', { wave: 4 })] });
  assert.deepEqual(lines(p), ['Sync/0 ConfigMap/other create', 'Sync/4 ConfigMap/dup create']);
  const w = p.warnings.find((x) => x.code === 'repeated-resource')!;
  assert.match(w.message, /^Resource \/ConfigMap\/shop\/dup appeared 2 times among application resources\./);
});

test('ORD-9 prune waves are mirrored: prune {1,3} among creates {1,2,3} — wave 3 is pruned first, wave 1 last', () => {
  const p = plan({
    desired: [cm('c1', { wave: 1 }), cm('c2', { wave: 2 }), cm('c3', { wave: 3 })],
    live: [tracked(cm('old1', { wave: 1 })), tracked(cm('old3', { wave: 3 }))],
    prune: true,
  });
  assert.deepEqual(lines(p), [
    'Sync/1 ConfigMap/old3 prune',
    'Sync/1 ConfigMap/c1 create',
    'Sync/2 ConfigMap/c2 create',
    'Sync/3 ConfigMap/old1 prune',
    'Sync/3 ConfigMap/c3 create',
  ]);
  assert.equal(task(p, 'old3').waveReason, 'prune-reversed');
  assert.equal(task(p, 'old3').declaredWave, 3);
});

test('ORD-9 prune waves {-1,0,5} become -1→5, 0→0, 5→-1', () => {
  const p = plan({ desired: [], live: [tracked(cm('a', { wave: -1 })), tracked(cm('b', { wave: 0 })), tracked(cm('c', { wave: 5 }))], prune: true });
  assert.deepEqual(lines(p), ['Sync/-1 ConfigMap/c prune', 'Sync/0 ConfigMap/b prune', 'Sync/5 ConfigMap/a prune']);
});

test('ORD-10 PruneLast (app option) moves prunes to max(0, last Sync wave) + 1, before PostSync', () => {
  const p = plan({
    app: { name: 'shop', destinationNamespace: NS, syncOptions: ['PruneLast=true'] },
    desired: [cm('a', { wave: -3 }), hook('Job', 'after', 'PostSync')],
    live: [tracked(cm('old', { wave: -7 }))],
    prune: true,
  });
  assert.deepEqual(lines(p), ['Sync/-3 ConfigMap/a create', 'Sync/1 ConfigMap/old prune', 'PostSync/0 Job/after hook']);
  assert.equal(task(p, 'old').waveReason, 'prune-last');
  assert.ok(task(p, 'old').options.includes('PruneLast=true'));
});

test('ORD-10 PruneLast from the live object\'s annotation applies to that prune only', () => {
  const p = plan({
    desired: [cm('a', { wave: 4 })],
    live: [tracked(cm('last', { ann: { 'argocd.argoproj.io/sync-options': 'PruneLast=true' } })), tracked(cm('normal', { wave: 2 }))],
    prune: true,
  });
  // Mirroring first ({0,2} swap), then PruneLast: max(0, 4) + 1.
  assert.deepEqual(lines(p), ['Sync/0 ConfigMap/normal prune', 'Sync/4 ConfigMap/a create', 'Sync/5 ConfigMap/last prune']);
});

test('ORD-11 inside a wave prunes come first, then the applies in kind order', () => {
  const p = plan({ desired: [deploy('web'), cm('conf')], live: [tracked(cm('zzz-old'))], prune: true });
  assert.deepEqual(lines(p), ['Sync/0 ConfigMap/zzz-old prune', 'Sync/0 ConfigMap/conf create', 'Sync/0 Deployment/web create']);
});

test('ORD-12 a single-wave sync without hooks is just an apply: nothing is health-gated', () => {
  const p = plan({ desired: [deploy('web'), cm('conf')] });
  assert.equal(p.multiStep, false);
  assert.deepEqual(p.tasks.map((t) => t.healthGated), [false, false]);
  assert.equal(p.waves.length, 1);
  assert.equal(p.waves[0]!.final, true);
});

test('ORD-12 multi-step: every wave but a hook-less last one waits for health; the last wave is not waited for', () => {
  const p = plan({ desired: [deploy('db', { wave: 0 }), cm('conf', { wave: 0 }), deploy('web', { wave: 1 })] });
  assert.equal(p.multiStep, true);
  assert.equal(task(p, 'db').healthGated, true);
  assert.equal(task(p, 'conf').healthGated, false, 'a ConfigMap has no health check: it succeeds at once');
  assert.equal(task(p, 'web').healthGated, false);
  assert.deepEqual(p.waves.map((w) => [w.wave, w.healthGated, w.final]), [[0, true, false], [1, false, true]]);
  assert.ok(codes(p).includes('last-wave-not-waited'));
});

test('ORD-12 when the last wave holds a hook, its resources are health-gated too', () => {
  const p = plan({ desired: [deploy('db', { wave: 0 }), deploy('web', { wave: 1 }), hook('Job', 'smoke', 'Sync', { wave: 1 })] });
  assert.equal(task(p, 'web').healthGated, true);
  assert.equal(task(p, 'smoke').healthGated, true);
  assert.ok(!codes(p).includes('last-wave-not-waited'));
});

test('ORD-12 single-step with a hook: only the hook is waited for', () => {
  const p = plan({ desired: [deploy('web'), hook('Job', 'smoke', 'Sync')] });
  assert.equal(p.multiStep, false);
  assert.equal(task(p, 'web').healthGated, false);
  assert.equal(task(p, 'smoke').healthGated, true);
});

test('ORD-12 a SyncFail hook makes the sync multi-step, but is never the last wave', () => {
  const p = plan({ desired: [deploy('web'), hook('Job', 'cleanup', 'SyncFail')] });
  assert.equal(p.multiStep, true);
  const final = p.waves.find((w) => w.final)!;
  assert.deepEqual([final.phase, final.wave], ['Sync', 0]);
  assert.equal(task(p, 'web').healthGated, false, 'the last Sync wave has no hook');
});

test('ORD-12 a paused Deployment in an early wave blocks the later waves forever (warning)', () => {
  const p = plan({ desired: [deploy('paused', { wave: 0, paused: true }), deploy('web', { wave: 1 })] });
  const w = p.warnings.find((x) => x.code === 'suspended-blocks-sync')!;
  assert.ok(w, codes(p).join(','));
  assert.match(w.message, /Deployment\/shop\/paused will be Suspended \(spec\.paused is true\).*nothing after Sync wave 0 ever runs/);
  const alone = plan({ desired: [deploy('paused', { paused: true })] });
  assert.ok(!codes(alone).includes('suspended-blocks-sync'), 'a single-step sync does not wait for it');
});

test('ORD-12 a live object that is Suspended now is flagged when the sync waits for it', () => {
  const paused = tracked(deploy('legacy', { wave: -1 }));
  (paused.spec as Record<string, unknown>).paused = true;
  const p = plan({ desired: [deploy('legacy', { wave: -1 }), deploy('web', { wave: 1 })], live: [paused] });
  assert.ok(codes(p).includes('suspended-blocks-sync'));
});

test('ORD-13 waves other than the last are followed by the wave delay', () => {
  const p = plan({ desired: [cm('a', { wave: -1 }), cm('b', { wave: 0 }), cm('c', { wave: 1 })] });
  assert.deepEqual(p.waves.map((w) => w.delayAfter), [true, true, false]);
});

test('ORD-14 a kind the cluster does not serve fails the sync, unless its CRD is synced too or the option says skip', () => {
  const widget = obj('example.com/v1', 'Widget', 'w1');
  const failing = plan({ desired: [widget], live: [] });
  assert.match(failing.failure ?? '', /^one or more synchronization tasks are not valid: failed to discover server resources for group version example\.com\/v1/);
  const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', { ns: null, spec: { group: 'example.com', names: { kind: 'Widget' }, scope: 'Namespaced' } });
  const withCrd = plan({ desired: [widget, crd], live: [] });
  assert.equal(withCrd.failure, undefined);
  assert.equal(task(withCrd, 'w1').skipDryRun, true);
  assert.ok(task(withCrd, 'w1').options.includes('SkipDryRunOnMissingResource=true'));
  const optioned = plan({ desired: [widget], live: [], app: { name: 'shop', destinationNamespace: NS, syncOptions: ['SkipDryRunOnMissingResource=true'] } });
  assert.equal(optioned.failure, undefined);
  const noCluster = plan({ desired: [widget] });
  assert.equal(noCluster.failure, undefined, 'without a cluster nothing is known about discovery');
});

test('ORD-14 a selective sync and the apply strategy run no hooks', () => {
  const desired = [cm('a'), cm('b'), hook('Job', 'pre', 'PreSync')];
  const selective = plan({ desired, resources: [{ group: '', kind: 'ConfigMap', namespace: NS, name: 'b' }] });
  assert.deepEqual(lines(selective), ['Sync/0 ConfigMap/b create']);
  assert.ok(codes(selective).includes('hooks-skipped'));
  assert.deepEqual(lines(plan({ desired, applyStrategy: true })), ['Sync/0 ConfigMap/a create', 'Sync/0 ConfigMap/b create']);
});
