/**
 * HLT-2 step 3: gitops-engine's built-in checks, chosen by group and kind. Typed checks accept only the versions
 * they were written for; any other version of the same kind is an error ("unsupported <Kind> GVK"), i.e. Unknown.
 */
import { gvkOf, type GVK, type KubeObject } from '../kube/index.ts';
import { daemonSetHealth, deploymentHealth, replicaSetHealth, statefulSetHealth } from './checks-apps.ts';
import { podHealth, pvcHealth, serviceHealth } from './checks-core.ts';
import { apiServiceHealth, hpaHealthV1, hpaHealthV2, ingressHealth, jobHealth, workflowHealth } from './checks-other.ts';
import { HealthCheckError, type HealthStatus } from './types.ts';

type Check = (obj: KubeObject) => HealthStatus;

/** Go's `schema.GroupVersionKind.String()`. */
export function goGvkString(gvk: GVK): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

function typed(label: string, versions: Record<string, Check>): (obj: KubeObject, gvk: GVK) => HealthStatus {
  return (obj, gvk) => {
    const check = versions[gvk.version];
    if (!check) throw new HealthCheckError(`unsupported ${label} GVK: ${goGvkString(gvk)}`);
    return check(obj);
  };
}

const CHECKS: Record<string, (obj: KubeObject, gvk: GVK) => HealthStatus> = {
  'apps/Deployment': typed('Deployment', { v1: deploymentHealth }),
  'apps/StatefulSet': typed('StatefulSet', { v1: statefulSetHealth }),
  'apps/ReplicaSet': typed('ReplicaSet', { v1: replicaSetHealth }),
  'apps/DaemonSet': typed('DaemonSet', { v1: daemonSetHealth }),
  'extensions/Ingress': (obj) => ingressHealth(obj),
  'networking.k8s.io/Ingress': (obj) => ingressHealth(obj),
  'argoproj.io/Workflow': (obj) => workflowHealth(obj),
  'apiregistration.k8s.io/APIService': typed('APIService', { v1: apiServiceHealth, v1beta1: apiServiceHealth }),
  '/Service': typed('Service', { v1: serviceHealth }),
  '/PersistentVolumeClaim': typed('PersistentVolumeClaim', { v1: pvcHealth }),
  '/Pod': typed('Pod', { v1: podHealth }),
  'batch/Job': typed('Job', { v1: jobHealth }),
  // HLT-10: v2beta1/v2beta2 are unsupported since v3.5.0.
  'autoscaling/HorizontalPodAutoscaler': typed('HPA', { v1: hpaHealthV1, v2: hpaHealthV2 }),
};

/** Whether gitops-engine has a built-in check for this object's group and kind. */
export function hasGoHealthCheck(obj: KubeObject, gvk: GVK = gvkOf(obj)): boolean {
  return `${gvk.group}/${gvk.kind}` in CHECKS;
}

/**
 * The built-in check's verdict, undefined when there is none (the object then has no health), or Unknown with the
 * error text when the check fails.
 */
export function goHealth(obj: KubeObject, gvk: GVK = gvkOf(obj)): HealthStatus | undefined {
  const check = CHECKS[`${gvk.group}/${gvk.kind}`];
  if (!check) return undefined;
  try {
    return check(obj, gvk);
  } catch (err) {
    if (err instanceof HealthCheckError) return { status: 'Unknown', message: err.message };
    throw err;
  }
}
