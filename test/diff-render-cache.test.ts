import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScratchRepo } from './helpers/git.ts';
import { cachedRenderer, readDirectorySource } from '../src/engine/diff/index.ts';
import { GitRevisionView, WorktreeView, type FileView } from '../src/engine/source/index.ts';

test('render cache: a folder whose reads are identical at another view is not rendered again; any change re-renders', async () => {
  const repo = new ScratchRepo();
  try {
    repo.write({ 'a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: "1"\n', 'b/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n' });
    repo.commit('one');
    const calls: string[] = [];
    const render = cachedRenderer(async (view: FileView, dir: string) => {
      calls.push(`${view.commit ? 'rev' : 'wt'}:${dir}`);
      return readDirectorySource(view, dir);
    });
    const wt = new WorktreeView(repo.dir);
    const head = await GitRevisionView.open(repo.dir, 'HEAD');
    const first = await render(wt, 'a');
    (first[0]!.data as Record<string, string>).k = 'mutated by a caller';
    assert.deepEqual((await render(head, 'a'))[0]!.data, { k: '1' }, 'same files at HEAD: the cached result, unaffected by callers');
    assert.deepEqual(calls, ['wt:a']);
    repo.write({ 'a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: "2"\n' });
    assert.deepEqual((await render(wt, 'a'))[0]!.data, { k: '2' });
    repo.write({ 'a/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\n' });
    assert.equal((await render(wt, 'a')).length, 2, 'a new file in a listed folder re-renders');
    assert.deepEqual((await render(head, 'a'))[0]!.data, { k: '1' });
    await render(wt, 'b');
    assert.deepEqual(calls, ['wt:a', 'wt:a', 'wt:a', 'rev:a', 'wt:b']);
  } finally {
    repo.cleanup();
  }
});
