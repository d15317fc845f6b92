// Bundles the CLI and the extension with esbuild. The extension targets the Node of the oldest VS Code that
// package.json's engines.vscode allows (1.90 ships Electron 29, i.e. Node 20), and the CLI the same, so both
// run on the system Node as well as on the pinned Node 24.
//
// The extension is two bundles: dist/extension.cjs is the VS Code glue that activation loads (small, so activation
// stays cheap), and dist/engine.cjs is the engine, which the glue requires on first use. The webview is a browser
// bundle, and the extension-host tests are bundled into dist/test (never packaged).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

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
  entryPoints: { extension: 'src/extension/extension.ts', engine: 'src/extension/engine/api.ts', sync: 'src/extension/engine/sync-api.ts' },
  outdir: 'dist',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // Smaller to ship and faster to load; names kept so that errors stay readable.
  minify: true,
  keepNames: true,
  // The one engine use of import.meta (diff/jq.ts) is taken only when `require` is missing, never in CommonJS.
  logOverride: { 'empty-import-meta': 'silent' },
});

await build({
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'esm',
  sourcemap: false,
  minify: true,
  logLevel: 'warning',
  entryPoints: { plan: 'webview/plan/main.ts' },
  outdir: 'dist/webview',
});

const hostTests = readdirSync('test/extension-host').filter((f) => f.endsWith('.suite.ts'));
await build({
  ...common,
  entryPoints: [
    { in: 'test/extension-host/index.ts', out: 'index' },
    ...hostTests.map((f) => ({ in: `test/extension-host/${f}`, out: f.replace(/\.suite\.ts$/, '.test') })),
  ],
  outdir: 'dist/test/extension-host',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  external: [...common.external, 'mocha'],
});

if (watch) console.log('watch mode is not implemented; re-run npm run build');
