/**
 * The plan CLI on a fixture built to show a reviewer everything issue 8 lists: every action, generated hook names,
 * health-gated waves, the five warnings, and the app's sync status and health against a sandbox state file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';
import { Sandbox } from '../src/engine/sandbox/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd: process.cwd() });
  return { code, out, err };
}

/** What an earlier sync of the review app left: drift, prune candidates with each prune option, a finished hook. */
async function reviewState(): Promise<{ spec: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-plan-review-'));
  const sb = new Sandbox({ seed: 1, startTime: '2025-01-01T00:00:00Z' });
  const tracked = (o: KubeObject, app = 'review'): KubeObject => {
    const g = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'argocd.argoproj.io/tracking-id': `${app}:${g}/${o.kind}:${o.metadata.namespace}/${o.metadata.name}` };
    return o;
  };
  const cm = (name: string, data: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'review', annotations }, data });
  const put = (o: KubeObject) => sb.apply(o, { fieldManager: 'argocd-controller' });
  put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'review' } });
  put(tracked(cm('settings', { mode: 'staging' })));
  put(tracked(cm('same', { k: 'v' })));
  put(tracked(cm('shared', { owner: 'billing' }), 'billing'));
  put(tracked(cm('legacy', { old: 'yes' }, { 'argocd.argoproj.io/sync-wave': '2' })));
  put(tracked(cm('keep', { old: 'yes' }, { 'argocd.argoproj.io/sync-options': 'Prune=false' })));
  put(tracked(cm('approve', { old: 'yes' }, { 'argocd.argoproj.io/sync-options': 'Prune=confirm' })));
  put(
    tracked({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'db-init', namespace: 'review', annotations: { 'argocd.argoproj.io/hook': 'Sync' } },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'init', image: 'busybox:1.36' }] } } },
    }),
  );
  sb.settle();
  const file = join(dir, 'state.json');
  await sb.save(file);
  return { spec: `sandbox:${file}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const ARGS = ['plan', 'test-fixtures/plan/review', '--app-name', 'review', '--prune', '--revision', '0123456789abcdef'];
const FIVE_WARNINGS = ['repeated-resource', 'suspended-blocks-sync', 'hook-job-without-before-hook-creation', 'shared-resource', 'crd-never-pruned'];

test('plan CLI review: every action, generated hook names, health gates and the five warnings in the table (ORD-6, ORD-8, ORD-9, ORD-12, HOOK-5, HOOK-7, OPT-12, TRK-5)', async (t) => {
  const state = await reviewState();
  t.after(state.cleanup);
  const r = await cli([...ARGS, '--cluster', state.spec]);
  assert.equal(r.code, 0, r.err);
  const row = (action: string, kind: string, name: string | RegExp, gate: 'yes' | '-') =>
    new RegExp(`^  ${action} +${kind.replace('/', '\\/')} +(review)? +${typeof name === 'string' ? name : name.source} +${gate}(?: |$)`, 'm');
  assert.match(r.out, row('create', 'ConfigMap', 'dup', '-'));
  assert.match(r.out, row('update', 'ConfigMap', 'settings', '-'));
  assert.match(r.out, row('unchanged', 'ConfigMap', 'same', '-'));
  assert.match(r.out, row('prune', 'ConfigMap', 'legacy', '-'));
  assert.match(r.out, row('prune-skipped', 'ConfigMap', 'keep', '-'));
  assert.match(r.out, row('needs-confirmation', 'ConfigMap', 'approve', '-'));
  assert.match(r.out, row('hook', 'batch/Job', 'seed', 'yes'));
  assert.match(r.out, row('hook-recreate', 'batch/Job', 'db-init', 'yes'));
  assert.match(r.out, row('hook', 'batch/Job', /smoke-0123456-postsync-\d+/, 'yes'), 'generateName hook: generateName + rev7-phase-unixSeconds (HOOK-7)');
  assert.match(r.out, row('create', 'apps/Deployment', 'worker', 'yes'));
  // Wave headings in execution order, with what each waits for.
  const headings = r.out.split('\n').filter((l) => /^(PreSync|Sync|PostSync|SyncFail) · wave/.test(l));
  assert.deepEqual(headings, [
    'PreSync · wave 0  (waits until healthy, then a 2 s pause)',
    'Sync · wave 0  (waits until healthy, waits until pruned objects are gone, then a 2 s pause)',
    'Sync · wave 1  (waits until healthy, then a 2 s pause)',
    'Sync · wave 2  (waits until healthy, then a 2 s pause)',
    'Sync · wave 4  (waits until healthy, then a 2 s pause)',
    'PostSync · wave 0  (last wave: waits for its hooks)',
  ]);
  // ORD-6: the Namespace runs with its first user (the PreSync hook), the CRD with its first Widget.
  assert.match(r.out, /^  update +Namespace +review +- +declares wave 3; moved to its first user$/m);
  assert.match(r.out, /Sync · wave 2[^\n]*\n[^\n]*\n(?:[^\n]+\n)*  create +apiextensions\.k8s\.io\/CustomResourceDefinition +widgets\.example\.com +yes +declares wave 5/);
  // ORD-9: the wave-2 prune runs in wave 0, the wave-0 prunes in wave 2.
  assert.match(r.out, /legacy +- +pruned \(foreground propagation\); declares wave 2; prune waves run in reverse/);
  for (const code of FIVE_WARNINGS) assert.match(r.out, new RegExp(`^  ! ${code}: `, 'm'), `warning ${code}`);
  assert.match(r.out, /! suspended-blocks-sync: Deployment\/review\/worker will be Suspended \(spec\.paused is true\).*nothing after Sync wave 1 ever runs/);
  assert.match(r.out, /! shared-resource: ConfigMap\/shared is part of applications review and billing/);
  assert.match(r.out, /! repeated-resource: Resource \/ConfigMap\/review\/dup appeared 2 times/);
  // The app against live state: drifted and missing objects make it OutOfSync; the missing ones do not lower health (HLT-14).
  assert.match(r.out, /^Sync status: OutOfSync · Health: Healthy$/m);
});

test('plan CLI review --json and --markdown carry the same actions, hook delete times, gates and warnings', async (t) => {
  const state = await reviewState();
  t.after(state.cleanup);
  const j = JSON.parse((await cli([...ARGS, '--cluster', state.spec, '--json'])).out) as {
    tasks: { phase: string; wave: number; kind: string; name: string; action: string; healthGated: boolean; hook?: { types: string[]; deletePolicies: string[]; deleteWhen: string } }[];
    warnings: { code: string; message: string; object?: { kind: string; name: string } }[];
  };
  assert.deepEqual([...new Set(j.tasks.map((x) => x.action))].sort(), ['create', 'hook', 'hook-recreate', 'needs-confirmation', 'prune', 'prune-skipped', 'unchanged', 'update']);
  const smoke = j.tasks.find((x) => x.name.startsWith('smoke-'))!;
  assert.deepEqual(smoke.hook, { types: ['PostSync'], deletePolicies: ['HookSucceeded'], deleteWhen: 'when the whole sync operation succeeds (not when the hook finishes)' });
  assert.equal(j.tasks.find((x) => x.name === 'db-init')!.hook!.deletePolicies.join(), 'BeforeHookCreation', 'the default delete policy (HOOK-5)');
  assert.deepEqual(
    j.tasks.filter((x) => x.healthGated).map((x) => x.name.replace(/-0123456-postsync-\d+$/, '-…')),
    ['seed', 'db-init', 'worker', 'widgets.example.com', 'first', 'web', 'smoke-…'],
  );
  for (const code of FIVE_WARNINGS) assert.ok(j.warnings.some((w) => w.code === code), code);
  assert.deepEqual(j.warnings.find((w) => w.code === 'crd-never-pruned')!.object, { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', namespace: '', name: 'widgets.example.com' });

  const md = (await cli([...ARGS, '--cluster', state.spec, '--markdown'])).out;
  assert.match(md, /^\| needs-confirmation \| ConfigMap \| review \| approve \| no \| /m);
  assert.match(md, /^\| hook \| batch\/Job \| review \| smoke-0123456-postsync-\d+ \| yes \| /m);
  for (const code of FIVE_WARNINGS) assert.match(md, new RegExp(`^- \\*\\*${code}\\*\\*: `, 'm'));
  assert.match(md, /^- Sync status: OutOfSync · Health: Healthy$/m);
});

test('plan CLI review: ApplyOutOfSyncOnly skips the unchanged ConfigMap, and without --prune nothing is pruned (OPT-3, OPT-12)', async (t) => {
  const state = await reviewState();
  t.after(state.cleanup);
  const j = JSON.parse((await cli([...ARGS.filter((a) => a !== '--prune'), '--cluster', state.spec, '--sync-option', 'ApplyOutOfSyncOnly=true', '--json'])).out) as {
    tasks: { name: string; action: string }[];
    warnings: { code: string }[];
  };
  const action = (name: string) => j.tasks.find((x) => x.name === name)?.action;
  assert.equal(action('same'), 'skip');
  assert.equal(action('settings'), 'update');
  assert.equal(action('legacy'), 'prune-skipped');
  assert.ok(j.warnings.some((w) => w.code === 'prune-disabled'));
});
