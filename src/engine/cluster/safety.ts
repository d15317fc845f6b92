/**
 * Safety rails: a sync never reaches a cluster that is not a local sandbox by accident.
 *
 * Local: the embedded sandbox, our k3s container, and kube contexts whose API server is on loopback or whose name
 * starts with kind-, k3d-, minikube, docker-desktop, rancher-desktop or orbstack. Any other context needs a
 * confirmation that names it (`--confirm-context <name>`, or the editor's modal), always gets a server-side
 * dry-run of the whole sync first, and pruning there needs its own confirmation. A context that matches a deny
 * pattern (default `*prod*`, matched against the context, its cluster entry and the server's host) is refused
 * outright, local or not: a name like that means someone meant it to be safe from tools like this one.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { TargetInfo } from './types.ts';

export const LOCAL_CONTEXT_PREFIXES = ['kind-', 'k3d-', 'minikube', 'docker-desktop', 'rancher-desktop', 'orbstack'] as const;
export const DEFAULT_DENY_PATTERNS = ['*prod*'];

export interface SafetyAssessment {
  local: boolean;
  /** Why, in words: "the embedded sandbox", "server 127.0.0.1 is on loopback", "context name starts with kind-". */
  reason: string;
  /** The deny pattern the target matches, if any. */
  denied?: string;
}

/** Case-insensitive glob: `*` any run of characters, `?` one character. */
export function globMatches(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(text);
}

export function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.') || h === '0.0.0.0';
  if (isIP(h) === 6) {
    if (h === '::1' || h === '::') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return mapped[1]!.startsWith('127.');
    const hex = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(h);
    if (hex) return (parseInt(hex[1]!, 16) >> 8) === 127;
  }
  return false;
}

function hostOf(server: string | undefined): string | undefined {
  if (!server) return undefined;
  try {
    return new URL(server).hostname;
  } catch {
    return undefined;
  }
}

/** Whether a host name resolves only to loopback addresses (a name in /etc/hosts, say). */
async function resolvesToLoopback(host: string): Promise<boolean> {
  if (isIP(host.replace(/^\[|\]$/g, ''))) return false;
  try {
    const addrs = await Promise.race([
      lookup(host, { all: true }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
    ]);
    return addrs.length > 0 && addrs.every((a) => isLoopbackAddress(a.address));
  } catch {
    return false;
  }
}

export async function assessTarget(info: TargetInfo, denyPatterns: string[] = DEFAULT_DENY_PATTERNS): Promise<SafetyAssessment> {
  if (info.type === 'sandbox') return { local: true, reason: 'the embedded sandbox' };
  if (info.type === 'k3s') return { local: true, reason: "gitops-sandbox's own k3s container" };
  const host = hostOf(info.server);
  const names = [info.context, info.cluster, host].filter((n): n is string => !!n);
  const denied = denyPatterns.find((p) => names.some((n) => globMatches(p, n)));
  const context = info.context ?? '';
  const prefix = LOCAL_CONTEXT_PREFIXES.find((p) => context.startsWith(p));
  let local = false;
  let reason: string;
  if (host && isLoopbackAddress(host)) {
    local = true;
    reason = `its API server ${host} is on loopback`;
  } else if (host && (await resolvesToLoopback(host))) {
    local = true;
    reason = `its API server ${host} resolves to loopback`;
  } else if (prefix) {
    local = true;
    reason = `the context name starts with ${prefix}`;
  } else reason = `its API server ${info.server ?? '(unknown)'} is not on loopback and the context name is not one of a local cluster tool (${LOCAL_CONTEXT_PREFIXES.join(', ')})`;
  return { local, reason, ...(denied ? { denied } : {}) };
}

export interface SafetyConfirmation {
  /** The context the user confirmed (`--confirm-context`). */
  confirmContext?: string;
  /** The sync prunes. */
  prune?: boolean;
  /** The context the user confirmed pruning for (`--confirm-prune`). */
  confirmPrune?: string;
}

export interface SafetyDecision {
  allowed: boolean;
  /** Why not, in words, with what to do about it. */
  refusal?: string;
  local: boolean;
  /** A server-side dry-run of the whole sync runs before anything is written. */
  serverDryRunFirst: boolean;
  assessment: SafetyAssessment;
}

export function decideSafety(info: TargetInfo, assessment: SafetyAssessment, c: SafetyConfirmation): SafetyDecision {
  const name = info.context ?? info.label;
  const base = { local: assessment.local, assessment, serverDryRunFirst: !assessment.local };
  if (assessment.denied) {
    return { ...base, allowed: false, refusal: `refusing to sync to context ${name}: it matches the deny pattern "${assessment.denied}" (change the deny patterns to allow it)` };
  }
  if (assessment.local) return { ...base, allowed: true };
  if (c.confirmContext === undefined) {
    return {
      ...base,
      allowed: false,
      refusal: `context ${name} (server ${info.server ?? 'unknown'}) is not a local cluster: ${assessment.reason}. Nothing was changed. To sync there, confirm it by name: --confirm-context ${name}`,
    };
  }
  if (c.confirmContext !== name) {
    return { ...base, allowed: false, refusal: `--confirm-context names ${c.confirmContext}, but the target is context ${name}. Nothing was changed.` };
  }
  if (c.prune && c.confirmPrune !== name) {
    return {
      ...base,
      allowed: false,
      refusal: `pruning on context ${name}, which is not a local cluster, needs its own confirmation: --confirm-prune ${name}. Nothing was changed.`,
    };
  }
  return { ...base, allowed: true };
}
