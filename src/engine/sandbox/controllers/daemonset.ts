/**
 * The DaemonSet controller: one pod per simulated node that the template's node selector admits, pinned to its
 * node through node affinity as the real controller does, rolled to a new template within maxUnavailable.
 */
import { clone, isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import { isTerminating } from './kubelet.ts';
import { intOrPercent, isActive, isAvailable, isReady, podFromTemplate } from './pods.ts';
import { pruneRevisions, revisionHash, syncRevisions } from './revisions.ts';
import { type Controller, type ControllerContext, type Key } from './runtime.ts';

const DS_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' },
];

function nodeOf(pod: JsonObject): string | undefined {
  const spec = isObject(pod.spec) ? pod.spec : {};
  if (typeof spec.nodeName === 'string') return spec.nodeName;
  const terms = (((spec.affinity as JsonObject | undefined)?.nodeAffinity as JsonObject | undefined)?.requiredDuringSchedulingIgnoredDuringExecution as JsonObject | undefined)?.nodeSelectorTerms;
  if (!Array.isArray(terms)) return undefined;
  for (const t of terms) if (isObject(t) && Array.isArray(t.matchFields)) for (const f of t.matchFields) if (isObject(f) && f.key === 'metadata.name' && Array.isArray(f.values)) return String(f.values[0]);
  return undefined;
}

export class DaemonSetController implements Controller {
  name = 'daemonset';
  kinds = ['apps/DaemonSet'];
  owns = ['/Pod', 'apps/ControllerRevision'];
  watches = [{ kind: '/Node', map: (_n: JsonObject, ctx: ControllerContext): Key[] => ctx.list('apps/DaemonSet').map((d) => ({ kind: 'apps/DaemonSet', namespace: metaOf(d).namespace as string, name: String(metaOf(d).name) })) }];

  reconcile(ctx: ControllerContext, key: Key): void {
    const ds = ctx.get('apps/DaemonSet', key.namespace, key.name);
    if (!ds || metaOf(ds).deletionTimestamp) return;
    const spec = isObject(ds.spec) ? ds.spec : {};
    const template = isObject(spec.template) ? spec.template : {};
    const { name: rev, all: revisions } = syncRevisions(ctx, 'apps/DaemonSet', ds, template);
    const hash = rev.slice(String(metaOf(ds).name).length + 1) || revisionHash(template);
    const nodeSelector = isObject(template.spec) && isObject(template.spec.nodeSelector) ? (template.spec.nodeSelector as Record<string, string>) : {};
    const nodes = ctx.list('/Node').filter((n) => Object.entries(nodeSelector).every(([k, v]) => (metaOf(n).labels as Record<string, string> | undefined)?.[k] === v));
    const pods = ctx.owned(ds, '/Pod');
    const byNode = new Map<string, JsonObject[]>();
    for (const p of pods) {
      const n = nodeOf(p);
      if (n) byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const revOf = (p: JsonObject) => String((metaOf(p).labels as Record<string, string> | undefined)?.['controller-revision-hash'] ?? '');
    const generation = Number(metaOf(ds).generation ?? 1);
    for (const n of nodes) {
      const nodeName = String(metaOf(n).name);
      const mine = (byNode.get(nodeName) ?? []).filter((p) => !isTerminating(p));
      for (const p of mine.filter((p) => !isActive(p))) ctx.delete('/Pod', key.namespace, String(metaOf(p).name));
      if (mine.some(isActive)) continue;
      const pspec = isObject(template.spec) ? clone(template.spec) : {};
      pspec.affinity = { ...(isObject(pspec.affinity) ? pspec.affinity : {}), nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] } } };
      const tol = Array.isArray(pspec.tolerations) ? pspec.tolerations.filter(isObject) : [];
      for (const t of DS_TOLERATIONS) if (!tol.some((x) => x.key === t.key && x.effect === t.effect)) tol.push(t);
      pspec.tolerations = tol as Json[];
      ctx.create('/Pod', podFromTemplate(ctx, 'apps/DaemonSet', ds, template, { labels: { 'controller-revision-hash': hash, 'pod-template-generation': String(generation) }, spec: pspec }));
    }
    // Pods on nodes that no longer admit the DaemonSet go.
    const wanted = new Set(nodes.map((n) => String(metaOf(n).name)));
    for (const [n, ps] of byNode) if (!wanted.has(n)) for (const p of ps) if (!isTerminating(p)) ctx.delete('/Pod', key.namespace, String(metaOf(p).name));
    // Rolling update within maxUnavailable.
    const strategy = isObject(spec.updateStrategy) ? spec.updateStrategy : {};
    const desired = nodes.length;
    const now = ctx.now();
    const minReady = Number(spec.minReadySeconds ?? 0);
    let live = ctx.owned(ds, '/Pod').filter(isActive);
    if (strategy.type !== 'OnDelete') {
      const maxUnavailable = Math.max(1, intOrPercent(isObject(strategy.rollingUpdate) ? strategy.rollingUpdate.maxUnavailable : 1, desired, false, 1));
      const unavailable = desired - live.filter((p) => isAvailable(p, minReady, now)).length;
      let budget = maxUnavailable - unavailable;
      const old = live.filter((p) => revOf(p) !== hash).sort((a, b) => (isAvailable(a, minReady, now) ? 1 : 0) - (isAvailable(b, minReady, now) ? 1 : 0));
      for (const p of old) {
        const avail = isAvailable(p, minReady, now);
        if (avail && budget <= 0) break;
        ctx.delete('/Pod', key.namespace, String(metaOf(p).name));
        if (avail) budget--;
      }
      live = ctx.owned(ds, '/Pod').filter(isActive);
    }
    const status: JsonObject = {
      currentNumberScheduled: live.length,
      desiredNumberScheduled: desired,
      numberAvailable: live.filter((p) => isAvailable(p, minReady, now)).length,
      numberMisscheduled: 0,
      numberReady: live.filter(isReady).length,
      observedGeneration: generation,
      updatedNumberScheduled: live.filter((p) => revOf(p) === hash).length,
    };
    const unavailable = desired - Number(status.numberAvailable);
    if (unavailable > 0) status.numberUnavailable = unavailable;
    if (status.numberAvailable === 0) delete status.numberAvailable;
    ctx.setStatus('apps/DaemonSet', ds, status);
    pruneRevisions(ctx, revisions, new Set([rev, ...live.map((p) => `${String(metaOf(ds).name)}-${revOf(p)}`)]), Number(spec.revisionHistoryLimit ?? 10));
  }
}
