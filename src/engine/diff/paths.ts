/** The JSON pointers of the fields that differ between two versions of an object (leaves, or whole added/removed subtrees). */
import { deepEqual, isMap, pointer } from './json.ts';

function namedItems(list: unknown[]): Map<string, number> | undefined {
  const m = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (!isMap(e) || typeof e.name !== 'string' || m.has(e.name)) return undefined;
    m.set(e.name, i);
  }
  return m;
}

function walk(a: unknown, b: unknown, path: (string | number)[], out: string[]): void {
  if (deepEqual(a, b)) return;
  if (isMap(a) && isMap(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      if (!(k in a)) out.push(pointer([...path, k]));
      else if (!(k in b)) out.push(pointer([...path, k]));
      else walk(a[k], b[k], [...path, k], out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    // Lists of named items (containers, env, volumes) pair by name, so inserting one does not mark every later one.
    const na = namedItems(a);
    const nb = namedItems(b);
    if (na && nb) {
      for (const [name, ib] of nb) {
        const ia = na.get(name);
        if (ia === undefined) out.push(pointer([...path, ib]));
        else walk(a[ia], b[ib], [...path, ib], out);
      }
      for (const [name, ia] of na) if (!nb.has(name)) out.push(pointer([...path, ia]));
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length || i >= b.length) out.push(pointer([...path, i]));
      else walk(a[i], b[i], [...path, i], out);
    }
    return;
  }
  out.push(pointer(path));
}

/** Pointers into `after` (or `before` for removed items), sorted and unique. Whole-object add/remove gives `""`. */
export function changedPaths(before: unknown, after: unknown): string[] {
  if (before === null || before === undefined || after === null || after === undefined) return before === after ? [] : [''];
  const out: string[] = [];
  walk(before, after, [], out);
  return [...new Set(out)];
}
