/**
 * RFC 6902 JSON patch with the behaviour of gopkg.in/evanphx/json-patch.v4 (v4.12.0), the library both kustomize
 * and the Kubernetes API server apply JSON patches with. Its quirks are part of what users see:
 *   - `replace` of a missing object key adds it; `replace` of the whole document with a scalar does nothing;
 *   - `copy` or `move` from a missing object key writes null (copy) or fails on the remove (move);
 *   - negative array indexes count from the end; `-` appends (add only);
 *   - a path without a leading slash drops its first segment (`a/b` is `/b`);
 *   - null values count as absent when walking a path, and `test` of a missing key against null passes;
 *   - `test` compares scalars by their compacted JSON text (`1.0` is not `1`).
 * Error messages are the library's, word for word. The engine works on any document model through `DocModel`:
 * YAML node trees (kustomize) and plain JSON (the API server).
 */
import { goJsonString, type JVal } from './json-value.ts';
import type { Loc } from '../yaml/index.ts';

/** One operation as decoded: its fields, each a JSON value or null (a JSON `null`). */
export interface JsonPatchOp {
  fields: Map<string, JVal | null>;
  /** Where the operation was written. */
  loc?: Loc;
}

export class JsonPatchError extends Error {
  constructor(
    message: string,
    readonly op: JsonPatchOp | undefined,
    readonly index: number,
  ) {
    super(message);
  }
}

/** Where a value sits and what happened, for provenance. */
export interface OpInfo {
  op: JsonPatchOp;
  kind: string;
  path: string;
  from?: string;
}

/**
 * A document model. `V` is a value; containers are mutated in place. `get` returns undefined both for a missing
 * key and for a null value (the library's nil); `has` tells them apart.
 */
