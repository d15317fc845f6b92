// Starting a real VS Code (code-server) with a given extension installed, for `npm run vscode` and the e2e suite.
// code-server listens on loopback only, without auth, in its own process group, which stop() ends as a whole
// (the extension host and file watchers are its children).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Settings that keep the workbench quiet and the screenshots clean. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
  'window.commandCenter': false,
  'editor.minimap.enabled': false,
};

/** A fresh profile: user data (with settings) and an extensions folder. */
export function prepareProfile(dir, settings = {}) {
  const profile = { dir, userData: join(dir, 'user-data'), extensions: join(dir, 'extensions'), config: join(dir, 'config.yaml') };
  mkdirSync(join(profile.userData, 'User'), { recursive: true });
  mkdirSync(profile.extensions, { recursive: true });
  writeFileSync(join(profile.userData, 'User', 'settings.json'), `${JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2)}\n`);
  writeFileSync(profile.config, 'auth: none\n');
  return profile;
}

function profileArgs(profile) {
  return ['--config', profile.config, '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
}

export function installExtension(tools, profile, vsix) {
  const r = spawnSync(tools.codeServer, [...profileArgs(profile), '--install-extension', vsix, '--force'], {
    env: tools.env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`code-server --install-extension failed: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 with `folder` open and waits until it answers. `smokeTestDriver` lets a URL payload
 * carry extensionDevelopmentPath / extensionTestsPath (how the extension-host tests run in it).
 */
export async function startCodeServer(tools, profile, { folder, port, logFile, smokeTestDriver = false, timeoutMs = 60_000 }) {
  port ??= await freePort();
  const args = [
    ...profileArgs(profile),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    folder,
  ];
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(tools.codeServer, args, { env: tools.env, detached: true, stdio: ['ignore', out, out] });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // the group is gone
    }
  };
  /** Ends the whole process group: SIGTERM, then SIGKILL for whatever is left after a few seconds. */
  const stop = async () => {
    if (child.pid === undefined) return;
    signal('SIGTERM');
    if (!exited) await new Promise((r) => { child.once('exit', r); setTimeout(r, 5000); });
    await new Promise((r) => setTimeout(r, 500));
    signal('SIGKILL');
  };
  /** For exit handlers, where nothing can be awaited. */
  const kill = () => signal('SIGKILL');
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`code-server exited early${logFile ? ` (log: ${logFile})` : ''}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() - t0 > timeoutMs) {
      await stop();
      throw new Error(`code-server did not answer within ${timeoutMs / 1000}s${logFile ? ` (log: ${logFile})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, pid: child.pid, child, stop, kill };
}
