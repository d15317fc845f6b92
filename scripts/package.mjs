// `npm run package`: the .vsix, built offline with the project's own @vscode/vsce from what scripts/build.mjs
// bundled. No node_modules go in (everything the extension runs is in the bundles); .vscodeignore lists what does.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

export function vsixPath() {
  const pkg = createRequire(import.meta.url)(join(REPO, 'package.json'));
  return join(REPO, `${pkg.name}-${pkg.version}.vsix`);
}

/**
 * The engine loads two WebAssembly packages at run time, only when needed: wasmoon (custom Lua health checks) and
 * jq-wasm (jqPathExpressions in ignoreDifferences). They cannot be bundled (each reads its own files), and vsce
 * leaves node_modules out, so their run-time files are copied next to the bundles, where Node finds them first.
 */
const RUNTIME_MODULES = ['wasmoon', 'jq-wasm'];

function vendorRuntimeModules() {
  const target = join(REPO, 'dist', 'node_modules');
  rmSync(target, { recursive: true, force: true });
  for (const name of RUNTIME_MODULES) {
    const from = join(REPO, 'node_modules', name);
    if (!existsSync(from)) throw new Error(`${name} is not installed (npm ci)`);
    cpSync(from, join(target, name), {
      recursive: true,
      dereference: true,
      filter: (src) => !/\.(d\.ts|map|md)$/.test(src) && !/[/\\](bin|src)$/.test(src),
    });
  }
}

/** Packages the already-built dist/ into a .vsix and returns its path and size. */
export function packageExtension({ out = vsixPath(), quiet = false } = {}) {
  vendorRuntimeModules();
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
