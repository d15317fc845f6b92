/**
 * The sandbox served over HTTP under a chosen kube context name, written to a kubeconfig file, for the safety and
 * CLI tests. With `remote`, the kubeconfig's server is this machine's first non-loopback address (a TCP relay
 * there forwards to the sandbox on 127.0.0.1), so the context looks like any cluster on the network.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Sandbox, SandboxServer } from '../../src/engine/sandbox/index.ts';

export interface Served {
  sandbox: Sandbox;
  kubeconfigPath: string;
  server: string;
  /** Every request the served API answered, as `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

/** This machine's first IPv4 address that is not loopback, or undefined (then "remote" tests skip). */
export function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('127.')) return a.address;
  return undefined;
}

export async function serveAs(context: string, sandbox: Sandbox, opts: { remote?: boolean; speed?: number } = {}): Promise<Served> {
  const requests: string[] = [];
  const http = new SandboxServer(sandbox, { speed: opts.speed ?? 200, onRequest: (method, path) => void requests.push(`${method} ${path}`) });
  await http.start();
  let relay: Server | undefined;
  const sockets = new Set<Socket>();
  let server = http.url;
  if (opts.remote) {
    const host = nonLoopbackAddress();
    if (!host) throw new Error('no non-loopback address');
    relay = createServer((inbound) => {
      const outbound = connect(http.port, '127.0.0.1');
      sockets.add(inbound).add(outbound);
      inbound.pipe(outbound).pipe(inbound);
      const drop = () => {
        inbound.destroy();
        outbound.destroy();
      };
      inbound.on('error', drop).on('close', drop);
      outbound.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve, reject) => relay!.once('error', reject).listen(0, host, () => resolve()));
    server = `http://${host}:${(relay.address() as { port: number }).port}`;
  }
  const doc = parse(http.kubeconfig(context)) as { clusters: { cluster: { server: string } }[] };
  doc.clusters[0]!.cluster.server = server;
  const dir = mkdtempSync(join(tmpdir(), 'sync-kubeconfig-'));
  const kubeconfigPath = join(dir, 'config');
  writeFileSync(kubeconfigPath, stringify(doc), { mode: 0o600 });
  return {
    sandbox,
    kubeconfigPath,
    server,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      if (relay) await new Promise<void>((r) => relay!.close(() => r()));
      await http.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
