/**
 * YAML parity with the real thing: every `test-fixtures/parity/yaml-*` folder is a kustomization that only lists
 * plain resource files, so reading those files as kustomize does and printing them must give exactly the bytes
 * `kubectl kustomize` prints (documents compared one by one, because ordering resources is the renderer's job),
 * and where kustomize fails we must fail with a located error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitOpsError } from '../src/engine/errors/index.ts';
import { emitDocuments, parseYamlDocuments, readResources, toPlain } from '../src/engine/yaml/index.ts';

const root = join(import.meta.dirname, '..', 'test-fixtures', 'parity');
const cases = readdirSync(root).filter((d) => d.startsWith('yaml-')).sort();

function kubectlMissing(): string | undefined {
  try {
    const v = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (!/Kustomize Version: v5\.5\.0/.test(v)) return `kubectl has another kustomize than v5.5.0: ${v.trim().split('\n').pop()}`;
    return undefined;
  } catch (e) {
    return `kubectl not found: ${(e as Error).message.split('\n')[0]}`;
  }
}
const missing = kubectlMissing();

/** Our side: the resource files read as kustomize reads them, each printed as one document. */
function ours(dir: string): string[] {
  const kfile = `yaml-${dir}/kustomization.yaml`;
  const kdoc = parseYamlDocuments(readFileSync(join(root, dir, 'kustomization.yaml'), 'utf8'), kfile)[0];
  const resources = (toPlain(kdoc!.node!) as { resources: string[] }).resources;
  const out: string[] = [];
  for (const r of resources) {
    const text = readFileSync(join(root, dir, r), 'utf8');
    for (const d of readResources(text, `${dir}/${r}`)) out.push(emitDocuments([d.node!]));
  }
  return out;
}

test('the yaml parity fixtures are at least 15 cases plus error cases', () => {
  assert.ok(cases.filter((c) => !c.startsWith('yaml-error-')).length >= 15);
  assert.ok(cases.some((c) => c.startsWith('yaml-error-')));
});

for (const dir of cases) {
  test(`parity with kubectl kustomize: ${dir}`, (t) => {
    if (missing) {
      t.skip(missing);
      return;
    }
    const real = spawnSync('kubectl', ['kustomize', join(root, dir)], { encoding: 'utf8' });
    let mine: string[] | undefined;
    let err: unknown;
    try {
      mine = ours(dir);
    } catch (e) {
      err = e;
    }
    if (real.status !== 0) {
      assert.ok(err instanceof GitOpsError, `kustomize fails (${real.stderr.trim().slice(-200)}) so we must fail with a GitOpsError, got ${err ? String(err) : 'success'}`);
      assert.ok(err.location?.file.startsWith(dir), `the error names the file: ${err.toString()}`);
      assert.ok(err.location?.line !== undefined, `the error names a line: ${err.toString()}`);
      return;
    }
    if (err) throw err;
    // Documents are compared as a sorted list: the order of resources is the renderer's business.
    const theirs = real.stdout.split(/^---\n/m).sort();
    assert.deepEqual([...mine!].sort(), theirs);
  });
}
