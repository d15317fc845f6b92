/**
 * Helpers for the apps tests: the fixture deploy repo as a scratch git repository with a matching remote, and a
 * kustomize renderer that runs the real `kubectl kustomize` on a copy of whatever view it is given (working tree,
 * revision or overlay), for as long as the project's own renderer is not the one injected.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OverlayView, WorktreeView, type FileView } from '../../src/engine/source/index.ts';
import type { KustomizeRenderer, RenderedResource } from '../../src/engine/apps/index.ts';
import { GitOpsError } from '../../src/engine/errors/index.ts';
import { parse } from 'yaml';
import { ScratchRepo } from './git.ts';

export const FIXTURE = join(import.meta.dirname, '..', '..', 'test-fixtures', 'deploy-repo');
export const FIXTURE_REMOTE = 'git@github.com:example/deploy-repo.git';

/** The fixture deploy repo committed on `main` in a scratch repository whose origin is the Applications' repo. */
export function deployRepo(extra: Record<string, string> = {}): ScratchRepo {
  const repo = new ScratchRepo('gs-apps-');
  cpSync(FIXTURE, repo.dir, { recursive: true });
  repo.write(extra);
  repo.git('remote', 'add', 'origin', FIXTURE_REMOTE);
  repo.commit('fixture deploy repo');
  return repo;
}

/** A scratch repository with only the given files, committed, with the fixture's remote. */
export function scratchRepo(files: Record<string, string>): ScratchRepo {
  const repo = new ScratchRepo('gs-apps-');
  repo.write(files);
  repo.git('remote', 'add', 'origin', FIXTURE_REMOTE);
  repo.commit('files');
  return repo;
}

export function kubectlAvailable(): string | undefined {
  const r = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `kubectl not found: ${r.error?.message ?? r.stderr}`;
  return undefined;
}

async function copyView(view: FileView, dir: string, to: string): Promise<void> {
  for (const e of await view.list(dir)) {
    const p = dir ? `${dir}/${e.name}` : e.name;
    if (e.kind === 'dir') {
      if (e.name === '.git') continue;
      mkdirSync(join(to, p), { recursive: true });
      await copyView(view, p, to);
    } else {
      mkdirSync(dirname(join(to, p)), { recursive: true });
      writeFileSync(join(to, p), await view.readFile(p));
    }
  }
}

const scratch: string[] = [];
process.on('exit', () => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

const copies = new WeakMap<FileView, string>();

/**
 * A directory holding the view's files: the work tree itself for a working-tree view, a cached copy for a revision,
 * and a fresh copy of the base with the buffers written over it for an overlay.
 */
async function materialize(view: FileView): Promise<{ root: string; temporary: boolean }> {
  if (view instanceof WorktreeView) return { root: view.root, temporary: false };
  if (view instanceof OverlayView) {
    const internals = view as unknown as { base: FileView; buffers: Map<string, string> };
    const base = await materialize(internals.base);
    const root = mkdtempSync(join(tmpdir(), 'gs-kustomize-'));
    scratch.push(root);
    cpSync(base.root, root, { recursive: true, filter: (src) => !src.includes('/.git') });
    for (const [p, text] of internals.buffers) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), text);
    }
    return { root, temporary: true };
  }
  let root = copies.get(view);
  if (!root) {
    root = mkdtempSync(join(tmpdir(), 'gs-kustomize-'));
    scratch.push(root);
    await copyView(view, '', root);
    copies.set(view, root);
  }
  return { root, temporary: false };
}

/** `kubectl kustomize` over the view's files; its errors become GitOpsErrors naming the folder. */
export function kubectlRenderer(): KustomizeRenderer {
  return async (view: FileView, dir: string): Promise<RenderedResource[]> => {
    const { root, temporary } = await materialize(view);
    let out: string;
    try {
      out = execFileSync('kubectl', ['kustomize', join(root, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const msg = String((err as { stderr?: string }).stderr ?? err).trim().split(root + '/').join('');
      throw new GitOpsError(msg, { file: dir || '.', line: 1, column: 1 }, 'kustomize');
    } finally {
      if (temporary) rmSync(root, { recursive: true, force: true });
    }
    return out
      .split(/^---$/m)
      .map((d) => parse(d))
      .filter((o) => o && typeof o === 'object')
      .map((object) => ({ object }));
  };
}

export function cleanup(repo: ScratchRepo): void {
  repo.cleanup();
}

export { execFileSync };
