/**
 * Naming a target the way the CLI and the editor do (`sandbox`, `sandbox:<state-file>`, `k3s`, `context:<name>`),
 * opening it, and listing what a kubeconfig offers.
 */
import { resolve } from 'node:path';
import { GitOpsError } from '../errors/index.ts';
import { openK3sTarget, type K3sOptions } from './k3s.ts';
import { KubeTarget } from './kube-target.ts';
import { assessTarget, DEFAULT_DENY_PATTERNS, type SafetyAssessment } from './safety.ts';
import { SandboxTarget } from './sandbox-target.ts';
import type { ClusterTarget } from './types.ts';

export type TargetSpec = { type: 'sandbox'; stateFile?: string } | { type: 'k3s' } | { type: 'context'; context: string };

/** `sandbox`, `sandbox:<file>`, `k3s`, `context:<name>`; anything else is a GitOpsError naming the choices. */
export function parseTargetSpec(spec: string, cwd = process.cwd()): TargetSpec {
  if (spec === 'sandbox') return { type: 'sandbox' };
  if (spec.startsWith('sandbox:') && spec.length > 'sandbox:'.length) return { type: 'sandbox', stateFile: resolve(cwd, spec.slice('sandbox:'.length)) };
  if (spec === 'k3s') return { type: 'k3s' };
  if (spec.startsWith('context:') && spec.length > 'context:'.length) return { type: 'context', context: spec.slice('context:'.length) };
  throw new GitOpsError(`unknown target "${spec}": use sandbox, sandbox:<state-file>, k3s or context:<name>`, undefined, 'target');
}

export interface OpenTargetOptions extends K3sOptions {
  /** The kubeconfig for context targets (default $KUBECONFIG or ~/.kube/config). */
  kubeconfigPath?: string;
  /** How often real clusters are polled while waiting (default 1000 ms). */
  pollIntervalMs?: number;
}

export async function openTarget(spec: TargetSpec, opts: OpenTargetOptions = {}): Promise<ClusterTarget> {
  switch (spec.type) {
    case 'sandbox':
      return SandboxTarget.open({ stateFile: spec.stateFile });
    case 'k3s':
      return openK3sTarget(opts);
    case 'context':
      return KubeTarget.open({ context: spec.context, kubeconfigPath: opts.kubeconfigPath, pollIntervalMs: opts.pollIntervalMs });
  }
}

export interface KubeContextEntry {
  name: string;
  cluster: string;
  server?: string;
  namespace?: string;
  current: boolean;
  /** Local by the safety rails, and why. */
  safety: SafetyAssessment;
}

/** The contexts of a kubeconfig, each with its safety assessment (for a target picker). */
export async function listKubeContexts(opts: { kubeconfigPath?: string; denyPatterns?: string[] } = {}): Promise<KubeContextEntry[]> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (opts.kubeconfigPath) kc.loadFromFile(opts.kubeconfigPath);
    else kc.loadFromDefault();
  } catch (e) {
    throw new GitOpsError(`cannot read the kubeconfig: ${(e as Error).message}`, opts.kubeconfigPath ? { file: opts.kubeconfigPath } : undefined, 'kubeconfig');
  }
  const current = kc.getCurrentContext();
  const out: KubeContextEntry[] = [];
  for (const c of kc.getContexts()) {
    const cluster = kc.getCluster(c.cluster);
    const safety = await assessTarget({ type: 'context', label: `context ${c.name}`, context: c.name, cluster: c.cluster, server: cluster?.server }, opts.denyPatterns ?? DEFAULT_DENY_PATTERNS);
    out.push({ name: c.name, cluster: c.cluster, server: cluster?.server, namespace: c.namespace, current: c.name === current, safety });
  }
  return out;
}
