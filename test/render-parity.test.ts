/**
 * The parity suite: every case under test-fixtures/parity/<case>/ is rendered by our engine and by
 * `kubectl kustomize` (kustomize v5.5.0); the outputs must be the same bytes, or both must fail. Each case is also
 * rendered with provenance on, which must not change a byte.
 */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGitOpsError } from '../src/engine/errors/index.ts';
import { Renderer } from '../src/engine/render/index.ts';
import { WorktreeView } from '../src/engine/source/index.ts';

const ROOT = join(import.meta.dirname, '..', 'test-fixtures', 'parity');


interface Outcome {
  ok: boolean;
  text: string;
}

function kubectl(dir: string): Promise<Outcome | 'missing'> {
  return new Promise((resolve) => {
    execFile('kubectl', ['kustomize', dir], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve('missing');
      resolve(err ? { ok: false, text: stderr } : { ok: true, text: stdout });
    });
  });
}


const cases = readdirSync(ROOT)
  .filter((c) => statSync(join(ROOT, c)).isDirectory())
  .sort();

// kubectl runs are the slow part: start them all up front, a few at a time, and let each test await its own.
const kubectlRuns = new Map<string, Promise<Outcome | 'missing'>>();
{
  let running = 0;
  const queue: (() => void)[] = [];
  const limited = (dir: string) =>
    new Promise<Outcome | 'missing'>((resolve) => {
      const start = () => {
        running++;
        kubectl(dir).then((r) => {
          running--;
          queue.shift()?.();
          resolve(r);
        });
      };
      if (running < 4) start();
      else queue.push(start);
    });
  for (const c of cases) kubectlRuns.set(c, limited(join(ROOT, c)));
}
const probe = cases.length ? await kubectlRuns.get(cases[0]!)! : 'missing';
const renderer = new Renderer();
const view = new WorktreeView(ROOT);

test('parity suite has at least 80 cases of its own', () => {
  assert.ok(cases.filter((c) => !c.startsWith('yaml-')).length >= 80, `only ${cases.length} cases`);
});

for (const c of cases) {
  test(`parity: ${c}`, async (t) => {
    if (probe === 'missing') return t.skip('kubectl not found: cannot compare with kustomize');
    const want = await kubectlRuns.get(c)!;
    if (want === 'missing') return t.skip('kubectl not found');
    let ours: Outcome;
    let withProvenance: Outcome;
    try {
      ours = { ok: true, text: (await renderer.render(view, c)).text };
    } catch (e) {
      if (!isGitOpsError(e)) throw e;
      assert.ok(e.location?.file, `error must name a file: ${e.message}`);
      assert.ok(e.location.line !== undefined && e.location.column !== undefined, `error must name a line and column: ${e.toString()}`);
      ours = { ok: false, text: e.toString() };
    }
    try {
      withProvenance = { ok: true, text: (await renderer.render(view, c, { provenance: true })).text };
    } catch (e) {
      if (!isGitOpsError(e)) throw e;
      withProvenance = { ok: false, text: e.toString() };
    }
    assert.equal(withProvenance.ok, ours.ok, 'provenance changed the outcome');
    assert.equal(withProvenance.text, ours.text, 'provenance changed the output bytes');
    if (!want.ok || !ours.ok) {
      assert.equal(ours.ok, want.ok, want.ok ? `we failed where kustomize renders:\n${ours.text}` : `kustomize fails but we rendered:\n${want.text}`);
      return;
    }
    assert.equal(ours.text, want.text);
  });
}
