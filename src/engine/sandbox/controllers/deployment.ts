/**
 * The Deployment controller: one ReplicaSet per pod template (named by its pod-template-hash), rolled from old to
 * new within maxSurge and maxUnavailable (or all at once under Recreate), old ReplicaSets pruned beyond
 * revisionHistoryLimit, and status and conditions (Available, Progressing with its deadline) as the real one
 * writes them.
 */
import { canonical, clone, deepEqual, isObject, type Json, type JsonObject } from '../json.ts';
import { fnv32a, safeEncode } from '../names.ts';
import { matchRequirements, requirementsOf } from '../selectors.ts';
import { metaOf, type StoreEvent } from '../store.ts';
import { intOrPercent } from './pods.ts';
import { conditionsOf, controllerRef, omitZero, setCondition, type Controller, type ControllerContext, type Key } from './runtime.ts';

const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, 'deployment.kubernetes.io/revision-history', DESIRED, MAX, 'deprecated.deployment.rollback.to']);

function num(v: unknown, d = 0): number {
  return typeof v === 'number' ? v : d;
}

export function templateHash(template: unknown, collisionCount: number): string {
  return safeEncode(fnv32a(canonical(template) + (collisionCount ? String(collisionCount) : '')));
}

/**
 * Whether a ReplicaSet's template is the Deployment's, ignoring the pod-template-hash label the ReplicaSet adds.
 * Compared in place: this runs for every ReplicaSet on every reconcile, and copying templates to strip the label
 * was most of its cost.
 */
function sameTemplate(rsTemplate: unknown, template: unknown): boolean {
  if (!isObject(rsTemplate) || !isObject(template)) return deepEqual(rsTemplate, template);
  const a = labelsWithoutHash(rsTemplate);
  const b = labelsWithoutHash(template);
  if (!deepEqual(a.labels, b.labels)) return false;
  if (!deepEqual(a.meta, b.meta)) return false;
  for (const k in rsTemplate) if (k !== 'metadata' && rsTemplate[k] !== undefined && !(k in template && deepEqual(rsTemplate[k], template[k]))) return false;
  for (const k in template) if (k !== 'metadata' && template[k] !== undefined && (!(k in rsTemplate) || rsTemplate[k] === undefined)) return false;
  return true;
}

/** A template's labels without pod-template-hash, and its other metadata (shallow copies). */
function labelsWithoutHash(template: JsonObject): { labels: unknown; meta: unknown } {
  const md = template.metadata;
  if (!isObject(md)) return { labels: undefined, meta: md };
  const { labels, ...rest } = md;
  if (!isObject(labels) || !('pod-template-hash' in labels)) return { labels, meta: rest };
  const { ['pod-template-hash']: _hash, ...others } = labels;
  return { labels: others, meta: rest };
}

function rsSpecReplicas(rs: JsonObject): number {
  return num(isObject(rs.spec) ? rs.spec.replicas : undefined, 1);
}
function rsStatus(rs: JsonObject, f: string): number {
  return num(isObject(rs.status) ? rs.status[f] : undefined);
}
function revisionOf(rs: JsonObject): number {
  const a = metaOf(rs).annotations;
  return isObject(a) ? Number(a[REVISION] ?? 0) || 0 : 0;
}

export class DeploymentController implements Controller {
  name = 'deployment';
  kinds = ['apps/Deployment'];
  owns = ['apps/ReplicaSet'];
  // Recreate waits for old pods to disappear: a pod's deletion concerns the Deployment of its ReplicaSet.
  routeEvent(e: StoreEvent, enqueue: (k: Key) => void, ctx: ControllerContext): void {
    if (e.type !== 'DELETED' || e.t.kind !== 'Pod' || e.t.group !== '') return;
    const ref = controllerRef(e.obj);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const ns = metaOf(e.obj).namespace as string;
    const rs = ctx.get('apps/ReplicaSet', ns, String(ref.name));
    const dref = rs ? controllerRef(rs) : undefined;
    if (dref && dref.kind === 'Deployment') enqueue({ kind: 'apps/Deployment', namespace: ns, name: String(dref.name) });
  }

