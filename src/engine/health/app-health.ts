/** HLT-14: an application's health from its managed resources' health. */
import { argocd, gvkOf, type KubeObject, type ObjectKey } from '../kube/index.ts';
import type { HealthChecker } from './resource-health.ts';
import { isWorse, type HealthStatus, type HealthStatusCode } from './types.ts';

export interface ManagedResource {
  key: ObjectKey;
  /** The desired object (undefined for a prune candidate). */
  target?: KubeObject;
  /** The live object (undefined when it does not exist). */
  live?: KubeObject;
}

export interface ResourceHealthResult {
  key: ObjectKey;
  /** undefined when the resource is left out (Skip, hook, ignore-healthcheck, self) or has no health check. */
  health?: HealthStatus;
}

export interface AppHealth {
  status: HealthStatusCode;
  /** "Caused by g/Kind:ns/name, … [and N more]" ([master]); '' when no resource is to blame. */
  message: string;
  causes: ObjectKey[];
  resources: ResourceHealthResult[];
}

export interface AppHealthOptions {
  /** The Application itself, so that a self-managing app does not judge its own health. */
  app?: { name: string; namespace: string };
}

const MAX_CAUSES = 3;

export function formatHealthCauses(causes: ObjectKey[]): string {
  if (causes.length === 0) return '';
  const parts = causes.slice(0, MAX_CAUSES).map((c) => {
    const gk = c.group ? `${c.group}/${c.kind}` : c.kind;
    const name = c.namespace ? `${c.namespace}/${c.name}` : c.name;
    return `${gk}:${name}`;
  });
  let summary = parts.join(', ');
  if (causes.length > MAX_CAUSES) summary += ` and ${causes.length - MAX_CAUSES} more`;
  return `Caused by ${summary}`;
}

function isSelfApp(live: KubeObject, app: AppHealthOptions['app']): boolean {
  if (!app) return false;
  const gvk = gvkOf(live);
  return gvk.group === 'argoproj.io' && gvk.kind === 'Application' && live.metadata?.name === app.name && (live.metadata?.namespace ?? '') === app.namespace;
}

export function aggregateAppHealth(resources: ManagedResource[], checker: HealthChecker, opts: AppHealthOptions = {}): AppHealth {
  let status: HealthStatusCode = 'Healthy';
  let causes: ObjectKey[] = [];
  let containsResources = false;
  let containsLive = false;
  const results: ResourceHealthResult[] = [];
  for (const res of resources) {
    const result: ResourceHealthResult = { key: res.key };
    results.push(result);
    if (res.target && argocd.isSkipped(res.target)) continue;
    if (res.live && (argocd.isHook(res.live) || argocd.isIgnoredHook(res.live))) continue;
    containsResources = true;
    if (res.live) containsLive = true;
    if (res.live && argocd.annotation(res.live, argocd.ANNOTATION_IGNORE_HEALTHCHECK) === 'true') continue;
    let health: HealthStatus | undefined;
    if (!res.live) health = { status: 'Missing', message: '' };
    else {
      if (isSelfApp(res.live, opts.app)) continue;
      health = checker.health(res.live);
    }
    if (!health) continue;
    result.health = health;
    // Since v3.4 a missing resource does not lower app health: OutOfSync already says it is missing.
    if (!res.live && health.status === 'Missing') continue;
    if (res.key.group === 'argoproj.io' && res.key.kind === 'Application' && (health.status === 'Missing' || health.status === 'Unknown')) continue;
    if (isWorse(status, health.status)) {
      status = health.status as HealthStatusCode;
      causes = [res.key];
    } else if (status === health.status && status !== 'Healthy') {
      causes.push(res.key);
    }
  }
  if (containsResources && !containsLive && isWorse(status, 'Missing')) {
    status = 'Missing';
    causes = [];
  }
  return { status, message: formatHealthCauses(causes), causes, resources: results };
}
