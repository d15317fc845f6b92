// @vscode/test-cli configuration, for machines that can download VS Code. On machines that cannot (ours), the same
// extension-host suites run in code-server through `npm run test:e2e` (test/e2e/host.mjs). Both use the suites that
// `npm run build` bundles into dist/test/extension-host.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'dist/test/extension-host/**/*.test.cjs',
  workspaceFolder: 'test/e2e/fixture-repo',
  mocha: { ui: 'tdd', timeout: 30000 },
});
