/**
 * The bits of Go behaviour the API server's patch code leans on, for plain JSON values: a value's dynamic type
 * (maps, slices, strings, numbers, bools, nil), deep equality, `fmt.Sprintf("%v", v)` (used to sort list elements
 * and scalars), and the error texts of k8s.io/apimachinery/pkg/util/mergepatch.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export type GoKind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil';

export function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'object':
      return 'map';
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'nil';
  }
}

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ka = goKind(a);
  if (ka !== goKind(b)) return false;
  if (ka === 'slice') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => deepEqual(v, y[i]));
  }
  if (ka === 'map') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const kx = Object.keys(x);
    if (kx.length !== Object.keys(y).length) return false;
    return kx.every((k) => Object.prototype.hasOwnProperty.call(y, k) && deepEqual(x[k], y[k]));
  }
  return false;
}

export function deepCopy<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

/** Go's %v of a float64: strconv's shortest 'g' form, so exponent notation from 1e6 up and below 1e-4. */
function goFloatV(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mant, expStr] = n.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}

/** fmt.Sprintf("%v", v) for JSON values. */
export function fmtV(v: unknown): string {
  switch (goKind(v)) {
    case 'nil':
      return '<nil>';
    case 'string':
      return v as string;
    case 'bool':
      return v ? 'true' : 'false';
    case 'number':
      return typeof v === 'bigint' ? v.toString() : goFloatV(v as number);
    case 'slice':
      return '[' + (v as unknown[]).map(fmtV).join(' ') + ']';
    case 'map': {
      const o = v as Record<string, unknown>;
      return 'map[' + Object.keys(o).sort().map((k) => `${k}:${fmtV(o[k])}`).join(' ') + ']';
    }
  }
}

/** Byte-wise (UTF-8) string order, as Go compares strings. */
export function goLess(a: string, b: string): boolean {
  if (a === b) return false;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length;
}

export function goCompare(a: string, b: string): number {
  return a === b ? 0 : goLess(a, b) ? -1 : 1;
}

/** A Go type name as mergepatch's messages print it. */
export function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case 'nil':
      return '%!s(<nil>)';
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'bool':
      return 'bool';
  }
}

/** Errors the patch code reports; `code` lets the API front map them to a Status (all are 4xx "bad patch"). */
export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-patch' | 'bad-document' | 'conflict' | 'unsupported' = 'bad-patch',
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

export const errBadJSONDoc = () => new PatchError('invalid JSON document', 'bad-document');
export const errNoListOfLists = () => new PatchError('lists of lists are not supported');
export const errBadPatchFormatForPrimitiveList = () => new PatchError('invalid patch format of primitive list');
export const errBadPatchFormatForRetainKeys = () => new PatchError('invalid patch format of retainKeys');
export const errBadPatchFormatForSetElementOrderList = () => new PatchError('invalid patch format of setElementOrder list');
export const errBadArgType = (expected: string, actual: unknown) => new PatchError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
export const errNoMergeKey = (m: unknown, k: string) => new PatchError(`map: ${fmtV(m)} does not contain declared merge key: ${k}`);
export const errBadPatchType = (t: unknown, m: unknown) => new PatchError(`unknown patch type: ${fmtV(t)} in map: ${fmtV(m)}`);
