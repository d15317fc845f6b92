/**
 * ApplicationSet generators: list (SET-2), clusters (SET-3), git directories (SET-4), git files (SET-5), matrix
 * (SET-6) and merge (SET-7), plus the per-generator label `selector` and the matrix's interpolation of its second
 * child with the first child's parameters. Parameters are plain JSON (fast mode: flat string maps).
 */
import { parse as parseYaml } from 'yaml';
import { formatValue, fromJSON, marshalJSON, mergoMerge, toJSON, type GoMap } from '../gotemplate/index.ts';
import { isObj, str } from '../application.ts';
import { revisionNote, type RepoContext } from '../context.ts';
import { doublestarMatch, gitPathspecMatch, goPathMatch } from '../glob.ts';
import { sanitizeName } from '../names.ts';
import { matchRepo } from '../repo-url.ts';
import { IN_CLUSTER_SERVER } from '../application.ts';
import { replaceDeep, replaceString, type Params, type RenderMode } from './template.ts';

/** A generator failure; `path` is where in the ApplicationSet (from `spec`) the generator is written. */
export class GeneratorError extends Error {
  readonly path: (string | number)[];
  constructor(message: string, path: (string | number)[]) {
    super(message);
    this.name = 'GeneratorError';
    this.path = path;
  }
}

export const GENERATOR_KEYS = ['list', 'clusters', 'git', 'matrix', 'merge', 'scmProvider', 'clusterDecisionResource', 'pullRequest', 'plugin'] as const;
const LIVE_ONLY = new Set(['scmProvider', 'clusterDecisionResource', 'pullRequest', 'plugin']);

export interface GenResult {
  params: Params[];
  /** The generator's own `template`, if any (merged under the ApplicationSet's template by the caller). */
  template?: Record<string, unknown>;
}

export interface GenContext {
  ctx: RepoContext;
  mode: RenderMode;
  /** Argo CD's option to include hidden directories in the git directory generator (off by default). */
  includeHiddenDirectories?: boolean;
  /** applicationsetcontroller.enable.new.git.file.globbing (off by default). */
  newGitFileGlobbing?: boolean;
  /** Notes for the apps of the generator being run: a git generator reading another revision than the one shown. */
  notes?: Set<string>;
}

// ------------------------------------------------------------------------------------------------ helpers

/** github.com/jeremywohl/flatten DotStyle, then every leaf through %v (fast mode git files, selectors). */
export function flattenParams(obj: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(obj)) {
    obj.forEach((v, i) => {
      const k = prefix ? `${prefix}.${i}` : String(i);
      if (isObj(v) || Array.isArray(v)) flattenParams(v, k, out);
      else out[k] = formatValue(fromJSON(v));
    });
  } else if (isObj(obj)) {
    for (const [key, v] of Object.entries(obj)) {
      const k = prefix ? `${prefix}.${key}` : key;
      if (isObj(v) || Array.isArray(v)) flattenParams(v, k, out);
      else out[k] = formatValue(fromJSON(v));
    }
  }
  return out;
}

/** metav1 LabelSelector matching (matchLabels AND matchExpressions), as the selectors here use it. */
export function matchSelector(sel: unknown, labels: Record<string, string>, path: (string | number)[]): boolean {
  if (!isObj(sel)) return true;
  const ml = isObj(sel.matchLabels) ? sel.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== str(v)) return false;
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  for (const e of exprs) {
    if (!isObj(e)) continue;
    const key = str(e.key);
    const op = str(e.operator);
    const values = Array.isArray(e.values) ? e.values.map(str) : [];
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (op) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new GeneratorError(`error parsing label selector: "${op}" is not a valid label selector operator`, path);
    }
  }
  return true;
}

function selectorEmpty(sel: unknown): boolean {
  if (!isObj(sel)) return true;
  const ml = isObj(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const me = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return ml === 0 && me === 0;
}

/** appendTemplatedValues: `values` resolved against the params so far, as `values.k` (fast) or `.values.k` (Go). */
function appendValues(values: unknown, params: Params, mode: RenderMode, path: (string | number)[]): Params {
  if (!isObj(values)) return params;
  const tmp: Params = {};
  const resolved: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    let r: string;
    try {
      r = replaceString(str(v), mode.goTemplate ? fromJSON(params) : params, mode);
    } catch (err) {
      throw new GeneratorError(`failed to replace templated string: ${(err as Error).message}`, path);
    }
    if (mode.goTemplate) resolved[k] = r;
    else tmp[`values.${k}`] = r;
  }
  if (mode.goTemplate) tmp.values = resolved;
  return { ...params, ...tmp };
}

