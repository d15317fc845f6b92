/**
 * Sets of field paths, as server-side apply records ownership in `managedFields` (the FieldsV1 format): a trie whose
 * edges are path elements — `f:<field>`, `k:<json of key fields>` for keyed list items, `v:<json>` for set items,
 * `i:<index>` — and whose nodes say whether their own path is in the set (`.` in FieldsV1 when they also have
 * children).
 */
import { isObject, type JsonObject } from './json.ts';

export class FieldSet {
  member = false;
  children: Map<string, FieldSet> | undefined;
  /**
   * Memos. Sets are built by insert/ensure and never changed once shared (union and difference share unchanged
   * subtrees between sets), so their emptiness and FieldsV1 form can be remembered.
   */
  private emptyMemo: boolean | undefined;
  private v1Memo: JsonObject | undefined;

  static fromPaths(paths: string[][]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  child(pe: string): FieldSet | undefined {
    return this.children?.get(pe);
  }

  ensure(pe: string): FieldSet {
    this.emptyMemo = undefined;
    this.v1Memo = undefined;
    this.entryMemo = undefined;
    this.children ??= new Map();
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  insert(path: readonly string[]): void {
    let cur: FieldSet = this;
    for (const pe of path) cur = cur.ensure(pe);
    cur.member = true;
    cur.emptyMemo = false;
    cur.v1Memo = undefined;
    cur.entryMemo = undefined;
  }

  has(path: readonly string[]): boolean {
    let cur: FieldSet | undefined = this;
    for (const pe of path) {
      cur = cur.children?.get(pe);
      if (!cur) return false;
    }
    return cur.member;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    if (this.emptyMemo !== undefined) return this.emptyMemo;
    let empty = true;
    if (this.children)
      for (const c of this.children.values())
        if (!c.isEmpty()) {
          empty = false;
          break;
        }
    this.emptyMemo = empty;
    return empty;
  }

  clone(): FieldSet {
    const s = new FieldSet();
    s.member = this.member;
    if (this.children) {
      s.children = new Map();
      for (const [k, c] of this.children) s.children.set(k, c.clone());
    }
    return s;
  }

  /** Paths in either set; unchanged subtrees are shared, not copied. */
  union(o: FieldSet | undefined): FieldSet {
    if (!o || o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    const s = new FieldSet();
    s.member = this.member || o.member;
    if (this.children || o.children) {
      s.children = new Map(this.children ?? []);
      if (o.children)
        for (const [k, oc] of o.children) {
          const tc = this.children?.get(k);
          s.children.set(k, tc ? tc.union(oc) : oc);
        }
    }
    return s;
  }

  /** Paths in this set and not in `o` (exact paths; a member of `o` does not remove this set's descendants). */
  difference(o: FieldSet | undefined): FieldSet {
    if (!o || o.isEmpty()) return this;
    const s = new FieldSet();
    s.member = this.member && !o.member;
    if (this.children) {
      for (const [k, c] of this.children) {
        const oc = o.children?.get(k);
        const d = oc ? c.difference(oc) : c;
        if (!d.isEmpty()) (s.children ??= new Map()).set(k, d);
      }
    }
    return s;
  }

  intersection(o: FieldSet | undefined): FieldSet {
    const s = new FieldSet();
    if (!o) return s;
    s.member = this.member && o.member;
    if (this.children && o.children) {
      for (const [k, c] of this.children) {
        const oc = o.children.get(k);
        if (!oc) continue;
        const i = c.intersection(oc);
        if (!i.isEmpty()) (s.children ??= new Map()).set(k, i);
      }
    }
    return s;
  }

  /** Whether every path of this set is in `o`. */
  isSubsetOf(o: FieldSet | undefined): boolean {
    if (this.member && !o?.member) return false;
    if (this.children)
      for (const [k, c] of this.children) {
        if (c.isEmpty()) continue;
        const oc = o?.children?.get(k);
        if (!oc || !c.isSubsetOf(oc)) return false;
      }
    return true;
  }

  /** Whether this set holds `path` or anything below it. */
  hasPrefix(path: readonly string[]): boolean {
    let cur: FieldSet | undefined = this;
    for (const pe of path) {
      cur = cur.children?.get(pe);
      if (!cur) return false;
    }
    return !cur.isEmpty();
  }

  /** Every path in the set, parents before children, siblings in FieldsV1 order. */
  paths(prefix: string[] = [], out: string[][] = []): string[][] {
    if (this.member && prefix.length) out.push(prefix);
    if (this.children) for (const k of [...this.children.keys()].sort()) this.children.get(k)!.paths([...prefix, k], out);
    return out;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    readInto(s, v);
    return s;
  }

  toFieldsV1(): JsonObject {
    if (this.v1Memo) return this.v1Memo;
    const out = this.buildV1();
    this.v1Memo = out;
    return out;
  }

  private buildV1(): JsonObject {
    const out: JsonObject = {};
    if (!this.children) return out;
    const keys = [...this.children.keys()].sort();
    for (const k of keys) {
      const c = this.children.get(k)!;
      if (c.isEmpty()) continue;
      out[k] = c.asEntry();
    }
    return out;
  }

  private entryMemo: JsonObject | undefined;

  /** This node as its parent lists it: its FieldsV1, with `.` first when it is a member with children. */
  private asEntry(): JsonObject {
    if (this.entryMemo && this.v1Memo) return this.entryMemo;
    const inner = this.toFieldsV1();
    const e = this.member && Object.keys(inner).length > 0 ? { '.': {}, ...inner } : inner;
    this.entryMemo = e;
    return e;
  }
}

function readInto(s: FieldSet, v: unknown): void {
  if (!isObject(v)) return;
  const keys = Object.keys(v);
  for (const k of keys) {
    if (k === '.') continue;
    const c = s.ensure(k);
    const inner = v[k];
    const innerKeys = isObject(inner) ? Object.keys(inner) : [];
    // A node is a member when it is a leaf `{}` or carries `.`.
    if (innerKeys.length === 0 || innerKeys.includes('.')) c.member = true;
    readInto(c, inner);
  }
}

/** `.spec.template.spec.containers[name="app"].image`: how conflicts name a path. */
export function pathString(path: readonly string[]): string {
  let out = '';
  for (const pe of path) {
    const kind = pe.slice(0, 2);
    const rest = pe.slice(2);
    if (kind === 'f:') out += `.${rest}`;
    else if (kind === 'k:') {
      try {
        const o = JSON.parse(rest) as Record<string, unknown>;
        out += `[${Object.entries(o).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      } catch {
        out += `[${rest}]`;
      }
    } else if (kind === 'v:') out += `[=${rest}]`;
    else if (kind === 'i:') out += `[${rest}]`;
    else out += `.${pe}`;
  }
  return out;
}
