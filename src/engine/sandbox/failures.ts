/**
 * Failure injection: what lets a user preview Degraded workloads, failing hooks and SyncFail paths. A failure is
 * chosen for a pod by an annotation on the pod or its template (`sandbox.gitops-sandbox.dev/fail`), or by a rule
 * set on the sandbox that matches namespace, workload name, image or labels. Timing annotations change how long a
 * pod takes to become ready or how long a Job's pod runs.
 */
import { isObject, type JsonObject } from './json.ts';
import { parseDuration } from './clock.ts';

export const ANNOTATION_PREFIX = 'sandbox.gitops-sandbox.dev/';
/** `ImagePullBackOff`, `CrashLoopBackOff`, `NeverReady` or `JobFailure` (case-insensitive). */
export const FAIL_ANNOTATION = `${ANNOTATION_PREFIX}fail`;
/** A duration (`5s`, `2m`): how long after scheduling the pod turns Ready. */
export const READY_AFTER_ANNOTATION = `${ANNOTATION_PREFIX}ready-after`;
/** A duration: how long a run-to-completion pod runs before it succeeds (or fails under JobFailure). */
export const RUN_FOR_ANNOTATION = `${ANNOTATION_PREFIX}run-for`;
/** A percentage (`150`): the CPU utilisation an HPA sees for its target, driving it to scale. */
export const HPA_UTILIZATION_ANNOTATION = `${ANNOTATION_PREFIX}cpu-utilization`;

export type FailureMode = 'ImagePullBackOff' | 'CrashLoopBackOff' | 'NeverReady' | 'JobFailure';
export const FAILURE_MODES: FailureMode[] = ['ImagePullBackOff', 'CrashLoopBackOff', 'NeverReady', 'JobFailure'];

export interface FailureRule {
  /** Which pods: every given criterion must match. Globs use `*`. */
  match: {
    namespace?: string;
    /** Name of the pod's top-level owner (Deployment, StatefulSet, Job, …) or of the pod itself. */
    workload?: string;
    /** Kind of that owner (`Deployment`, `Job`, `Pod`, …). */
    kind?: string;
    image?: string;
    labels?: Record<string, string>;
  };
  failure: FailureMode;
}

export interface PodTiming {
  failure?: FailureMode;
  readyAfterMs?: number;
  runForMs?: number;
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

export function parseFailure(v: unknown): FailureMode | undefined {
  if (typeof v !== 'string') return undefined;
  const n = v.trim().toLowerCase().replace(/[-_\s]/g, '');
  return FAILURE_MODES.find((m) => m.toLowerCase() === n);
}

export class FailureRules {
  rules: FailureRule[] = [];

  /** What happens to a pod, given the pod and its top-level owner. Annotations win over rules. */
  timingFor(pod: JsonObject, owner: { kind: string; name: string }): PodTiming {
    const md = isObject(pod.metadata) ? pod.metadata : {};
    const ann = (isObject(md.annotations) ? md.annotations : {}) as Record<string, string>;
    const labels = (isObject(md.labels) ? md.labels : {}) as Record<string, string>;
    const out: PodTiming = {};
    const fromAnn = parseFailure(ann[FAIL_ANNOTATION]);
    if (fromAnn) out.failure = fromAnn;
    else {
      const images = (isObject(pod.spec) && Array.isArray(pod.spec.containers) ? pod.spec.containers : [])
        .filter(isObject)
        .map((c) => String(c.image ?? ''));
      for (const r of this.rules) {
        const m = r.match;
        if (m.namespace && !glob(m.namespace, String(md.namespace ?? ''))) continue;
        if (m.workload && !glob(m.workload, owner.name)) continue;
        if (m.kind && m.kind !== owner.kind) continue;
        if (m.image && !images.some((i) => glob(m.image!, i))) continue;
        if (m.labels && !Object.entries(m.labels).every(([k, v]) => labels[k] === v)) continue;
        out.failure = r.failure;
        break;
      }
    }
    const ready = parseDuration(ann[READY_AFTER_ANNOTATION]);
    if (ready !== undefined) out.readyAfterMs = ready;
    const run = parseDuration(ann[RUN_FOR_ANNOTATION]);
    if (run !== undefined) out.runForMs = run;
    return out;
  }
}