/** The `path` parameters of the git generators (fast: flat keys; Go: a `path` map). */
function pathParams(dir: string, file: string | undefined, prefix: string, goTemplate: boolean): Params {
  const base = dir.slice(dir.lastIndexOf('/') + 1) || dir;
  if (goTemplate) {
    const p: Record<string, unknown> = { path: dir, basename: base, basenameNormalized: sanitizeName(base), segments: dir.split('/') };
    if (file !== undefined) {
      const fname = file.slice(file.lastIndexOf('/') + 1);
      p.filename = fname;
      p.filenameNormalized = sanitizeName(fname);
    }
    return prefix ? { [prefix]: { path: p } } : { path: p };
  }
  const name = prefix ? `${prefix}.path` : 'path';
  const out: Params = { [name]: dir, [`${name}.basename`]: base, [`${name}.basenameNormalized`]: sanitizeName(base) };
  if (file !== undefined) {
    const fname = file.slice(file.lastIndexOf('/') + 1);
    out[`${name}.filename`] = fname;
    out[`${name}.filenameNormalized`] = sanitizeName(fname);
  }
  dir.split('/').forEach((seg, i) => {
    if (seg !== '') out[`${name}[${i}]`] = seg;
  });
  return out;
}

/** Go's path.Dir. */
function goDir(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  return p.slice(0, i) || '/';
}

// ------------------------------------------------------------------------------------------------ generators

function listGen(g: Record<string, unknown>, gc: GenContext, path: (string | number)[]): Params[] {
  const out: Params[] = [];
  const elements = Array.isArray(g.elements) ? g.elements : [];
  elements.forEach((el, i) => {
    if (!isObj(el)) throw new GeneratorError(`error unmarshling list element: element ${i} is not an object`, [...path, 'elements', i]);
    if (gc.mode.goTemplate) {
      out.push({ ...el });
      return;
    }
    const params: Params = {};
    for (const [k, v] of Object.entries(el)) {
      if (k === 'values') {
        if (!isObj(v)) throw new GeneratorError('error parsing values map', [...path, 'elements', i, k]);
        for (const [vk, vv] of Object.entries(v)) {
          if (typeof vv !== 'string') throw new GeneratorError(`error parsing value as string: values.${vk} is ${JSON.stringify(vv)}`, [...path, 'elements', i, k, vk]);
          params[`values.${vk}`] = vv;
        }
      } else {
        if (typeof v !== 'string') throw new GeneratorError(`error parsing value as string: ${k} is ${JSON.stringify(v)} (fasttemplate mode needs string values; quote it or use goTemplate)`, [...path, 'elements', i, k]);
        params[k] = v;
      }
    }
    out.push(params);
  });
  if (typeof g.elementsYaml === 'string' && g.elementsYaml.trim()) {
    let parsed: unknown;
    try {
      parsed = parseYaml(g.elementsYaml, { version: '1.1' });
    } catch (err) {
      throw new GeneratorError(`error unmarshling decoded ElementsYaml: ${(err as Error).message.split('\n')[0]}`, [...path, 'elementsYaml']);
    }
    if (parsed !== null && !Array.isArray(parsed)) throw new GeneratorError('error unmarshling decoded ElementsYaml: not a list of objects', [...path, 'elementsYaml']);
    for (const e of (parsed as unknown[]) ?? []) out.push(isObj(e) ? { ...e } : {});
  }
  return out;
}

