// `npm run vscode [-- <folder>] [--port N]`: a real VS Code (code-server, installed on first use outside the repo)
// on 127.0.0.1 with the freshly built extension installed and the sample deploy repo open. Prints the URL and runs
// until Ctrl-C. `npm run` has already built dist/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, installExtension, prepareProfile, startCodeServer } from './code-server.mjs';
import { packageExtension } from './package.mjs';
import { REPO, TOOLS_DIR, ensureTools } from './vscode-tools.mjs';

const args = process.argv.slice(2);
const portFlag = args.indexOf('--port');
const wantedPort = portFlag >= 0 ? Number(args.splice(portFlag, 2)[1]) : Number(process.env.GITOPS_SANDBOX_VSCODE_PORT ?? 8421);
const folder = resolve(args[0] ?? join(REPO, 'test-fixtures', 'sample-repo'));

async function portFree(port) {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
    return false;
  } catch {
    return true;
  }
}

try {
  const tools = ensureTools();
  const vsix = packageExtension({ quiet: true });
  console.log(`packaged ${vsix.path} (${(vsix.bytes / 1024).toFixed(1)} KiB)`);
  const profileDir = join(TOOLS_DIR, '..', 'vscode-profile');
  mkdirSync(profileDir, { recursive: true });
  const profile = prepareProfile(profileDir);
  installExtension(tools, profile, vsix.path);
  const port = (await portFree(wantedPort)) ? wantedPort : await freePort();
  const server = await startCodeServer(tools, profile, { folder, port, logFile: join(profileDir, 'code-server.log') });
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  console.log(`\nVS Code with GitOps Sandbox is running: ${url}`);
  console.log(`(profile and log in ${profileDir}; Ctrl-C stops it)`);
  process.on('exit', server.kill);
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      stopping = true;
      console.log('\nstopping code-server');
      await server.stop();
      process.exit(0);
    });
  }
  server.child.once('exit', (code) => {
    if (stopping) return;
    console.error(`code-server exited (${code})`);
    process.exit(1);
  });
} catch (e) {
  console.error(`vscode: ${e instanceof Error ? e.message : e}`);
  process.exit(2);
}
