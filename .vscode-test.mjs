// @vscode/test-cli configuration, for machines that can download VS Code. On machines that cannot (ours), the same
// extension-host tests run in code-server through test/e2e (see README).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'test/extension-host/**/*.test.cjs',
  workspaceFolder: 'test-fixtures/sample-repo',
  mocha: { timeout: 20000 },
});
