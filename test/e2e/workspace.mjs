// The deploy repo the e2e suite opens: test/e2e/fixture-repo copied to a scratch folder and made a git repository
// shaped like a review: `main` (also as origin/main, the base branch) with the fixture, and a `feature` branch one
// commit ahead. The suite only edits it through unsaved buffers.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE = fileURLToPath(new URL('./fixture-repo', import.meta.url));
export const REPO_URL = 'https://git.example.com/platform/deploy.git';

function git(cwd, ...args) {
  const r = spawnSync('git', ['-c', 'user.name=GitOps Sandbox e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Makes `dir` a fresh copy of the fixture repo with its history; returns the commits. */
export function makeDeployRepo(dir) {
  cpSync(FIXTURE, dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'remote', 'add', 'origin', REPO_URL);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'shop: base, staging and prod overlays');
  const base = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'update-ref', 'refs/remotes/origin/main', base);
  git(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  git(dir, 'checkout', '-q', '-b', 'feature');
  const staging = join(dir, 'apps/shop/overlays/staging/kustomization.yaml');
  writeFileSync(staging, readFileSync(staging, 'utf8').replace('newTag: 1.1.0-rc.1', 'newTag: 1.1.0-rc.2'));
  git(dir, 'commit', '-q', '-am', 'staging: shop 1.1.0-rc.2');
  return { base, head: git(dir, 'rev-parse', 'HEAD') };
}
