/**
 * `gitops-sandbox sync` as a user runs it: progress lines, exit codes, a state file that `diff --cluster` and
 * `plan --cluster` read afterwards, Ctrl-C, JSON, k3s without Docker, and no Secret value in anything printed.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerUnavailableReason } from '../src/engine/cluster/index.ts';
import { Sandbox } from '../src/engine/sandbox/index.ts';
import { cli, scratch } from './sync/cli.ts';

const CANARY = 'canary-CLI-s3cr3t-91b2';
const CANARY_B64 = Buffer.from(CANARY).toString('base64');

function noSecret(text: string): void {
  assert.ok(!text.includes(CANARY), 'no plain Secret value');
  assert.ok(!text.includes(CANARY_B64), 'no base64 Secret value');
}

const LEGACY = `apiVersion: v1
kind: ConfigMap
metadata:
  name: legacy
  namespace: shop
  annotations:
    argocd.argoproj.io/sync-wave: "1"
data:
  old: "true"
`;

test('ORD-11 ORD-12 OPT-12 TRK-1: sync --to sandbox:<file>, then diff --cluster shows no diff and plan --cluster shows every resource unchanged', async (t) => {
  const s = scratch({ 'shop/legacy.yaml': LEGACY });
  t.after(s.cleanup);
  const state = 'sandbox:state.json';
  // First sync: the app plus a ConfigMap that is later removed from git.
  const kustomization = join(s.dir, 'shop', 'kustomization.yaml');
  writeFileSync(kustomization, `${readFileSync(kustomization, 'utf8')}  - legacy.yaml\n`);
  const first = await cli(['sync', 'shop', '--to', state], { cwd: s.dir });
  assert.equal(first.code, 0, first.out + first.err);
  assert.match(first.out, /^Syncing app shop to the sandbox in .*state\.json\n9 tasks in 5 waves\n/);
  // A line per task, in Argo CD's order: PreSync hook, the three Sync waves, the PostSync hook.
  const waves = first.out.split('\n').filter((l) => / · wave /.test(l));
  assert.deepEqual(waves, ['PreSync · wave 0', 'Sync · wave 0', 'Sync · wave 1', 'Sync · wave 2', 'PostSync · wave 0 (last)']);
  assert.match(first.out, /Synced +Running +Job\.batch\/shop\/migrate \[PreSync hook\]: job\.batch\/migrate created/);
  assert.match(first.out, /Synced +Succeeded +Deployment\.apps\/shop\/db: deployment\.apps\/db created/);
  assert.match(first.out, /\nSucceeded: successfully synced \(no more tasks\)\nApplied 9, pruned 0, hooks deleted 0/);
  noSecret(first.out + first.err);

  // legacy.yaml leaves git: without --prune it stays (and diff says so), with --prune it goes.
  writeFileSync(kustomization, readFileSync(kustomization, 'utf8').replace('  - legacy.yaml\n', ''));
  rmSync(join(s.dir, 'shop', 'legacy.yaml'));
  const kept = await cli(['sync', 'shop', '--to', state], { cwd: s.dir });
  assert.equal(kept.code, 0, kept.out + kept.err);
  assert.match(kept.out, /PruneSkipped +Succeeded +ConfigMap\/shop\/legacy: ignored \(requires pruning\)/);
  const stale = await cli(['diff', 'shop', '--cluster', state], { cwd: s.dir });
  assert.equal(stale.code, 1, 'the leftover is a difference');
  const pruned = await cli(['sync', 'shop', '--to', state, '--prune'], { cwd: s.dir });
  assert.equal(pruned.code, 0, pruned.out + pruned.err);
  assert.match(pruned.out, /Pruned +Succeeded +ConfigMap\/shop\/legacy: pruned/);
  assert.match(pruned.out, /Applied 8, pruned 1, hooks deleted 0/);

  const diff = await cli(['diff', 'shop', '--cluster', state], { cwd: s.dir });
  assert.equal(diff.code, 0, diff.out + diff.err);
  assert.match(diff.out, /\[Synced\]: no changes/);
  const plan = await cli(['plan', 'shop', '--cluster', state, '--json'], { cwd: s.dir });
  assert.equal(plan.code, 0, plan.err);
  const tasks = (JSON.parse(plan.out) as { tasks: { kind: string; name: string; action: string; hook?: unknown }[] }).tasks;
  assert.deepEqual(
    tasks.map((x) => `${x.kind}/${x.name} ${x.action}`),
    [
      'Namespace/shop unchanged',
      'Job/migrate hook-recreate',
      'Secret/creds unchanged',
      'ConfigMap/settings unchanged',
      'Deployment/db unchanged',
      'Service/web unchanged',
      'Deployment/web unchanged',
      'Job/smoke hook-recreate',
    ],
    'every resource unchanged; hooks (BeforeHookCreation) always run again, as in Argo CD',
  );
  noSecret(kept.out + pruned.out + diff.out + plan.out);
});

test('a second sync changes nothing: kubectl reports "unchanged" (a stringData Secret "configured", as kubectl does), no object is written', async (t) => {
  const s = scratch();
  t.after(s.cleanup);
  assert.equal((await cli(['sync', 'shop', '--to', 'sandbox:st.json'], { cwd: s.dir })).code, 0);
  const before = await Sandbox.load(join(s.dir, 'st.json'));
  const again = await cli(['sync', 'shop', '--to', 'sandbox:st.json', '--json'], { cwd: s.dir });
  assert.equal(again.code, 0, again.err);
  const j = JSON.parse(again.out) as { phase: string; resources: { kind: string; name: string; message: string; hookType?: string }[] };
  assert.equal(j.phase, 'Succeeded');
  const resources = j.resources.filter((r) => !r.hookType && r.kind !== 'Namespace');
  assert.equal(resources.length, 5);
  // stringData is write-only: kubectl's patch always carries it again, and the API server stores nothing new.
  for (const r of resources) assert.match(r.message, r.kind === 'Secret' ? / configured$/ : / unchanged$/, `${r.kind}/${r.name}`);
  const after = await Sandbox.load(join(s.dir, 'st.json'));
  for (const [kind, apiVersion, name] of [['Secret', 'v1', 'creds'], ['ConfigMap', 'v1', 'settings'], ['Deployment', 'apps/v1', 'db'], ['Deployment', 'apps/v1', 'web'], ['Service', 'v1', 'web']] as const) {
    const ref = { apiVersion, kind, name, namespace: 'shop' };
    assert.equal(after.get(ref).metadata.resourceVersion, before.get(ref).metadata.resourceVersion, `${kind}/${name} not written again`);
  }
});

test('--json: Argo CD operation-state shape (phase, message, per-task results, report), no progress lines, no Secret value', async (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const r = await cli(['sync', 'shop', '--to', 'sandbox', '--json'], { cwd: s.dir });
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.phase, 'Succeeded');
  assert.equal(j.message, 'successfully synced (no more tasks)');
  assert.equal(j.app, 'shop');
  assert.equal(j.local, true);
  assert.deepEqual(Object.keys(j.report), ['applied', 'pruned', 'pending', 'hooksDeleted']);
  const migrate = j.resources.find((x: { name: string }) => x.name === 'migrate');
  assert.deepEqual(
    { kind: migrate.kind, group: migrate.group, status: migrate.status, hookPhase: migrate.hookPhase, hookType: migrate.hookType, syncPhase: migrate.syncPhase },
    { kind: 'Job', group: 'batch', status: 'Synced', hookPhase: 'Succeeded', hookType: 'PreSync', syncPhase: 'PreSync' },
  );
  noSecret(r.out);
});

test('ORD-12: a failed sync exits 1 and prints the report; a refused or unknown target exits 2', async (t) => {
  const s = scratch({
    'bad/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  selector:
    matchLabels: { app: other }
  template:
    metadata:
      labels: { app: bad }
    spec:
      containers: [{ name: main, image: registry.example/bad:1 }]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: later
  annotations:
    argocd.argoproj.io/sync-wave: "1"
data: {}
`,
  });
  t.after(s.cleanup);
  const failed = await cli(['sync', 'bad', '--to', 'sandbox'], { cwd: s.dir });
  assert.equal(failed.code, 1);
  assert.match(failed.out, /SyncFailed +Failed +Deployment\.apps\/default\/bad: Deployment\.apps "bad" is invalid/);
  assert.match(failed.out, /\nFailed: one or more objects failed to apply, reason: /);
  assert.match(failed.out, /pending \(not run\) \(1\):\n {4}ConfigMap\/default\/later/);
  const noTarget = await cli(['sync', 'bad'], { cwd: s.dir });
  assert.equal(noTarget.code, 2);
  assert.match(noTarget.err, /expected --to sandbox\[:<state-file>\], k3s or context:<name>/);
  const unknown = await cli(['sync', 'bad', '--to', 'cluster-a'], { cwd: s.dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown target "cluster-a"/);
  const missing = await cli(['sync', 'bad', '--to', 'context:nope', '--kubeconfig', join(s.dir, 'none.yaml')], { cwd: s.dir });
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read the kubeconfig/);
});

test('Ctrl-C midway cancels cleanly: exit 1, "Cancelled", and the report lists what was applied and what is pending', async (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const controller = new AbortController();
  const r = await cli(['sync', 'shop', '--to', 'sandbox:st.json'], {
    cwd: s.dir,
    signal: controller.signal,
    onOut: (text) => {
      if (text.includes('Deployment.apps/shop/db: deployment.apps/db created')) controller.abort(new Error('cancelled by the user (Ctrl-C)'));
    },
  });
  assert.equal(r.code, 1);
  assert.match(r.out, /\nCancelled: Operation terminated/);
  assert.match(r.out, /applied \(5\):\n {4}Namespace\/shop\n {4}Job\.batch\/shop\/migrate\n {4}Secret\/shop\/creds\n {4}ConfigMap\/shop\/settings\n {4}Deployment\.apps\/shop\/db\n/);
  assert.match(r.out, /pending \(not run\) \(3\):\n {4}Service\/shop\/web\n {4}Deployment\.apps\/shop\/web\n {4}Job\.batch\/shop\/smoke\n/);
  // The state file holds what was applied before the cancel, and nothing after it.
  const saved = await Sandbox.load(join(s.dir, 'st.json'));
  assert.ok(saved.tryGet({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'db', namespace: 'shop' }));
  assert.equal(saved.tryGet({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' }), undefined);
});

test('on a terminal a progress bar follows the task lines', async (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const r = await cli(['sync', 'shop', '--to', 'sandbox'], { cwd: s.dir, isTTY: true });
  assert.equal(r.code, 0);
  assert.match(r.out, /\[#+-*\] \d+\/8 tasks · Sync wave 1/);
  assert.match(r.out, /\r\x1b\[K/, 'the bar is cleared before the next line');
  assert.ok(!r.out.slice(r.out.lastIndexOf('Succeeded:')).includes('['), 'no bar after the summary');
});

test('--dry-run: every task checked, nothing written, the state file untouched', async (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const r = await cli(['sync', 'shop', '--to', 'sandbox:st.json', '--dry-run'], { cwd: s.dir });
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /deployment\.apps\/db created \(dry run\)/);
  assert.match(r.out, /Dry run: 8 tasks checked, nothing written/);
  assert.throws(() => readFileSync(join(s.dir, 'st.json')), /ENOENT/);
});

test('k3s without Docker: sync --to k3s and k3s status say so plainly and exit 2', async (t) => {
  const reason = await dockerUnavailableReason();
  if (!reason) {
    t.skip('Docker is available here: the k3s integration test covers this target');
    return;
  }
  const s = scratch();
  t.after(s.cleanup);
  const r = await cli(['sync', 'shop', '--to', 'k3s'], { cwd: s.dir });
  assert.equal(r.code, 2);
  assert.match(r.err, /^Docker is not available: .+\. Use the embedded sandbox \(--to sandbox\) or a kube context\.\n$/);
  const status = await cli(['k3s', 'status']);
  assert.equal(status.code, 2);
  assert.match(status.err, /^Docker is not available: /);
  const usage = await cli(['k3s', 'restart']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /unknown k3s subcommand "restart"/);
});

test('ORD-12 Ctrl-C (SIGINT) on a real process while a wave waits for health: the report is printed, exit 1, the next wave never ran', async (t) => {
  const { spawn } = await import('node:child_process');
  const { serveAs } = await import('./sync/served.ts');
  const { seededSandbox } = await import('./sync/fixture.ts');
  // Served at wall-clock speed: the Deployment's pods take an hour to turn Ready, so wave 0 waits until the signal.
  const served = await serveAs('kind-dev', seededSandbox([]), { speed: 1 });
  t.after(() => served.close());
  const s = scratch(
    {
      'slow/app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: slow
spec:
  selector:
    matchLabels: { app: slow }
  template:
    metadata:
      labels: { app: slow }
      annotations:
        sandbox.gitops-sandbox.dev/ready-after: 1h
    spec:
      containers: [{ name: main, image: registry.example/slow:1 }]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: after
  annotations:
    argocd.argoproj.io/sync-wave: "1"
data: {}
`,
    },
    false,
  );
  t.after(s.cleanup);
  const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), main, 'sync', 'slow', '--to', 'context:kind-dev', '--kubeconfig', served.kubeconfigPath], { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let signalled = false;
  child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!signalled && out.includes('… waiting for healthy state of apps/Deployment/slow')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', (c) => resolve(c));
  });
  assert.ok(signalled, `the sync never waited: ${out}${err}`);
  assert.equal(code, 1, out + err);
  assert.match(out, /\nCancelled: Operation terminated \(was waiting for healthy state of apps\/Deployment\/slow\)\n/);
  assert.match(out, /applied \(1\):\n {4}Deployment\.apps\/default\/slow\n/);
  assert.match(out, /pending \(not run\) \(1\):\n {4}ConfigMap\/default\/after\n/);
  assert.equal(served.sandbox.tryGet({ apiVersion: 'v1', kind: 'ConfigMap', name: 'after', namespace: 'default' }), undefined);
});

test('sync --app: an Application of a deploy repo (its destination and CreateNamespace), then plan --app and diff --app see it synced', async (t) => {
  const { ScratchRepo } = await import('./helpers/git.ts');
  const { cpSync } = await import('node:fs');
  const repo = new ScratchRepo('sync-app-');
  t.after(() => repo.cleanup());
  cpSync(new URL('../test-fixtures/deploy-repo', import.meta.url), repo.dir, { recursive: true });
  repo.commit('deploy repo');
  const state = 'sandbox:state.json';
  const r = await cli(['sync', '--app', 'platform-prod', '--to', state], { cwd: repo.dir });
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^Syncing app platform-prod to the sandbox in /);
  assert.match(r.out, /PreSync · the destination namespace first \(CreateNamespace=true\)\n +Synced +Running +Namespace\/platform: namespace\/platform created/);
  assert.match(r.out, /\nSucceeded: successfully synced \(all tasks run\)\n/);
  const plan = await cli(['plan', '--app', 'platform-prod', '--cluster', state, '--json'], { cwd: repo.dir });
  assert.equal(plan.code, 0, plan.err);
  const tasks = (JSON.parse(plan.out) as { tasks: { kind: string; name: string; action: string }[] }).tasks;
  assert.ok(tasks.length > 0);
  for (const x of tasks) assert.equal(x.action, 'unchanged', `${x.kind}/${x.name}`);
  const diff = await cli(['diff', '--app', 'platform-prod', '--cluster', state], { cwd: repo.dir });
  assert.equal(diff.code, 0, diff.out + diff.err);
  const missing = await cli(['sync', '--app', 'no-such-app', '--to', 'sandbox'], { cwd: repo.dir });
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no Argo CD Application named no-such-app/);
});

test('DIF-10: after a sync whose hooks are deleted (HookSucceeded) or kept, diff --cluster leaves the hooks out and exits 0', async (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const hooks = join(s.dir, 'shop', 'hooks.yaml');
  // migrate is deleted once the sync succeeds; smoke (BeforeHookCreation, the default) stays live.
  writeFileSync(hooks, readFileSync(hooks, 'utf8').replace('argocd.argoproj.io/hook: PreSync\n', 'argocd.argoproj.io/hook: PreSync\n    argocd.argoproj.io/hook-delete-policy: HookSucceeded\n'));
  const synced = await cli(['sync', 'shop', '--to', 'sandbox:st.json'], { cwd: s.dir });
  assert.equal(synced.code, 0, synced.out + synced.err);
  assert.match(synced.out, /hooks deleted 1/);
  const diff = await cli(['diff', 'shop', '--cluster', 'sandbox:st.json'], { cwd: s.dir });
  assert.equal(diff.code, 0, diff.out + diff.err);
  assert.match(diff.out, /\[Synced\]: no changes/);
  assert.doesNotMatch(diff.out, /migrate|smoke/);
  const json = await cli(['diff', 'shop', '--cluster', 'sandbox:st.json', '--json'], { cwd: s.dir });
  assert.equal(json.code, 0, json.err);
  assert.doesNotMatch(json.out, /"migrate"|"smoke"/);
});

test('ORD-7 ORD-11: a second sync prints each wave once and the declared Namespace as "unchanged", as plan says', async (t) => {
  const s = scratch();
  t.after(s.cleanup);
  assert.equal((await cli(['sync', 'shop', '--to', 'sandbox:st.json'], { cwd: s.dir })).code, 0);
  const again = await cli(['sync', 'shop', '--to', 'sandbox:st.json'], { cwd: s.dir });
  assert.equal(again.code, 0, again.out + again.err);
  const waves = again.out.split('\n').filter((l) => / · wave /.test(l));
  assert.deepEqual(waves, ['PreSync · wave 0', 'Sync · wave 0', 'Sync · wave 1', 'Sync · wave 2', 'PostSync · wave 0 (last)']);
  assert.equal(again.out.split('\n').filter((l) => / tasks in \d+ waves$/.test(l)).length, 1);
  assert.match(again.out, /Succeeded +Namespace\/shop: namespace\/shop unchanged/);
  assert.doesNotMatch(again.out, /namespace\/shop configured/);
});
