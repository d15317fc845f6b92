import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSync, parseTrackingId, stampTracking, trackingFor, planToJson } from '../src/engine/plan/index.ts';
import { HealthChecker, parseHealthOverrides } from '../src/engine/health/index.ts';
import { APP, cm, codes, deploy, hook, lines, NS, obj, plan, task, tracked } from './helpers/plan.ts';

const withOptions = (...syncOptions: string[]) => ({ name: APP, destinationNamespace: NS, syncOptions });

test('OPT-1 CreateNamespace adds a PreSync Namespace task when the namespace is missing, and makes the sync multi-step', () => {
  const p = plan({ app: withOptions('CreateNamespace=true'), desired: [deploy('web')], live: [] });
  assert.deepEqual(lines(p), [`PreSync/0 Namespace/${NS} create`, 'Sync/0 Deployment/web create']);
  assert.ok(task(p, NS).options.includes('CreateNamespace=true'));
  assert.equal(p.multiStep, true);
  assert.equal(task(p, 'web').healthGated, false, 'the last wave is still not waited for');
});

test('OPT-1 no namespace task when it exists, when a target declares it; managedNamespaceMetadata updates an existing one', () => {
  const liveNs = obj('v1', 'Namespace', NS, { ns: null });
  assert.deepEqual(lines(plan({ app: withOptions('CreateNamespace=true'), desired: [cm('a')], live: [liveNs] })), ['Sync/0 ConfigMap/a create']);
  assert.deepEqual(lines(plan({ app: withOptions('CreateNamespace=true'), desired: [cm('a'), obj('v1', 'Namespace', NS, { ns: null })] })), [
    `Sync/0 Namespace/${NS} create`,
    'Sync/0 ConfigMap/a create',
  ]);
  const managed = plan({
    app: { ...withOptions('CreateNamespace=true'), managedNamespaceMetadata: { labels: { team: 'a' } } },
    desired: [cm('a')],
    live: [liveNs],
  });
  const nsTask = task(managed, NS);
  assert.equal(nsTask.action, 'update');
  assert.deepEqual(nsTask.target!.metadata.labels, { team: 'a' });
  assert.equal(nsTask.target!.metadata.annotations!['argocd.argoproj.io/sync-options'], 'ServerSideApply=true');
});

test('OPT-1 quirk: a Namespace declared only as a hook does not stop the auto-created one', () => {
  const nsHook = obj('v1', 'Namespace', NS, { ns: null, ann: { 'argocd.argoproj.io/hook': 'PreSync' } });
  const p = plan({ app: withOptions('CreateNamespace=true'), desired: [nsHook, cm('a')] });
  assert.equal(p.tasks.filter((t) => t.kind === 'Namespace').length, 2);
});

test('OPT-3 ApplyOutOfSyncOnly skips unchanged resources; creates, updates, prunes and hooks still run', () => {
  const same = cm('same', { wave: 1 });
  const changed = cm('changed', { wave: 0 });
  const liveChanged = tracked(changed);
  (liveChanged as Record<string, unknown>).data = { k: 'old' };
  const p = plan({
    app: withOptions('ApplyOutOfSyncOnly=true'),
    desired: [same, changed, cm('new'), hook('Job', 'pre', 'PreSync')],
    live: [tracked(same), liveChanged, tracked(cm('gone'))],
    prune: true,
  });
  assert.deepEqual(lines(p), ['PreSync/0 Job/pre hook', 'Sync/0 ConfigMap/gone prune', 'Sync/0 ConfigMap/changed update', 'Sync/0 ConfigMap/new create', 'Sync/1 ConfigMap/same skip']);
  assert.equal(task(p, 'same').actionDetail, 'in sync, not applied (ApplyOutOfSyncOnly=true)');
  const final = p.waves.find((w) => w.final)!;
  assert.deepEqual([final.phase, final.wave], ['Sync', 0], 'a wave of skipped tasks is not the last wave');
});

