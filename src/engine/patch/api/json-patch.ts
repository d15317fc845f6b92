/**
 * JSON patch (RFC 6902) on plain JSON, as the API server applies `application/json-patch+json` bodies (the same
 * json-patch library semantics as kustomize's, see json-patch-engine.ts).
 */
import { applyJsonPatchOps, JsonPatchError, plainEqualsJval, type DocModel, type JsonPatchOp } from '../json-patch-engine.ts';
import { JsonSyntaxError, jvalToPlain, parseJsonWithRaw, plainToJval, type JVal } from '../json-value.ts';
import { decodeOps } from '../json6902.ts';
import { isObject, PatchError, type Json, type JsonObject } from './go.ts';

class PlainModel implements DocModel<Json> {
  isMap(v: Json): boolean {
    return isObject(v);
  }
  isSeq(v: Json): boolean {
    return Array.isArray(v);
  }
  has(m: Json, key: string): boolean {
    return isObject(m) && Object.prototype.hasOwnProperty.call(m, key);
  }
  get(m: Json, key: string): Json | undefined {
    if (!isObject(m) || !Object.prototype.hasOwnProperty.call(m, key)) return undefined;
    const v = m[key]!;
    return v === null ? undefined : v;
  }
  set(m: Json, key: string, v: Json | undefined): void {
    (m as JsonObject)[key] = v ?? null;
  }
  del(m: Json, key: string): void {
    delete (m as JsonObject)[key];
  }
  len(s: Json): number {
    return Array.isArray(s) ? s.length : 0;
  }
  at(s: Json, i: number): Json | undefined {
    const v = (s as Json[])[i];
    return v === null ? undefined : v;
  }
  insert(s: Json, i: number, v: Json | undefined): void {
    (s as Json[]).splice(i, 0, v ?? null);
  }
  replaceAt(s: Json, i: number, v: Json | undefined): void {
    (s as Json[])[i] = v ?? null;
  }
  removeAt(s: Json, i: number): void {
    (s as Json[]).splice(i, 1);
  }
  fromJson(j: JVal | undefined): Json | undefined {
    return j === undefined ? undefined : (jvalToPlain(j) as Json);
  }
  copy(v: Json | undefined): Json | undefined {
    return v === undefined ? undefined : structuredClone(v);
  }
  equal(v: Json | undefined, j: JVal | undefined): boolean {
    return plainEqualsJval(v === undefined ? null : v, j);
  }
}

/** Decodes a JSON patch body (text, or already parsed operations). */
export function decodeJsonPatch(patch: string | unknown): JsonPatchOp[] {
  let top: JVal;
  if (typeof patch === 'string') {
    try {
      top = parseJsonWithRaw(patch);
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw new PatchError(e.message);
      throw e;
    }
  } else top = plainToJval(patch);
  try {
    return decodeOps(top);
  } catch (e) {
    throw new PatchError((e as Error).message);
  }
}

/** Applies a JSON patch to a JSON document; the input is not changed. Failures carry the library's message. */
export function applyJsonPatch(doc: unknown, patch: string | unknown): Json {
  const ops = decodeJsonPatch(patch);
  if (!isObject(doc) && !Array.isArray(doc)) throw new PatchError('invalid JSON document', 'bad-document');
  const root = structuredClone(doc) as Json;
  try {
    return applyJsonPatchOps(new PlainModel(), root, ops);
  } catch (e) {
    if (e instanceof JsonPatchError) throw new PatchError(e.message);
    throw e;
  }
}
