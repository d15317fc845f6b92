/**
 * kustomize's patch transformers around the patch engine: `patchesStrategicMerge`, `patches` (strategic merge or
 * JSON 6902, inline or from a file, with `target` selectors and `allowNameChange`/`allowKindChange`) and
 * `patchesJson6902`. This module loads and classifies patches, picks targets, and keeps kustomize's bookkeeping
 * (the object's name, kind and namespace survive a patch unless allowed to change); the merge itself is one call
 * into patch-engine.ts.
 */
import { GitOpsError } from '../errors/index.ts';
import { parseYamlDocuments, type Loc, type MapNode, type YNode } from '../yaml/index.ts';
import { parseObjects, type ParseCache } from './factory.ts';
import type { Kustomization, PatchArg, SelectorArg } from './kustomization.ts';
import type { Loader } from './loader.ts';
import { json6902, parseJson6902, strategicMerge, type Json6902Patch, type KustomizeSchema, type PatchCall, type TextOrigin } from './patch-engine.ts';
import { Resource, ResMap } from './resource.ts';
import { describeId, idEquals, parseGroupVersion, type ResId } from './resid.ts';
import { compileSelector } from './select.ts';
import { clone, get, getString, mapFromStrings, removeField, setField, stringMap, valuesByKey, type Recorder } from './tree.ts';

export interface SmPatch {
  node: MapNode;
  allowNameChange: boolean;
  allowKindChange: boolean;
  /** Where it came from, for messages, and the file it is written in. */
  source: string;
  file: string;
}

export interface PatchSource {
  text: string;
  /** File the text is in (the patch file, or the kustomization for inline patches). */
  file: string;
  /** Maps positions inside the text to positions in `file`. */
  remap?: (loc: Loc) => Loc;
  /** Where the text's first character is, for the JSON patch reader. */
  textOrigin: TextOrigin;
  at: Loc;
  describe: string;
}

// ---- locating inline patches --------------------------------------------------------------------------------------

let lastText = '';
let lastLines: string[] = [];
function linesOf(text: string): string[] {
  if (text !== lastText) {
    lastText = text;
    lastLines = text.split('\n');
  }
  return lastLines;
}

/**
 * An inline patch is a string inside the kustomization; positions the parser reports inside the string are mapped
 * back onto the kustomization's lines, so provenance and errors point at the patch line the user wrote.
 */
export function inlineSource(kust: Kustomization, value: string, valueAt: Loc, trimmed: boolean): PatchSource {
  const lines = linesOf(kust.text);
  const indicator = lines[valueAt.line - 1] ?? '';
  const after = indicator.slice(valueAt.column - 1).trimStart();
  const block = after.startsWith('|') || after.startsWith('>');
  let text = value;
  let skipped = 0;
  if (trimmed) {
    const lead = /^\s*/.exec(value)![0];
    skipped = (lead.match(/\n/g) ?? []).length;
    text = value.trim();
  }
  let remap: ((l: Loc) => Loc) | undefined;
  let textOrigin: TextOrigin = { file: kust.file, line: valueAt.line, column: valueAt.column };
  if (block) {
    let indent = 0;
    for (let i = valueAt.line; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.trim() === '') continue;
      indent = l.length - l.trimStart().length;
      break;
    }
    remap = (l) => ({ file: kust.file, line: valueAt.line + skipped + l.line, column: l.column + indent });
    textOrigin = { file: kust.file, line: valueAt.line + skipped + 1, column: indent + 1 };
  } else {
    remap = () => valueAt;
  }
  return { text, file: kust.file, remap, textOrigin, at: valueAt, describe: `inline patch at ${kust.file}:${valueAt.line}` };
}

/** Moves every position in a parsed tree through `remap` (an inline text's lines onto its kustomization's). */
export function remapTree(n: YNode, remap: (l: Loc) => Loc): void {
  if (n.origin) n.origin = remap(n.origin);
  if (n.kind === 'map') {
    for (const e of n.entries) {
      if (e.key.origin) e.key.origin = remap(e.key.origin);
      remapTree(e.value, remap);
    }
  } else if (n.kind === 'seq') for (const it of n.items) remapTree(it, remap);
}

function parseDocs(src: PatchSource): { docs: (YNode | null)[] } {
  const docs = parseYamlDocuments(src.text, src.file).map((d) => d.node);
  if (src.remap) for (const d of docs) if (d) remapTree(d, src.remap);
  return { docs };
}

