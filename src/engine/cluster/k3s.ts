/**
 * A throwaway k3s cluster in a container, through @testcontainers/k3s: `start` starts one (or reuses the one
 * already running), keeps its kubeconfig under the state folder and leaves it running; `status` reports it; `stop`
 * removes it. Syncing to it goes through the client-node path with that kubeconfig. testcontainers is imported
 * only here and only when used (it is outside the CLI bundle), so the CLI starts fast.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { GitOpsError } from '../errors/index.ts';
import { KubeTarget } from './kube-target.ts';

export const K3S_IMAGE = 'rancher/k3s:v1.32.4-k3s1';
export const K3S_LABEL = 'dev.gitops-sandbox.k3s';
export const K3S_CONTEXT = 'gitops-sandbox-k3s';
const NO_DOCKER_HINT = 'Use the embedded sandbox (--to sandbox) or a kube context.';

/** "Docker is not available: <reason>. Use the embedded sandbox (--to sandbox) or a kube context." */
export class DockerUnavailableError extends GitOpsError {
  constructor(readonly why: string) {
    super(`Docker is not available: ${why}. ${NO_DOCKER_HINT}`, undefined, 'docker-unavailable');
    this.name = 'DockerUnavailableError';
  }
}

export interface K3sOptions {
  /** Where the kubeconfig is kept (default $GITOPS_SANDBOX_HOME or ~/.cache/gitops-sandbox). */
  stateDir?: string;
  image?: string;
}

export interface K3sStatus {
  running: boolean;
  containerId?: string;
  server?: string;
  kubeconfigPath: string;
  image?: string;
}

export function k3sStateDir(opts: K3sOptions = {}): string {
  return opts.stateDir ?? process.env.GITOPS_SANDBOX_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gitops-sandbox');
}

export function k3sKubeconfigPath(opts: K3sOptions = {}): string {
  return join(k3sStateDir(opts), 'k3s.kubeconfig');
}

type Testcontainers = typeof import('testcontainers');

/** testcontainers and a working container runtime, or DockerUnavailableError saying why not. */
async function runtime(): Promise<{ tc: Testcontainers; client: Awaited<ReturnType<Testcontainers['getContainerRuntimeClient']>> }> {
  let tc: Testcontainers;
  try {
    tc = await import('testcontainers');
  } catch (e) {
    throw new DockerUnavailableError(`the testcontainers package cannot be loaded (${(e as Error).message.split('\n')[0]})`);
  }
  try {
    return { tc, client: await tc.getContainerRuntimeClient() };
  } catch (e) {
    const where = process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : 'no DOCKER_HOST and no engine answering on the default socket';
    throw new DockerUnavailableError(`${(e as Error).message.split('\n')[0]} (${where})`);
  }
}

/** Why Docker cannot be used, or undefined when it can (tests skip with this reason). */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  try {
    await runtime();
    return undefined;
  } catch (e) {
    return e instanceof DockerUnavailableError ? e.message : (e as Error).message;
  }
}

/** The k3s kubeconfig with its context renamed, so it never collides with the user's own "default". */
function renameContext(raw: string): string {
  const doc = parseYaml(raw) as { clusters?: { name: string }[]; users?: { name: string }[]; contexts?: { name: string; context: { cluster: string; user: string } }[]; 'current-context'?: string };
  for (const c of doc.clusters ?? []) c.name = K3S_CONTEXT;
  for (const u of doc.users ?? []) u.name = K3S_CONTEXT;
  for (const c of doc.contexts ?? []) {
    c.name = K3S_CONTEXT;
    c.context.cluster = K3S_CONTEXT;
    c.context.user = K3S_CONTEXT;
  }
  doc['current-context'] = K3S_CONTEXT;
  return stringifyYaml(doc);
}

/** Starts our k3s container, or reuses the running one; its kubeconfig is written to the state folder. */
export async function k3sStart(opts: K3sOptions = {}): Promise<K3sStatus & { kubeconfig: string; reused: boolean }> {
  await runtime();
  const before = await k3sStatus(opts);
  // Reused containers carry no testcontainers session label, so the reaper leaves them running after we exit.
  const { K3sContainer } = await import('@testcontainers/k3s');
  const started = await new K3sContainer(opts.image ?? K3S_IMAGE).withReuse().withLabels({ [K3S_LABEL]: 'v1' }).start();
  const kubeconfig = renameContext(started.getKubeConfig());
  const path = k3sKubeconfigPath(opts);
  await mkdir(k3sStateDir(opts), { recursive: true });
  await writeFile(path, kubeconfig, { mode: 0o600 });
  const server = (parseYaml(kubeconfig) as { clusters?: { cluster?: { server?: string } }[] }).clusters?.[0]?.cluster?.server;
  return { running: true, containerId: started.getId(), server, kubeconfigPath: path, image: opts.image ?? K3S_IMAGE, kubeconfig, reused: before.running };
}

export async function k3sStatus(opts: K3sOptions = {}): Promise<K3sStatus> {
  const { client } = await runtime();
  const path = k3sKubeconfigPath(opts);
  const infos = await client.container.list();
  const mine = infos.find((c) => c.Labels?.[K3S_LABEL] === 'v1' && c.State === 'running');
  if (!mine) return { running: false, kubeconfigPath: path };
  let server: string | undefined;
  try {
    server = (parseYaml(await readFile(path, 'utf8')) as { clusters?: { cluster?: { server?: string } }[] }).clusters?.[0]?.cluster?.server;
  } catch {
    server = undefined;
  }
  return { running: true, containerId: mine.Id, server, kubeconfigPath: path, image: mine.Image };
}

/** Stops and removes our k3s container (every one carrying our label). */
export async function k3sStop(opts: K3sOptions = {}): Promise<{ stopped: number }> {
  const { client } = await runtime();
  const infos = await client.container.list();
  let stopped = 0;
  for (const info of infos.filter((c) => c.Labels?.[K3S_LABEL] === 'v1')) {
    const c = client.container.getById(info.Id);
    if (info.State === 'running') await client.container.stop(c, { timeout: 10 });
    await client.container.remove(c, { removeVolumes: true });
    stopped++;
  }
  await rm(k3sKubeconfigPath(opts), { force: true });
  return { stopped };
}

/** A target on our k3s: started (or reused) first. */
export async function openK3sTarget(opts: K3sOptions & { pollIntervalMs?: number } = {}): Promise<KubeTarget> {
  const started = await k3sStart(opts);
  return KubeTarget.open({ kubeconfig: started.kubeconfig, type: 'k3s', label: 'k3s', pollIntervalMs: opts.pollIntervalMs });
}
