/**
 * The one place the renderer calls the patch engine (strategic merge and JSON 6902 on node trees). Everything
 * about choosing targets, loading patch files and kustomize's bookkeeping around a patch lives in patches.ts; the
 * merge itself is src/engine/patch's. Until that lands, a small fallback here covers plain maps, lists merged by
 * `name`, `$patch: delete|replace` and the six JSON patch operations.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Change, Loc, MapNode, SeqNode, YNode } from '../yaml/index.ts';
import { clone, entry, isNull, morph, newMap, newSeq, removeField, setField, type Recorder } from './tree.ts';

export interface PatchContext {
  rec: Recorder;
  /** The change to note on every node the patch sets (op, detail, and the patch file or kustomization line). */
  change: Change;
  /** An OpenAPI schema document (`openapi:` in the kustomization) with merge keys for custom types, if any. */
  schema?: unknown;
}

/** Applies a strategic merge patch to `target` in place; returns false when the patch deleted the whole object. */
export function applyStrategicMerge(target: MapNode, patch: MapNode, ctx: PatchContext): boolean {
  const directive = entry(patch, '$patch');
  if (directive && directive.value.kind === 'scalar' && directive.value.value === 'delete') return false;
  mergeMap(target, patch, ctx);
  return true;
}

/** Applies JSON 6902 operations (a list node of op maps) to `target` in place. */
export function applyJson6902(target: MapNode, ops: SeqNode, ctx: PatchContext): void {
  for (const op of ops.items) applyOp(target, op, ctx);
}

// ---- fallback strategic merge ------------------------------------------------------------------------------------

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  tolerations: 'key',
};

function mergeMap(target: MapNode, patch: MapNode, ctx: PatchContext): void {
  const dir = entry(patch, '$patch');
  if (dir && dir.value.kind === 'scalar' && dir.value.value === 'replace') {
    const copy = clone(patch);
    removeField(copy, '$patch');
    ctx.rec.noteTree(copy, ctx.change);
    morph(target, copy);
    return;
  }
  for (const e of patch.entries) {
    const key = e.key.value;
    if (key.startsWith('$')) continue;
    const pv = e.value;
    const te = entry(target, key);
    if (isNull(pv)) {
      if (te) removeField(target, key);
      continue;
    }
    if (!te) {
      const v = clone(pv);
      stripDirectives(v);
      ctx.rec.noteTree(v, ctx.change);
      setField(target, key, v, e.key.origin);
      continue;
    }
    const tv = te.value;
    if (pv.kind === 'map' && tv.kind === 'map') {
      const d = entry(pv, '$patch');
      if (d && d.value.kind === 'scalar' && d.value.value === 'delete') {
        removeField(target, key);
        continue;
      }
      mergeMap(tv, pv, ctx);
    } else if (pv.kind === 'seq' && tv.kind === 'seq') {
      te.value = mergeList(tv, pv, MERGE_KEYS[key], ctx);
    } else {
      const v = clone(pv);
      stripDirectives(v);
      ctx.rec.noteTree(v, ctx.change);
      te.value = v;
    }
  }
}

function stripDirectives(n: YNode): void {
  if (n.kind === 'map') {
    n.entries = n.entries.filter((e) => !e.key.value.startsWith('$'));
    for (const e of n.entries) stripDirectives(e.value);
  } else if (n.kind === 'seq') for (const it of n.items) stripDirectives(it);
}

function mergeList(target: SeqNode, patch: SeqNode, key: string | undefined, ctx: PatchContext): SeqNode {
  const mergeable = key && patch.items.every((it) => it.kind === 'map' && (entry(it, key) || entry(it, '$patch')));
  if (!mergeable) {
    const v = clone(patch);
    stripDirectives(v);
    ctx.rec.noteTree(v, ctx.change);
    return v;
  }
  // kustomize puts the patch's items first, in the patch's order, then the target's remaining items.
  const keyOf = (n: YNode) => {
    const v = n.kind === 'map' ? entry(n, key!)?.value : undefined;
    return v && v.kind === 'scalar' ? v.value : undefined;
  };
  const remaining = target.items.slice();
  const front: YNode[] = [];
  for (const it of patch.items as MapNode[]) {
    const k = keyOf(it);
    const d = entry(it, '$patch');
    const idx = k === undefined ? -1 : remaining.findIndex((t) => keyOf(t) === k);
    if (d && d.value.kind === 'scalar' && d.value.value === 'delete') {
      if (idx >= 0) remaining.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const t = remaining.splice(idx, 1)[0] as MapNode;
      mergeMap(t, it, ctx);
      front.push(t);
    } else {
      const v = clone(it);
      stripDirectives(v);
      ctx.rec.noteTree(v, ctx.change);
      front.push(v);
    }
  }
  target.items = [...front, ...remaining];
  return target;
}

// ---- fallback JSON 6902 ------------------------------------------------------------------------------------------