/** Strategic merge patches in a text, or undefined when the text is not one (kustomize's SliceFromBytes). */
function tryStrategicMerge(src: PatchSource): MapNode[] | undefined {
  try {
    const objs = parseObjects(src.text, src.file);
    if (src.remap) for (const o of objs) remapTree(o, src.remap);
    return objs;
  } catch {
    return undefined;
  }
}

/** JSON 6902 operations in a text, or undefined when it is not a list of operations. */
function tryJson6902(src: PatchSource): Json6902Patch | undefined {
  if (src.text === '') return undefined;
  try {
    return parseJson6902(src.text, src.textOrigin);
  } catch {
    return undefined;
  }
}

// ---- bookkeeping around a strategic merge ---------------------------------------------------------------------------

/** kustomize's copy of a patch before applying it to selected targets (CopyMergeMetaDataFieldsFrom + SetGvk). */
function preparedCopy(p: SmPatch, target: Resource): MapNode {
  const r = new Resource(structuredNode(p.node), p.source);
  const meta = get(r.node, 'metadata');
  if (meta && meta.kind === 'map') {
    for (const key of ['labels', 'annotations'] as const) {
      const v = get(meta, key);
      if (v === undefined) continue;
      const pairs = stringMap(v);
      if (!pairs.size) removeField(meta, key);
      else setField(meta, key, mapFromStrings(pairs, valuesByKey(v), [v]));
    }
    if (getString(meta, 'namespace') === '') removeField(meta, 'namespace');
  }
  const apiVersion = target.apiVersion;
  const av = get(r.node, 'apiVersion');
  if (av && av.kind === 'scalar') {
    av.value = apiVersion;
    av.tag = '!!str';
  } else setField(r.node, 'apiVersion', { kind: 'scalar', value: apiVersion, tag: '!!str', style: 'plain' });
  return r.node;
}

function structuredNode(n: MapNode): MapNode {
  return cloneDeep(n);
}

function cloneDeep<T extends YNode>(n: T): T {
  // Patches are applied to many targets; each gets its own copy of the patch nodes.
  if (n.kind === 'scalar') return { ...n, history: n.history?.slice() } as T;
  if (n.kind === 'seq') return { ...n, items: n.items.map(cloneDeep), history: n.history?.slice() } as T;
  return { ...n, entries: n.entries.map((e) => ({ key: { ...e.key }, value: cloneDeep(e.value) })), history: n.history?.slice() } as T;
}

/** Applies one strategic merge patch to one object with kustomize's rules (Resource.ApplySmPatch). */
function applySm(target: Resource, patch: MapNode, p: SmPatch, call: PatchCall): void {
  const before = target.name;
  if (p.allowNameChange || p.allowKindChange) target.storePreviousId();
  const kept = strategicMerge(target.node, patch, call, p);
  if (!kept) target.node.entries = [];
  else if (target.name !== before) target.renames.push({ what: `patch ${p.source}`, at: patch.origin ?? call.at });
}

export interface PatchRun {
  rec: Recorder;
  schema: () => KustomizeSchema;
  warnings: string[];
}

function call(ctx: PatchRun, file: string, at: Loc | undefined): PatchCall {
  return { rec: ctx.rec, file, at, schema: ctx.schema() };
}

function dropEmpties(m: ResMap): void {
  m.list = m.list.filter((r) => r.node.entries.length > 0);
}

/** Applies a patch to a chosen set of objects (ResMap.ApplySmPatch): re-adds the survivors, refusing duplicates. */
function applySmToSet(m: ResMap, selected: Set<Resource>, p: SmPatch, c: PatchCall, at: Loc): void {
  for (const r of m.list) {
    if (!selected.has(r)) continue;
    const copy = preparedCopy(p, r);
    applySm(r, copy, p, c);
  }
  const survivors = m.list.filter((r) => r.node.entries.length > 0);
  m.list = [];
  m.appendAll(survivors, at);
}

function patchIdOf(node: MapNode): ResId {
  const { group, version } = parseGroupVersion(getString(node, 'apiVersion'));
  return { group, version, kind: getString(node, 'kind'), name: getString(node, 'metadata', 'name'), namespace: getString(node, 'metadata', 'namespace') };
}