  reconcile(ctx: ControllerContext, key: Key): void {
    let d = ctx.get('apps/Deployment', key.namespace, key.name);
    if (!d || metaOf(d).deletionTimestamp) return;
    const spec = isObject(d.spec) ? d.spec : {};
    const replicas = num(spec.replicas, 1);
    const paused = spec.paused === true;
    const reqs = requirementsOf(spec.selector) ?? [];
    // Adopt matching orphan ReplicaSets.
    for (const rs of ctx.orphans('apps/ReplicaSet', String(key.namespace))) {
      if (controllerRef(rs) || metaOf(rs).deletionTimestamp || !reqs.length) continue;
      if (!matchRequirements(reqs, metaOf(rs).labels as Record<string, string>)) continue;
      const refs = Array.isArray(metaOf(rs).ownerReferences) ? (metaOf(rs).ownerReferences as JsonObject[]) : [];
      ctx.update('apps/ReplicaSet', { ...rs, metadata: { ...metaOf(rs), ownerReferences: [...refs, ctx.ownerRef('apps/Deployment', d)] } });
    }
    let all = ctx.owned(d, 'apps/ReplicaSet').filter((rs) => !metaOf(rs).deletionTimestamp);
    const template = spec.template;
    let newRS = all.find((rs) => sameTemplate(isObject(rs.spec) ? rs.spec.template : undefined, template));
    let olds = all.filter((rs) => rs !== newRS);
    const strategy = isObject(spec.strategy) ? spec.strategy : {};
    const recreate = strategy.type === 'Recreate';
    const ru = isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    const maxSurge = recreate ? 0 : intOrPercent(ru.maxSurge, replicas, true, Math.ceil(replicas * 0.25));
    let maxUnavailable = recreate ? 0 : intOrPercent(ru.maxUnavailable, replicas, false, Math.floor(replicas * 0.25));
    if (!recreate && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    if (maxUnavailable > replicas) maxUnavailable = replicas;
    const maxRevision = Math.max(0, ...all.map(revisionOf));
    let createdNew = false;
    if (!paused) {
      if (!newRS) {
        const collision = num(isObject(d.status) ? d.status.collisionCount : undefined);
        const hash = templateHash(template, collision);
        const name = `${key.name}-${hash}`;
        const existing = ctx.get('apps/ReplicaSet', key.namespace, name);
        if (existing) {
          // A ReplicaSet of that name with another template: bump collisionCount and try again next time.
          const st = isObject(d.status) ? { ...d.status } : {};
          st.collisionCount = collision + 1;
          ctx.setStatus('apps/Deployment', d, st);
          ctx.requeue(this, key, 0);
          return;
        }
        const tpl = clone(isObject(template) ? template : {}) as JsonObject;
        const tmd = isObject(tpl.metadata) ? tpl.metadata : (tpl.metadata = {});
        tmd.labels = { ...(isObject(tmd.labels) ? tmd.labels : {}), 'pod-template-hash': hash };
        const sel = clone(isObject(spec.selector) ? spec.selector : {}) as JsonObject;
        sel.matchLabels = { ...(isObject(sel.matchLabels) ? sel.matchLabels : {}), 'pod-template-hash': hash };
        const totalNow = all.reduce((n, rs) => n + rsSpecReplicas(rs), 0);
        let initial = replicas;
        if (recreate) initial = olds.some((rs) => rsStatus(rs, 'replicas') > 0 || rsSpecReplicas(rs) > 0) ? 0 : replicas;
        else if (olds.length) initial = Math.max(0, Math.min(replicas, replicas + maxSurge - totalNow));
        const dAnn = isObject(metaOf(d).annotations) ? (metaOf(d).annotations as Record<string, string>) : {};
        const annotations: Record<string, string> = {};
        for (const [k, v] of Object.entries(dAnn)) if (!SKIP_ANNOTATIONS.has(k)) annotations[k] = v;
        annotations[DESIRED] = String(replicas);
        annotations[MAX] = String(replicas + maxSurge);
        annotations[REVISION] = String(maxRevision + 1);
        const created = ctx.create('apps/ReplicaSet', {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { name, namespace: key.namespace as string, labels: clone(tmd.labels), annotations, ownerReferences: [ctx.ownerRef('apps/Deployment', d)] },
          spec: { replicas: initial, minReadySeconds: num(spec.minReadySeconds), selector: sel, template: tpl },
        });
        if (!created) return;
        newRS = created;
        createdNew = true;
        all = [...all, created];
      } else if (revisionOf(newRS) === 0 || revisionOf(newRS) < maxRevision) {
        // Rolling back to an older template makes its ReplicaSet the newest revision again.
        const ann = { ...(isObject(metaOf(newRS).annotations) ? (metaOf(newRS).annotations as Record<string, string>) : {}), [REVISION]: String(maxRevision + 1) };
        newRS = ctx.update('apps/ReplicaSet', { ...newRS, metadata: { ...metaOf(newRS), annotations: ann } }) ?? newRS;
      }
    }
    const newUid = newRS ? metaOf(newRS).uid : undefined;
    olds = all.filter((rs) => metaOf(rs).uid !== newUid);
    const scale = (rs: JsonObject, n: number) => {
      if (rsSpecReplicas(rs) === n) return rs;
      const ann = { ...(isObject(metaOf(rs).annotations) ? (metaOf(rs).annotations as Record<string, string>) : {}) };
      if (n > 0 || metaOf(rs).uid === newUid) {
        ann[DESIRED] = String(replicas);
        ann[MAX] = String(replicas + maxSurge);
      }
      return ctx.update('apps/ReplicaSet', { ...rs, metadata: { ...metaOf(rs), annotations: ann }, spec: { ...(rs.spec as JsonObject), replicas: n } }) ?? rs;
    };
    if (newRS && !paused) {
      if (recreate) {
        for (const rs of olds) scale(rs, 0);
        // Recreate waits until every old pod is gone, terminating ones included.
        const oldRunning = olds.some((rs) => ctx.owned(rs, '/Pod').some((p) => !['Succeeded', 'Failed'].includes(String((p.status as JsonObject | undefined)?.phase))));
        if (!oldRunning) newRS = scale(newRS, replicas);
      } else {
        newRS = this.rollingUpdate(ctx, newRS, olds, replicas, maxSurge, maxUnavailable, scale);
      }
    } else if (newRS && paused) {
      // Paused: only scaling, no rollout.
      if (!olds.some((rs) => rsSpecReplicas(rs) > 0)) newRS = scale(newRS, replicas);
    }
    // Prune old ReplicaSets with nothing left beyond revisionHistoryLimit.
    const limit = num(spec.revisionHistoryLimit, 10);
    all = ctx.owned(d, 'apps/ReplicaSet').filter((rs) => !metaOf(rs).deletionTimestamp);
    const idle = all.filter((rs) => metaOf(rs).uid !== newUid && rsSpecReplicas(rs) === 0 && rsStatus(rs, 'replicas') === 0);
    if (idle.length > limit) {
      idle.sort((a, b) => revisionOf(a) - revisionOf(b));
      for (const rs of idle.slice(0, idle.length - limit)) ctx.delete('apps/ReplicaSet', key.namespace, String(metaOf(rs).name));
    }
    // The Deployment carries its newest revision.
    d = ctx.get('apps/Deployment', key.namespace, key.name)!;
    if (newRS) {
      const rev = String(revisionOf(newRS));
      const ann = isObject(metaOf(d).annotations) ? (metaOf(d).annotations as Record<string, string>) : {};
      if (ann[REVISION] !== rev) d = ctx.update('apps/Deployment', { ...d, metadata: { ...metaOf(d), annotations: { ...ann, [REVISION]: rev } } }) ?? d;
    }
    this.syncStatus(ctx, key, d, newRS, createdNew, replicas, maxUnavailable, paused);
  }

  private rollingUpdate(
    ctx: ControllerContext,
    newRS: JsonObject,
    olds: JsonObject[],
    replicas: number,
    maxSurge: number,
    maxUnavailable: number,
    scale: (rs: JsonObject, n: number) => JsonObject,
  ): JsonObject {
    const all = () => [newRS, ...olds];
    const total = () => all().reduce((n, rs) => n + rsSpecReplicas(rs), 0);
    // Scale up the new ReplicaSet within maxSurge (or down, when the Deployment itself was scaled down).
    const newReplicas = rsSpecReplicas(newRS);
    if (newReplicas > replicas) newRS = scale(newRS, replicas);
    else if (newReplicas < replicas) {
      const maxTotal = replicas + maxSurge;
      const room = maxTotal - total();
      if (room > 0) newRS = scale(newRS, newReplicas + Math.min(room, replicas - newReplicas));
    }
    // Scale down old ReplicaSets without dropping below replicas - maxUnavailable available pods.
    const oldCount = olds.reduce((n, rs) => n + rsSpecReplicas(rs), 0);
    if (oldCount === 0) return newRS;
    const minAvailable = replicas - maxUnavailable;
    const newUnavailable = rsSpecReplicas(newRS) - rsStatus(newRS, 'availableReplicas');
    let maxScaledDown = total() - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return newRS;
    const byAge = [...olds].sort((a, b) => String(metaOf(a).creationTimestamp).localeCompare(String(metaOf(b).creationTimestamp)) || revisionOf(a) - revisionOf(b));
    // First the unhealthy replicas of old ReplicaSets.
    for (let i = 0; i < byAge.length && maxScaledDown > 0; i++) {
      const rs = byAge[i];
      const unhealthy = rsSpecReplicas(rs) - rsStatus(rs, 'availableReplicas');
      if (unhealthy <= 0) continue;
      const down = Math.min(unhealthy, maxScaledDown);
      byAge[i] = scale(rs, rsSpecReplicas(rs) - down);
      maxScaledDown -= down;
    }
    olds.splice(0, olds.length, ...byAge);
    // Then available ones, as long as enough stay available.
    const available = all().reduce((n, rs) => n + rsStatus(rs, 'availableReplicas'), 0);
    let budget = available - minAvailable;
    for (let i = 0; i < byAge.length && budget > 0; i++) {
      const rs = byAge[i];
      const cur = rsSpecReplicas(rs);
      if (cur === 0) continue;
      const down = Math.min(cur, budget);
      byAge[i] = scale(rs, cur - down);
      budget -= down;
    }
    olds.splice(0, olds.length, ...byAge);
    return newRS;
  }

  private syncStatus(ctx: ControllerContext, key: Key, d: JsonObject, newRS: JsonObject | undefined, createdNew: boolean, replicas: number, maxUnavailable: number, paused: boolean): void {
    const all = ctx.owned(d, 'apps/ReplicaSet');
    if (newRS) newRS = all.find((rs) => metaOf(rs).uid === metaOf(newRS!).uid) ?? newRS;
    const sum = (f: string) => all.reduce((n, rs) => n + rsStatus(rs, f), 0);
    const specTotal = all.reduce((n, rs) => n + rsSpecReplicas(rs), 0);
    const prev = isObject(d.status) ? d.status : {};
    const available = sum('availableReplicas');
    const st: JsonObject = {
      observedGeneration: metaOf(d).generation ?? 1,
      replicas: sum('replicas'),
      updatedReplicas: newRS ? rsStatus(newRS, 'replicas') : 0,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, specTotal - available),
    };
    omitZero(st);
    st.observedGeneration = metaOf(d).generation ?? 1;
    if (typeof prev.collisionCount === 'number') st.collisionCount = prev.collisionCount;
    const now = ctx.nowString();
    let conds = conditionsOf(d);
    const minAvail = replicas - maxUnavailable;
    conds = available >= minAvail
      ? setCondition(conds, { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }, now, { updateTime: true })
      : setCondition(conds, { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }, now, { updateTime: true });
    const rsName = newRS ? String(metaOf(newRS).name) : '';
    const progressing = conds.find((c) => c.type === 'Progressing');
    const deadline = num(isObject(d.spec) ? d.spec.progressDeadlineSeconds : undefined, 600);
    const complete = newRS && num(st.updatedReplicas) === replicas && num(st.availableReplicas) === replicas && num(st.replicas) === replicas;
    let requeueAt: number | undefined;
    if (paused) {
      conds = setCondition(conds, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, now, { updateTime: true });
    } else if (progressing?.reason === 'DeploymentPaused') {
      conds = setCondition(conds, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentResumed', message: 'Deployment is resumed' }, now, { updateTime: true });
    } else if (complete) {
      conds = setCondition(conds, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }, now, { updateTime: true });
    } else if (createdNew) {
      conds = setCondition(conds, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` }, now, { updateTime: true });
    } else {
      const moved = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'].some((f) => num(prev[f]) !== num(st[f]));
      const last = progressing ? Date.parse(String(progressing.lastUpdateTime ?? progressing.lastTransitionTime)) : ctx.now();
      if (progressing?.reason === 'ProgressDeadlineExceeded' && !moved) {
        // Stays failed until something changes.
      } else if (moved || !progressing) {
        conds = setCondition(conds, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` }, now, { updateTime: true });
        requeueAt = ctx.now() + deadline * 1000 + 1000;
      } else if (ctx.now() > last + deadline * 1000) {
        conds = setCondition(conds, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }, now, { updateTime: true });
      } else requeueAt = last + deadline * 1000 + 1000;
    }
    // Available first, then Progressing, as the API shows them.
    conds.sort((a, b) => (a.type === 'Available' ? 0 : 1) - (b.type === 'Available' ? 0 : 1));
    st.conditions = conds as Json[];
    ctx.setStatus('apps/Deployment', d, st);
    if (requeueAt !== undefined) ctx.requeue(this, key, requeueAt - ctx.now());
  }
}
