/**
 * `diff <dir> --context <name>`: live objects read through @kubernetes/client-node from a kubeconfig context, here
 * one that points at the sandbox API server running in this process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';
import { stopJq } from '../src/engine/diff/index.ts';
import { Sandbox, SandboxServer } from '../src/engine/sandbox/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

const CANARY_GIT = 'ctx-canary-git-5b1f';
const CANARY_LIVE = 'ctx-canary-live-93ad';
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd });
  return { code, out, err };
}

const tracked = (app: string, o: KubeObject): KubeObject => {
  const g = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'argocd.argoproj.io/tracking-id': `${app}:${g}/${o.kind}:${o.metadata.namespace}/${o.metadata.name}` };
  return o;
};

test('diff --context reads live objects through a kubeconfig context (the sandbox API server): changes, prune, Secret canary masked; DIF-4 dry-runs with --server-side-diff', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gs-diff-ctx-'));
  const dir = join(root, 'shop');
  const sb = new Sandbox({ seed: 7 });
  const server = new SandboxServer(sb, { speed: 1 });
  const savedEnv = process.env.KUBECONFIG;
  t.after(async () => {
    await server.stop();
    if (savedEnv === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = savedEnv;
    rmSync(root, { recursive: true, force: true });
    stopJq();
  });
  // The repo folder: plain manifests, as Argo CD's directory source reads them.
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'app.yaml'),
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: production\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n  namespace: default\ndata:\n  k: v\n',
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\nstringData:\n  password: ${CANARY_GIT}\n`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\n  namespace: default\ndata:\n  a: b\n',
    ].join('---\n'),
  );
  // The cluster: what an earlier sync left, drifted.
  for (const o of [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: 'staging' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'default' }, data: { k: 'v' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, data: { password: b64(CANARY_LIVE) } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy', namespace: 'default' }, data: { old: 'yes' } },
  ] as KubeObject[]) {
    sb.apply(tracked('shop', o), { fieldManager: 'argocd-controller' });
  }
  await server.start();
  const kubeconfig = join(root, 'kubeconfig');
  writeFileSync(kubeconfig, server.kubeconfig('sandbox-ctx'));
  process.env.KUBECONFIG = kubeconfig;

  const r = await cli(['diff', 'shop', '--context', 'sandbox-ctx', '--json'], root);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out) as { apps: { name: string; objects: { kind: string; name: string; change: string; fields: string[]; diff: string }[] }[] };
  assert.equal(j.apps[0]!.name, 'shop');
  const changes = Object.fromEntries(j.apps[0]!.objects.map((o) => [`${o.kind}/${o.name}`, o.change]));
  // Unchanged objects (ConfigMap/same) are left out of the JSON.
  assert.deepEqual(changes, { 'ConfigMap/settings': 'changed', 'Secret/db': 'changed', 'ConfigMap/fresh': 'added', 'ConfigMap/legacy': 'prune' });
  const secret = j.apps[0]!.objects.find((o) => o.kind === 'Secret')!;
  assert.deepEqual(secret.fields, ['/data/password']);
  assert.match(secret.diff, /\+{8}/);
  for (const text of [r.out, r.err, (await cli(['diff', 'shop', '--context', 'sandbox-ctx'], root)).out, (await cli(['diff', 'shop', '--context', 'sandbox-ctx', '--markdown'], root)).out]) {
    assert.ok(!text.includes(CANARY_GIT) && !text.includes(CANARY_LIVE), 'Secret values never appear');
    assert.ok(!text.includes(b64(CANARY_GIT)) && !text.includes(b64(CANARY_LIVE)), 'nor their base64');
  }

  // DIF-4 through the real client: server-side-apply dry-runs (dryRun=All) against the context's API server.
  const ssd = await cli(['diff', 'shop', '--context', 'sandbox-ctx', '--server-side-diff', '--json'], root);
  assert.equal(ssd.code, 1, ssd.err);
  const js = JSON.parse(ssd.out) as typeof j;
  assert.deepEqual(Object.fromEntries(js.apps[0]!.objects.map((o) => [`${o.kind}/${o.name}`, o.change])), changes);
  assert.deepEqual(js.apps[0]!.objects.find((o) => o.name === 'settings')!.fields, ['/data/mode']);
  assert.ok(!ssd.out.includes(CANARY_GIT) && !ssd.out.includes(b64(CANARY_LIVE)) && !ssd.err.includes(CANARY_GIT));
  assert.equal((sb.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'default' }).data as { mode?: string }).mode, 'staging', 'the dry-runs wrote nothing');

  const missing = await cli(['diff', 'shop', '--context', 'no-such-context'], root);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no context named no-such-context in the kubeconfig \(contexts: sandbox-ctx\)/);
});
