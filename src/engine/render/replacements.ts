/**
 * `replacements`: copy a field of one object (the source) into fields of others (the targets), with kustomize's
 * selection rules (ids including earlier names, label/annotation selectors, rejects), its path syntax, `delimiter`
 * and `index` on either side, and `create`. Each written node notes the replacement entry and the source field.
 */
import { GitOpsError } from '../errors/index.ts';
import { resolvePlainTag, type Change, type Loc, type YNode } from '../yaml/index.ts';
import { decode, type DStruct } from './decode.ts';
import { smarterPathSplitter } from './fieldspec.ts';
import { replacementSchema, selectorArg, type SelectorArg } from './kustomization.ts';
import type { Loader } from './loader.ts';
import { lookupPath, matchPath } from './paths.ts';
import type { Resource, ResMap } from './resource.ts';
import { idSelectedBy, type ResId } from './resid.ts';
import { matchesSelector, parseLabelSelector } from './select.ts';
import { clone, isNull, morph, sourceLocs, type Recorder } from './tree.ts';
import { parseYamlDocuments } from '../yaml/index.ts';

interface FieldOptions {
  delimiter: string;
  index: number;
  create: boolean;
}

interface TargetDef {
  select?: SelectorArg;
  reject: SelectorArg[];
  fieldPaths: string[];
  options?: FieldOptions;
  at: Loc;
}

export interface ReplacementDef {
  source?: Partial<ResId> & { fieldPath: string; options?: FieldOptions; at: Loc };
  targets?: TargetDef[];
  at: Loc;
}

function str(st: DStruct | undefined, f: string): string {
  return (st?.[f] as string | undefined) ?? '';
}

function options(st: DStruct | undefined): FieldOptions | undefined {
  if (!st) return undefined;
  return { delimiter: str(st, 'delimiter'), index: (st.index as number | undefined) ?? 0, create: Boolean(st.create) };
}

function fromStruct(st: DStruct): ReplacementDef {
  const src = st.source as DStruct | undefined;
  const targets = st.targets as DStruct[] | undefined;
  return {
    source: src
      ? {
          group: str(src, 'group'),
          version: str(src, 'version'),
          kind: str(src, 'kind'),
          name: str(src, 'name'),
          namespace: str(src, 'namespace'),
          fieldPath: str(src, 'fieldPath'),
          options: options(src.options as DStruct | undefined),
          at: src.at,
        }
      : undefined,
    targets: targets?.map((t) => ({
      select: t.select ? selectorArg(t.select as DStruct) : undefined,
      reject: ((t.reject as DStruct[] | undefined) ?? []).map((r) => (r ? selectorArg(r) : emptySelector())),
      fieldPaths: ((t.fieldPaths as { value: string }[] | undefined) ?? []).map((f) => f.value),
      options: options(t.options as DStruct | undefined),
      at: t.at,
    })),
    at: st.at,
  };
}

function emptySelector(): SelectorArg {
  return { group: '', version: '', kind: '', name: '', namespace: '', annotationSelector: '', labelSelector: '' };
}

/** The replacements a kustomization lists, loading `path:` entries from their files. */
export async function loadReplacements(entries: DStruct[], ldr: Loader): Promise<ReplacementDef[]> {
  const out: ReplacementDef[] = [];
  for (const e of entries) {
    const path = str(e, 'path');
    if (path !== '' && (e.source !== undefined || ((e.targets as unknown[] | undefined)?.length ?? 0) !== 0)) {
      throw new GitOpsError('cannot specify both path and inline replacement', e.at, 'kustomization');
    }
    if (path === '') {
      out.push(fromStruct(e));
      continue;
    }
    const { file, text } = await ldr.loadText(path, e.fieldAt.path, 'replacements file');
    const docs = parseYamlDocuments(text, file);
    const node = docs[0]?.node;
    if (!node) continue;
    const items = node.kind === 'seq' ? node.items : node.kind === 'map' ? [node] : undefined;
    if (!items) throw new GitOpsError('unsupported replacement type in replacements file: expected a list or a map', node.origin, 'kustomization');
    for (const it of items) {
      const st = decode(it, replacementSchema, { what: 'replacement', path: '', lenient: true }) as DStruct | undefined;
      if (st) out.push(fromStruct(st));
    }
  }
  return out;
}

/** The current id first, then earlier ones (kustomize's MakeResIds). */
function idsOf(r: Resource): ResId[] {
  return [r.curId(), ...r.prevIds()];
}

function selectSource(m: ResMap, sel: Partial<ResId>, at: Loc): Resource {
  const hits: Resource[] = [];
  for (const r of m.list) {
    if (idsOf(r).some((id) => idSelectedBy(id, sel))) hits.push(r);
  }
  const desc = `${sel.kind || '*'}${sel.name ? '/' + sel.name : ''}${sel.namespace ? ' in ' + sel.namespace : ''}`;
  if (hits.length > 1) throw new GitOpsError(`replacement source ${desc} matches several objects: ${hits.map((h) => h.describe()).join(', ')}`, at, 'kustomization');
  if (!hits.length) throw new GitOpsError(`replacement source ${desc} selects nothing`, at, 'target-not-found');
  return hits[0]!;
}

