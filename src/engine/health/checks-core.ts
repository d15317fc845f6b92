/** Built-in checks for core kinds: HLT-8 Pod, HLT-9 PersistentVolumeClaim and Service. */
import { argocd, type KubeObject } from '../kube/index.ts';
import { goQuote } from './checks-apps.ts';
import { Reader } from './typed.ts';
import type { HealthStatus } from './types.ts';

export function podHealth(obj: KubeObject): HealthStatus {
  const r = new Reader('Pod');
  const isHook = argocd.isHook(obj);
  // [master] the ignore-restart-policy annotation makes a non-hook Pod long-running whatever its restart policy.
  const ignoreRestartPolicy = argocd.annotation(obj, argocd.ANNOTATION_IGNORE_RESTART_POLICY) === 'true';
  const policy = r.str(obj, 'spec.restartPolicy');
  const longRunning = policy === 'Always' || (ignoreRestartPolicy && !isHook);
  const message = r.str(obj, 'status.message');
  const containers = r.objects(obj, 'status.containerStatuses');
  const initContainers = r.objects(obj, 'status.initContainerStatuses');

  if (longRunning) {
    const messages: string[] = [];
    let degraded = false;
    for (const c of containers) {
      const reason = r.str(c, 'state.waiting.reason');
      if (r.present(c, 'state.waiting') && (reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff'))) {
        degraded = true;
        messages.push(r.str(c, 'state.waiting.message'));
      }
    }
    if (degraded) return { status: 'Degraded', message: messages.join(', ') };
  }

  const failMessage = (c: Record<string, unknown>): string => {
    if (!r.present(c, 'state.terminated')) return '';
    const m = r.str(c, 'state.terminated.message');
    if (m) return m;
    if (r.str(c, 'state.terminated.reason') === 'OOMKilled') return 'OOMKilled';
    const code = r.int(c, 'state.terminated.exitCode');
    if (code !== 0) return `container ${goQuote(r.str(c, 'name'))} failed with exit code ${code}`;
    return '';
  };

  switch (r.str(obj, 'status.phase')) {
    case 'Pending':
      return { status: 'Progressing', message };
    case 'Succeeded':
      return { status: 'Healthy', message };
    case 'Failed': {
      if (message) return { status: 'Degraded', message };
      for (const c of [...initContainers, ...containers]) {
        const m = failMessage(c);
        if (m) return { status: 'Degraded', message: m };
      }
      return { status: 'Degraded', message: '' };
    }
    case 'Running': {
      if (longRunning) {
        const ready = r.objects(obj, 'status.conditions').some((c) => c.type === 'Ready' && c.status === 'True');
        if (ready) return { status: 'Healthy', message };
        if (containers.some((c) => r.present(c, 'lastState.terminated'))) return { status: 'Degraded', message };
        return { status: 'Progressing', message };
      }
      // OnFailure and Never Pods are expected to finish: Progressing for as long as they run.
      if (policy === 'OnFailure' || policy === 'Never') return { status: 'Progressing', message };
      break;
    }
  }
  return { status: 'Unknown', message };
}

export function pvcHealth(obj: KubeObject): HealthStatus {
  const r = new Reader('PersistentVolumeClaim');
  switch (r.str(obj, 'status.phase')) {
    case 'Lost':
      return { status: 'Degraded', message: '' };
    case 'Pending':
      return { status: 'Progressing', message: '' };
    case 'Bound':
      return { status: 'Healthy', message: '' };
    default:
      return { status: 'Unknown', message: '' };
  }
}

export function serviceHealth(obj: KubeObject): HealthStatus {
  const r = new Reader('Service');
  if (r.str(obj, 'spec.type') === 'LoadBalancer') {
    const ingress = r.objects(obj, 'status.loadBalancer.ingress');
    return { status: ingress.length > 0 ? 'Healthy' : 'Progressing', message: '' };
  }
  return { status: 'Healthy', message: '' };
}