export interface DocModel<V> {
  isMap(v: V): boolean;
  isSeq(v: V): boolean;
  has(m: V, key: string): boolean;
  get(m: V, key: string): V | undefined;
  set(m: V, key: string, v: V | undefined, info: OpInfo, existing: V | undefined): void;
  del(m: V, key: string, info: OpInfo): void;
  len(s: V): number;
  at(s: V, i: number): V | undefined;
  insert(s: V, i: number, v: V | undefined, info: OpInfo): void;
  replaceAt(s: V, i: number, v: V | undefined, info: OpInfo, existing: V | undefined): void;
  removeAt(s: V, i: number, info: OpInfo): void;
  /** A new value from an operation's `value` (undefined: JSON null or no value). */
  fromJson(j: JVal | undefined, info: OpInfo): V | undefined;
  /** A deep copy for `copy`. */
  copy(v: V | undefined, info: OpInfo): V | undefined;
  /** The library's equality of a document value with an operation's value (undefined = null / absent). */
  equal(v: V | undefined, j: JVal | undefined): boolean;
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

function stringField(op: JsonPatchOp, name: string): { ok: true; v: string } | { ok: false; err: string } {
  const f = op.fields.get(name);
  if (f === undefined || f === null) {
    return { ok: false, err: name === 'path' ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}` };
  }
  if (f.t !== 'str') return { ok: false, err: `json: cannot unmarshal ${jsonKind(f)} into Go value of type string` };
  return { ok: true, v: f.v };
}

function jsonKind(j: JVal): string {
  return { null: 'null', bool: 'bool', num: 'number', str: 'string', arr: 'array', obj: 'object' }[j.t];
}

/** The operation's kind ("unknown" when absent or not a string, as the library reports it). */
export function opKind(op: JsonPatchOp): string {
  const f = op.fields.get('op');
  return f && f.t === 'str' ? f.v : 'unknown';
}

function opValue(op: JsonPatchOp): { present: boolean; value: JVal | undefined } {
  if (!op.fields.has('value')) return { present: false, value: undefined };
  const v = op.fields.get('value');
  return { present: true, value: v === null ? undefined : v };
}

function decodeKey(k: string): string {
  let out = '';
  for (let i = 0; i < k.length; i++) {
    if (k[i] === '~' && (k[i + 1] === '1' || k[i + 1] === '0')) {
      out += k[i + 1] === '1' ? '/' : '~';
      i++;
    } else out += k[i];
  }
  return out;
}

/** Go's strconv.Atoi, with its error text. */
function atoi(key: string): { ok: true; v: number } | { ok: false; err: string } {
  if (!/^[+-]?[0-9]+$/.test(key)) return { ok: false, err: `strconv.Atoi: parsing ${goQuote(key)}: invalid syntax` };
  const n = Number(key);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 9223372036854775807) return { ok: false, err: `strconv.Atoi: parsing ${goQuote(key)}: value out of range` };
  return { ok: true, v: n === 0 ? 0 : n };
}

function goQuote(s: string): string {
  return goJsonString(s).replace(/\\u003c/g, '<').replace(/\\u003e/g, '>').replace(/\\u0026/g, '&');
}

/** Applies a decoded patch. Returns the (possibly new) root. Throws JsonPatchError on the first failing operation. */
export function applyJsonPatchOps<V>(model: DocModel<V>, root: V, ops: JsonPatchOp[]): V {
  let doc = root;
  const findObject = (path: string): { con: V; key: string } | undefined => {
    const split = path.split('/');
    if (split.length < 2) return undefined;
    let cur = doc;
    for (const part of split.slice(1, -1)) {
      const next = getChild(cur, decodeKey(part));
      if (next === undefined) return undefined;
      if (!next.ok || next.v === undefined) return undefined;
      if (!model.isMap(next.v) && !model.isSeq(next.v)) return undefined;
      cur = next.v;
    }
    return { con: cur, key: decodeKey(split[split.length - 1]!) };
  };
  const getChild = (con: V, key: string): { ok: true; v: V | undefined } | { ok: false; err: string } | undefined => {
    if (model.isMap(con)) return { ok: true, v: model.get(con, key) };
    const i = seqIndex(con, key);
    if (!i.ok) return i;
    return { ok: true, v: model.at(con, i.v) };
  };
  const seqIndex = (s: V, key: string): { ok: true; v: number } | { ok: false; err: string } => {
    const n = atoi(key);
    if (!n.ok) return n;
    let idx = n.v;
    const len = model.len(s);
    if (idx < 0) {
      if (idx < -len) return { ok: false, err: `Unable to access invalid index: ${idx}: ${INVALID_INDEX}` };
      idx += len;
    }
    if (idx >= len) return { ok: false, err: `Unable to access invalid index: ${n.v}: ${INVALID_INDEX}` };
    return { ok: true, v: idx };
  };
  /** container.add: objects set the key; arrays insert at an index or append for '-'. */
  const add = (con: V, key: string, v: V | undefined, info: OpInfo): string | undefined => {
    if (model.isMap(con)) {
      model.set(con, key, v, info, model.get(con, key));
      return undefined;
    }
    if (key === '-') {
      model.insert(con, model.len(con), v, info);
      return undefined;
    }
    const n = atoi(key);
    if (!n.ok) return `value was not a proper array index: '${key}': ${n.err}`;
    const size = model.len(con) + 1;
    let idx = n.v;
    if (idx >= size) return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
    if (idx < 0) {
      if (idx < -size) return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
      idx += size;
    }
    model.insert(con, idx, v, info);
    return undefined;
  };
  const remove = (con: V, key: string, info: OpInfo): string | undefined => {
    if (model.isMap(con)) {
      if (!model.has(con, key)) return `Unable to remove nonexistent key: ${key}: ${MISSING}`;
      model.del(con, key, info);
      return undefined;
    }
    const n = atoi(key);
    if (!n.ok) return n.err;
    const len = model.len(con);
    let idx = n.v;
    if (idx >= len) return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
    if (idx < 0) {
      if (idx < -len) return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
      idx += len;
    }
    model.removeAt(con, idx, info);
    return undefined;
  };

  ops.forEach((op, index) => {
    const fail = (msg: string): never => {
      throw new JsonPatchError(msg, op, index);
    };
    const kind = opKind(op);
    const pathF = stringField(op, 'path');
    const path = pathF.ok ? pathF.v : '';
    const info: OpInfo = { op, kind, path };
    switch (kind) {
      case 'add': {
        if (!pathF.ok) fail(`add operation failed to decode path: ${MISSING}`);
        const at = findObject(path);
        if (!at) fail(`add operation does not apply: doc is missing path: ${goQuote(path)}: ${MISSING}`);
        const err = add(at!.con, at!.key, model.fromJson(opValue(op).value, info), info);
        if (err) fail(`error in add for path: '${path}': ${err}`);
        break;
      }
      case 'remove': {
        if (!pathF.ok) fail(`remove operation failed to decode path: ${MISSING}`);
        const at = findObject(path);
        if (!at) fail(`remove operation does not apply: doc is missing path: ${goQuote(path)}: ${MISSING}`);
        const err = remove(at!.con, at!.key, info);
        if (err) fail(`error in remove for path: '${path}': ${err}`);
        break;
      }
      case 'replace': {
        if (!pathF.ok) fail(`replace operation failed to decode path: ${pathF.ok ? '' : pathF.err}`);
        const { value } = opValue(op);
        if (path === '') {
          // The library returns a nil error for a scalar value here: the operation is silently skipped.
          if (value && (value.t === 'obj' || value.t === 'arr')) doc = model.fromJson(value, info) as V;
          break;
        }
        const at = findObject(path);
        if (!at) fail(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
        const { con, key } = at!;
        if (model.isMap(con)) {
          model.set(con, key, model.fromJson(value, info), info, model.get(con, key));
        } else {
          const i = seqIndex(con, key);
          if (!i.ok) fail(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
          const idx = (i as { v: number }).v;
          model.replaceAt(con, idx, model.fromJson(value, info), info, model.at(con, idx));
        }
        break;
      }
      case 'move': {
        const fromF = stringField(op, 'from');
        if (!fromF.ok) fail(`move operation failed to decode from: ${fromF.ok ? '' : fromF.err}`);
        const from = (fromF as { v: string }).v;
        info.from = from;
        const src = findObject(from);
        if (!src) fail(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
        const got = getChild(src!.con, src!.key);
        if (got && !got.ok) fail(`error in move for path: '${src!.key}': ${got.err}`);
        const val = got && got.ok ? got.v : undefined;
        const rerr = remove(src!.con, src!.key, info);
        if (rerr) fail(`error in move for path: '${src!.key}': ${rerr}`);
        if (!pathF.ok) fail(`move operation failed to decode path: ${pathF.ok ? '' : pathF.err}`);
        const dst = findObject(path);
        if (!dst) fail(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
        const err = add(dst!.con, dst!.key, val, info);
        if (err) fail(`error in move for path: '${path}': ${err}`);
        break;
      }
      case 'test': {
        if (!pathF.ok) fail(`test operation failed to decode path: ${pathF.ok ? '' : pathF.err}`);
        const { present, value } = opValue(op);
        if (path === '') {
          if (present && model.equal(doc, value)) break;
          fail(`testing value ${path} failed: test failed`);
        }
        const at = findObject(path);
        if (!at) fail(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
        const got = getChild(at!.con, at!.key);
        if (got && !got.ok) fail(`error in test for path: '${path}': ${got.err}`);
        const val = got && got.ok ? got.v : undefined;
        if (val === undefined) {
          if (present && value === undefined) break;
          fail(`testing value ${path} failed: test failed`);
        }
        if (!present) fail(`testing value ${path} failed: test failed`);
        if (!model.equal(val, value)) fail(`testing value ${path} failed: test failed`);
        break;
      }
      case 'copy': {
        const fromF = stringField(op, 'from');
        if (!fromF.ok) fail(`copy operation failed to decode from: ${fromF.ok ? '' : fromF.err}`);
        const from = (fromF as { v: string }).v;
        info.from = from;
        const src = findObject(from);
        if (!src) fail(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
        const got = getChild(src!.con, src!.key);
        if (got && !got.ok) fail(`error in copy for from: '${from}': ${got.err}`);
        const val = got && got.ok ? got.v : undefined;
        if (!pathF.ok) fail(`copy operation failed to decode path: ${MISSING}`);
        const dst = findObject(path);
        if (!dst) fail(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
        const err = add(dst!.con, dst!.key, model.copy(val, info), info);
        if (err) fail(`error while adding value during copy: ${err}`);
        break;
      }
      default:
        fail(`Unexpected kind: ${kind}`);
    }
  });
  return doc;
}

/**
 * Go json-patch's equality of a plain document value (as `toPlain` gives it) with an operation value: objects by
 * keys and values, arrays element by element, scalars by their JSON text.
 */
export function plainEqualsJval(v: unknown, j: JVal | undefined): boolean {
  if (v === null || v === undefined) return j === undefined || j.t === 'null';
  if (j === undefined) return false;
  if (Array.isArray(v)) {
    if (j.t !== 'arr' || j.items.length !== v.length) return false;
    return v.every((x, i) => plainEqualsJval(x, j.items[i]!.t === 'null' ? undefined : j.items[i]));
  }
  if (typeof v === 'object') {
    if (j.t !== 'obj') return false;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length !== j.entries.size) return false;
    for (const k of keys) {
      if (!j.entries.has(k)) return false;
      const jv = j.entries.get(k)!;
      const a = o[k];
      if ((a === null) !== (jv.t === 'null')) return false;
      if (a === null) continue;
      if (!plainEqualsJval(a, jv)) return false;
    }
    return true;
  }
  if (j.t === 'obj' || j.t === 'arr') return false;
  return scalarJsonText(v) === rawText(j);
}

function scalarJsonText(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return v.toString();
  return goJsonString(String(v));
}

function rawText(j: JVal): string {
  switch (j.t) {
    case 'null':
      return 'null';
    case 'bool':
      return j.v ? 'true' : 'false';
    case 'num':
      return j.raw;
    case 'str':
      return j.raw;
    default:
      return '';
  }
}
