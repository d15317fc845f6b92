/**
 * The load restrictor must hold whichever way a folder is rendered: the diff's render cache and the apps scan wrap
 * the file view, and a wrapper that dropped `realPath` once let a symlink leading out of a kustomization folder
 * through (kustomize refuses it). Each path is checked against `kubectl kustomize` refusing the same folder.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ScratchRepo } from './helpers/git.ts';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';
import { stopJq } from '../src/engine/diff/index.ts';

after(() => stopJq());

const repo = new ScratchRepo('gs-symlink-');
after(() => repo.cleanup());
repo.write({
  'shared/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  k: v\n',
  'overlay/kustomization.yaml': 'resources:\n- link.yaml\n',
  'apps/overlay-app.yaml': [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    '  name: overlay-app',
    '  namespace: argocd',
    'spec:',
    '  project: default',
    '  source:',
    '    repoURL: https://example.com/deploy.git',
    '    path: overlay',
    '    targetRevision: HEAD',
    '  destination:',
    '    server: https://kubernetes.default.svc',
    '    namespace: demo',
    '',
  ].join('\n'),
});
symlinkSync('../shared/cm.yaml', join(repo.dir, 'overlay', 'link.yaml'));
repo.commit('overlay links a file outside its folder');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd: repo.dir });
  return { code, out, err };
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });

test('kubectl kustomize refuses the symlinked file (the oracle)', (t) => {
  if (kubectl.status !== 0) return t.skip('kubectl is not on PATH: cannot check the oracle');
  assert.throws(() => execFileSync('kubectl', ['kustomize', join(repo.dir, 'overlay')], { stdio: 'pipe' }), /security|outside|not in or below/i);
});

test('render refuses it too', async () => {
  const r = await cli(['render', 'overlay']);
  assert.equal(r.code, 1);
  assert.match(r.err, /outside|not in or below|security/i);
});

test('diff (through its render cache) refuses it instead of rendering the linked file', async () => {
  const r = await cli(['diff', 'overlay', '--rev', 'HEAD']);
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out + r.err, /outside|not in or below|security/i);
  assert.doesNotMatch(r.out, /name: shared/);
});

test('apps (through its repo scan) reports the app\'s render error instead of rendering the linked file', async () => {
  const r = await cli(['apps', '.', '--json']);
  assert.match(r.out + r.err, /outside|not in or below|security/i);
  assert.doesNotMatch(r.out, /"name": ?"shared"/);
});
