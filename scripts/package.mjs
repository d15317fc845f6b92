// `npm run package`: the .vsix, built offline with the project's own @vscode/vsce from what scripts/build.mjs
// bundled. No node_modules go in (everything the extension runs is in the bundles); .vscodeignore lists what does.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

export function vsixPath() {
  const pkg = createRequire(import.meta.url)(join(REPO, 'package.json'));
  return join(REPO, `${pkg.name}-${pkg.version}.vsix`);
}

/** Packages the already-built dist/ into a .vsix and returns its path and size. */
export function packageExtension({ out = vsixPath(), quiet = false } = {}) {
  const vsce = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-update-package-json', '-o', out];
  const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8', stdio: quiet ? 'pipe' : 'inherit' });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new Error(`vsce package failed (exit ${r.status})`);
  }
  return { path: out, bytes: statSync(out).size };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { path, bytes } = packageExtension();
    console.log(`${relative(process.cwd(), path)}: ${(bytes / 1024).toFixed(1)} KiB`);
    console.log(`install it with: code --install-extension ${relative(process.cwd(), path)}`);
  } catch (e) {
    console.error(`package: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
