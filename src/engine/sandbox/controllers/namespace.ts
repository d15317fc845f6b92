/**
 * Namespaces: every namespace gets its `default` ServiceAccount and `kube-root-ca.crt` ConfigMap (what the
 * service-account and root-CA publisher controllers create); a deleted namespace is Terminating until every object
 * in it is gone, then its `kubernetes` finalizer is removed and it disappears.
 */
import { isObject, type JsonObject } from '../json.ts';
import { metaOf, type StoreEvent } from '../store.ts';
import { setCondition, type Controller, type ControllerContext, type Key } from './runtime.ts';

export const ROOT_CA = '-----BEGIN CERTIFICATE-----\nMIIBsandboxROOTCAnotarealcertificateGitOpsSandbox\n-----END CERTIFICATE-----\n';

export class NamespaceController implements Controller {
  name = 'namespace';
  kinds = ['/Namespace'];

  routeEvent(e: StoreEvent, enqueue: (k: Key) => void, ctx: ControllerContext): void {
    if (e.type !== 'DELETED' || !e.t.namespaced) return;
    const ns = metaOf(e.obj).namespace;
    if (typeof ns !== 'string') return;
    const nsObj = ctx.get('/Namespace', undefined, ns);
    if (nsObj && metaOf(nsObj).deletionTimestamp) enqueue({ kind: '/Namespace', name: ns });
    // A deleted default ServiceAccount or root CA ConfigMap is recreated.
    if (nsObj && !metaOf(nsObj).deletionTimestamp && ((e.t.kind === 'ServiceAccount' && metaOf(e.obj).name === 'default') || (e.t.kind === 'ConfigMap' && metaOf(e.obj).name === 'kube-root-ca.crt')))
      enqueue({ kind: '/Namespace', name: ns });
  }

  reconcile(ctx: ControllerContext, key: Key): void {
    const ns = ctx.get('/Namespace', undefined, key.name);
    if (!ns) return;
    const md = metaOf(ns);
    if (!md.deletionTimestamp) {
      if (!ctx.get('/ServiceAccount', key.name, 'default'))
        ctx.create('/ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: key.name } }, 'kube-controller-manager');
      if (!ctx.get('/ConfigMap', key.name, 'kube-root-ca.crt'))
        ctx.create(
          '/ConfigMap',
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: key.name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } }, data: { 'ca.crt': ROOT_CA } },
          'kube-controller-manager',
        );
      return;
    }
    // Terminating: delete everything inside, then finalize.
    let remaining = 0;
    const finalizersLeft = new Set<string>();
    for (const t of ctx.api.registry.all()) {
      if (!t.namespaced) continue;
      for (const obj of ctx.api.store.list(t, key.name)) {
        remaining++;
        const om = metaOf(obj);
        if (Array.isArray(om.finalizers)) for (const f of om.finalizers) finalizersLeft.add(String(f));
        if (!om.deletionTimestamp) ctx.delete(`${t.group}/${t.kind}`, key.name, String(om.name), 'Background');
      }
    }
    const now = ctx.nowString();
    let conds = isObject(ns.status) && Array.isArray(ns.status.conditions) ? (ns.status.conditions.filter(isObject) as JsonObject[]) : [];
    conds = setCondition(conds, { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' }, now);
    conds = setCondition(conds, { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' }, now);
    conds = setCondition(conds, { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' }, now);
    conds = remaining
      ? setCondition(conds, { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining} objects` }, now)
      : setCondition(conds, { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' }, now);
    conds = finalizersLeft.size
      ? setCondition(conds, { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${[...finalizersLeft].sort().join(', ')}` }, now)
      : setCondition(conds, { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' }, now);
    ctx.setStatus('/Namespace', ns, { phase: 'Terminating', conditions: conds }, 'kube-controller-manager');
    if (remaining) return;
    const cur = ctx.get('/Namespace', undefined, key.name)!;
    const spec = isObject(cur.spec) ? cur.spec : {};
    const fin = Array.isArray(spec.finalizers) ? spec.finalizers.filter((f) => f !== 'kubernetes') : [];
    const mfin = metaOf(cur).finalizers;
    if (fin.length || (Array.isArray(mfin) && mfin.length)) {
      if (Array.isArray(spec.finalizers) && spec.finalizers.includes('kubernetes')) ctx.update('/Namespace', { ...cur, spec: { ...spec, finalizers: fin } }, 'kube-controller-manager');
      return;
    }
    ctx.remove('/Namespace', undefined, key.name);
  }
}
