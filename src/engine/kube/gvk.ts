import type { GVK, KubeObject, ObjectKey } from './types.ts';

/** Splits `apps/v1` into group `apps`, version `v1`; `v1` is the core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function formatApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function gvkOf(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): GVK {
  return { ...parseApiVersion(obj.apiVersion ?? ''), kind: obj.kind ?? '' };
}

export function objectKey(obj: KubeObject): ObjectKey {
  return {
    group: parseApiVersion(obj.apiVersion ?? '').group,
    kind: obj.kind ?? '',
    namespace: obj.metadata?.namespace ?? '',
    name: obj.metadata?.name ?? '',
  };
}

/** `group/Kind/namespace/name`, the string form of an ObjectKey used as a map key. */
export function keyString(k: ObjectKey): string {
  return `${k.group}/${k.kind}/${k.namespace}/${k.name}`;
}

/** How users and Argo CD write a resource: `Kind/name`, `Kind/ns/name`, with the group when it is not core. */
export function describeKey(k: ObjectKey): string {
  const kind = k.group ? `${k.kind}.${k.group}` : k.kind;
  return k.namespace ? `${kind}/${k.namespace}/${k.name}` : `${kind}/${k.name}`;
}
