// A sandbox served over the Kubernetes API (`gitops-sandbox sandbox serve`, the CLI just built), and a kubeconfig
// for the editor's Sync… picker: `kind-e2e` points at it (local: loopback server, kind- name) and `team-prod` at an
// address nobody answers on (refused by the default deny pattern before anything is contacted).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function serveSandbox({ repo, dir, log = () => {} }) {
  const served = join(dir, 'served.kubeconfig');
  // In its own process group, so that stopping it ends whatever it started.
  const child = spawn(process.execPath, [join(repo, 'dist', 'cli.mjs'), 'sandbox', 'serve', '--kubeconfig', served, '--speed', '20'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox serve did not start: ${out}`)), 30000);
    const onData = (b) => {
      out += b;
      if (out.includes('Kubeconfig written')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (b) => (out += b));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox serve exited (${code}): ${out}`));
    });
  });
  child.removeAllListeners('exit');
  const server = /server: (\S+)/.exec(readFileSync(served, 'utf8'))?.[1];
  if (!server) throw new Error(`no server in ${served}`);
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: kind-e2e
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
- name: team-prod
  cluster:
    server: https://10.255.0.1:6443
contexts:
- name: kind-e2e
  context:
    cluster: kind-e2e
    user: e2e
- name: team-prod
  context:
    cluster: team-prod
    user: e2e
current-context: kind-e2e
users:
- name: e2e
  user: {}
`,
  );
  log(`sandbox served at ${server} (contexts kind-e2e, team-prod in ${kubeconfig})`);
  return {
    kubeconfig,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
