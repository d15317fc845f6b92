/** The ReplicaSet controller: keeps `spec.replicas` active pods matching the selector, and reports their readiness. */
import { clone, isObject, type JsonObject } from '../json.ts';
import { matchRequirements, requirementsOf } from '../selectors.ts';
import { metaOf } from '../store.ts';
import { availableAt, deletionOrder, isActive, isAvailable, isReady, podFromTemplate } from './pods.ts';
import { controllerRef, omitZero, type Controller, type ControllerContext, type Key } from './runtime.ts';

export class ReplicaSetController implements Controller {
  name = 'replicaset';
  kinds = ['apps/ReplicaSet'];
  owns = ['/Pod'];

  reconcile(ctx: ControllerContext, key: Key): void {
    const rs = ctx.get('apps/ReplicaSet', key.namespace, key.name);
    if (!rs || metaOf(rs).deletionTimestamp) return;
    const spec = isObject(rs.spec) ? rs.spec : {};
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const reqs = requirementsOf(spec.selector) ?? [];
    const uid = String(metaOf(rs).uid);
    // Adopt matching orphans, as the real controller does after `kubectl delete --cascade=orphan`.
    for (const p of ctx.orphans('/Pod', String(key.namespace))) {
      if (controllerRef(p) || !isActive(p) || !reqs.length) continue;
      if (!matchRequirements(reqs, metaOf(p).labels as Record<string, string>)) continue;
      const refs = Array.isArray(metaOf(p).ownerReferences) ? (metaOf(p).ownerReferences as JsonObject[]) : [];
      ctx.update('/Pod', { ...p, metadata: { ...metaOf(p), ownerReferences: [...refs, ctx.ownerRef('apps/ReplicaSet', rs)] } });
    }
    let pods = ctx.owned(rs, '/Pod');
    const active = pods.filter(isActive);
    const diff = active.length - replicas;
    if (diff < 0 && isObject(spec.template)) {
      for (let i = 0; i < -diff; i++) ctx.create('/Pod', podFromTemplate(ctx, 'apps/ReplicaSet', rs, spec.template));
    } else if (diff > 0) {
      for (const p of deletionOrder(active).slice(0, diff)) ctx.delete('/Pod', key.namespace, String(metaOf(p).name));
    }
    pods = ctx.owned(rs, '/Pod').filter((p) => metaOf(p).uid !== undefined && controllerRef(p)?.uid === uid);
    const now = ctx.now();
    const live = pods.filter(isActive);
    const minReady = Number(spec.minReadySeconds ?? 0);
    const tlabels = (isObject(spec.template) && isObject(spec.template.metadata) && isObject(spec.template.metadata.labels) ? spec.template.metadata.labels : {}) as Record<string, string>;
    const status = omitZero({
      replicas: live.length,
      fullyLabeledReplicas: live.filter((p) => Object.entries(tlabels).every(([k, v]) => (metaOf(p).labels as Record<string, string> | undefined)?.[k] === v)).length,
      readyReplicas: live.filter(isReady).length,
      availableReplicas: live.filter((p) => isAvailable(p, minReady, now)).length,
    });
    status.replicas = live.length;
    status.observedGeneration = metaOf(rs).generation ?? 1;
    const prev = isObject(rs.status) ? rs.status : {};
    if (Array.isArray(prev.conditions) && prev.conditions.length) status.conditions = clone(prev.conditions);
    ctx.setStatus('apps/ReplicaSet', rs, status);
    const next = live.map((p) => availableAt(p, minReady, now)).filter((x): x is number => x !== undefined);
    if (next.length) ctx.requeue(this, key, Math.min(...next) - now);
  }
}
