/**
 * `gitops-sandbox k3s start|stop|status`: our throwaway k3s container (through testcontainers). Without a Docker
 * engine every subcommand says so plainly and exits 2.
 */
import { DockerUnavailableError, k3sStart, k3sStatus, k3sStop } from '../../engine/cluster/index.ts';
import { UsageError, type Command } from '../io.ts';

const USAGE = `Usage: gitops-sandbox k3s start | stop | status [--json]

A throwaway k3s cluster in a Docker container, for \`gitops-sandbox sync --to k3s\`.
  start   start it, or reuse the one already running; its kubeconfig is kept under ~/.cache/gitops-sandbox
          (or $GITOPS_SANDBOX_HOME) with the context gitops-sandbox-k3s
  stop    stop and remove it
  status  whether it runs, its API server and kubeconfig

Exit status: 0 done, 2 when Docker is not available or the container cannot be started.`;

export const k3s: Command = {
  name: 'k3s',
  summary: 'start, stop or inspect a throwaway k3s cluster in Docker (a sync target)',
  usage: USAGE,
  async run(args, io) {
    const json = args.includes('--json');
    const rest = args.filter((a) => a !== '--json');
    const unknown = rest.find((a) => a.startsWith('-'));
    if (unknown) throw new UsageError(`unknown option ${unknown}`);
    const [sub, ...extra] = rest;
    if (!sub || !['start', 'stop', 'status'].includes(sub)) throw new UsageError(sub ? `unknown k3s subcommand "${sub}"` : 'expected start, stop or status');
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    try {
      if (sub === 'start') {
        const s = await k3sStart();
        if (json) io.out(`${JSON.stringify({ running: true, reused: s.reused, containerId: s.containerId, server: s.server, kubeconfig: s.kubeconfigPath, image: s.image }, null, 2)}\n`);
        else io.out(`k3s ${s.reused ? 'is already running' : 'started'}: ${s.server ?? ''}\nkubeconfig: ${s.kubeconfigPath} (context gitops-sandbox-k3s)\n`);
      } else if (sub === 'stop') {
        const s = await k3sStop();
        if (json) io.out(`${JSON.stringify(s)}\n`);
        else io.out(s.stopped ? `stopped and removed ${s.stopped} k3s container${s.stopped === 1 ? '' : 's'}\n` : 'no k3s container was running\n');
      } else {
        const s = await k3sStatus();
        if (json) io.out(`${JSON.stringify(s, null, 2)}\n`);
        else io.out(s.running ? `k3s is running: ${s.server ?? '(server unknown)'} (${s.image ?? ''})\nkubeconfig: ${s.kubeconfigPath}\n` : 'k3s is not running (start it with: gitops-sandbox k3s start)\n');
      }
      return 0;
    } catch (e) {
      if (e instanceof DockerUnavailableError) {
        io.err(`${e.message}\n`);
        return 2;
      }
      io.err(`gitops-sandbox k3s ${sub}: ${(e as Error)?.message ?? String(e)}\n`);
      return 2;
    }
  },
};
