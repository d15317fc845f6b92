/**
 * `npm start` runs `gitops-sandbox demo` on the sample repo: the tour must go through every step a user reads in
 * the README (render, provenance, plan, sync into a throwaway sandbox, drift, live diff) and leave nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';

const root = join(import.meta.dirname, '..');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd: root });
  return { code, out, err };
}

test('demo (npm start): renders every overlay, then explains, plans, syncs to a throwaway sandbox, drifts and diffs', async () => {
  const r = await cli(['demo', 'test-fixtures/sample-repo']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /apps\/web\/overlays\/prod\s+3 objects/);
  // Provenance: the image set in the base, its tag by the prod overlay's images entry.
  assert.match(r.out, /image = "registry\.example\.com\/web:1\.0\.1"\n\s+written\s+test-fixtures\/sample-repo\/apps\/web\/base\/deployment\.yaml:\d+:\d+\n\s+images\s+test-fixtures\/sample-repo\/apps\/web\/overlays\/prod\/kustomization\.yaml:\d+:\d+/);
  assert.match(r.out, /Plan for app overlays-prod: 4 tasks/);
  assert.match(r.out, /Succeeded: successfully synced/);
  assert.match(r.out, /~ Deployment\.apps\/web-prod\/web: changed \/spec\/replicas/);
  assert.match(r.out, /^\s+-\s+replicas: 5$/m);
  const state = /--to sandbox:(\S+)/.exec(r.out)?.[1];
  assert.ok(state, 'the sync step names its state file');
  assert.equal(existsSync(state), false, 'the throwaway sandbox state is removed');
});

test('demo --render-only stops after the render table; a bad option is a usage error', async () => {
  const r = await cli(['demo', 'test-fixtures/sample-repo', '--render-only']);
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.out, /Sync for real/);
  assert.equal((await cli(['demo', '--nope'])).code, 2);
});

test('diff --app-name/--dest-namespace only with a folder against a cluster', async () => {
  const r = await cli(['diff', 'test-fixtures/sample-repo/apps/web/overlays/prod', '--app-name', 'x']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--app-name and --dest-namespace go with <dir> and --cluster or --context/);
});
