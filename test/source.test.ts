import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  openView,
  GitRevisionView,
  OverlayView,
  WorktreeView,
  resolveRevision,
  mergeBase,
  defaultBaseBranch,
  currentBranch,
  SourceError,
} from '../src/engine/source/index.ts';
import { ScratchRepo } from './helpers/git.ts';

test('a git revision reads the committed files while the working tree reads the edits, and buffers win over both', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.write({ 'app/kustomization.yaml': 'resources:\n- cm.yaml\n', 'app/cm.yaml': 'v: committed\n' });
  const first = repo.commit('first');
  repo.write({ 'app/cm.yaml': 'v: edited\n', 'app/new.yaml': 'v: new\n' });

  const head = await openView(join(repo.dir, 'app'), { rev: 'HEAD' });
  assert.equal(head.rel, 'app');
  assert.equal(head.view.commit, first);
  assert.equal(await head.view.readText('app/cm.yaml'), 'v: committed\n');
  assert.equal(await head.view.stat('app/new.yaml'), undefined, 'an uncommitted file is not in HEAD');
  assert.deepEqual((await head.view.list('app')).map((e) => e.name), ['cm.yaml', 'kustomization.yaml']);

  const wt = await openView(join(repo.dir, 'app'));
  assert.equal(await wt.view.readText('app/cm.yaml'), 'v: edited\n');
  assert.deepEqual((await wt.view.list('app')).map((e) => e.name), ['cm.yaml', 'kustomization.yaml', 'new.yaml']);

  const typed = await openView(join(repo.dir, 'app'), { buffers: { [join(repo.dir, 'app/cm.yaml')]: 'v: typing\n', 'app/unsaved.yaml': 'x: 1\n' } });
  assert.equal(await typed.view.readText('app/cm.yaml'), 'v: typing\n');
  assert.equal(await typed.view.stat('app/unsaved.yaml'), 'file');
  assert.ok((await typed.view.list('app')).some((e) => e.name === 'unsaved.yaml'), 'an unsaved new file is listed');

  const typedAtHead = await openView(join(repo.dir, 'app'), { rev: 'HEAD', buffers: { 'app/cm.yaml': 'v: typing\n' } });
  assert.equal(await typedAtHead.view.readText('app/cm.yaml'), 'v: typing\n');
});

test('revisions resolve like git: branches, tags, short ids, ~N and ^, merge-base and the default base branch', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.write({ 'f.txt': 'one\n' });
  const c1 = repo.commit('one');
  repo.git('tag', '-a', 'v1', '-m', 'tag one');
  repo.write({ 'f.txt': 'two\n' });
  const c2 = repo.commit('two');
  repo.git('checkout', '-q', '-b', 'feature');
  repo.write({ 'f.txt': 'three\n' });
  const c3 = repo.commit('three');

  assert.equal(await resolveRevision(repo.dir, 'HEAD'), c3);
  assert.equal(await resolveRevision(repo.dir, 'HEAD~2'), c1);
  assert.equal(await resolveRevision(repo.dir, 'HEAD^^'), c1);
  assert.equal(await resolveRevision(repo.dir, 'main'), c2);
  assert.equal(await resolveRevision(repo.dir, 'v1'), c1, 'an annotated tag peels to its commit');
  assert.equal(await resolveRevision(repo.dir, c2.slice(0, 7)), c2);
  assert.equal(await mergeBase(repo.dir, 'feature', 'main'), c2);
  assert.equal(await currentBranch(repo.dir), 'feature');
  assert.equal(await defaultBaseBranch(repo.dir), 'main');
  const v1 = await GitRevisionView.open(repo.dir, 'v1');
  assert.equal(await v1.readText('f.txt'), 'one\n');
  await assert.rejects(resolveRevision(repo.dir, 'nope'), (e: unknown) => e instanceof SourceError && e.code === 'EREV' && /unknown revision nope/.test(e.message));
  await assert.rejects(resolveRevision(repo.dir, 'HEAD~9'), /has no parent/);
});

test('a view refuses paths that climb out of its root, and reports missing files by name', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.write({ 'a/b.yaml': 'x: 1\n' });
  repo.commit('c');
  for (const view of [new WorktreeView(repo.dir), await GitRevisionView.open(repo.dir, 'HEAD'), new OverlayView(new WorktreeView(repo.dir), {})]) {
    await assert.rejects(view.readText('../outside.yaml'), (e: unknown) => e instanceof SourceError && e.code === 'EOUTSIDE');
    await assert.rejects(view.readText('a/missing.yaml'), (e: unknown) => e instanceof SourceError && e.code === 'ENOENT' && e.message.includes('a/missing.yaml'));
    await assert.rejects(view.readText('a'), (e: unknown) => e instanceof SourceError && e.code === 'EISDIR');
    assert.equal(await view.stat('a'), 'dir');
  }
});

test('a git view follows symlinks inside the repository as a checkout would', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.write({ 'shared/cm.yaml': 'x: 1\n' });
  const { symlinkSync } = await import('node:fs');
  symlinkSync('shared', join(repo.dir, 'linked'));
  symlinkSync('../../etc', join(repo.dir, 'shared/escape'));
  repo.commit('c');
  const v = await GitRevisionView.open(repo.dir, 'HEAD');
  assert.equal(await v.readText('linked/cm.yaml'), 'x: 1\n');
  assert.equal(await v.stat('linked'), 'dir');
  assert.equal(await v.stat('shared/escape'), undefined, 'a link out of the repository leads nowhere');
});

test('a linked worktree (git worktree add) resolves its own HEAD and branch, and reads the shared objects', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.write({ 'f.txt': 'main\n' });
  const onMain = repo.commit('on main');
  const wtDir = `${repo.dir}-wt`;
  t.after(async () => (await import('node:fs')).rmSync(wtDir, { recursive: true, force: true }));
  repo.git('worktree', 'add', '-q', '-b', 'feature', wtDir);
  const { execFileSync } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(wtDir, 'f.txt'), 'feature\n');
  execFileSync('git', ['commit', '-qam', 'on feature'], { cwd: wtDir });
  const onFeature = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: wtDir, encoding: 'utf8' }).trim();

  assert.equal(await resolveRevision(wtDir, 'HEAD'), onFeature);
  assert.equal(await resolveRevision(wtDir, 'HEAD~1'), onMain);
  assert.equal(await resolveRevision(repo.dir, 'HEAD'), onMain, 'the main checkout keeps its own HEAD');
  assert.equal(await currentBranch(wtDir), 'feature');
  const head = await openView(wtDir, { rev: 'HEAD' });
  assert.equal(await head.view.readText('f.txt'), 'feature\n');
  assert.equal(await mergeBase(wtDir, 'HEAD', 'main'), onMain);
});