function findUnique(m: ResMap, id: ResId, at: Loc, what: string): Resource {
  const hits = m.byAnyId((x) => idEquals(id, x));
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) throw new GitOpsError(`${what} ${describeId(id)} matches ${hits.length} objects; it must match exactly one`, at, 'target-not-found');
  throw new GitOpsError(`${what} ${describeId(id)}: no such object among the resources (patch target not found)`, at, 'target-not-found');
}


// ---- patchesStrategicMerge ------------------------------------------------------------------------------------------

export async function loadPatchesStrategicMerge(kust: Kustomization, ldr: Loader, cache?: ParseCache): Promise<SmPatch[]> {
  const out: SmPatch[] = [];
  for (const entry of kust.patchesStrategicMerge) {
    const inline = inlineSource(kust, entry.value, entry.at, false);
    const parsed = /\n|:\s/.test(entry.value) ? classify(inline, cache).sm : undefined;
    if (parsed) {
      for (const node of parsed) out.push({ node, allowNameChange: false, allowKindChange: false, source: inline.describe, file: kust.file });
      continue;
    }
    const { file, text } = await ldr.loadText(entry.value, entry.at, 'patch file');
    const docs = cache ? cache.objects(text, file) : parseObjects(text, file);
    for (const node of docs) out.push({ node, allowNameChange: false, allowKindChange: false, source: file, file });
  }
  if (!out.length && kust.patchesStrategicMerge.length) {
    throw new GitOpsError('patch appears to be empty', kust.patchesStrategicMerge[0]!.at, 'patch');
  }
  return out;
}

export function runPatchesStrategicMerge(m: ResMap, patches: SmPatch[], ctx: PatchRun): void {
  for (const p of patches) {
    const at = p.node.origin ?? { file: p.source, line: 1, column: 1 };
    const target = findUnique(m, patchIdOf(p.node), at, 'strategic merge patch for');
    applySmToSet(m, new Set([target]), p, call(ctx, p.file, at), at);
    dropEmpties(m);
  }
}

// ---- patches ------------------------------------------------------------------------------------------------------

export interface LoadedPatch {
  arg: PatchArg;
  sm?: SmPatch[];
  json?: Json6902Patch;
  source: PatchSource;
}

async function patchText(kust: Kustomization, arg: PatchArg, ldr: Loader, trimInline: boolean): Promise<PatchSource> {
  const inline = arg.patch && (trimInline ? arg.patch.value.trim() : arg.patch.value) !== '' ? arg.patch : undefined;
  if (!inline && !arg.path?.value) throw new GitOpsError('a patch must have either `patch` or `path`', arg.at, 'kustomization');
  if (inline && arg.path?.value) throw new GitOpsError('`patch` and `path` cannot both be set in one patch', arg.at, 'kustomization');
  if (inline) return inlineSource(kust, inline.value, inline.at, trimInline);
  const { file, text } = await ldr.loadText(arg.path!.value, arg.path!.at, 'patch file');
  return { text, file, textOrigin: { file, line: 1, column: 1 }, at: arg.path!.at, describe: file };
}

/** Both readings of a patch text, remembered per text (patches are parsed once, not on every render). */
function classify(source: PatchSource, cache: ParseCache | undefined): { sm?: MapNode[]; json?: Json6902Patch } {
  const key = `patch\0${source.file}\0${source.textOrigin.line}:${source.textOrigin.column}`;
  const compute = () => ({ sm: tryStrategicMerge(source), json: tryJson6902(source) });
  const r = cache ? cache.memo(key, source.text, compute) : compute();
  return { sm: r.sm?.map((n) => clone(n)), json: r.json };
}

export async function loadPatches(kust: Kustomization, ldr: Loader, cache?: ParseCache): Promise<LoadedPatch[]> {
  const out: LoadedPatch[] = [];
  for (const arg of kust.patches) {
    const source = await patchText(kust, arg, ldr, true);
    const { sm, json } = classify(source, cache);
    if (sm && json) throw new GitOpsError(`patch ${source.describe} qualifies as both a strategic merge and a JSON patch`, source.at, 'patch');
    if (!sm && !json) {
      // Surface the YAML error if the text does not even parse.
      parseDocs(source);
      throw new GitOpsError(`unable to parse ${source.describe} as a strategic merge patch or a JSON patch`, source.at, 'patch');
    }
    if (sm) {
      const allowNameChange = arg.options.get('allowNameChange') ?? false;
      const allowKindChange = arg.options.get('allowKindChange') ?? false;
      out.push({ arg, source, sm: sm.map((node) => ({ node, allowNameChange, allowKindChange, source: source.describe, file: source.file })) });
    } else out.push({ arg, source, json });
  }
  return out;
}