function isNilOrEmpty(n: YNode | undefined): boolean {
  if (!n || isNull(n)) return true;
  if (n.kind === 'map') return n.entries.length === 0;
  if (n.kind === 'seq') return n.items.length === 0;
  return false;
}

function annoLabelMatch(r: Resource, s: SelectorArg, at: Loc): boolean {
  const a = parseLabelSelector(s.annotationSelector, at);
  const l = parseLabelSelector(s.labelSelector, at);
  return (!a.length || matchesSelector(a, r.annotations())) && (!l.length || matchesSelector(l, r.labels()));
}

function hasResId(s: SelectorArg): boolean {
  return Boolean(s.group || s.version || s.kind || s.name || s.namespace);
}

function setFieldValue(target: YNode, value: YNode, opts: FieldOptions | undefined, rec: Recorder, change: Change, at: Loc): void {
  let v = clone(value);
  if (opts && opts.delimiter) {
    if (target.kind !== 'scalar') throw new GitOpsError('delimiter option can only be used with scalar nodes', target.origin ?? at, 'kustomization');
    const parts = target.value.split(opts.delimiter);
    const text = v.kind === 'scalar' && !isNull(v) ? v.value : '';
    if (opts.index < 0) parts.unshift(text);
    else if (opts.index >= parts.length) parts.push(text);
    else parts[opts.index] = text;
    if (v.kind === 'scalar') v = { ...v, value: parts.join(opts.delimiter) };
  }
  if (target.kind === 'scalar') {
    const text = v.kind === 'scalar' ? v.value : '';
    target.value = text;
    // kustomize writes only the text: the target keeps its type, unless it had none yet (created) or was null.
    if (target.tag === '' || target.tag === '!!null') target.tag = target.style === 'plain' ? resolvePlainTag(text) : '!!str';
    rec.note(target, change);
  } else {
    const origin = v.origin;
    morph(target, v);
    if (origin) target.origin = origin;
    rec.noteTree(target, change);
  }
}

export function applyReplacements(m: ResMap, defs: ReplacementDef[], rec: Recorder): void {
  for (const d of defs) {
    if (!d.source || !d.targets) throw new GitOpsError('replacements must specify a source and at least one target', d.at, 'kustomization');
    const src = selectSource(m, d.source, d.source.at);
    const fieldPath = d.source.fieldPath || 'metadata.name';
    const found = lookupPath(src.node, smarterPathSplitter(fieldPath, '.'), d.source.at);
    if (isNilOrEmpty(found)) throw new GitOpsError(`fieldPath \`${fieldPath}\` is missing for replacement source ${src.describe()}`, d.source.at, 'target-not-found');
    let value = found!;
    const so = d.source.options;
    if (so && so.delimiter) {
      if (value.kind !== 'scalar') throw new GitOpsError('delimiter option can only be used with scalar nodes', d.source.at, 'kustomization');
      const parts = value.value.split(so.delimiter);
      if (so.index >= parts.length || so.index < 0) throw new GitOpsError(`options.index ${so.index} is out of bounds for value ${value.value}`, d.source.at, 'kustomization');
      value = { ...value, value: parts[so.index]! };
    }
    const change: Change = {
      op: 'replacement',
      detail: `from ${src.describe()} ${fieldPath}${found!.origin ? ` (${found!.origin.file}:${found!.origin.line}:${found!.origin.column})` : ''}`,
      at: d.at,
      from: sourceLocs(rec, found),
    };
    for (const t of d.targets) {
      if (!t.select) throw new GitOpsError('target must specify resources to select', t.at, 'kustomization');
      const paths = t.fieldPaths.length ? t.fieldPaths : ['metadata.name'];
      for (const r of m.list) {
        if (!annoLabelMatch(r, t.select, t.at)) continue;
        if (t.reject.some((rj) => (rj.annotationSelector || rj.labelSelector) && annoLabelMatch(r, rj, t.at))) continue;
        const ids = idsOf(r);
        if (!ids.some((id) => idSelectedBy(id, t.select!))) continue;
        if (t.reject.some((rj) => hasResId(rj) && ids.some((id) => idSelectedBy(id, rj)))) continue;
        for (const fp of paths) {
          const create = t.options?.create ? (value.kind === 'map' ? 'map' : value.kind === 'seq' ? 'seq' : 'scalar') : undefined;
          const targets = matchPath(r.node, smarterPathSplitter(fp, '.'), create, t.at);
          if (!targets.length) {
            throw new GitOpsError(`unable to ${create ? 'find or create' : 'find'} field "${fp}" in replacement target ${r.describe()}`, t.at, 'target-not-found');
          }
          for (const tn of targets) setFieldValue(tn, value, t.options, rec, change, t.at);
        }
      }
    }
  }
}