function pointer(path: string, at?: Loc): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new GitOpsError(`JSON patch path ${JSON.stringify(path)} must start with /`, at, 'patch');
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function str(op: MapNode, k: string): string | undefined {
  const v = entry(op, k)?.value;
  return v && v.kind === 'scalar' && !isNull(v) ? v.value : undefined;
}

function parentOf(root: YNode, segs: string[], at?: Loc): { parent: YNode; last: string } {
  let cur: YNode = root;
  for (const s of segs.slice(0, -1)) {
    const next: YNode | undefined = cur.kind === 'map' ? entry(cur, s)?.value : cur.kind === 'seq' ? cur.items[Number(s)] : undefined;
    if (!next) throw new GitOpsError(`JSON patch path /${segs.join('/')}: ${s} not found`, at, 'patch');
    cur = next;
  }
  return { parent: cur, last: segs[segs.length - 1]! };
}

function getAt(root: YNode, segs: string[], at?: Loc): YNode {
  let cur: YNode | undefined = root;
  for (const s of segs) {
    cur = cur?.kind === 'map' ? entry(cur, s)?.value : cur?.kind === 'seq' ? cur.items[Number(s)] : undefined;
    if (!cur) throw new GitOpsError(`JSON patch path /${segs.join('/')} not found`, at, 'patch');
  }
  return cur!;
}

function addAt(root: YNode, segs: string[], value: YNode, replace: boolean, at?: Loc): void {
  if (!segs.length) {
    morph(root, value);
    return;
  }
  const { parent, last } = parentOf(root, segs, at);
  if (parent.kind === 'map') {
    if (replace && !entry(parent, last)) throw new GitOpsError(`JSON patch replace: /${segs.join('/')} does not exist`, at, 'patch');
    setField(parent, last, value);
  } else if (parent.kind === 'seq') {
    const i = last === '-' ? parent.items.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.items.length || (replace && i >= parent.items.length)) {
      throw new GitOpsError(`JSON patch: index ${last} out of range at /${segs.join('/')}`, at, 'patch');
    }
    if (replace) parent.items[i] = value;
    else parent.items.splice(i, 0, value);
  } else throw new GitOpsError(`JSON patch: /${segs.slice(0, -1).join('/')} is not a map or list`, at, 'patch');
}

function removeAt(root: YNode, segs: string[], at?: Loc): YNode {
  const { parent, last } = parentOf(root, segs, at);
  if (parent.kind === 'map') {
    const e = entry(parent, last);
    if (!e) throw new GitOpsError(`JSON patch remove: /${segs.join('/')} does not exist`, at, 'patch');
    removeField(parent, last);
    return e.value;
  }
  if (parent.kind === 'seq') {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.items.length) throw new GitOpsError(`JSON patch remove: index ${last} out of range`, at, 'patch');
    return parent.items.splice(i, 1)[0]!;
  }
  throw new GitOpsError(`JSON patch remove: /${segs.join('/')} not found`, at, 'patch');
}

function applyOp(target: MapNode, opNode: YNode, ctx: PatchContext): void {
  const at = opNode.origin ?? ctx.change.at;
  if (opNode.kind !== 'map') throw new GitOpsError('a JSON patch operation must be a map', at, 'patch');
  const op = str(opNode, 'op');
  const path = pointer(str(opNode, 'path') ?? '', at);
  const change: Change = { ...ctx.change, at: opNode.origin ?? ctx.change.at, detail: `${op} ${str(opNode, 'path') ?? ''}` };
  const value = () => {
    const v = entry(opNode, 'value')?.value;
    if (!v) throw new GitOpsError(`JSON patch ${op} needs a value`, at, 'patch');
    const c = clone(v);
    ctx.rec.noteTree(c, change);
    return c;
  };
  switch (op) {
    case 'add':
      addAt(target, path, value(), false, at);
      break;
    case 'replace':
      addAt(target, path, value(), true, at);
      break;
    case 'remove':
      removeAt(target, path, at);
      break;
    case 'move': {
      const from = pointer(str(opNode, 'from') ?? '', at);
      const v = removeAt(target, from, at);
      ctx.rec.noteTree(v, change);
      addAt(target, path, v, false, at);
      break;
    }
    case 'copy': {
      const from = pointer(str(opNode, 'from') ?? '', at);
      const v = clone(getAt(target, from, at));
      ctx.rec.noteTree(v, change);
      addAt(target, path, v, false, at);
      break;
    }
    case 'test': {
      const cur = getAt(target, path, at);
      const want = entry(opNode, 'value')?.value;
      if (!want || JSON.stringify(strip(cur)) !== JSON.stringify(strip(want))) throw new GitOpsError(`JSON patch test failed at ${str(opNode, 'path')}`, at, 'patch');
      break;
    }
    default:
      throw new GitOpsError(`unknown JSON patch operation ${JSON.stringify(op)}`, at, 'patch');
  }
}

function strip(n: YNode): unknown {
  if (n.kind === 'scalar') return [n.tag, n.value];
  if (n.kind === 'seq') return n.items.map(strip);
  return n.entries.map((e) => [e.key.value, strip(e.value)]);
}

export { newMap, newSeq };
