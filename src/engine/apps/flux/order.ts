/**
 * Flux dependsOn (FLX-2): the order in which Kustomizations become ready, dependencies first. A dependency that is
 * not defined in the repo is reported (the controller would wait for it forever unless it exists in the cluster);
 * a cycle is reported once and never resolves, as in the controller.
 */
import type { YNode } from '../../yaml/index.ts';
import { locate } from '../scan.ts';
import type { AppEntry, AppError } from '../types.ts';

export function dependencyOrder(apps: AppEntry[], nodes?: Map<string, YNode>): { order: string[]; errors: AppError[] } {
  const errors: AppError[] = [];
  const byId = new Map(apps.map((a) => [a.id, a]));
  const rank = new Map(apps.map((a, i) => [a.id, i]));
  const deps = new Map<string, string[]>();
  for (const a of apps) {
    const list: string[] = [];
    (a.flux?.dependsOn ?? []).forEach((d, i) => {
      const id = `Kustomization/${d.namespace}/${d.name}`;
      if (!byId.has(id)) {
        const at = locate(nodes?.get(a.id), ['spec', 'dependsOn', i], a.definedIn);
        errors.push({ ...at, message: `Kustomization ${a.name} depends on ${d.namespace}/${d.name}, which is not defined in this repository`, app: a.name });
        return;
      }
      list.push(id);
    });
    deps.set(a.id, list);
  }
  // Kahn's algorithm; among ready apps the one found first goes first (a stable, readable order).
  const indegree = new Map(apps.map((a) => [a.id, deps.get(a.id)!.length]));
  const dependents = new Map<string, string[]>();
  for (const [id, ds] of deps) for (const d of ds) dependents.set(d, [...(dependents.get(d) ?? []), id]);
  const ready = apps.filter((a) => indegree.get(a.id) === 0).map((a) => a.id);
  const order: string[] = [];
  while (ready.length) {
    ready.sort((x, y) => rank.get(x)! - rank.get(y)!);
    const id = ready.shift()!;
    order.push(id);
    for (const n of dependents.get(id) ?? []) {
      indegree.set(n, indegree.get(n)! - 1);
      if (indegree.get(n) === 0) ready.push(n);
    }
  }
  const left = apps.filter((a) => !order.includes(a.id));
  if (left.length) {
    // Report each cycle once, from the first app in it.
    const reported = new Set<string>();
    for (const start of left) {
      if (reported.has(start.id)) continue;
      const path: string[] = [];
      let cur: string | undefined = start.id;
      while (cur && !path.includes(cur)) {
        path.push(cur);
        cur = (deps.get(cur) ?? []).find((d) => left.some((l) => l.id === d));
      }
      if (!cur) continue;
      const cycle = [...path.slice(path.indexOf(cur)), cur];
      cycle.forEach((c) => reported.add(c));
      const first = byId.get(cycle[0]!)!;
      const idx = (first.flux?.dependsOn ?? []).findIndex((d) => `Kustomization/${d.namespace}/${d.name}` === cycle[1]);
      const at = locate(nodes?.get(first.id), ['spec', 'dependsOn', Math.max(0, idx)], first.definedIn);
      errors.push({ ...at, message: `dependsOn cycle: ${cycle.map((c) => byId.get(c)!.name).join(' → ')} (none of them will ever be applied)`, app: first.name });
    }
    // Apps in or behind a cycle go last, in the order they were found.
    order.push(...left.sort((x, y) => rank.get(x.id)! - rank.get(y.id)!).map((a) => a.id));
  }
  return { order, errors };
}
