import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../src/engine/sandbox/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';
import { ScratchRepo } from './helpers/git.ts';

async function cli(args: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd });
  return { code, out, err };
}

/** A sandbox state file after an earlier sync of the shop app: a drifted ConfigMap, one to prune, a finished hook. */
async function shopState(): Promise<{ spec: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-plan-'));
  const sb = new Sandbox({ seed: 1, startTime: '2025-01-01T00:00:00Z' });
  const tracked = (o: KubeObject): KubeObject => {
    const g = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'argocd.argoproj.io/tracking-id': `shop:${g}/${o.kind}:${o.metadata.namespace}/${o.metadata.name}` };
    return o;
  };
  sb.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, { fieldManager: 'argocd-controller' });
  sb.apply(tracked({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'staging' } }), { fieldManager: 'argocd-controller' });
  sb.apply(tracked({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy-flags', namespace: 'shop', annotations: { 'argocd.argoproj.io/sync-wave': '1' } }, data: { old: 'true' } }), {
    fieldManager: 'argocd-controller',
  });
  sb.apply(
    tracked({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'smoke-test', namespace: 'shop', annotations: { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'HookFailed' } },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'smoke', image: 'curlimages/curl' }] } } },
    }),
    { fieldManager: 'argocd-controller' },
  );
  sb.settle();
  const file = join(dir, 'state.json');
  await sb.save(file);
  return { spec: `sandbox:${file}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('plan CLI: a table grouped by phase and wave, with health gates and warnings (against a sandbox state file)', async (t) => {
  const state = await shopState();
  t.after(state.cleanup);
  const r = await cli(['plan', 'test-fixtures/plan/shop', '--cluster', state.spec, '--prune', '--revision', '0123456789abcdef']);
  assert.equal(r.code, 0, r.err);
  const out = r.out;
  assert.match(out, /^Plan for app shop: 9 tasks in 4 waves/);
  const headings = out.split('\n').filter((l) => /^(PreSync|Sync|PostSync|SyncFail) · wave/.test(l));
  assert.deepEqual(
    headings.map((h) => h.split('  (')[0]),
    ['PreSync · wave 0', 'Sync · wave 0', 'Sync · wave 1', 'PostSync · wave 0'],
  );
  assert.match(out, /update +Namespace +shop .*declares wave 5; moved to its first user/);
  assert.match(out, /hook +batch\/Job +shop +migrate-0123456-presync-\d+ +yes/);
  assert.match(out, /prune +ConfigMap +shop +legacy-flags/);
  assert.match(out, /update +ConfigMap +shop +settings/);
  assert.match(out, /! hook-job-without-before-hook-creation: PostSync hook Job\/shop\/smoke-test/);
  assert.ok(!out.includes('s3cr3t-canary-value'), 'Secret data never reaches the output');
});

test('plan CLI --json: the documented shape, tasks in execution order', async (t) => {
  const state = await shopState();
  t.after(state.cleanup);
  const r = await cli(['plan', 'test-fixtures/plan/shop', '--cluster', state.spec, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(Object.keys(j), ['app', 'options', 'tasks', 'warnings']);
  assert.equal(j.app, 'shop');
  assert.deepEqual(
    j.tasks.map((t: { phase: string; wave: number; kind: string; name: string; action: string }) => `${t.phase}/${t.wave} ${t.kind}/${t.name.replace(/-[0-9a-f]*-presync-\d+$/, '-…')} ${t.action}`),
    [
      'PreSync/0 Namespace/shop update',
      'PreSync/0 Job/migrate-… hook',
      'Sync/0 Secret/db-credentials create',
      'Sync/0 ConfigMap/settings update',
      'Sync/0 Deployment/db create',
      'Sync/1 ConfigMap/legacy-flags prune-skipped',
      'Sync/1 Service/web create',
      'Sync/1 Deployment/web create',
      'PostSync/0 Job/smoke-test hook',
    ],
  );
  for (const t of j.tasks) {
    assert.deepEqual(
      Object.keys(t).filter((k) => k !== 'hook'),
      ['phase', 'wave', 'kindRank', 'group', 'kind', 'namespace', 'name', 'action', 'healthGated'],
    );
  }
  assert.deepEqual(Object.keys(j.tasks[1].hook), ['types', 'deletePolicies', 'deleteWhen']);
  assert.ok(j.warnings.some((w: { code: string }) => w.code === 'prune-disabled'));
  assert.ok(!r.out.includes('s3cr3t-canary-value'));
});

test('plan CLI --markdown: a table per wave and a warnings list', async () => {
  const r = await cli(['plan', 'test-fixtures/plan/shop', '--markdown', '--sync-option', 'CreateNamespace=true']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^## Sync plan: shop\n/);
  assert.match(r.out, /\n### Sync · wave 1 .*\n\n\| Action \| Kind \| Namespace \| Name \| Health-gated \| Notes \|\n\|---\|/);
  assert.match(r.out, /- Options: CreateNamespace=true, PrunePropagationPolicy=foreground/);
});

test('plan CLI: usage errors exit 2', async () => {
  const usage = await cli(['plan']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /expected a directory or --app/);
  assert.equal((await cli(['plan', 'x', '--cluster', 'prod'])).code, 2);
});

test('plan CLI: a kustomization folder is rendered by the project renderer (now on main) and planned', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.write({ 'app/kustomization.yaml': 'namePrefix: p-\nresources: [cm.yaml]\n', 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' });
  const r = await cli(['plan', 'app', '--json'], repo.dir);
  assert.equal(r.code, 0, r.err);
  const names = (JSON.parse(r.out).tasks as { kind: string; name: string }[]).map((x) => `${x.kind}/${x.name}`);
  assert.deepEqual(names, ['ConfigMap/p-a']);
});

test('plan CLI: a malformed manifest is reported at its file and line', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.write({ 'app/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nfoo: bar\n' });
  const r = await cli(['plan', 'app'], repo.dir);
  assert.equal(r.code, 1);
  assert.match(r.err, /^app\/a\.yaml:5:1: Failed to unmarshal "a\.yaml": failed to unmarshal manifest: Object 'Kind' is missing/);
});

test('plan CLI: a predicted sync failure exits 1 (FailOnSharedResource)', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.write({ 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n' });
  const sb = new Sandbox({ seed: 3, startTime: '2025-01-01T00:00:00Z' });
  sb.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default', annotations: { 'argocd.argoproj.io/tracking-id': 'other:/ConfigMap:default/a' } } }, { fieldManager: 'x' });
  await sb.save(join(repo.dir, 'state.json'));
  const r = await cli(['plan', 'app', '--cluster', 'sandbox:state.json', '--sync-option', 'FailOnSharedResource=true'], repo.dir);
  assert.equal(r.code, 1);
  assert.match(r.out, /Argo CD would fail this sync: Shared resource found: ConfigMap\/a is part of applications app and other/);
});

test('plan CLI --app: an Application found in the repo, with its destination, sync options and automated prune', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.git('remote', 'add', 'origin', 'https://github.com/example/deploy.git');
  repo.write({
    'argocd/shop.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: shop, namespace: argocd}',
      'spec:',
      '  project: default',
      '  source: {repoURL: https://github.com/example/deploy.git, path: apps/shop, targetRevision: main}',
      '  destination: {server: https://kubernetes.default.svc, namespace: shop}',
      '  syncPolicy:',
      '    automated: {prune: true}',
      '    syncOptions: [CreateNamespace=true, PruneLast=true]',
      '',
    ].join('\n'),
    'apps/shop/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n',
    'state.json': '',
  });
  repo.commit('app');
  const sb = new Sandbox({ seed: 2, startTime: '2025-01-01T00:00:00Z' });
  sb.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, { fieldManager: 'x' });
  sb.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', namespace: 'shop', annotations: { 'argocd.argoproj.io/tracking-id': 'shop:/ConfigMap:shop/old' } }, data: {} }, { fieldManager: 'x' });
  await sb.save(join(repo.dir, 'state.json'));
  const r = await cli(['plan', '--app', 'shop', '--cluster', 'sandbox:state.json', '--json'], repo.dir);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.app, 'shop');
  assert.deepEqual(j.options, ['CreateNamespace=true', 'PruneLast=true', 'PrunePropagationPolicy=foreground']);
  assert.deepEqual(
    j.tasks.map((x: { phase: string; wave: number; kind: string; name: string; action: string }) => `${x.phase}/${x.wave} ${x.kind}/${x.name} ${x.action}`),
    ['Sync/0 ConfigMap/settings create', 'Sync/1 ConfigMap/old prune'],
  );
  const missing = await cli(['plan', '--app', 'nope'], repo.dir);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no Argo CD Application named nope/);
});
