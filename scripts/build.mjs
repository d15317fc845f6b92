// Bundles the CLI and the extension with esbuild. The extension targets the Node of the oldest VS Code that
// package.json's engines.vscode allows (1.90 ships Electron 29, i.e. Node 20), and the CLI the same, so both
// run on the system Node as well as on the pinned Node 24.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
rmSync('dist', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Heavy, optional or native pieces stay outside the bundle and are loaded only when used.
  external: ['vscode', 'testcontainers', '@testcontainers/k3s', 'cpu-features', 'ssh2', 'wasmoon', 'jq-wasm'],
};

await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __gsCreateRequire } from 'node:module';\nconst require = __gsCreateRequire(import.meta.url);",
  },
});

await build({
  ...common,
  entryPoints: { extension: 'src/extension/extension.ts' },
  outdir: 'dist',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
});

if (watch) console.log('watch mode is not implemented; re-run npm run build');
