/**
 * The garbage collector: dependents whose owners are all gone are deleted; an owner deleted in the foreground
 * (finalizer `foregroundDeletion`) waits for its blocking dependents to go first; an owner deleted with orphan
 * propagation (finalizer `orphan`) releases its dependents before it goes.
 */
import { parseApiVersion } from '../../kube/index.ts';
import { isObject, type JsonObject } from '../json.ts';
import type { ResourceType } from '../registry.ts';
import { metaOf, type StoreEvent } from '../store.ts';
import { kindOf, type Controller, type ControllerContext, type Key } from './runtime.ts';

function refsOf(obj: JsonObject): JsonObject[] {
  const r = metaOf(obj).ownerReferences;
  return Array.isArray(r) ? r.filter(isObject) : [];
}

function finalizersOf(obj: JsonObject): string[] {
  const f = metaOf(obj).finalizers;
  return Array.isArray(f) ? (f as string[]) : [];
}

export class GarbageCollector implements Controller {
  name = 'garbage-collector';
  kinds: string[] = [];

  /**
   * What concerns the collector: an object whose owner references changed (its owners may be missing), one being
   * deleted in the foreground or with orphaning, the dependents of a deleted object, and the owners of a deleted
   * dependent (they may be waiting for it).
   */
  routeEvent(e: StoreEvent, enqueue: (k: Key) => void, ctx: ControllerContext): void {
    const md = metaOf(e.obj);
    const self = { kind: kindOf(e.t), namespace: md.namespace as string | undefined, name: String(md.name) };
    if (e.type !== 'DELETED') {
      // Writes that leave ownerReferences alone share the array with the previous object: no need to compare.
      const sameRefs = e.prev !== undefined && metaOf(e.obj).ownerReferences === metaOf(e.prev).ownerReferences;
      const refsChanged = e.type === 'ADDED' ? refsOf(e.obj).length > 0 : !sameRefs && JSON.stringify(refsOf(e.obj)) !== JSON.stringify(e.prev ? refsOf(e.prev) : []);
      const fin = finalizersOf(e.obj);
      const propagating = md.deletionTimestamp && (fin.includes('orphan') || fin.includes('foregroundDeletion'));
      if (refsChanged || propagating) enqueue(self);
    }
    if (e.type === 'DELETED' || md.deletionTimestamp) {
      for (const d of ctx.api.store.dependentsOf(String(md.uid)) ?? []) {
        const dm = metaOf(d.obj);
        enqueue({ kind: kindOf(d.t), namespace: dm.namespace as string | undefined, name: String(dm.name) });
      }
    }
    if (e.type === 'DELETED')
      for (const ref of refsOf(e.obj)) {
        const g = parseApiVersion(String(ref.apiVersion)).group;
        const t = ctx.type(`${g}/${String(ref.kind)}`);
        enqueue({ kind: `${g}/${String(ref.kind)}`, namespace: t?.namespaced ? (md.namespace as string) : undefined, name: String(ref.name) });
      }
  }

  private ownerOf(ctx: ControllerContext, dependent: JsonObject, ref: JsonObject): { t?: ResourceType; obj?: JsonObject } {
    const g = parseApiVersion(String(ref.apiVersion)).group;
    const t = ctx.type(`${g}/${String(ref.kind)}`);
    if (!t) return {};
    const ns = t.namespaced ? (metaOf(dependent).namespace as string | undefined) : undefined;
    const obj = ctx.api.peek(t, ns, String(ref.name));
    if (!obj || metaOf(obj).uid !== ref.uid) return { t };
    return { t, obj };
  }

  reconcile(ctx: ControllerContext, key: Key): void {
    const obj = ctx.get(key.kind, key.namespace, key.name);
    if (!obj) return;
    const md = metaOf(obj);
    const fin = finalizersOf(obj);
    if (md.deletionTimestamp && fin.includes('orphan')) {
      for (const d of ctx.api.store.dependentsOf(String(md.uid))) {
        const dm = metaOf(d.obj);
        const refs = refsOf(d.obj).filter((r) => r.uid !== md.uid);
        const next = { ...d.obj, metadata: { ...dm, ownerReferences: refs } };
        if (!refs.length) delete (next.metadata as JsonObject).ownerReferences;
        ctx.update(kindOf(d.t), next, 'generic-garbage-collector');
      }
      ctx.update(key.kind, { ...obj, metadata: { ...md, finalizers: fin.filter((f) => f !== 'orphan') } }, 'generic-garbage-collector');
      return;
    }
    if (md.deletionTimestamp && fin.includes('foregroundDeletion')) {
      for (const d of ctx.api.store.dependentsOf(String(md.uid))) {
        const dm = metaOf(d.obj);
        if (dm.deletionTimestamp) continue;
        const otherOwnersAlive = refsOf(d.obj).some((r) => r.uid !== md.uid && this.ownerOf(ctx, d.obj, r).obj && !metaOf(this.ownerOf(ctx, d.obj, r).obj!).deletionTimestamp);
        if (otherOwnersAlive) {
          const refs = refsOf(d.obj).filter((r) => r.uid !== md.uid);
          ctx.update(kindOf(d.t), { ...d.obj, metadata: { ...dm, ownerReferences: refs } }, 'generic-garbage-collector');
          continue;
        }
        const hasDependents = ctx.api.store.dependentsOf(String(dm.uid)).length > 0;
        ctx.delete(kindOf(d.t), dm.namespace as string | undefined, String(dm.name), hasDependents ? 'Foreground' : 'Background');
      }
      // Counted after the deletes: a dependent deleted at once (a finished pod) is gone now, and its DELETED event
      // does not call this reconcile back (a controller is not re-queued by its own writes).
      const blocking = ctx.api.store.dependentsOf(String(md.uid)).filter((d) => refsOf(d.obj).find((r) => r.uid === md.uid)?.blockOwnerDeletion === true).length;
      if (blocking === 0) ctx.update(key.kind, { ...obj, metadata: { ...md, finalizers: fin.filter((f) => f !== 'foregroundDeletion') } }, 'generic-garbage-collector');
      return;
    }
    const refs = refsOf(obj);
    if (!refs.length || md.deletionTimestamp) return;
    const owners = refs.map((r) => ({ r, ...this.ownerOf(ctx, obj, r) }));
    const absent = owners.filter((o) => !o.obj);
    if (!absent.length) return;
    if (absent.length === refs.length) {
      // Every owner is gone: the dependent goes too.
      ctx.delete(key.kind, key.namespace, key.name, 'Background');
      return;
    }
    const waitingOwner = owners.some((o) => o.obj && finalizersOf(o.obj).includes('foregroundDeletion') && metaOf(o.obj).deletionTimestamp);
    if (waitingOwner) return;
    const keep = owners.filter((o) => o.obj).map((o) => o.r);
    ctx.update(key.kind, { ...obj, metadata: { ...md, ownerReferences: keep } }, 'generic-garbage-collector');
  }
}
