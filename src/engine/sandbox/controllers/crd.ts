/**
 * CustomResourceDefinitions: a CRD's names are accepted (or refused on a clash) and it becomes Established, at
 * which point its resource is served; a deleted CRD deletes every custom resource of its kind first, then stops
 * being served.
 */
import { isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import { setCondition, type Controller, type ControllerContext, type Key } from './runtime.ts';

export const CRD_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export class CRDController implements Controller {
  name = 'crd';
  kinds = ['apiextensions.k8s.io/CustomResourceDefinition'];
  /** The generation of each CRD whose resource is being served. */
  private readonly registered = new Map<string, number>();

  reconcile(ctx: ControllerContext, key: Key): void {
    const reg = ctx.api.registry;
    const crd = ctx.get('apiextensions.k8s.io/CustomResourceDefinition', undefined, key.name);
    if (!crd) {
      const t = reg.all().find((x) => x.crd === key.name);
      if (t) {
        ctx.api.store.dropTable(t);
        reg.removeCRD(key.name);
      }
      return;
    }
    const md = metaOf(crd);
    const spec = isObject(crd.spec) ? crd.spec : {};
    const names = isObject(spec.names) ? spec.names : {};
    const now = ctx.nowString();
    let conds = isObject(crd.status) && Array.isArray(crd.status.conditions) ? (crd.status.conditions.filter(isObject) as JsonObject[]) : [];
    if (md.deletionTimestamp) {
      const t = reg.all().find((x) => x.crd === key.name);
      const left = t ? ctx.api.store.list(t) : [];
      conds = setCondition(conds, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: `CustomResource deletion is in progress` }, now);
      ctx.setStatus('apiextensions.k8s.io/CustomResourceDefinition', crd, { ...(isObject(crd.status) ? crd.status : {}), conditions: conds }, 'kube-apiserver');
      if (left.length && t) {
        for (const o of left) if (!metaOf(o).deletionTimestamp) ctx.delete(`${t.group}/${t.kind}`, metaOf(o).namespace as string | undefined, String(metaOf(o).name), 'Background');
        ctx.requeue(this, key, 100);
        return;
      }
      if (t) {
        ctx.api.store.dropTable(t);
        reg.removeCRD(key.name);
      }
      const cur = ctx.get('apiextensions.k8s.io/CustomResourceDefinition', undefined, key.name)!;
      const fin = (Array.isArray(metaOf(cur).finalizers) ? (metaOf(cur).finalizers as string[]) : []).filter((f) => f !== CRD_FINALIZER);
      ctx.update('apiextensions.k8s.io/CustomResourceDefinition', { ...cur, metadata: { ...metaOf(cur), finalizers: fin } }, 'kube-apiserver');
      return;
    }
    if (!(Array.isArray(md.finalizers) && md.finalizers.includes(CRD_FINALIZER))) {
      ctx.update('apiextensions.k8s.io/CustomResourceDefinition', { ...crd, metadata: { ...md, finalizers: [...(Array.isArray(md.finalizers) ? md.finalizers : []), CRD_FINALIZER] } }, 'kube-apiserver');
      ctx.requeue(this, key, 0);
      return;
    }
    // Names clash with another CRD (or a built-in) of the same group and plural?
    const group = String(spec.group ?? '');
    const plural = String(names.plural ?? '');
    const existing = reg.byResource(group, plural);
    const clash = existing && existing.crd !== key.name;
    const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
    const storage = versions.find((v) => v.storage === true)?.name;
    const stored = new Set<string>(isObject(crd.status) && Array.isArray(crd.status.storedVersions) ? (crd.status.storedVersions as string[]) : []);
    if (typeof storage === 'string') stored.add(storage);
    if (clash) {
      conds = setCondition(conds, { type: 'NamesAccepted', status: 'False', reason: 'NameConflict', message: `"${plural}" is already in use` }, now);
      conds = setCondition(conds, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }, now);
      ctx.setStatus('apiextensions.k8s.io/CustomResourceDefinition', crd, { acceptedNames: { kind: '', plural: '' }, conditions: conds as Json[], storedVersions: [...stored] }, 'kube-apiserver');
      return;
    }
    const accepted: JsonObject = { kind: names.kind as Json, listKind: (names.listKind ?? `${String(names.kind)}List`) as Json, plural: names.plural as Json, singular: (names.singular ?? String(names.kind).toLowerCase()) as Json };
    if (Array.isArray(names.shortNames)) accepted.shortNames = names.shortNames;
    if (Array.isArray(names.categories)) accepted.categories = names.categories;
    conds = setCondition(conds, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }, now);
    conds = setCondition(conds, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
    const served = reg.all().find((x) => x.crd === key.name);
    if (!served || this.registered.get(key.name) !== md.generation) {
      const t = reg.addCRD(crd);
      if (t) ctx.api.store.rebind(t);
      this.registered.set(key.name, md.generation as number);
    }
    ctx.setStatus('apiextensions.k8s.io/CustomResourceDefinition', crd, { acceptedNames: accepted, conditions: conds as Json[], storedVersions: [...stored] }, 'kube-apiserver');
  }
}