function clustersGen(g: Record<string, unknown>, gc: GenContext, path: (string | number)[]): Params[] {
  const sel = g.selector;
  const goT = gc.mode.goTemplate;
  // Secrets keyed by name (a later one with the same name wins), listed in name order.
  const byName = new Map<string, (typeof gc.ctx.clusters)[number]>();
  for (const c of gc.ctx.clusters) if (matchSelector(sel, c.labels ?? {}, [...path, 'selector'])) byName.set(c.name, c);
  const secrets = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: Params[] = [];
  for (const c of secrets) {
    let p: Params = { name: c.name, nameNormalized: sanitizeName(c.name), server: c.server, project: c.project ?? '' };
    if (goT) {
      const meta: Record<string, unknown> = {};
      if (c.annotations && Object.keys(c.annotations).length) meta.annotations = { ...c.annotations };
      if (c.labels && Object.keys(c.labels).length) meta.labels = { ...c.labels };
      p.metadata = meta;
    } else {
      for (const [k, v] of Object.entries(c.annotations ?? {})) p[`metadata.annotations.${k}`] = v;
      for (const [k, v] of Object.entries(c.labels ?? {})) p[`metadata.labels.${k}`] = v;
    }
    p = appendValues(g.values, p, gc.mode, [...path, 'values']);
    out.push(p);
  }
  if (selectorEmpty(sel) && !secrets.some((c) => c.server === IN_CLUSTER_SERVER)) {
    let p: Params = { name: 'in-cluster', nameNormalized: 'in-cluster', server: IN_CLUSTER_SERVER, project: '' };
    p = appendValues(g.values, p, gc.mode, [...path, 'values']);
    out.push(p);
  }
  if (g.flatList === true) return [{ clusters: out }];
  return out;
}

function checkRepo(g: Record<string, unknown>, gc: GenContext, path: (string | number)[]): void {
  const repoURL = str(g.repoURL);
  const m = matchRepo(repoURL, gc.ctx.remotes);
  if (!m.local) throw new GeneratorError(`git generator reads ${repoURL}, which is not this repository, so its files cannot be listed here`, [...path, 'repoURL']);
  // The controller lists files at `revision`; the preview lists the files being read, and says so when they differ.
  const note = revisionNote(str(g.revision), gc.ctx);
  if (note) gc.notes?.add(`git generator ${note.replace(/^targets/, 'reads')}`);
}

function gitDirectories(g: Record<string, unknown>, gc: GenContext, path: (string | number)[]): Params[] {
  const items = (g.directories as unknown[]).filter(isObj);
  const prefix = str(g.pathParamPrefix);
  // The index skips hidden directories, as the repo-server does unless told otherwise.
  const dirs = gc.ctx.index.dirs;
  const out: Params[] = [];
  for (const d of dirs) {
    let include = false;
    let exclude = false;
    for (const it of items) {
      if (!goPathMatch(str(it.path), d)) continue;
      if (it.exclude === true) exclude = true;
      else include = true;
    }
    if (!include || exclude) continue;
    out.push(appendValues(g.values, pathParams(d, undefined, prefix, gc.mode.goTemplate), gc.mode, [...path, 'values']));
  }
  return out;
}

