// Runs the extension-host suites (dist/test/extension-host) inside code-server's real extension host: the smoke-test
// driver (code-server started with --vscode-option enable-smoke-test-driver) takes extensionDevelopmentPath and
// extensionTestsPath from the URL payload, and reports the tests' log lines and exit code back to the page.
import { format } from 'node:util';
import { launchBrowser } from './ui.mjs';

export async function runHostTests({ url, folder, devPath, testsPath, chromiumPath, timeoutMs = 240_000, log = console.log }) {
  const remote = (p) => `vscode-remote://${new URL(url).host}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(testsPath)],
  ]);
  const { context, close } = await launchBrowser(chromiumPath);
  const lines = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let done;
    const exited = new Promise((r) => (done = r));
    // Both hooks must exist before the workbench loads.
    // The workbench logs plenty of its own; the console shows the test output, from the suite's first line on.
    let ours = false;
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...(args ?? []));
      lines.push(line);
      ours ||= /GitOps Sandbox|passing|failing/.test(line);
      if (ours) log(`  ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => done(code));
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), timeoutMs))]);
    return { code: code === 'timeout' ? 124 : code, timedOut: code === 'timeout', lines };
  } finally {
    await close();
  }
}
