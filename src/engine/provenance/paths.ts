/**
 * Field paths as users write them: a JSON pointer (`/spec/template/spec/containers/0/image`) or a dotted path with
 * list items picked by key or index (`spec.template.spec.containers[name=app].image`, `spec.ports[0].port`,
 * kustomize's own `containers.[name=app]` spelling too). A key holding dots goes in brackets
 * (`metadata.labels[app.kubernetes.io/name]`, or quoted: `metadata.labels["app.kubernetes.io/name"]`) or has its
 * dots escaped (`metadata.labels.app\.kubernetes\.io/name`).
 */
import { GitOpsError } from '../errors/index.ts';
import type { YNode } from '../yaml/index.ts';
import { escapeSegment, unescapeSegment } from './nodes.ts';

export type Segment = { key: string } | { index: number } | { match: { key: string; value: string } };

function bad(field: string, why: string): never {
  throw new GitOpsError(`field ${JSON.stringify(field)}: ${why}`, undefined, 'usage');
}

function unquote(s: string): string {
  if (s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"') {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  if (s.length >= 2 && s[0] === "'" && s[s.length - 1] === "'") return s.slice(1, -1);
  return s;
}

/** Parses a field path into segments; throws a GitOpsError (code 'usage') for a malformed one. */
export function parseFieldPath(field: string): Segment[] {
  if (field === '' || field === '/') return [];
  if (field.startsWith('/')) {
    return field
      .slice(1)
      .split('/')
      .map((s) => ({ key: unescapeSegment(s) }));
  }
  const out: Segment[] = [];
  let i = 0;
  let cur = '';
  let pending = false;
  const flush = () => {
    if (pending) out.push({ key: cur });
    cur = '';
    pending = false;
  };
  while (i < field.length) {
    const c = field[i]!;
    if (c === '\\' && i + 1 < field.length) {
      cur += field[i + 1];
      pending = true;
      i += 2;
    } else if (c === '.') {
      if (!pending && out.length === 0) bad(field, 'starts with a dot');
      flush();
      i++;
    } else if (c === '[') {
      flush();
      let depthQuote = '';
      let j = i + 1;
      for (; j < field.length; j++) {
        const d = field[j]!;
        if (depthQuote) {
          if (d === depthQuote) depthQuote = '';
        } else if (d === '"' || d === "'") depthQuote = d;
        else if (d === ']') break;
      }
      if (j >= field.length) bad(field, `unclosed [ at character ${i + 1}`);
      const inner = field.slice(i + 1, j).trim();
      const eq = inner.indexOf('=');
      if (inner === '') bad(field, 'empty [] selector');
      else if (/^\d+$/.test(inner)) out.push({ index: Number(inner) });
      else if (eq > 0 && !/^["']/.test(inner)) out.push({ match: { key: inner.slice(0, eq).trim(), value: unquote(inner.slice(eq + 1).trim()) } });
      else out.push({ key: unquote(inner) });
      i = j + 1;
      if (i < field.length && field[i] !== '.' && field[i] !== '[') bad(field, `expected . or [ after ] at character ${i + 1}`);
      if (field[i] === '.') i++;
    } else {
      cur += c;
      pending = true;
      i++;
    }
  }
  flush();
  return out;
}

/** A JSON pointer from keys and indices. */
export function toPointer(parts: readonly (string | number)[]): string {
  let s = '';
  for (const p of parts) s += '/' + (typeof p === 'number' ? String(p) : escapeSegment(p));
  return s;
}

/** Splits a JSON pointer into its (unescaped) segments. */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescapeSegment);
}

/**
 * A JSON pointer written the way people read fields: dotted, list items by their `name` (or `containerPort`, `key`,
 * … when they have no name) or by index, keys with dots or slashes in brackets.
 */
export function dottedPath(parts: readonly { key?: string; index?: number; itemName?: string; itemKey?: string }[]): string {
  let s = '';
  for (const p of parts) {
    if (p.index !== undefined) {
      s += p.itemName !== undefined ? `[${p.itemKey ?? 'name'}=${p.itemName}]` : `[${p.index}]`;
    } else {
      const k = p.key!;
      if (/^[A-Za-z0-9_$-]+$/.test(k)) s += (s ? '.' : '') + k;
      else if (/[=[\]"'\\]/.test(k) || k.trim() !== k || k === '') s += `[${JSON.stringify(k)}]`;
      else s += `[${k}]`;
    }
  }
  return s;
}

/**
 * A JSON pointer into `value` as a dotted path (`spec.template.spec.containers[name=app].image`): list items that
 * hold a unique `name` are picked by it, others by index; keys that are not plain words go in brackets.
 */
export function displayPath(value: unknown, pointer: string): string {
  const parts: { key?: string; index?: number; itemName?: string }[] = [];
  let cur: unknown = value;
  for (const seg of fromPointer(pointer)) {
    if (Array.isArray(cur)) {
      const i = Number(seg);
      const item = cur[i] as Record<string, unknown> | undefined;
      const name = item && typeof item === 'object' && !Array.isArray(item) ? item.name : undefined;
      const unique = typeof name === 'string' && cur.filter((x) => x && typeof x === 'object' && (x as Record<string, unknown>).name === name).length === 1;
      parts.push(unique && /^[^\]=]+$/.test(name) ? { index: i, itemName: name } : { index: i });
      cur = item;
    } else {
      parts.push({ key: seg });
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return dottedPath(parts) || '.';
}

/** `displayPath` read straight off a node tree (no plain copy of the whole object needed). */
export function displayPathOfNode(root: YNode, pointer: string): string {
  const parts: { key?: string; index?: number; itemName?: string }[] = [];
  let cur: YNode | undefined = root;
  const nameOf = (n: YNode | undefined): string | undefined => {
    if (!n || n.kind !== 'map') return undefined;
    for (const e of n.entries) if (e.key.value === 'name') return e.value.kind === 'scalar' && e.value.tag === '!!str' ? e.value.value : undefined;
    return undefined;
  };
  for (const seg of fromPointer(pointer)) {
    if (cur && cur.kind === 'seq') {
      const i = Number(seg);
      const item: YNode | undefined = cur.items[i];
      const name = nameOf(item);
      const unique = name !== undefined && /^[^\]=]+$/.test(name) && cur.items.filter((x) => nameOf(x) === name).length === 1;
      parts.push(unique ? { index: i, itemName: name } : { index: i });
      cur = item;
    } else {
      parts.push({ key: seg });
      let next: YNode | undefined;
      if (cur && cur.kind === 'map') for (const e of cur.entries) if (e.key.value === seg) next = e.value;
      cur = next;
    }
  }
  return dottedPath(parts) || '.';
}