async function gitFiles(g: Record<string, unknown>, gc: GenContext, path: (string | number)[]): Promise<Params[]> {
  const items = (g.files as unknown[]).filter(isObj);
  const match = gc.newGitFileGlobbing ? doublestarMatch : gitPathspecMatch;
  const chosen = new Set<string>();
  for (const it of items) if (it.exclude !== true) for (const f of gc.ctx.index.files) if (match(str(it.path), f)) chosen.add(f);
  for (const it of items) if (it.exclude === true) for (const f of [...chosen]) if (match(str(it.path), f)) chosen.delete(f);
  const files = [...chosen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const prefix = str(g.pathParamPrefix);
  const out: Params[] = [];
  for (const file of files) {
    const text = await gc.ctx.index.readText(file);
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? {} : parseYaml(text, { version: '1.1', merge: true });
    } catch (err) {
      throw new GeneratorError(`unable to process file '${file}': unable to parse file: ${(err as Error).message.split('\n')[0]}`, [...path, 'files']);
    }
    if (parsed === null || parsed === undefined) parsed = {};
    const objects: Record<string, unknown>[] = [];
    if (isObj(parsed)) objects.push(parsed);
    else if (Array.isArray(parsed) && parsed.every((x) => isObj(x) || x === null)) objects.push(...parsed.map((x) => (isObj(x) ? x : {})));
    else throw new GeneratorError(`unable to process file '${file}': unable to parse file: not an object or a list of objects`, [...path, 'files']);
    for (const o of objects) {
      const dir = goDir(file);
      let params: Params;
      if (gc.mode.goTemplate) params = { ...o, ...pathParams(dir, file, prefix, true) };
      else params = { ...flattenParams(o), ...pathParams(dir, file, prefix, false) };
      out.push(appendValues(g.values, params, gc.mode, [...path, 'values']));
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ dispatch

/** Which generator a generator object is; unknown keys are reported by the caller. */
export function generatorKind(g: Record<string, unknown>): { kind?: (typeof GENERATOR_KEYS)[number]; unknown: string[]; count: number } {
  const keys = Object.keys(g).filter((k) => k !== 'selector');
  const known = keys.filter((k) => (GENERATOR_KEYS as readonly string[]).includes(k)) as (typeof GENERATOR_KEYS)[number][];
  return { kind: known[0], unknown: keys.filter((k) => !(GENERATOR_KEYS as readonly string[]).includes(k)), count: known.length };
}

/**
 * Transform: params of one generator (with interpolation from a parent matrix's params), filtered by its selector.
 * `path` is the generator's path from the ApplicationSet root (for error locations).
 */
export async function runGenerator(g: Record<string, unknown>, gc: GenContext, path: (string | number)[], interpolate?: Params): Promise<GenResult> {
  const { kind, unknown, count } = generatorKind(g);
  if (!kind) {
    const name = unknown[0];
    throw new GeneratorError(name ? `unknown generator "${name}"; Argo CD knows ${GENERATOR_KEYS.join(', ')}` : 'the generator is empty', name ? [...path, name] : path);
  }
  if (count > 1) throw new GeneratorError(`a generator must have exactly one type, found ${Object.keys(g).filter((k) => k !== 'selector').join(', ')}`, path);
  const raw = g[kind];
  if (!isObj(raw)) throw new GeneratorError(`${kind} generator has no settings`, [...path, kind]);
  let spec: Record<string, unknown> = raw;
  if (interpolate && Object.keys(interpolate).length) spec = interpolateGenerator(spec, kind, interpolate, gc.mode, [...path, kind]);
  const gpath = [...path, kind];
  const template = isObj(spec.template) ? (spec.template as Record<string, unknown>) : undefined;
  let params: Params[];
  if (LIVE_ONLY.has(kind)) throw new GeneratorError(`the ${kind} generator reads a live system and cannot be previewed offline`, gpath);
  switch (kind) {
    case 'list':
      params = listGen(spec, gc, gpath);
      break;
    case 'clusters':
      params = clustersGen(spec, gc, gpath);
      break;
    case 'git':
      checkRepo(spec, gc, gpath);
      if (Array.isArray(spec.directories) && spec.directories.length) params = gitDirectories(spec, gc, gpath);
      else if (Array.isArray(spec.files) && spec.files.length) params = await gitFiles(spec, gc, gpath);
      else throw new GeneratorError('the git generator needs directories or files', gpath);
      break;
    case 'matrix':
      params = await matrixGen(spec, gc, gpath);
      break;
    case 'merge':
      params = await mergeGen(spec, gc, gpath);
      break;
    default:
      throw new GeneratorError(`unsupported generator ${kind}`, gpath);
  }
  if (g.selector !== undefined) {
    params = params.filter((p) => matchSelector(g.selector, flattenParams(p), [...path, 'selector']));
  }
  return { params, template };
}

/** RenderGeneratorParams: the generator spec templated with the first matrix child's params; `values` keep unresolved keys. */
function interpolateGenerator(spec: Record<string, unknown>, kind: string, params: Params, mode: RenderMode, path: (string | number)[]): Record<string, unknown> {
  const hasValues = kind === 'clusters' || kind === 'git' || kind === 'clusterDecisionResource' || kind === 'plugin';
  const values = hasValues && isObj(spec.values) ? spec.values : undefined;
  const rest = { ...spec };
  delete rest.values;
  let out: Record<string, unknown>;
  try {
    out = replaceDeep(rest, params, mode) as Record<string, unknown>;
  } catch (err) {
    throw new GeneratorError(`failed to replace parameters in generator: ${(err as Error).message}`, path);
  }
  if (values) {
    const resolved: Record<string, unknown> = {};
    const strict: RenderMode = mode.goTemplate ? { goTemplate: true, options: { ...mode.options, missingKey: 'error' } } : mode;
    for (const [k, v] of Object.entries(values)) {
      try {
        resolved[k] = replaceString(str(v), mode.goTemplate ? fromJSON(params) : params, strict);
      } catch (err) {
        const msg = (err as Error).message;
        if (/map has no entry for key|can't evaluate field/.test(msg)) resolved[k] = v;
        else throw new GeneratorError(`failed to pre-resolve Values key "${k}": ${msg}`, [...path, 'values', k]);
      }
    }
    out.values = resolved;
  } else if (spec.values !== undefined) {
    out.values = spec.values;
  }
  return out;
}

async function childParams(child: unknown, gc: GenContext, path: (string | number)[], interpolate?: Params): Promise<Params[]> {
  if (!isObj(child)) throw new GeneratorError('child generator is not an object', path);
  const res = await runGenerator(child, gc, path, interpolate);
  return res.params;
}

async function matrixGen(spec: Record<string, unknown>, gc: GenContext, path: (string | number)[]): Promise<Params[]> {
  const gens = Array.isArray(spec.generators) ? spec.generators : [];
  if (gens.length < 2) throw new GeneratorError('found less than two generators, Matrix support only two', [...path, 'generators']);
  if (gens.length > 2) throw new GeneratorError('found more than two generators, Matrix support only two', [...path, 'generators']);
  const first = await childParams(gens[0], gc, [...path, 'generators', 0]);
  const out: Params[] = [];
  for (const a of first) {
    const second = await childParams(gens[1], gc, [...path, 'generators', 1], a);
    for (const b of second) {
      if (gc.mode.goTemplate) {
        // mergo with override: b first, then a over it, so the first generator wins.
        const tmp = mergoMerge({}, fromJSON(structuredClone(b)) as GoMap, true);
        mergoMerge(tmp, fromJSON(structuredClone(a)) as GoMap, true);
        out.push(toJSON(tmp) as Params);
      } else {
        const res: Params = {};
        for (const [k, v] of Object.entries(a)) res[k] = formatValue(fromJSON(v));
        for (const [k, v] of Object.entries(b)) {
          const s = formatValue(fromJSON(v));
          if (k in res && res[k] !== s) throw new GeneratorError(`found duplicate key ${k} with different value, a: ${res[k]} ,b: ${s}`, path);
          res[k] = s;
        }
        out.push(res);
      }
    }
  }
  return out;
}

async function mergeGen(spec: Record<string, unknown>, gc: GenContext, path: (string | number)[]): Promise<Params[]> {
  const gens = Array.isArray(spec.generators) ? spec.generators : [];
  if (gens.length < 2) throw new GeneratorError('found less than two generators, Merge requires two or more', [...path, 'generators']);
  const keys = Array.isArray(spec.mergeKeys) ? [...new Set(spec.mergeKeys.map(str))] : [];
  if (!keys.length) throw new GeneratorError('no merge keys were specified, Merge requires at least one', [...path, 'mergeKeys']);
  const sets: Params[][] = [];
  for (let i = 0; i < gens.length; i++) {
    try {
      sets.push(await childParams(gens[i], gc, [...path, 'generators', i]));
    } catch (err) {
      if (err instanceof GeneratorError) throw new GeneratorError(`error getting params from generator ${i + 1} of ${gens.length}: ${err.message}`, err.path);
      throw err;
    }
  }
  const keyOf = (p: Params): string => {
    const k: Record<string, unknown> = {};
    for (const m of keys) k[m] = p[m] ?? null;
    return marshalJSON(fromJSON(k));
  };
  const byKey = (ps: Params[]): Map<string, Params> => {
    const m = new Map<string, Params>();
    for (const p of ps) {
      const k = keyOf(p);
      if (m.has(k)) throw new GeneratorError(`the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was ${k}`, path);
      m.set(k, p);
    }
    return m;
  };
  const base = byKey(sets[0]!);
  for (const ps of sets.slice(1)) {
    const other = byKey(ps);
    for (const [k, b] of base) {
      const o = other.get(k);
      if (!o) continue;
      if (gc.mode.goTemplate) {
        const merged = mergoMerge(fromJSON(structuredClone(b)) as GoMap, fromJSON(structuredClone(o)) as GoMap, true);
        base.set(k, toJSON(merged) as Params);
      } else base.set(k, { ...b, ...o });
    }
  }
  return [...base.values()];
}
