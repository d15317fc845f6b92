/** Built-in checks: HLT-7 Job, HLT-9 Ingress and APIService, HLT-10 HPA, HLT-11 Argo Workflow. */
import type { KubeObject } from '../kube/index.ts';
import { Reader } from './typed.ts';
import { HealthCheckError, type HealthStatus } from './types.ts';

export function jobHealth(obj: KubeObject): HealthStatus {
  const r = new Reader('Job');
  let failed = false;
  let complete = false;
  let suspended = false;
  let failMessage = '';
  let message = '';
  // HLT-7: condition types are read; their status matters only for Suspended.
  for (const c of r.objects(obj, 'status.conditions')) {
    const type = r.str(c, 'type');
    if (type === 'Failed') {
      failed = true;
      complete = true;
      failMessage = r.str(c, 'message');
    } else if (type === 'Complete') {
      complete = true;
      message = r.str(c, 'message');
    } else if (type === 'Suspended') {
      complete = true;
      message = r.str(c, 'message');
      if (r.str(c, 'status') === 'True') suspended = true;
    }
  }
  if (!complete) return { status: 'Progressing', message };
  if (failed) return { status: 'Degraded', message: failMessage };
  if (suspended) return { status: 'Suspended', message };
  return { status: 'Healthy', message };
}

/** Ingress in either group and any version: not typed, so no conversion errors. */
export function ingressHealth(obj: KubeObject): HealthStatus {
  const lb = (obj.status as { loadBalancer?: { ingress?: unknown } } | undefined)?.loadBalancer?.ingress;
  return { status: Array.isArray(lb) && lb.length > 0 ? 'Healthy' : 'Progressing', message: '' };
}

export function apiServiceHealth(obj: KubeObject): HealthStatus {
  const r = new Reader('APIService');
  for (const c of r.objects(obj, 'status.conditions')) {
    if (r.str(c, 'type') === 'Available') {
      const message = `${r.str(c, 'reason')}: ${r.str(c, 'message')}`;
      return { status: r.str(c, 'status') === 'True' ? 'Healthy' : 'Progressing', message };
    }
  }
  return { status: 'Progressing', message: 'Waiting to be processed' };
}

interface HpaCondition {
  type: string;
  reason: string;
  message: string;
  status: string;
}

const HPA_DEGRADED: [string, string][] = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'FailedGetObjectMetric'],
  ['ScalingActive', 'FailedGetPodsMetric'],
  ['ScalingActive', 'FailedGetExternalMetric'],
  ['ScalingActive', 'FailedComputeMetricsReplicas'],
  ['ScalingActive', 'InvalidSelector'],
];
const WAITING: HealthStatus = { status: 'Progressing', message: 'Waiting to Autoscale' };

function hpaConditions(conditions: HpaCondition[]): HealthStatus {
  // AC checks every condition for a degraded match before looking for a healthy one.
  for (const c of conditions) {
    if (HPA_DEGRADED.some(([t, reason]) => c.type === t && c.reason === reason)) return { status: 'Degraded', message: c.message };
  }
  for (const c of conditions) {
    if ((c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True') return { status: 'Healthy', message: c.message };
  }
  return { ...WAITING };
}

export function hpaHealthV2(obj: KubeObject): HealthStatus {
  const r = new Reader('HPA');
  const conds = r.objects(obj, 'status.conditions').map((c) => ({
    type: r.str(c, 'type'),
    reason: r.str(c, 'reason'),
    message: r.str(c, 'message'),
    status: r.str(c, 'status'),
  }));
  return hpaConditions(conds);
}

export function hpaHealthV1(obj: KubeObject): HealthStatus {
  const a = obj.metadata?.annotations;
  if (!a || !Object.prototype.hasOwnProperty.call(a, 'autoscaling.alpha.kubernetes.io/conditions')) return { ...WAITING };
  const text = String(a['autoscaling.alpha.kubernetes.io/conditions']);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new HealthCheckError(`failed to convert conditions annotation to typed: ${(err as Error).message}`);
  }
  if (parsed === null) return { ...WAITING };
  if (!Array.isArray(parsed)) throw new HealthCheckError('failed to convert conditions annotation to typed: expected a JSON array');
  if (parsed.length === 0) return { ...WAITING };
  // encoding/json matches field names case-insensitively, so `Type` and `type` both fill the field.
  const field = (o: unknown, name: string): string => {
    if (!o || typeof o !== 'object') return '';
    let out = '';
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (k.toLowerCase() === name && typeof v === 'string') out = v;
    }
    return out;
  };
  return hpaConditions(parsed.map((c) => ({ type: field(c, 'type'), reason: field(c, 'reason'), message: field(c, 'message'), status: field(c, 'status') })));
}

export function workflowHealth(obj: KubeObject): HealthStatus {
  const status = obj.status as { phase?: unknown; message?: unknown } | undefined;
  const phase = typeof status?.phase === 'string' ? status.phase : '';
  const message = typeof status?.message === 'string' ? status.message : '';
  switch (phase) {
    case '':
    case 'Pending':
    case 'Running':
      return { status: 'Progressing', message };
    case 'Succeeded':
      return { status: 'Healthy', message };
    case 'Failed':
    case 'Error':
      return { status: 'Degraded', message };
    default:
      return { status: 'Unknown', message };
  }
}
