/** Built-in checks for apps/v1 workloads: HLT-3 Deployment, HLT-4 StatefulSet, HLT-5 DaemonSet, HLT-6 ReplicaSet. */
import type { KubeObject } from '../kube/index.ts';
import { Reader } from './typed.ts';
import type { HealthStatus } from './types.ts';

function conditionOfType(conditions: Record<string, unknown>[], type: string): Record<string, unknown> | undefined {
  return conditions.find((c) => c.type === type);
}

export function deploymentHealth(obj: KubeObject): HealthStatus {
  const r = new Reader('Deployment');
  if (r.bool(obj, 'spec.paused')) return { status: 'Suspended', message: 'Deployment is paused' };
  const generation = r.int(obj, 'metadata.generation');
  const observed = r.int(obj, 'status.observedGeneration');
  if (generation > observed) {
    return { status: 'Progressing', message: 'Waiting for rollout to finish: observed deployment generation less than desired generation' };
  }
  const cond = conditionOfType(r.objects(obj, 'status.conditions'), 'Progressing');
  const replicas = r.intPtr(obj, 'spec.replicas');
  const updated = r.int(obj, 'status.updatedReplicas');
  const current = r.int(obj, 'status.replicas');
  const available = r.int(obj, 'status.availableReplicas');
  const name = r.str(obj, 'metadata.name');
  if (cond && cond.reason === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `Deployment ${goQuote(name)} exceeded its progress deadline` };
  }
  if (replicas !== undefined && updated < replicas) {
    return { status: 'Progressing', message: `Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...` };
  }
  if (current > updated) {
    return { status: 'Progressing', message: `Waiting for rollout to finish: ${current - updated} old replicas are pending termination...` };
  }
  if (available < updated) {
    return { status: 'Progressing', message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...` };
  }
  return { status: 'Healthy', message: '' };
}

export function statefulSetHealth(obj: KubeObject): HealthStatus {
  const r = new Reader('StatefulSet');
  const generation = r.int(obj, 'metadata.generation');
  const observed = r.int(obj, 'status.observedGeneration');
  if (observed === 0 || generation > observed) {
    return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
  }
  const replicas = r.intPtr(obj, 'spec.replicas');
  const ready = r.int(obj, 'status.readyReplicas');
  if (replicas !== undefined && ready < replicas) {
    return { status: 'Progressing', message: `Waiting for ${replicas - ready} pods to be ready...` };
  }
  const strategy = r.str(obj, 'spec.updateStrategy.type');
  const updated = r.int(obj, 'status.updatedReplicas');
  if (strategy === 'RollingUpdate' && r.present(obj, 'spec.updateStrategy.rollingUpdate')) {
    const partition = r.intPtr(obj, 'spec.updateStrategy.rollingUpdate.partition');
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return {
        status: 'Progressing',
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`,
      };
    }
    // HLT-4: revisions are not compared in this branch.
    return { status: 'Healthy', message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  if (strategy === 'OnDelete') return { status: 'Healthy', message: `statefulset has ${ready} ready pods` };
  const updateRevision = r.str(obj, 'status.updateRevision');
  const currentRevision = r.str(obj, 'status.currentRevision');
  if (updateRevision !== currentRevision) {
    return {
      status: 'Progressing',
      message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`,
    };
  }
  const currentReplicas = r.int(obj, 'status.currentReplicas');
  return { status: 'Healthy', message: `statefulset rolling update complete ${currentReplicas} pods at revision ${currentRevision}...` };
}

export function daemonSetHealth(obj: KubeObject): HealthStatus {
  const r = new Reader('DaemonSet');
  if (r.int(obj, 'metadata.generation') > r.int(obj, 'status.observedGeneration')) {
    return { status: 'Progressing', message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation' };
  }
  const updated = r.int(obj, 'status.updatedNumberScheduled');
  const desired = r.int(obj, 'status.desiredNumberScheduled');
  const available = r.int(obj, 'status.numberAvailable');
  const name = r.str(obj, 'metadata.name');
  if (r.str(obj, 'spec.updateStrategy.type') === 'OnDelete') {
    return { status: 'Healthy', message: `daemon set ${updated} out of ${desired} new pods have been updated` };
  }
  if (updated < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set ${goQuote(name)} rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    };
  }
  if (available < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set ${goQuote(name)} rollout to finish: ${available} of ${desired} updated pods are available...`,
    };
  }
  return { status: 'Healthy', message: '' };
}

export function replicaSetHealth(obj: KubeObject): HealthStatus {
  const r = new Reader('ReplicaSet');
  if (r.int(obj, 'metadata.generation') > r.int(obj, 'status.observedGeneration')) {
    return { status: 'Progressing', message: 'Waiting for rollout to finish: observed replica set generation less than desired generation' };
  }
  const cond = conditionOfType(r.objects(obj, 'status.conditions'), 'ReplicaFailure');
  if (cond && cond.status === 'True') return { status: 'Degraded', message: typeof cond.message === 'string' ? cond.message : '' };
  const replicas = r.intPtr(obj, 'spec.replicas');
  const available = r.int(obj, 'status.availableReplicas');
  if (replicas !== undefined && available < replicas) {
    return { status: 'Progressing', message: `Waiting for rollout to finish: ${available} out of ${replicas} new replicas are available...` };
  }
  return { status: 'Healthy', message: '' };
}

/** Go's `%q` for the names Kubernetes allows (no characters that need escaping beyond quotes and backslashes). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
