import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Sandbox, SandboxServer, writeFileAtomic } from '../../engine/sandbox/index.ts';
import { UsageError, type Command } from '../io.ts';

const USAGE = `Usage: gitops-sandbox sandbox serve [--port N] [--kubeconfig FILE] [--state FILE] [--speed X] [--nodes N] [--seed N] [--verbose]

Serves the embedded sandbox cluster's Kubernetes API on 127.0.0.1 and writes a kubeconfig for it.

  --port N          port on 127.0.0.1 (default: a free port)
  --kubeconfig FILE where to write the kubeconfig (default: ./sandbox.kubeconfig; ~/.kube/config is never touched)
  --state FILE      load the sandbox from FILE if it exists; save it there on exit (and every 10 s while it changes)
  --speed X         virtual time runs X times faster than wall time (default 1)
  --nodes N         simulated nodes for a new sandbox (default 1)
  --seed N          seed for generated names and uids of a new sandbox
  --verbose         print each request

Stop it with Ctrl-C (SIGINT) or SIGTERM.`;

function num(name: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < min) throw new UsageError(`${name} expects a number >= ${min}, got ${v ?? 'nothing'}`);
  return n;
}

/** `gitops-sandbox sandbox serve`: the sandbox's Kubernetes API for kubectl, client-node and the editor. */
export const sandbox: Command = {
  name: 'sandbox',
  summary: 'serve the embedded sandbox cluster over the Kubernetes API (for kubectl and client-node)',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'serve') throw new UsageError(sub ? `unknown sandbox subcommand "${sub}"` : 'expected a subcommand: serve');
    let port = 0;
    let kubeconfig = 'sandbox.kubeconfig';
    let state: string | undefined;
    let speed = 1;
    let nodes: number | undefined;
    let seed: number | undefined;
    let verbose = false;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      const value = () => inline ?? rest[++i];
      switch (flag) {
        case '--port':
          port = num('--port', value(), 0);
          if (port > 65535) throw new UsageError('--port must be at most 65535');
          break;
        case '--kubeconfig':
          kubeconfig = value() ?? '';
          if (!kubeconfig) throw new UsageError('--kubeconfig expects a file');
          break;
        case '--state':
          state = value();
          if (!state) throw new UsageError('--state expects a file');
          break;
        case '--speed':
          speed = num('--speed', value(), Number.MIN_VALUE);
          break;
        case '--nodes':
          nodes = num('--nodes', value(), 1);
          break;
        case '--seed':
          seed = num('--seed', value(), 0);
          break;
        case '--verbose':
          verbose = true;
          break;
        default:
          throw new UsageError(`unknown option ${a}`);
      }
    }
    const kubeconfigPath = resolve(io.cwd, kubeconfig);
    const statePath = state ? resolve(io.cwd, state) : undefined;
    const sb = statePath && existsSync(statePath) ? await Sandbox.load(statePath) : new Sandbox({ seed, simulation: nodes ? { nodes } : undefined });
    const server = new SandboxServer(sb, {
      port,
      speed,
      onRequest: verbose ? (m, p, s) => io.err(`${new Date().toISOString()} ${m} ${p} ${s}\n`) : undefined,
    });
    let url: string;
    try {
      url = await server.start();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      io.err(`gitops-sandbox sandbox: cannot listen on 127.0.0.1:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : (e as Error).message}\n`);
      return 2;
    }
    await writeFileAtomic(kubeconfigPath, server.kubeconfig());
    io.out(`Sandbox Kubernetes API listening on ${url} (Kubernetes v1.32, virtual time x${speed})\n`);
    io.out(`Kubeconfig written to ${kubeconfigPath} (context "gitops-sandbox")\n`);
    if (statePath) io.out(`State ${existsSync(statePath) ? 'loaded from' : 'will be saved to'} ${statePath}\n`);
    io.out(`Try: kubectl --kubeconfig ${kubeconfigPath} get nodes\nPress Ctrl-C to stop.\n`);
    let savedRv = sb.api.store.rv;
    const save = async () => {
      if (!statePath) return;
      await sb.save(statePath);
      savedRv = sb.api.store.rv;
    };
    const autosave = statePath
      ? setInterval(() => {
          if (sb.api.store.rv !== savedRv) void save().catch((e) => io.err(`gitops-sandbox sandbox: could not save state: ${(e as Error).message}\n`));
        }, 10000)
      : undefined;
    await new Promise<void>((done) => {
      if (io.signal.aborted) return done();
      io.signal.addEventListener('abort', () => done(), { once: true });
    });
    if (autosave) clearInterval(autosave);
    await server.stop();
    if (statePath) {
      await save();
      io.out(`Sandbox state saved to ${statePath}\n`);
    }
    io.out('Sandbox stopped.\n');
    return 0;
  },
};
