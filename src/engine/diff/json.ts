/** Small JSON-value helpers shared by the diff pipeline: the objects are plain JSON (what Go's unstructured holds). */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonMap = { [k: string]: unknown };

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy through JSON, which is also Go's remarshal: undefined vanishes, numbers stay numbers. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!(k in b) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** Go's json.Marshal of a map: keys sorted by byte order at every level. Modified is decided on these bytes. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(byteOrder);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function byteOrder(a: string, b: string): number {
  // UTF-16 order equals UTF-8 byte order except for astral characters, which Kubernetes keys never hold.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts map keys at every level (for printing live objects the way Argo CD's Go code does). */
export function sortKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortKeys) as T;
  if (isMap(v)) {
    const out: JsonMap = {};
    for (const k of Object.keys(v).sort(byteOrder)) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
    return out as T;
  }
  return v;
}

/** RFC 6901 token escaping. */
export function escapePointerToken(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointerToken(t: string): string {
  return t.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function pointer(path: (string | number)[]): string {
  return path.map((p) => '/' + escapePointerToken(String(p))).join('');
}

export function parsePointer(p: string): string[] | undefined {
  if (p === '') return [];
  if (!p.startsWith('/')) return undefined;
  return p.slice(1).split('/').map(unescapePointerToken);
}

/** RFC 6902 `remove`: true when something was removed; a missing path is not an error for our callers. */
export function removeAtPointer(doc: unknown, tokens: string[]): boolean {
  if (tokens.length === 0) return false;
  let cur: unknown = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    cur = child(cur, tokens[i]!);
    if (cur === undefined) return false;
  }
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(cur)) {
    if (!/^(0|[1-9]\d*)$/.test(last)) return false;
    const i = Number(last);
    if (i >= cur.length) return false;
    cur.splice(i, 1);
    return true;
  }
  if (isMap(cur) && Object.prototype.hasOwnProperty.call(cur, last)) {
    delete cur[last];
    return true;
  }
  return false;
}

export function child(cur: unknown, token: string): unknown {
  if (Array.isArray(cur)) {
    if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
    return cur[Number(token)];
  }
  if (isMap(cur) && Object.prototype.hasOwnProperty.call(cur, token)) return cur[token];
  return undefined;
}

export function getPath(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const t of path) {
    cur = child(cur, t);
    if (cur === undefined) return undefined;
  }
  return cur;
}
