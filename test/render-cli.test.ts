/**
 * `gitops-sandbox render`: exit codes, the stream on stdout, located errors on stderr, `--rev`, `--all` with its
 * output files and summary lines, and Secret values masked unless asked for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScratchRepo } from './helpers/git.ts';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.mjs');
const SAMPLE = join(import.meta.dirname, '..', 'test-fixtures', 'sample-repo');

function run(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function kubectl(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('kubectl', ['kustomize', dir], (err, stdout) => resolve(err ? undefined : stdout));
  });
}

const CANARY = 'canary-s3cr3t-value-do-not-print';

function repoWithApps(): ScratchRepo {
  const repo = new ScratchRepo('gs-render-cli-');
  repo.write({
    'apps/ok/kustomization.yaml': 'resources:\n  - cm.yaml\nsecretGenerator:\n  - name: creds\n    literals:\n      - password=' + CANARY + '\n',
    'apps/ok/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: info\n',
    'apps/broken/kustomization.yaml': 'resources:\n  - cm.yaml\n  - missing.yaml\n',
    'apps/broken/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n',
    'components/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels:\n  extra: "yes"\n',
    'README.md': 'not a kustomization\n',
  });
  repo.commit('apps');
  return repo;
}

test('render prints the stream exactly as kubectl kustomize and exits 0', async (t) => {
  const dir = join(SAMPLE, 'apps/web/overlays/prod');
  const r = await run(['render', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const want = await kubectl(dir);
  if (want === undefined) return t.skip('kubectl not found: compared only the exit code');
  assert.equal(r.stdout, want);
});

test('a mistake in the files: exit 1, the error on stderr as file:line:column, nothing on stdout', async (t) => {
  const repo = repoWithApps();
  t.after(() => repo.cleanup());
  const r = await run(['render', join(repo.dir, 'apps/broken')]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^apps\/broken\/kustomization\.yaml:3:5: resource missing\.yaml not found/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('usage mistakes exit 2 with the usage', async () => {
  const a = await run(['render']);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /missing <dir>/);
  const b = await run(['render', '--all', '.']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /--all needs --out/);
  const c = await run(['render', '.', '--bogus']);
  assert.equal(c.code, 2);
});

test('--rev reads the overlay from that revision of the repository', async (t) => {
  const repo = repoWithApps();
  t.after(() => repo.cleanup());
  repo.write({ 'apps/ok/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: debug\n' });
  const head = await run(['render', join(repo.dir, 'apps/ok'), '--rev', 'HEAD']);
  assert.equal(head.code, 0, head.stderr);
  assert.match(head.stdout, /level: info/);
  const wt = await run(['render', join(repo.dir, 'apps/ok')]);
  assert.match(wt.stdout, /level: debug/);
  const bad = await run(['render', join(repo.dir, 'apps/ok'), '--rev', 'no-such-branch']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no-such-branch/);
});

test('Secret values are masked unless --show-secrets (canary)', async (t) => {
  const repo = repoWithApps();
  t.after(() => repo.cleanup());
  const encoded = Buffer.from(CANARY).toString('base64');
  const masked = await run(['render', join(repo.dir, 'apps/ok')]);
  assert.equal(masked.code, 0, masked.stderr);
  assert.ok(!masked.stdout.includes(encoded) && !masked.stdout.includes(CANARY), 'the secret leaked');
  assert.match(masked.stdout, /password: '\*\*\*\*\*\*\*\*'/);
  const shown = await run(['render', join(repo.dir, 'apps/ok'), '--show-secrets']);
  assert.ok(shown.stdout.includes(encoded));
  const want = await kubectl(join(repo.dir, 'apps/ok'));
  if (want !== undefined) assert.equal(shown.stdout, want);
});

test('--all writes rendered.yaml or error.txt per folder, one summary line each, exit 1 when one failed', async (t) => {
  const repo = repoWithApps();
  const out = mkdtempSync(join(tmpdir(), 'gs-render-all-'));
  t.after(() => {
    repo.cleanup();
    rmSync(out, { recursive: true, force: true });
  });
  const r = await run(['render', '--all', repo.dir, '--out', out]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /^error\s+apps\/broken\s+apps\/broken\/kustomization\.yaml:3:5: /);
  assert.match(lines[1]!, /^ok\s+apps\/ok\s+2 objects \(ConfigMap, Secret\)$/);
  assert.match(lines[2]!, /^2 kustomizations, 1 rendered, 1 failed/);
  assert.ok(existsSync(join(out, 'apps/ok/rendered.yaml')));
  assert.ok(!existsSync(join(out, 'components/extra')), 'components are not rendered on their own');
  assert.match(readFileSync(join(out, 'apps/broken/error.txt'), 'utf8'), /missing\.yaml not found/);
  const written = readFileSync(join(out, 'apps/ok/rendered.yaml'), 'utf8');
  assert.ok(!written.includes(Buffer.from(CANARY).toString('base64')), 'the secret leaked into rendered.yaml');

  const good = await run(['render', '--all', join(repo.dir, 'apps/ok'), '--out', join(out, 'just-ok')]);
  assert.equal(good.code, 0, good.stdout + good.stderr);
  assert.ok(existsSync(join(out, 'just-ok/rendered.yaml')), 'a repo-dir that is itself a kustomization writes at the top of --out');
});

test('--load-restrictor LoadRestrictionsNone reads files outside the kustomization folder, as kubectl kustomize does with the flag', async (t) => {
  const parity = join(import.meta.dirname, '..', 'test-fixtures', 'parity');
  for (const c of ['error-outside-root', 'error-patch-file-outside-root', 'error-symlink-outside-root']) {
    const dir = join(parity, c);
    const refused = await run(['render', dir]);
    assert.equal(refused.code, 1, `${c} is refused by default`);
    assert.match(refused.stderr, /load restrictor refuses/);
    const r = await run(['render', dir, '--load-restrictor', 'LoadRestrictionsNone']);
    assert.equal(r.code, 0, r.stderr);
    const want = await new Promise<string | undefined>((resolve) => {
      execFile('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dir], (err, stdout) => resolve(err ? undefined : stdout));
    });
    if (want === undefined) return t.skip('kubectl not found: compared only the exit codes');
    assert.equal(r.stdout, want, c);
  }
  const bad = await run(['render', join(parity, 'basic-resources'), '--load-restrictor', 'none']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /must be LoadRestrictionsRootOnly or LoadRestrictionsNone/);
});
