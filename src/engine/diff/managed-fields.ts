/**
 * DIF-6: fields owned by trusted managers (managedFieldsManagers) that differ between live and target are removed
 * from both sides. Ownership comes from live `metadata.managedFields[].fieldsV1` (structured-merge-diff's field
 * set: `f:<field>`, `k:<key json>`, `v:<value json>`, `i:<index>`).
 */
import { deepEqual, isMap, type JsonMap } from './json.ts';

type Seg = { field: string } | { key: JsonMap } | { index: number };

function resolve(container: unknown, seg: Seg): { parent: unknown; at: string | number; value: unknown } | undefined {
  if ('field' in seg) {
    if (!isMap(container) || !(seg.field in container)) return undefined;
    return { parent: container, at: seg.field, value: container[seg.field] };
  }
  if (!Array.isArray(container)) return undefined;
  if ('index' in seg) return seg.index < container.length ? { parent: container, at: seg.index, value: container[seg.index] } : undefined;
  const i = container.findIndex((e) => isMap(e) && Object.entries(seg.key).every(([k, v]) => deepEqual(e[k], v)));
  return i < 0 ? undefined : { parent: container, at: i, value: container[i] };
}

function parseSeg(k: string): Seg | undefined {
  if (k.startsWith('f:')) return { field: k.slice(2) };
  if (k.startsWith('i:')) return { index: Number(k.slice(2)) };
  if (k.startsWith('k:')) {
    try {
      const key = JSON.parse(k.slice(2)) as unknown;
      return isMap(key) ? { key } : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined; // `.` and `v:` (set members) never differ between both sides at the same path
}

interface Removal {
  live: { parent: unknown; at: string | number };
  target: { parent: unknown; at: string | number };
}

function collect(fields: JsonMap, live: unknown, target: unknown, out: Removal[]): void {
  for (const [k, sub] of Object.entries(fields)) {
    const seg = parseSeg(k);
    if (!seg) continue;
    const l = resolve(live, seg);
    const t = resolve(target, seg);
    if (!l || !t) continue;
    const children = isMap(sub) ? Object.keys(sub).filter((c) => c !== '.') : [];
    if (children.length && isMap(sub)) {
      collect(sub, l.value, t.value, out);
    } else if (!deepEqual(l.value, t.value)) {
      out.push({ live: l, target: t });
    }
  }
}

function remove(r: { parent: unknown; at: string | number }, done: Set<unknown>): void {
  if (Array.isArray(r.parent)) {
    // Splicing shifts later indexes: mark instead, then compact once per array.
    (r.parent as unknown[])[r.at as number] = REMOVED;
    done.add(r.parent);
  } else if (isMap(r.parent)) delete r.parent[r.at as string];
}

const REMOVED = Symbol('removed');

/** Removes, in place, the fields the trusted managers own that differ; returns how many were removed. */
export function normalizeManagedFields(live: JsonMap, target: JsonMap, managers: string[]): number {
  const entries = isMap(live.metadata) && Array.isArray(live.metadata.managedFields) ? live.metadata.managedFields : [];
  const removals: Removal[] = [];
  for (const e of entries) {
    if (!isMap(e) || typeof e.manager !== 'string' || !managers.includes(e.manager) || !isMap(e.fieldsV1)) continue;
    collect(e.fieldsV1, live, target, removals);
  }
  const arrays = new Set<unknown>();
  for (const r of removals) {
    remove(r.live, arrays);
    remove(r.target, arrays);
  }
  for (const a of arrays) {
    const arr = a as unknown[];
    for (let i = arr.length - 1; i >= 0; i--) if (arr[i] === REMOVED) arr.splice(i, 1);
  }
  return removals.length;
}