test('OPT-4 Replace: replace when live exists, create when not, update (PUT) for CRDs and Namespaces, --force with Force', () => {
  const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'things.example.com', { ns: null, spec: { group: 'example.com', names: { kind: 'Thing' } } });
  const ns = obj('v1', 'Namespace', 'extra', { ns: null });
  const forced = cm('forced', { ann: { 'argocd.argoproj.io/sync-options': 'Force=true' } });
  const p = plan({ app: withOptions('Replace=true'), desired: [cm('existing'), cm('fresh'), crd, ns, forced], live: [tracked(cm('existing')), crd, ns, tracked(forced)] });
  assert.equal(task(p, 'existing').method, 'replace');
  assert.equal(task(p, 'fresh').method, 'create');
  assert.equal(task(p, 'things.example.com').method, 'update');
  assert.equal(task(p, 'extra').method, 'update');
  assert.equal(task(p, 'forced').method, 'replace-force');
  const annotated = plan({ desired: [cm('one', { ann: { 'argocd.argoproj.io/sync-options': 'Replace=true' } })], live: [tracked(cm('one'))] });
  assert.equal(task(annotated, 'one').method, 'replace');
});

test('OPT-6 ServerSideApply from the app or the resource; ServerSideApply=false on the resource wins', () => {
  const p = plan({ app: withOptions('ServerSideApply=true'), desired: [cm('a'), cm('off', { ann: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=false' } })] });
  assert.equal(task(p, 'a').method, 'server-side-apply');
  assert.ok(task(p, 'a').options.includes('ServerSideApply=true'));
  assert.equal(task(p, 'off').method, 'apply');
  assert.equal(task(plan({ desired: [cm('b', { ann: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' } })] }), 'b').method, 'server-side-apply');
  assert.ok(p.options.includes('ServerSideApply=true'));
});

test('OPT-7 Validate=false from the app or the resource is an option of the task', () => {
  assert.ok(task(plan({ app: withOptions('Validate=false'), desired: [cm('a')] }), 'a').options.includes('Validate=false'));
  assert.ok(task(plan({ desired: [cm('b', { ann: { 'argocd.argoproj.io/sync-options': 'Validate=false' } })] }), 'b').options.includes('Validate=false'));
});

test('OPT-9 prune propagation is foreground by default; background and orphan are honoured', () => {
  const live = [tracked(cm('gone'))];
  assert.ok(task(plan({ desired: [], live, prune: true }), 'gone').options.includes('PrunePropagationPolicy=foreground'));
  const bg = plan({ app: withOptions('PrunePropagationPolicy=background'), desired: [], live, prune: true });
  assert.ok(task(bg, 'gone').options.includes('PrunePropagationPolicy=background'));
  assert.ok(bg.options.includes('PrunePropagationPolicy=background'));
  assert.equal(task(bg, 'gone').actionDetail, 'pruned (background propagation)');
});

test('OPT-11 FailOnSharedResource fails the sync when a resource is tracked by another app', () => {
  const other = { ...cm('shared'), metadata: { ...cm('shared').metadata, annotations: { 'argocd.argoproj.io/tracking-id': `other:/ConfigMap:${NS}/shared` } } };
  const warn = plan({ desired: [cm('shared')], live: [other] });
  const w = warn.warnings.find((x) => x.code === 'shared-resource')!;
  assert.equal(w.message, 'ConfigMap/shared is part of applications shop and other');
  assert.equal(warn.failure, undefined);
  const fail = plan({ app: withOptions('FailOnSharedResource=true'), desired: [cm('shared')], live: [other] });
  assert.equal(fail.failure, 'Shared resource found: ConfigMap/shared is part of applications shop and other');
});

test('OPT-12 Prune=false skips the prune ("ignored (no prune)"); the app-level default applies unless the annotation says otherwise', () => {
  const keep = tracked(cm('keep', { ann: { 'argocd.argoproj.io/sync-options': 'Prune=false' } }));
  const p = plan({ desired: [], live: [keep, tracked(cm('gone'))], prune: true });
  assert.equal(task(p, 'keep').action, 'prune-skipped');
  assert.equal(task(p, 'keep').actionDetail, 'ignored (no prune)');
  assert.equal(task(p, 'gone').action, 'prune');
  const appDefault = plan({ app: withOptions('Prune=false'), desired: [], live: [tracked(cm('gone')), tracked(cm('yes', { ann: { 'argocd.argoproj.io/sync-options': 'Prune=true' } }))], prune: true });
  assert.equal(task(appDefault, 'gone').action, 'prune-skipped');
  assert.equal(task(appDefault, 'yes').action, 'prune');
});

test('OPT-12 without the prune flag a candidate is "ignored (requires pruning)" and stays OutOfSync', () => {
  const p = plan({ desired: [cm('a')], live: [tracked(cm('a')), tracked(cm('gone'))] });
  assert.equal(task(p, 'gone').action, 'prune-skipped');
  assert.equal(task(p, 'gone').actionDetail, 'ignored (requires pruning)');
  assert.equal(p.syncStatus, 'OutOfSync');
  assert.ok(codes(p).includes('prune-disabled'));
  assert.equal(plan({ app: { ...withOptions(), automated: { prune: true } }, desired: [], live: [tracked(cm('gone'))] }).prune, true, 'automated.prune turns it on');
});

test('OPT-12 Prune=confirm waits for approval, whatever the prune flag', () => {
  const confirm = tracked(cm('careful', { ann: { 'argocd.argoproj.io/sync-options': 'Prune=confirm' } }));
  const p = plan({ desired: [], live: [confirm] });
  assert.equal(task(p, 'careful').action, 'needs-confirmation');
  assert.ok(codes(p).includes('prune-needs-confirmation'));
  assert.equal(task(plan({ desired: [], live: [confirm], prune: true, pruneConfirmed: true }), 'careful').action, 'prune');
});

test('TRK-1 the tracking id is app:group/Kind:namespace/name, with the destination namespace for cluster-scoped objects', () => {
  const t = trackingFor({ name: 'shop', destinationNamespace: 'dest' });
  const role = stampTracking(obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r', { ns: null }), t);
  assert.equal(role.metadata.annotations!['argocd.argoproj.io/tracking-id'], 'shop:rbac.authorization.k8s.io/ClusterRole:dest/r');
  assert.equal(stampTracking(cm('c'), t).metadata.annotations!['argocd.argoproj.io/tracking-id'], `shop:/ConfigMap:${NS}/c`);
  assert.equal(trackingFor({ name: 'shop', namespace: 'team-a', destinationNamespace: '' }).instanceName, 'team-a_shop');
  assert.equal(trackingFor({ name: 'shop', namespace: 'argocd', destinationNamespace: '' }).instanceName, 'shop');
  assert.deepEqual(parseTrackingId('a:apps/Deployment:ns/web'), { appName: 'a', group: 'apps', kind: 'Deployment', namespace: 'ns', name: 'web' });
  assert.equal(parseTrackingId('a:apps/v1/Deployment:ns/web'), undefined);
  const label = stampTracking(cm('c'), trackingFor({ name: 'shop', destinationNamespace: NS }, { method: 'label' }));
  assert.equal(label.metadata.labels!['app.kubernetes.io/instance'], 'shop');
  assert.equal(label.metadata.annotations?.['argocd.argoproj.io/tracking-id'], undefined);
});

test('TRK-1 label tracking finds the app\'s live objects by the instance label', () => {
  const live = cm('gone');
  live.metadata.labels = { 'app.kubernetes.io/instance': APP };
  const p = plan({ desired: [], live: [live], prune: true, tracking: { method: 'label' } });
  assert.deepEqual(lines(p), ['Sync/0 ConfigMap/gone prune']);
  assert.deepEqual(lines(plan({ desired: [], live: [live], prune: true })), [], 'annotation tracking ignores the label');
});

test('TRK-2 a copied object whose tracking id names another object is not the app\'s: no status, never pruned', () => {
  const copy = cm('copy-in-child');
  copy.metadata.namespace = 'child';
  copy.metadata.annotations = { 'argocd.argoproj.io/tracking-id': `${APP}:/ConfigMap:${NS}/original` };
  const p = plan({ desired: [], live: [copy], prune: true });
  assert.deepEqual(lines(p), []);
  assert.equal(p.resources[0]!.status, undefined);
  assert.equal(p.resources[0]!.requiresPruning, false);
});

test('TRK-3 prune candidates: tracked live objects without ownerReferences; objects at a target key are adopted', () => {
  const owned = tracked(obj('apps/v1', 'ReplicaSet', 'web-123'));
  owned.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u' }];
  const untracked = cm('adopt');
  const p = plan({ desired: [cm('adopt')], live: [owned, untracked, cm('stranger')], prune: true });
  // Adopted, and updated: the tracking annotation is not on the live copy yet.
  assert.deepEqual(lines(p), ['Sync/0 ConfigMap/adopt update']);
  assert.equal(p.resources.length, 1);
});

test('TRK-5 CRDs carry no tracking: untracked live CRDs are never prune candidates; synced CRDs are flagged', () => {
  const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', { ns: null, spec: { group: 'example.com', names: { kind: 'Widget' } } });
  const p = plan({ desired: [crd], live: [] });
  assert.equal(task(p, 'widgets.example.com').target!.metadata.annotations, undefined, 'no tracking stamped on a CRD');
  assert.ok(codes(p).includes('crd-never-pruned'));
  const removed = plan({ desired: [], live: [crd], prune: true });
  assert.deepEqual(lines(removed), []);
});

test('AUTO-5 self-heal syncs only the resources that are not Synced, with no hooks; prune candidates included', () => {
  const drifted = tracked(cm('drifted'));
  (drifted as Record<string, unknown>).data = { k: 'changed by hand' };
  const p = plan({
    desired: [cm('fine'), cm('drifted'), hook('Job', 'pre', 'PreSync')],
    live: [tracked(cm('fine')), drifted, tracked(cm('gone'))],
    selfHeal: true,
    prune: true,
  });
  assert.deepEqual(lines(p), ['Sync/0 ConfigMap/gone prune', 'Sync/0 ConfigMap/drifted update']);
  assert.equal(p.skipHooks, true);
});

test('sync status: Synced when every resource matches live; OutOfSync for missing, modified and extra; IgnoreExtraneous', () => {
  const synced = plan({ desired: [cm('a')], live: [tracked(cm('a'))] });
  assert.equal(synced.syncStatus, 'Synced');
  assert.deepEqual(synced.resources.map((r) => r.status), ['Synced']);
  const missing = plan({ desired: [cm('a')], live: [] });
  assert.equal(missing.syncStatus, 'OutOfSync');
  const extra = tracked(cm('extra', { ann: { 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' } }));
  const ignored = plan({ desired: [cm('a')], live: [tracked(cm('a')), extra] });
  assert.equal(ignored.syncStatus, 'Synced');
  assert.equal(ignored.resources.find((r) => r.name === 'extra')!.status, 'OutOfSync');
});

test('app health against live state, with a custom Lua check from argocd-cm (HLT-13, HLT-14)', async () => {
  const health = await HealthChecker.create(parseHealthOverrides({ 'resource.customizations.health.example.com_Widget': 'return {status = "Degraded", message = "broken widget"}' }));
  const widget = tracked(obj('example.com/v1', 'Widget', 'w'));
  const p = planSync({ app: { name: APP, destinationNamespace: NS }, desired: [obj('example.com/v1', 'Widget', 'w')], live: [widget], health });
  assert.equal(p.health.status, 'Degraded');
  assert.equal(p.health.message, `Caused by example.com/Widget:${NS}/w`);
  assert.deepEqual(task(p, 'w').health, { status: 'Degraded', message: 'broken widget' });
});

test('APP-1 a child Application has no health: it is applied and not waited for', () => {
  const child = obj('argoproj.io/v1alpha1', 'Application', 'child', { ns: 'argocd', wave: 0 });
  const p = plan({ desired: [child, cm('later', { wave: 1 })] });
  assert.equal(task(p, 'child').healthGated, false);
});

test('--json shape: tasks in execution order with exactly the documented fields', () => {
  const p = plan({ desired: [hook('Job', 'pre', 'PreSync', { policy: 'HookSucceeded' }), cm('a')] });
  const j = planToJson(p);
  assert.deepEqual(Object.keys(j), ['app', 'options', 'tasks', 'warnings']);
  assert.deepEqual(j.tasks[0], {
    phase: 'PreSync',
    wave: 0,
    kindRank: -5,
    group: 'batch',
    kind: 'Job',
    namespace: NS,
    name: 'pre',
    action: 'hook',
    hook: { types: ['PreSync'], deletePolicies: ['HookSucceeded'], deleteWhen: 'when the whole sync operation succeeds (not when the hook finishes)' },
    healthGated: true,
  });
  assert.deepEqual(Object.keys(j.tasks[1]!), ['phase', 'wave', 'kindRank', 'group', 'kind', 'namespace', 'name', 'action', 'healthGated']);
});

test('TRK-3 one object under two API-group aliases: only the key matching a target is kept (no prune of the alias)', () => {
  const ing = (av: string) => tracked(obj(av, 'Ingress', 'web'));
  const a = ing('networking.k8s.io/v1');
  const b = ing('extensions/v1beta1');
  b.metadata.uid = a.metadata.uid;
  b.metadata.annotations!['argocd.argoproj.io/tracking-id'] = `${APP}:extensions/Ingress:${NS}/web`;
  const p = plan({ desired: [obj('networking.k8s.io/v1', 'Ingress', 'web')], live: [a, b], prune: true });
  assert.deepEqual(lines(p), ['Sync/0 Ingress/web unchanged']);
  assert.equal(p.tasks[0]!.group, 'networking.k8s.io');
});

test('the diff engine decides "modified" (planSyncWithDiff): quantities and defaults normalised as Argo CD does', async () => {
  const { planSyncWithDiff } = await import('../src/engine/plan/index.ts');
  const want = deploy('web');
  const spec = want.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
  spec.template.spec.containers[0]!.resources = { requests: { cpu: '0.5', memory: '1Gi' } };
  const liveCopy = tracked(want);
  const liveSpec = liveCopy.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
  liveSpec.template.spec.containers[0]!.resources = { requests: { cpu: '500m', memory: '1Gi' } };
  (liveCopy as Record<string, unknown>).status = { replicas: 1 };
  const input = { app: { name: APP, destinationNamespace: NS }, desired: [want], live: [liveCopy] };
  const withDiff = await planSyncWithDiff(input);
  assert.equal(task(withDiff, 'web').action, 'unchanged', '0.5 and 500m are the same quantity');
  assert.equal(withDiff.syncStatus, 'Synced');
  const changed = structuredClone(liveCopy);
  (changed.spec as { replicas: number }).replicas = 3;
  const drift = await planSyncWithDiff({ ...input, live: [changed] });
  assert.equal(task(drift, 'web').action, 'update');
  assert.equal(drift.syncStatus, 'OutOfSync');
});

test('OPT-2 PruneLast=true as an app option or on the live object (see ORD-10): the prune runs after every Sync wave', () => {
  const p = plan({ app: withOptions('PruneLast=true'), desired: [cm('a', { wave: 2 })], live: [tracked(cm('old', { wave: 9 }))], prune: true });
  // The prune task's own wave counts: max(0, 2, 9) + 1.
  assert.deepEqual(lines(p), ['Sync/2 ConfigMap/a create', 'Sync/10 ConfigMap/old prune']);
  assert.ok(p.options.includes('PruneLast=true'));
});

test('OPT-5 Force=true on the resource: replace --force with Replace, apply --force otherwise', () => {
  const forced = cm('f', { ann: { 'argocd.argoproj.io/sync-options': 'Force=true' } });
  const p = plan({ desired: [forced], live: [tracked(forced)] });
  assert.equal(task(p, 'f').method, 'apply');
  assert.ok(task(p, 'f').options.includes('Force=true'));
});

test('OPT-8 SkipDryRunOnMissingResource on the resource skips its dry-run when the kind is not served', () => {
  const w = obj('example.com/v1', 'Widget', 'w', { ann: { 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' } });
  const p = plan({ desired: [w, obj('example.com/v1', 'Widget', 'other')], live: [] });
  assert.equal(task(p, 'w').skipDryRun, true);
  assert.equal(task(p, 'other').skipDryRun, false);
  assert.match(p.failure ?? '', /not valid/, 'the other Widget still fails discovery');
});

test('OPT-10 and OPT-13 are listed as in force; neither changes the order or the actions of the tasks', () => {
  const p = plan({ app: withOptions('RespectIgnoreDifferences=true', 'Delete=false'), desired: [cm('a')] });
  assert.deepEqual(p.options, ['RespectIgnoreDifferences=true', 'PrunePropagationPolicy=foreground', 'Delete=false']);
  assert.deepEqual(lines(p), ['Sync/0 ConfigMap/a create']);
});

test('TRK-4 with the diff engine, a live copy with the instance label but no tracking annotation is not modified', async () => {
  const { planSyncWithDiff } = await import('../src/engine/plan/index.ts');
  const liveCopy = structuredClone(cm('a'));
  liveCopy.metadata.labels = { 'app.kubernetes.io/instance': APP };
  const want = cm('a');
  want.metadata.labels = { 'app.kubernetes.io/instance': APP };
  const p = await planSyncWithDiff({ app: { name: APP, destinationNamespace: NS }, desired: [want], live: [liveCopy] });
  assert.equal(task(p, 'a').action, 'unchanged');
});

test('AUTO-5 quirk: self-heal picks resources by group, kind and name, so a Synced namesake in another namespace comes along', () => {
  const drifted = tracked(cm('same', { ns: 'a' }));
  (drifted as Record<string, unknown>).data = { k: 'drift' };
  const p = plan({ desired: [cm('same', { ns: 'a' }), cm('same', { ns: 'b' }), cm('other', { ns: 'b' })], live: [drifted, tracked(cm('same', { ns: 'b' })), tracked(cm('other', { ns: 'b' }))], selfHeal: true });
  assert.deepEqual(p.tasks.map((t) => `${t.namespace}/${t.name} ${t.action}`), ['a/same update', 'b/same unchanged']);
});

test('OPT-10 RespectIgnoreDifferences: the task applies live values for ignored fields (the sync does not undo them); without it, git values', async () => {
  const { planSyncWithDiff } = await import('../src/engine/plan/index.ts');
  const want = deploy('web');
  (want.spec as { replicas: number }).replicas = 2;
  const liveCopy = tracked(structuredClone(want));
  (liveCopy.spec as { replicas: number }).replicas = 7; // an autoscaler changed it
  liveCopy.metadata.labels = { ...(liveCopy.metadata.labels ?? {}), extra: 'x' };
  const rules = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];
  const input = { app: { name: APP, destinationNamespace: NS, syncOptions: ['RespectIgnoreDifferences=true'] }, desired: [want], live: [liveCopy] };
  const p = await planSyncWithDiff(input, { diff: { ignoreDifferences: rules } });
  const t = task(p, 'web');
  assert.equal((t.target!.spec as { replicas: number }).replicas, 7, 'the ignored field keeps its live value');
  assert.equal(t.target!.metadata.labels?.extra, undefined, 'fields not ignored come from git');
  const plain = await planSyncWithDiff({ ...input, app: { ...input.app, syncOptions: [] } }, { diff: { ignoreDifferences: rules } });
  assert.equal((task(plain, 'web').target!.spec as { replicas: number }).replicas, 2);
});

test('DIF-4 the app\'s compare-options ServerSideDiff decides "modified" through a server-side-apply dry-run (offline, the sandbox\'s apply)', async () => {
  const { planSyncWithDiff } = await import('../src/engine/plan/index.ts');
  const { Sandbox } = await import('../src/engine/sandbox/index.ts');
  const sb = new Sandbox({ seed: 1 });
  sb.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, { fieldManager: 'setup' });
  // Synced earlier by a server-side apply that set a label git no longer has (no last-applied annotation).
  const synced = tracked(cm('settings'));
  synced.metadata.labels = { old: 'x' };
  const live = sb.apply(structuredClone(synced), { fieldManager: 'argocd-controller', force: true });
  const input = { app: { name: APP, destinationNamespace: NS }, desired: [cm('settings')], live: [live] };
  assert.equal(task(await planSyncWithDiff(input), 'settings').action, 'unchanged', 'client-side two-way: a removal is invisible (DIF-2)');
  const ssd = await planSyncWithDiff({ ...input, app: { ...input.app, compareOptions: 'ServerSideDiff=true, IncludeMutationWebhook=true' } });
  assert.equal(task(ssd, 'settings').action, 'update', 'the dry-run drops the label argocd-controller owned');
  assert.equal(ssd.syncStatus, 'OutOfSync');
  const off = await planSyncWithDiff({ ...input, app: { ...input.app, compareOptions: 'ServerSideDiff=false, IncludeMutationWebhook=true' } }, { serverSideDiff: true });
  assert.equal(task(off, 'settings').action, 'unchanged', 'ServerSideDiff=false on the app wins over the controller default');
});
