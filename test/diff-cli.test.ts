import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ScratchRepo } from './helpers/git.ts';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';
import { stopJq, diffMarkdown, type AppDiff } from '../src/engine/diff/index.ts';
import { Sandbox } from '../src/engine/sandbox/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

after(() => stopJq());

/**
 * Runs the CLI in-process, capturing its output, console logging and the process's stderr. (stdout itself carries
 * the test runner's own protocol, so console.log stands in for it.)
 */
async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string; leaked: string }> {
  let out = '';
  let err = '';
  let leaked = '';
  const ew = process.stderr.write.bind(process.stderr);
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info, debug: console.debug };
  const grab = (...chunks: unknown[]) => {
    leaked += chunks.map(String).join(' ');
    return true;
  };
  process.stderr.write = grab as typeof process.stderr.write;
  Object.assign(console, { log: grab, error: grab, warn: grab, info: grab, debug: grab });
  try {
    const code = await runCli(['diff', ...args], commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd });
    return { code, out, err, leaked };
  } finally {
    process.stderr.write = ew;
    Object.assign(console, saved);
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

const secret = (value: string) => `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
stringData:
  password: ${value}
  user: admin
`;
const configMap = (level: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  LEVEL: ${level}
`;

test('DIF-9 Secret canary: a value changed between commits and drifted in the sandbox never appears in any output, and both changes are reported', async () => {
  const repo = new ScratchRepo();
  const CANARY_OLD = 'canary-old-b3e1f0a7';
  const CANARY_NEW = 'canary-new-9c4d2e86';
  const CANARY_LIVE = 'canary-live-5a7b1c3d';
  try {
    repo.write({ 'apps/shop/secret.yaml': secret(CANARY_OLD), 'apps/shop/cm.yaml': configMap('info') });
    repo.commit('first');
    repo.write({ 'apps/shop/secret.yaml': secret(CANARY_NEW), 'apps/shop/cm.yaml': configMap('debug') });
    repo.commit('second');
    const tracking = (kind: string, name: string) => ({ 'argocd.argoproj.io/tracking-id': `shop:/${kind}:shop/${name}` });
    // A real sandbox: synced at the first commit, then the Secret drifts (someone edits it in the cluster).
    const sb = new Sandbox();
    const apply = (o: KubeObject) => sb.apply(o, { fieldManager: 'argocd-controller', force: true } as never);
    apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', annotations: tracking('Secret', 'db') }, type: 'Opaque', stringData: { password: CANARY_OLD, user: 'admin' } });
    apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', annotations: tracking('ConfigMap', 'settings') }, data: { LEVEL: 'debug' } });
    apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'leftover', namespace: 'shop', annotations: tracking('ConfigMap', 'leftover') }, data: {} });
    sb.patch({ apiVersion: 'v1', kind: 'Secret', name: 'db', namespace: 'shop' }, { data: { password: b64(CANARY_LIVE) } }, 'merge' as never, { fieldManager: 'kubectl-edit' } as never);
    await sb.save(join(repo.dir, 'state.json'));
    assert.ok(readFileSync(join(repo.dir, 'state.json'), 'utf8').includes(b64(CANARY_LIVE)), 'the drift is in the sandbox state');
    const forbidden = [CANARY_OLD, CANARY_NEW, CANARY_LIVE, b64(CANARY_OLD), b64(CANARY_NEW), b64(CANARY_LIVE), 'canary-'];
    const check = (label: string, r: { out: string; err: string; leaked: string }) => {
      for (const f of forbidden) {
        assert.ok(!r.out.includes(f), `${label}: stdout holds ${f}`);
        assert.ok(!r.err.includes(f), `${label}: stderr holds ${f}`);
        assert.ok(!r.leaked.includes(f), `${label}: process output holds ${f}`);
      }
    };
    for (const format of [[], ['--json'], ['--markdown']]) {
      const rev = await cli(['apps/shop', '--rev', 'HEAD~1', ...format], repo.dir);
      check(`revision ${format}`, rev);
      assert.equal(rev.code, 1, rev.err);
      const live = await cli(['apps/shop', '--cluster', 'sandbox:state.json', ...format], repo.dir);
      check(`live ${format}`, live);
      assert.equal(live.code, 1, live.err);
    }
    const revJson = JSON.parse((await cli(['apps/shop', '--rev', 'HEAD~1', '--json'], repo.dir)).out);
    const revObjects = revJson.apps[0].objects;
    assert.deepEqual(revObjects.map((o: any) => [o.kind, o.name, o.change, o.fields]), [
      ['ConfigMap', 'settings', 'changed', ['/data/LEVEL']],
      ['Secret', 'db', 'changed', ['/data/password']],
    ]);
    assert.match(revObjects[1].diff, /^-  password: \+{12}$/m);
    const liveJson = JSON.parse((await cli(['apps/shop', '--cluster', 'sandbox:state.json', '--json'], repo.dir)).out);
    assert.deepEqual(liveJson.apps[0].objects.map((o: any) => [o.kind, o.name, o.change, o.fields]), [
      ['Secret', 'db', 'changed', ['/data/password']],
      ['ConfigMap', 'leftover', 'prune', ['']],
    ]);
    // No change against HEAD itself: exit 0.
    const none = await cli(['apps/shop'], repo.dir);
    assert.equal(none.code, 0, none.err + none.out);
  } finally {
    repo.cleanup();
  }
});

test('diff CLI: usage errors and failures exit 2', async () => {
  const repo = new ScratchRepo();
  try {
    repo.write({ 'a/cm.yaml': configMap('x') });
    repo.commit('c');
    assert.equal((await cli([], repo.dir)).code, 2);
    assert.equal((await cli(['a', '--rev', 'HEAD', '--base', 'main'], repo.dir)).code, 2);
    const bad = await cli(['a', '--rev', 'nope'], repo.dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown revision nope/);
    const badYaml = await cli(['a'], (repo.write({ 'a/bad.yaml': 'kind: [' }), repo.dir));
    assert.equal(badYaml.code, 2);
    assert.match(badYaml.err, /^a\/bad\.yaml:\d+:\d+: /m);
    // DIF-9: a malformed Secret is reported by location, never by quoting its value.
    repo.remove('a/bad.yaml');
    repo.write({ 'a/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: "canary-broken-77e1\n' });
    const badSecret = await cli(['a'], repo.dir);
    assert.equal(badSecret.code, 2);
    assert.match(badSecret.err, /^a\/secret\.yaml:\d+:\d+: /m);
    assert.ok(!(badSecret.err + badSecret.out + badSecret.leaked).includes('canary-broken'));
  } finally {
    repo.cleanup();
  }
});

test('--base diffs against the merge-base with the default branch', async () => {
  const repo = new ScratchRepo();
  try {
    repo.write({ 'a/cm.yaml': configMap('base') });
    repo.commit('base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write({ 'a/cm.yaml': configMap('feature') });
    repo.commit('feature');
    const r = await cli(['a', '--base', '--json'], repo.dir);
    assert.equal(r.code, 1, r.err);
    assert.match(JSON.parse(r.out).apps[0].objects[0].diff, /^-  LEVEL: base$/m);
    const r2 = await cli(['a', '--base', 'main', '--json'], repo.dir);
    assert.equal(r2.out, r.out);
  } finally {
    repo.cleanup();
  }
});

test('--markdown stays under 65,000 characters and says what it cut', () => {
  const big = 'x'.repeat(5000);
  const apps: AppDiff[] = Array.from({ length: 5 }, (_, i) => ({
    name: `app-${i}`,
    warnings: [],
    objects: Array.from({ length: 10 }, (_, j) => ({ group: '', kind: 'ConfigMap', namespace: 'n', name: `cm-${j}`, change: 'changed' as const, fields: ['/data/a'], diff: `--- a\n+++ b\n@@ -1 +1 @@\n-a: 1\n+a: ${big}\n` })),
  }));
  const md = diffMarkdown(apps);
  assert.ok(md.length <= 65_000, String(md.length));
  assert.match(md, /\| app-4 \| 0 \| 0 \| 10 \| 0 \| 0 \|/);
  assert.match(md, /Cut to fit a 65,000-character comment.*left out: app-1: /s);
  const small = diffMarkdown(apps.slice(0, 1).map((a) => ({ ...a, objects: a.objects.slice(0, 2) })));
  assert.doesNotMatch(small, /Cut to fit/);
  assert.match(small, /<details><summary><b>app-0<\/b>: 2 changes<\/summary>/);
});
