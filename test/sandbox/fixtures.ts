/**
 * Fixtures for the sandbox tests: manifests, and a small reading of Argo CD's health rules (HLT- in
 * argocd-behaviour.md) to check that sandbox status fields give the answers real objects give. The engine's own
 * health module is the authority; this is only what the sandbox tests need to state their expectations.
 */
import type { KubeObject } from '../../src/engine/kube/index.ts';

type Obj = Record<string, any>;

export function deployment(name: string, opts: { ns?: string; replicas?: number; image?: string; annotations?: Record<string, string>; podAnnotations?: Record<string, string>; strategy?: Obj; progressDeadlineSeconds?: number } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: opts.ns ?? 'default', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      ...(opts.progressDeadlineSeconds ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
      template: {
        metadata: { labels: { app: name }, ...(opts.podAnnotations ? { annotations: opts.podAnnotations } : {}) },
        spec: { containers: [{ name: 'app', image: opts.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

export function configMap(name: string, data: Record<string, string>, ns = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

export type Health = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown' | undefined;

const cond = (o: Obj, type: string) => (o.status?.conditions ?? []).find((c: Obj) => c.type === type);

/** Health per the HLT- rules for the kinds the sandbox simulates (status shape only). */
export function health(o: Obj | undefined): Health {
  if (!o) return 'Missing';
  if (o.metadata?.deletionTimestamp) return 'Progressing';
  const st = o.status ?? {};
  const gen = o.metadata?.generation ?? 0;
  switch (o.kind) {
    case 'Deployment': {
      if (o.spec?.paused) return 'Suspended';
      if (gen > (st.observedGeneration ?? 0)) return 'Progressing';
      if (cond(o, 'Progressing')?.reason === 'ProgressDeadlineExceeded') return 'Degraded';
      const want = o.spec?.replicas;
      if (want !== undefined && (st.updatedReplicas ?? 0) < want) return 'Progressing';
      if ((st.replicas ?? 0) > (st.updatedReplicas ?? 0)) return 'Progressing';
      if ((st.availableReplicas ?? 0) < (st.updatedReplicas ?? 0)) return 'Progressing';
      return 'Healthy';
    }
    case 'StatefulSet': {
      if (!st.observedGeneration || gen > st.observedGeneration) return 'Progressing';
      if (o.spec?.replicas !== undefined && (st.readyReplicas ?? 0) < o.spec.replicas) return 'Progressing';
      const us = o.spec?.updateStrategy ?? {};
      if (us.type === 'RollingUpdate' && us.rollingUpdate) {
        const p = us.rollingUpdate.partition;
        if (o.spec?.replicas !== undefined && p !== undefined && (st.updatedReplicas ?? 0) < o.spec.replicas - p) return 'Progressing';
        return 'Healthy';
      }
      if (us.type === 'OnDelete') return 'Healthy';
      return st.updateRevision !== st.currentRevision ? 'Progressing' : 'Healthy';
    }
    case 'DaemonSet': {
      if (gen > (st.observedGeneration ?? 0)) return 'Progressing';
      if (o.spec?.updateStrategy?.type === 'OnDelete') return 'Healthy';
      if ((st.updatedNumberScheduled ?? 0) < (st.desiredNumberScheduled ?? 0)) return 'Progressing';
      if ((st.numberAvailable ?? 0) < (st.desiredNumberScheduled ?? 0)) return 'Progressing';
      return 'Healthy';
    }
    case 'ReplicaSet': {
      if (gen > (st.observedGeneration ?? 0)) return 'Progressing';
      if ((st.conditions ?? []).some((c: Obj) => c.type === 'ReplicaFailure' && c.status === 'True')) return 'Degraded';
      if (o.spec?.replicas !== undefined && (st.availableReplicas ?? 0) < o.spec.replicas) return 'Progressing';
      return 'Healthy';
    }
    case 'Job': {
      let failed = false;
      let complete = false;
      let suspended = false;
      for (const c of st.conditions ?? []) {
        if (c.type === 'Failed') failed = complete = true;
        else if (c.type === 'Complete') complete = true;
        else if (c.type === 'Suspended') {
          complete = true;
          if (c.status === 'True') suspended = true;
        }
      }
      if (!complete) return 'Progressing';
      if (failed) return 'Degraded';
      if (suspended) return 'Suspended';
      return 'Healthy';
    }
    case 'Pod': {
      const longRunning = (o.spec?.restartPolicy ?? 'Always') === 'Always';
      if (longRunning)
        for (const cs of st.containerStatuses ?? []) {
          const r = cs.state?.waiting?.reason ?? '';
          if (r.startsWith('Err') || r.endsWith('Error') || r.endsWith('BackOff')) return 'Degraded';
        }
      switch (st.phase) {
        case 'Pending':
          return 'Progressing';
        case 'Succeeded':
          return 'Healthy';
        case 'Failed':
          return 'Degraded';
        case 'Running':
          if (!longRunning) return 'Progressing';
          if (cond(o, 'Ready')?.status === 'True') return 'Healthy';
          if ((st.containerStatuses ?? []).some((c: Obj) => c.lastState?.terminated)) return 'Degraded';
          return 'Progressing';
      }
      return 'Unknown';
    }
    case 'PersistentVolumeClaim':
      return st.phase === 'Bound' ? 'Healthy' : st.phase === 'Pending' ? 'Progressing' : st.phase === 'Lost' ? 'Degraded' : 'Unknown';
    case 'Service':
      return o.spec?.type === 'LoadBalancer' && !(st.loadBalancer?.ingress ?? []).length ? 'Progressing' : 'Healthy';
    case 'Ingress':
      return (st.loadBalancer?.ingress ?? []).length ? 'Healthy' : 'Progressing';
    case 'HorizontalPodAutoscaler': {
      const cs = st.conditions ?? [];
      const bad = [
        ['AbleToScale', 'FailedGetScale'],
        ['AbleToScale', 'FailedUpdateScale'],
        ['ScalingActive', 'FailedGetResourceMetric'],
        ['ScalingActive', 'InvalidSelector'],
      ];
      if (cs.some((c: Obj) => bad.some(([t, r]) => c.type === t && c.reason === r))) return 'Degraded';
      if (cs.some((c: Obj) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True')) return 'Healthy';
      return 'Progressing';
    }
    default:
      return undefined;
  }
}
