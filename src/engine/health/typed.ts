/**
 * Reading unstructured objects the way the typed Go checks see them after `FromUnstructured`: absent fields are
 * zero values, a field of the wrong JSON type fails the conversion (which Argo reports as Unknown, HLT-2).
 */
import { HealthCheckError } from './types.ts';

export type Json = unknown;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export class Reader {
  constructor(private readonly kind: string) {}

  private fail(path: string, want: string, got: unknown): never {
    throw new HealthCheckError(`failed to convert unstructured ${this.kind} to typed: ${path}: expected ${want}, got ${describe(got)}`);
  }

  /** The raw value at a dotted path, or undefined; non-objects on the way are conversion errors. */
  get(root: unknown, path: string): unknown {
    let cur: unknown = root;
    const parts = path.split('.');
    for (let i = 0; i < parts.length; i++) {
      if (cur === undefined || cur === null) return undefined;
      if (typeof cur !== 'object' || Array.isArray(cur)) this.fail(parts.slice(0, i).join('.'), 'object', cur);
      cur = (cur as Record<string, unknown>)[parts[i]!];
    }
    return cur;
  }

  /** An integer field; `undefined` when absent or null (a nil pointer in Go). */
  intPtr(root: unknown, path: string): number | undefined {
    const v = this.get(root, path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(path, 'integer', v);
    return v;
  }

  int(root: unknown, path: string): number {
    return this.intPtr(root, path) ?? 0;
  }

  str(root: unknown, path: string): string {
    const v = this.get(root, path);
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') this.fail(path, 'string', v);
    return v;
  }

  bool(root: unknown, path: string): boolean {
    const v = this.get(root, path);
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') this.fail(path, 'boolean', v);
    return v;
  }

  /** A list of objects (conditions, container statuses); a null or absent list is empty. */
  objects(root: unknown, path: string): Record<string, unknown>[] {
    const v = this.get(root, path);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(path, 'array', v);
    return v.map((item, i) => {
      if (item === null) return {};
      if (typeof item !== 'object' || Array.isArray(item)) this.fail(`${path}[${i}]`, 'object', item);
      return item as Record<string, unknown>;
    });
  }

  present(root: unknown, path: string): boolean {
    const v = this.get(root, path);
    return v !== undefined && v !== null;
  }
}
