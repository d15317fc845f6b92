/** Whether a kind is namespaced: the built-in table, CRDs among desired and live objects, then the caller. */
import { builtinKind, gvkOf, type KubeObject } from '../kube/index.ts';
import { isCrd } from './tracking.ts';

export type ScopeOf = (group: string, kind: string) => boolean | undefined;

export function crdGroupKind(crd: KubeObject): { group: string; kind: string; namespaced: boolean } | undefined {
  const spec = crd.spec as { group?: unknown; names?: { kind?: unknown }; scope?: unknown } | undefined;
  if (typeof spec?.group !== 'string' || typeof spec.names?.kind !== 'string') return undefined;
  return { group: spec.group, kind: spec.names.kind, namespaced: spec.scope !== 'Cluster' };
}

/** A tri-state scope lookup: undefined when nobody knows the kind (Argo then treats it as "namespaced or unknown"). */
export function scopeResolver(objects: KubeObject[], fallback?: ScopeOf): ScopeOf {
  const crds = new Map<string, boolean>();
  for (const o of objects) {
    if (!isCrd(o)) continue;
    const gk = crdGroupKind(o);
    if (gk) crds.set(`${gk.group}/${gk.kind}`, gk.namespaced);
  }
  return (group, kind) => {
    const b = builtinKind(group, kind);
    if (b) return b.namespaced;
    const c = crds.get(`${group}/${kind}`);
    if (c !== undefined) return c;
    return fallback?.(group, kind);
  };
}

/** Group/kinds with a CRD among these objects. */
export function crdKinds(objects: KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (!isCrd(o)) continue;
    const gk = crdGroupKind(o);
    if (gk) out.add(`${gk.group}/${gk.kind}`);
  }
  return out;
}

export function groupKindOf(o: KubeObject): string {
  const gvk = gvkOf(o);
  return `${gvk.group}/${gvk.kind}`;
}
