/**
 * Volumes: a claim is bound, after a short delay, to a volume its StorageClass provisions (the default class when
 * it names none); a released volume is deleted or kept per its reclaim policy; the protection finalizers go when
 * nothing uses the claim or volume any more.
 */
import { isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import type { Controller, ControllerContext, Key } from './runtime.ts';

function claimsUsedBy(pod: JsonObject): string[] {
  const vols = isObject(pod.spec) && Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
  return vols.filter(isObject).map((v) => (isObject(v.persistentVolumeClaim) ? String(v.persistentVolumeClaim.claimName) : '')).filter(Boolean);
}

export class VolumeController implements Controller {
  name = 'persistentvolume-binder';
  kinds = ['/PersistentVolumeClaim', '/PersistentVolume'];
  watches = [
    {
      kind: '/Pod',
      map: (p: JsonObject): Key[] => claimsUsedBy(p).map((c) => ({ kind: '/PersistentVolumeClaim', namespace: metaOf(p).namespace as string, name: c })),
    },
    {
      kind: '/PersistentVolumeClaim',
      map: (c: JsonObject): Key[] => (isObject(c.spec) && typeof c.spec.volumeName === 'string' ? [{ kind: '/PersistentVolume', name: c.spec.volumeName }] : []),
    },
  ];
  private firstSeen = new Map<string, number>();

  saveState(): Json {
    return Object.fromEntries(this.firstSeen);
  }

  loadState(s: Json): void {
    this.firstSeen.clear();
    if (isObject(s)) for (const [k, v] of Object.entries(s)) if (typeof v === 'number') this.firstSeen.set(k, v);
  }

  reconcile(ctx: ControllerContext, key: Key): void {
    if (key.kind === '/PersistentVolume') return this.volume(ctx, key);
    const pvc = ctx.get('/PersistentVolumeClaim', key.namespace, key.name);
    if (!pvc) return;
    const md = metaOf(pvc);
    const spec = isObject(pvc.spec) ? pvc.spec : {};
    const inUse = () => ctx.list('/Pod', key.namespace).some((p) => !metaOf(p).deletionTimestamp && claimsUsedBy(p).includes(key.name) && !['Succeeded', 'Failed'].includes(String((p.status as JsonObject | undefined)?.phase)));
    if (md.deletionTimestamp) {
      const fin = Array.isArray(md.finalizers) ? (md.finalizers as string[]) : [];
      if (fin.includes('kubernetes.io/pvc-protection') && !inUse())
        ctx.update('/PersistentVolumeClaim', { ...pvc, metadata: { ...md, finalizers: fin.filter((f) => f !== 'kubernetes.io/pvc-protection') } }, 'kube-controller-manager');
      return;
    }
    const phase = isObject(pvc.status) ? pvc.status.phase : undefined;
    if (phase === 'Bound') return;
    const scName = typeof spec.storageClassName === 'string' ? spec.storageClassName : undefined;
    const sc = scName ? ctx.get('storage.k8s.io/StorageClass', undefined, scName) : undefined;
    if (!sc) return; // Pending until a class exists; nothing provisions it.
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !inUse()) return;
    const uid = String(md.uid);
    const seen = this.firstSeen.get(uid) ?? ctx.now();
    this.firstSeen.set(uid, seen);
    const due = seen + ctx.config.pvcBindMs;
    if (ctx.now() < due) {
      ctx.requeue(this, key, due - ctx.now());
      return;
    }
    const pvName = `pvc-${uid}`;
    const requests = isObject(spec.resources) && isObject(spec.resources.requests) ? spec.resources.requests : {};
    const capacity = { storage: (requests.storage ?? '1Gi') as Json };
    const provisioner = String(sc.provisioner ?? 'sandbox.gitops-sandbox.dev/local');
    if (!ctx.get('/PersistentVolume', undefined, pvName)) {
      ctx.create(
        '/PersistentVolume',
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
          spec: {
            accessModes: (spec.accessModes ?? ['ReadWriteOnce']) as Json,
            capacity,
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: key.name, namespace: key.namespace as string, resourceVersion: md.resourceVersion as string, uid },
            hostPath: { path: `/var/local-path-provisioner/${pvName}_${key.namespace}_${key.name}`, type: 'DirectoryOrCreate' },
            persistentVolumeReclaimPolicy: (sc.reclaimPolicy ?? 'Delete') as Json,
            storageClassName: scName as string,
            volumeMode: (spec.volumeMode ?? 'Filesystem') as Json,
          },
        },
        'kube-controller-manager',
      );
      const pv = ctx.get('/PersistentVolume', undefined, pvName);
      if (pv) ctx.setStatus('/PersistentVolume', pv, { phase: 'Bound', lastPhaseTransitionTime: ctx.nowString() }, 'kube-controller-manager');
    }
    const ann = { ...(isObject(md.annotations) ? (md.annotations as Record<string, string>) : {}), 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.beta.kubernetes.io/storage-provisioner': provisioner, 'volume.kubernetes.io/storage-provisioner': provisioner };
    const bound = ctx.update('/PersistentVolumeClaim', { ...pvc, metadata: { ...md, annotations: ann }, spec: { ...spec, volumeName: pvName } }, 'kube-controller-manager');
    if (bound) ctx.setStatus('/PersistentVolumeClaim', bound, { phase: 'Bound', accessModes: (spec.accessModes ?? ['ReadWriteOnce']) as Json, capacity }, 'kube-controller-manager');
    this.firstSeen.delete(uid);
  }

  private volume(ctx: ControllerContext, key: Key): void {
    const pv = ctx.get('/PersistentVolume', undefined, key.name);
    if (!pv) return;
    const md = metaOf(pv);
    const spec = isObject(pv.spec) ? pv.spec : {};
    const ref = isObject(spec.claimRef) ? spec.claimRef : undefined;
    const claim = ref ? ctx.get('/PersistentVolumeClaim', String(ref.namespace), String(ref.name)) : undefined;
    const released = ref && (!claim || metaOf(claim).uid !== ref.uid);
    if (md.deletionTimestamp) {
      const fin = Array.isArray(md.finalizers) ? (md.finalizers as string[]) : [];
      if (fin.includes('kubernetes.io/pv-protection') && (!ref || released))
        ctx.update('/PersistentVolume', { ...pv, metadata: { ...md, finalizers: fin.filter((f) => f !== 'kubernetes.io/pv-protection') } }, 'kube-controller-manager');
      return;
    }
    if (!released) return;
    if (spec.persistentVolumeReclaimPolicy === 'Delete') ctx.delete('/PersistentVolume', undefined, key.name);
    else ctx.setStatus('/PersistentVolume', pv, { phase: 'Released', lastPhaseTransitionTime: ctx.nowString() }, 'kube-controller-manager');
  }
}
