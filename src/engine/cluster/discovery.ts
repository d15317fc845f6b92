/** Discovery answers shared by every target: lookups by group/kind over the served resource list. */
import type { ApiResource, Discovery } from './types.ts';

export function makeDiscovery(resources: ApiResource[]): Discovery {
  const byGk = new Map<string, ApiResource>();
  for (const r of resources) {
    const k = `${r.group}/${r.kind}`;
    // The first answer wins: a kind served by several groups is looked up with its group anyway.
    if (!byGk.has(k)) byGk.set(k, r);
  }
  return { resources, lookup: (group, kind) => byGk.get(`${group}/${kind}`) };
}
