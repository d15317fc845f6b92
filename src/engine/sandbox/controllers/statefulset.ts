/**
 * The StatefulSet controller: pods `<name>-<ordinal>` created in order (OrderedReady waits for each to be Running
 * and Ready) or all at once (Parallel), claims from volumeClaimTemplates, rolling updates from the highest ordinal
 * down to the partition, OnDelete updates only when a pod is deleted, and revisions in status.
 */
import { clone, isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import { isTerminating, podPhase } from './kubelet.ts';
import { isAvailable, isReady, podFromTemplate } from './pods.ts';
import { pruneRevisions, syncRevisions } from './revisions.ts';
import { omitZero, type Controller, type ControllerContext, type Key } from './runtime.ts';

const REV_LABEL = 'controller-revision-hash';

export class StatefulSetController implements Controller {
  name = 'statefulset';
  kinds = ['apps/StatefulSet'];
  owns = ['/Pod', 'apps/ControllerRevision'];

  reconcile(ctx: ControllerContext, key: Key): void {
    const sts = ctx.get('apps/StatefulSet', key.namespace, key.name);
    if (!sts || metaOf(sts).deletionTimestamp) return;
    const spec = isObject(sts.spec) ? sts.spec : {};
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const template = isObject(spec.template) ? spec.template : {};
    const { name: updateRevision, all: revisions } = syncRevisions(ctx, 'apps/StatefulSet', sts, template);
    const prevStatus = isObject(sts.status) ? sts.status : {};
    let currentRevision = typeof prevStatus.currentRevision === 'string' && prevStatus.currentRevision ? prevStatus.currentRevision : updateRevision;
    const parallel = spec.podManagementPolicy === 'Parallel';
    const strategy = isObject(spec.updateStrategy) ? spec.updateStrategy : {};
    const onDelete = strategy.type === 'OnDelete';
    const partition = Number((isObject(strategy.rollingUpdate) ? strategy.rollingUpdate.partition : 0) ?? 0);
    const name = key.name;
    const pods = new Map<number, JsonObject>();
    for (const p of ctx.owned(sts, '/Pod')) {
      const m = /-(\d+)$/.exec(String(metaOf(p).name));
      if (m) pods.set(Number(m[1]), p);
    }
    const revOf = (p: JsonObject) => String((metaOf(p).labels as Record<string, string> | undefined)?.[REV_LABEL] ?? '');
    const runningReady = (p: JsonObject) => podPhase(p) === 'Running' && isReady(p) && !isTerminating(p);
    const templateFor = (ordinal: number): { rev: string; tpl: JsonObject } => {
      // Pods below the partition keep the current revision when recreated; under OnDelete a recreated pod is new.
      if (!onDelete && ordinal < partition) {
        const cur = revisions.find((r) => metaOf(r).name === currentRevision);
        const t = cur && isObject(cur.data) && isObject(cur.data.spec) && isObject(cur.data.spec.template) ? (clone(cur.data.spec.template) as JsonObject) : clone(template);
        delete t.$patch;
        return { rev: cur ? currentRevision : updateRevision, tpl: t };
      }
      return { rev: updateRevision, tpl: clone(template) };
    };
    let blocked = false;
    // Create missing pods (and their claims), in order unless Parallel.
    for (let i = 0; i < replicas; i++) {
      const p = pods.get(i);
      if (p) {
        if (['Failed', 'Succeeded'].includes(podPhase(p)) && !isTerminating(p)) ctx.delete('/Pod', key.namespace, String(metaOf(p).name));
        if (!parallel && !runningReady(p)) {
          blocked = true;
          break;
        }
        continue;
      }
      const podName = `${name}-${i}`;
      const { rev, tpl } = templateFor(i);
      const claims: JsonObject[] = [];
      for (const vct of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates.filter(isObject) : []) {
        const claimName = `${String(metaOf(vct).name)}-${podName}`;
        claims.push({ name: String(metaOf(vct).name), persistentVolumeClaim: { claimName } });
        if (!ctx.get('/PersistentVolumeClaim', key.namespace, claimName)) {
          const selLabels = isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
          ctx.create('/PersistentVolumeClaim', {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: claimName, namespace: key.namespace as string, labels: { ...clone(selLabels), ...(isObject(metaOf(vct).labels) ? (clone(metaOf(vct).labels) as JsonObject) : {}) } },
            spec: clone(isObject(vct.spec) ? vct.spec : {}),
          });
        }
      }
      const pspec = isObject(tpl.spec) ? clone(tpl.spec) : {};
      const vols = (Array.isArray(pspec.volumes) ? pspec.volumes.filter(isObject) : []).filter((v) => !claims.some((c) => c.name === v.name));
      if (claims.length) pspec.volumes = [...vols, ...claims] as Json[];
      pspec.hostname = podName;
      if (typeof spec.serviceName === 'string' && spec.serviceName) pspec.subdomain = spec.serviceName;
      ctx.create('/Pod', podFromTemplate(ctx, 'apps/StatefulSet', sts, tpl, {
        name: podName,
        labels: { [REV_LABEL]: rev, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(i) },
        spec: pspec,
      }));
      if (!parallel) {
        blocked = true;
        break;
      }
    }
    // Scale down: highest ordinal first, one at a time unless Parallel.
    const extra = [...pods.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    for (const i of extra) {
      const p = pods.get(i)!;
      if (!isTerminating(p)) ctx.delete('/Pod', key.namespace, String(metaOf(p).name));
      if (!parallel) break;
    }
    // Rolling update: from the highest ordinal down to the partition, one pod at a time, all others Ready.
    const current = ctx.owned(sts, '/Pod');
    if (!onDelete && !blocked && !extra.length) {
      const allReady = [...Array(replicas).keys()].every((i) => {
        const p = current.find((x) => metaOf(x).name === `${name}-${i}`);
        return p && runningReady(p);
      });
      if (allReady) {
        for (let i = replicas - 1; i >= partition; i--) {
          const p = current.find((x) => metaOf(x).name === `${name}-${i}`);
          if (p && revOf(p) !== updateRevision) {
            ctx.delete('/Pod', key.namespace, String(metaOf(p).name));
            break;
          }
        }
      }
    }
    const live = ctx.owned(sts, '/Pod').filter((p) => !isTerminating(p));
    const updated = live.filter((p) => revOf(p) === updateRevision).length;
    if (updated === replicas && live.length === replicas) currentRevision = updateRevision;
    const now = ctx.now();
    const status = omitZero({
      replicas: live.length,
      readyReplicas: live.filter(isReady).length,
      currentReplicas: live.filter((p) => revOf(p) === currentRevision).length,
      updatedReplicas: updated,
      availableReplicas: live.filter((p) => isAvailable(p, Number(spec.minReadySeconds ?? 0), now)).length,
    });
    const ordered: JsonObject = { observedGeneration: metaOf(sts).generation ?? 1, replicas: live.length, ...status };
    ordered.replicas = live.length;
    ordered.currentRevision = currentRevision;
    ordered.updateRevision = updateRevision;
    ordered.collisionCount = 0;
    ordered.availableReplicas = (status.availableReplicas ?? 0) as Json;
    ctx.setStatus('apps/StatefulSet', sts, ordered);
    pruneRevisions(ctx, revisions, new Set([currentRevision, updateRevision, ...live.map(revOf)]), Number(spec.revisionHistoryLimit ?? 10));
  }
}
