/**
 * HorizontalPodAutoscalers: every sync period the target is scaled into [minReplicas, maxReplicas], following a
 * simulated CPU utilisation (annotation `sandbox.gitops-sandbox.dev/cpu-utilization` on the HPA or its target; at
 * target otherwise). The scale goes through the target's scale subresource, so the target's spec.replicas drifts
 * from git exactly as on a real cluster.
 */
import { parseApiVersion } from '../../kube/index.ts';
import { HPA_UTILIZATION_ANNOTATION } from '../failures.ts';
import { isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import { setCondition, type Controller, type ControllerContext, type Key } from './runtime.ts';

function targetUtilization(spec: JsonObject): number {
  const metrics = Array.isArray(spec.metrics) ? spec.metrics.filter(isObject) : [];
  for (const m of metrics) {
    const r = isObject(m.resource) ? m.resource : undefined;
    const t = r && isObject(r.target) ? r.target : undefined;
    if (r?.name === 'cpu' && t && typeof t.averageUtilization === 'number') return t.averageUtilization;
  }
  if (typeof spec.targetCPUUtilizationPercentage === 'number') return spec.targetCPUUtilizationPercentage;
  return 80;
}

export class HPAController implements Controller {
  name = 'horizontal-pod-autoscaler';
  kinds = ['autoscaling/HorizontalPodAutoscaler'];
  /** Last sync per HPA (uid → virtual ms and the generation it saw): HPAs act once per sync period. */
  private readonly synced = new Map<string, { at: number; generation: number }>();

  saveState(): Json {
    return Object.fromEntries([...this.synced].map(([k, v]) => [k, { ...v }]));
  }

  loadState(s: Json): void {
    this.synced.clear();
    if (isObject(s)) for (const [k, v] of Object.entries(s)) if (isObject(v) && typeof v.at === 'number') this.synced.set(k, { at: v.at, generation: Number(v.generation ?? 0) });
  }

  reconcile(ctx: ControllerContext, key: Key): void {
    const hpa = ctx.get('autoscaling/HorizontalPodAutoscaler', key.namespace, key.name);
    if (!hpa || metaOf(hpa).deletionTimestamp) return;
    const uid = String(metaOf(hpa).uid);
    const generation = Number(metaOf(hpa).generation ?? 0);
    const last = this.synced.get(uid);
    if (last && last.generation === generation && ctx.now() < last.at + ctx.config.hpaSyncMs) {
      ctx.requeue(this, key, last.at + ctx.config.hpaSyncMs - ctx.now());
      return;
    }
    this.synced.set(uid, { at: ctx.now(), generation });
    const spec = isObject(hpa.spec) ? hpa.spec : {};
    const ref = isObject(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
    const group = parseApiVersion(String(ref.apiVersion ?? '')).group;
    const t = ctx.type(`${group}/${String(ref.kind)}`);
    const now = ctx.nowString();
    let conds = isObject(hpa.status) && Array.isArray(hpa.status.conditions) ? (hpa.status.conditions.filter(isObject) as JsonObject[]) : [];
    const prev = isObject(hpa.status) ? hpa.status : {};
    const target = t ? ctx.api.peek(t, key.namespace, String(ref.name)) : undefined;
    ctx.requeue(this, key, ctx.config.hpaSyncMs);
    if (!t || !t.scale || !target) {
      conds = setCondition(conds, { type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${t ? `${t.plural}${t.group ? `.${t.group}` : ''}` : String(ref.kind).toLowerCase()} "${String(ref.name)}" not found` }, now);
      ctx.setStatus('autoscaling/HorizontalPodAutoscaler', hpa, { currentReplicas: (prev.currentReplicas ?? 0) as Json, desiredReplicas: 0, conditions: conds as Json[] });
      return;
    }
    const current = Number((isObject(target.spec) ? target.spec.replicas : undefined) ?? 1);
    const min = Number(spec.minReplicas ?? 1);
    const max = Number(spec.maxReplicas ?? min);
    const targetUtil = targetUtilization(spec);
    const annotated = [metaOf(hpa).annotations, metaOf(target).annotations].map((a) => (isObject(a) ? a[HPA_UTILIZATION_ANNOTATION] : undefined)).find((v) => v !== undefined);
    const util = annotated !== undefined && Number.isFinite(Number(annotated)) ? Number(annotated) : targetUtil;
    let desired = current === 0 ? 0 : util === targetUtil ? current : Math.ceil((current * util) / targetUtil);
    let limited: { status: string; reason: string; message: string } = { status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
    if (current !== 0 && desired < min) {
      desired = min;
      limited = { status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    } else if (desired > max) {
      desired = max;
      limited = { status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    }
    const st: JsonObject = {};
    if (current === 0) {
      conds = setCondition(conds, { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale' }, now);
      conds = setCondition(conds, { type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' }, now);
    } else {
      let scaled = false;
      if (desired !== current) {
        try {
          ctx.api.update({ t, version: t.storageVersion, namespace: key.namespace, name: String(ref.name), subresource: 'scale' }, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: String(ref.name), namespace: key.namespace }, spec: { replicas: desired } }, { fieldManager: 'kube-controller-manager' });
          scaled = true;
        } catch (e) {
          conds = setCondition(conds, { type: 'AbleToScale', status: 'False', reason: 'FailedUpdateScale', message: `the HPA controller was unable to update the target scale: ${(e as Error).message}` }, now);
        }
      }
      if (scaled) {
        conds = setCondition(conds, { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desired}` }, now);
        st.lastScaleTime = now;
      } else if (desired === current) {
        conds = setCondition(conds, { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }, now);
      }
      conds = setCondition(conds, { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' }, now);
      conds = setCondition(conds, { type: 'ScalingLimited', ...limited }, now);
    }
    if (!st.lastScaleTime && prev.lastScaleTime) st.lastScaleTime = prev.lastScaleTime;
    const status: JsonObject = {
      ...(metaOf(hpa).generation !== undefined ? { observedGeneration: metaOf(hpa).generation as number } : {}),
      ...(st.lastScaleTime ? { lastScaleTime: st.lastScaleTime } : {}),
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: current === 0 ? null : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: Math.round(util), averageValue: `${Math.max(1, Math.round(util))}m` } } }],
      conditions: conds as Json[],
    };
    if (status.currentMetrics === null) delete status.currentMetrics;
    ctx.setStatus('autoscaling/HorizontalPodAutoscaler', hpa, status);
  }
}