function selectTargets(m: ResMap, t: SelectorArg & { at: Loc }): Resource[] {
  const pred = compileSelector(t, t.at);
  return m.list.filter(pred);
}

function describeTarget(t: SelectorArg): string {
  const parts = Object.entries(t).filter(([k, v]) => k !== 'at' && v);
  return parts.map(([k, v]) => `${k}=${v}`).join(', ');
}

export function runPatches(m: ResMap, patches: LoadedPatch[], ctx: PatchRun): void {
  for (const lp of patches) {
    const { arg, source } = lp;
    if (lp.sm) {
      if (!lp.sm.length) continue;
      if (arg.target) {
        if (lp.sm.length > 1) throw new GitOpsError('a `patches` entry with a target may hold only one strategic merge patch', source.at, 'patch');
        const p = lp.sm[0]!;
        const selected = selectTargets(m, arg.target);
        if (!selected.length) ctx.warnings.push(`${arg.at.file}:${arg.at.line}: patch target (${describeTarget(arg.target)}) matches no object; the patch does nothing`);
        applySmToSet(m, new Set(selected), p, call(ctx, source.file, p.node.origin ?? source.at), arg.at);
      } else {
        for (const p of lp.sm) {
          const at = p.node.origin ?? source.at;
          const target = findUnique(m, patchIdOf(p.node), at, 'strategic merge patch for');
          applySm(target, p.node, p, call(ctx, source.file, at));
        }
      }
    } else {
      if (!arg.target) throw new GitOpsError(`a JSON patch needs a target (${source.describe})`, arg.at, 'patch');
      const selected = selectTargets(m, arg.target);
      if (!selected.length) ctx.warnings.push(`${arg.at.file}:${arg.at.line}: patch target (${describeTarget(arg.target)}) matches no object; the patch does nothing`);
      for (const r of selected) {
        const before = r.name;
        r.storePreviousId();
        json6902(r.node, lp.json!, call(ctx, source.file, source.at));
        if (r.name !== before) r.renames.push({ what: `patch ${source.describe}`, at: source.at });
      }
    }
    dropEmpties(m);
  }
}

// ---- patchesJson6902 ----------------------------------------------------------------------------------------------

export async function loadPatchesJson6902(kust: Kustomization, ldr: Loader, cache?: ParseCache): Promise<LoadedPatch[]> {
  const out: LoadedPatch[] = [];
  for (const arg of kust.patchesJson6902) {
    if (!arg.target || !arg.target.name) throw new GitOpsError('patchesJson6902: must specify the target name', arg.target?.at ?? arg.at, 'kustomization');
    if (!arg.path?.value && !arg.patch?.value) throw new GitOpsError('patchesJson6902: empty file path and empty patch', arg.at, 'kustomization');
    if (arg.path?.value && arg.patch?.value) throw new GitOpsError('patchesJson6902: must specify a file path or a patch, not both', arg.at, 'kustomization');
    const source = await patchText(kust, arg, ldr, false);
    if (source.text === '') throw new GitOpsError(`patch file ${source.describe} is empty`, source.at, 'patch');
    const { json } = classify(source, cache);
    if (!json) parseDocs(source);
    if (!json) throw new GitOpsError(`${source.describe} is not a JSON patch (a list of operations)`, source.at, 'patch');
    if (!json.ops.length) throw new GitOpsError(`patch ${source.describe} appears to be empty`, source.at, 'patch');
    out.push({ arg, source, json });
  }
  return out;
}

export function runPatchesJson6902(m: ResMap, patches: LoadedPatch[], ctx: PatchRun): void {
  for (const lp of patches) {
    const selected = selectTargets(m, lp.arg.target!);
    if (!selected.length) ctx.warnings.push(`${lp.arg.at.file}:${lp.arg.at.line}: patchesJson6902 target (${describeTarget(lp.arg.target!)}) matches no object; the patch does nothing`);
    for (const r of selected) {
      json6902(r.node, lp.json!, call(ctx, lp.source.file, lp.source.at));
    }
    dropEmpties(m);
  }
}
