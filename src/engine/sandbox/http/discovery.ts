/**
 * Discovery documents, built from the resource registry: the legacy forms (`/api`, `/apis`, `/api/v1`,
 * `/apis/<group>/<version>`) and the aggregated form (apidiscovery.k8s.io/v2) kubectl asks for first.
 */
import { formatApiVersion } from '../../kube/index.ts';
import { fnv32a } from '../names.ts';
import type { JsonObject } from '../json.ts';
import type { ResourceRegistry, ResourceType } from '../registry.ts';

function storageVersionHash(t: ResourceType): string {
  return Buffer.from(fnv32a(`${t.group}/${t.storageVersion}/${t.kind}`).toString(16).padStart(8, '0')).toString('base64').slice(0, 11) + '=';
}

function resourceEntries(t: ResourceType): JsonObject[] {
  const main: JsonObject = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories.length) main.categories = t.categories;
  main.storageVersionHash = storageVersionHash(t);
  const out = [main];
  if (t.status) out.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
  if (t.scale) out.push({ name: `${t.plural}/scale`, singularName: '', namespaced: t.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  return out;
}

/** Group → versions (preferred first) → types. */
function byGroup(reg: ResourceRegistry): Map<string, Map<string, ResourceType[]>> {
  const out = new Map<string, Map<string, ResourceType[]>>();
  for (const t of reg.all()) {
    let g = out.get(t.group);
    if (!g) out.set(t.group, (g = new Map()));
    for (const v of t.versions) g.set(v, [...(g.get(v) ?? []), t]);
  }
  return out;
}

function preferredVersion(reg: ResourceRegistry, group: string): string {
  const types = reg.all().filter((t) => t.group === group);
  return types[0]?.versions[0] ?? 'v1';
}

export function apiVersions(serverAddress: string): JsonObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroup(reg: ResourceRegistry, group: string): JsonObject | undefined {
  const g = byGroup(reg).get(group);
  if (!g || !group) return undefined;
  const pref = preferredVersion(reg, group);
  const versions = [...g.keys()].sort((a, b) => (a === pref ? -1 : b === pref ? 1 : 0));
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions: versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${group}/${pref}`, version: pref },
  };
}

export function apiGroupList(reg: ResourceRegistry): JsonObject {
  const groups = [...byGroup(reg).keys()].filter((g) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => { const x = apiGroup(reg, g)!; delete x.kind; delete x.apiVersion; return x; }) };
}

export function apiResourceList(reg: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const types = byGroup(reg).get(group)?.get(version);
  if (!types) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: formatApiVersion(group, version), resources: types.flatMap(resourceEntries) };
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList for `/api` (core) or `/apis` (named groups). */
export function aggregatedDiscovery(reg: ResourceRegistry, core: boolean): JsonObject {
  const groups = byGroup(reg);
  const items: JsonObject[] = [];
  for (const [group, versions] of groups) {
    if ((group === '') !== core) continue;
    const pref = preferredVersion(reg, group);
    const vs = [...versions.keys()].sort((a, b) => (a === pref ? -1 : b === pref ? 1 : 0));
    items.push({
      metadata: { name: group, creationTimestamp: null },
      versions: vs.map((v) => ({
        version: v,
        resources: versions.get(v)!.map((t) => {
          const r: JsonObject = {
            resource: t.plural,
            responseKind: { group: t.group, version: v, kind: t.kind },
            scope: t.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: t.singular,
            verbs: t.verbs,
          };
          if (t.shortNames.length) r.shortNames = t.shortNames;
          if (t.categories.length) r.categories = t.categories;
          const subs: JsonObject[] = [];
          if (t.status) subs.push({ subresource: 'status', responseKind: { group: t.group, version: v, kind: t.kind }, verbs: ['get', 'patch', 'update'] });
          if (t.scale) subs.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
          if (subs.length) r.subresources = subs;
          return r;
        }),
        freshness: 'Current',
      })),
    });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
