/**
 * The extension-host test entry (`extensionTestsPath`): VS Code loads this module inside the extension host and calls
 * `run()`; it runs every bundled suite next to it with mocha. test/e2e/run.mjs starts it in code-server through the
 * smoke-test driver's payload; `@vscode/test-cli` (.vscode-test.mjs) runs the same suites where VS Code downloads.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 30000, color: false, reporter: 'spec' });
  for (const f of readdirSync(__dirname).filter((f) => f.endsWith('.test.cjs')).sort()) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
