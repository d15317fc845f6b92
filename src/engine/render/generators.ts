/**
 * configMapGenerator and secretGenerator: key/value pairs from env files, literals and files (in that order), built
 * into a ConfigMap or Secret as kustomize builds them (sorted keys, non-UTF-8 file content to binaryData, Secret
 * values base64 in lines of 70), then merged into or replacing an earlier object when `behavior` says so. Each data
 * value remembers the literal, file entry or env line it came from.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc, MapNode, YNode } from '../yaml/index.ts';
import type { GeneratorArg, GeneratorOptionsArg } from './kustomization.ts';
import type { Loader } from './loader.ts';
import { Resource, ResMap, type Behavior } from './resource.ts';
import { idEquals, type ResId } from './resid.ts';
import { clone, get, getString, mapFromStrings, newMap, removeField, scalar, setField, stringMap, valuesByKey, type Recorder } from './tree.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

interface Pair {
  key: string;
  /** The value as Go would hold it: text, or raw bytes when they are not valid UTF-8. */
  value: string;
  binary?: Uint8Array;
  at: Loc;
  what: string;
}

export function mergeOptions(local: GeneratorOptionsArg | undefined, global: GeneratorOptionsArg | undefined): GeneratorOptionsArg | undefined {
  if (!global) return local;
  const out: GeneratorOptionsArg = local
    ? { labels: new Map(local.labels), annotations: new Map(local.annotations), disableNameSuffixHash: local.disableNameSuffixHash, immutable: local.immutable }
    : { labels: new Map(), annotations: new Map(), disableNameSuffixHash: false, immutable: false };
  for (const [k, v] of global.labels) if (!out.labels.has(k)) out.labels.set(k, v);
  for (const [k, v] of global.annotations) if (!out.annotations.has(k)) out.annotations.set(k, v);
  if (global.disableNameSuffixHash) out.disableNameSuffixHash = true;
  if (global.immutable) out.immutable = true;
  return out;
}

function parseLiteral(src: string, at: Loc): { key: string; value: string } {
  const i = src.indexOf('=');
  if (i <= 0) throw new GitOpsError(`invalid literal source ${src}, expected key=value`, at, 'kustomization');
  let value = src.slice(i + 1);
  if (value.length >= 2 && value[0] === value[value.length - 1] && (value[0] === '"' || value[0] === "'")) value = value.slice(1, -1);
  return { key: src.slice(0, i), value };
}

function parseFileSource(src: string, at: Loc): { key: string; path: string } {
  const n = src.split('=').length - 1;
  if (n === 0) return { key: baseName(src), path: src };
  if (n === 1 && src.startsWith('=')) throw new GitOpsError(`missing key name for file path ${JSON.stringify(src.slice(1))} in source ${JSON.stringify(src)}`, at, 'kustomization');
  if (n === 1 && src.endsWith('=')) throw new GitOpsError(`missing file path for key name ${JSON.stringify(src.slice(0, -1))} in source ${JSON.stringify(src)}`, at, 'kustomization');
  if (n > 1) throw new GitOpsError(`source ${JSON.stringify(src)} key name or file path contains '='`, at, 'kustomization');
  const [key, path] = src.split('=') as [string, string];
  return { key, path };
}

/** Go's path.Base for the key of `files: [dir/app.properties]`. */
function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return p === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function envPairs(text: string, file: string): Pair[] {
  const out: Pair[] = [];
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    line = line.replace(/^[\s\u0085\u00A0]+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    const value = eq < 0 ? '' : line.slice(eq + 1);
    out.push({ key, value, at: { file, line: i + 1, column: 1 }, what: `${file}:${i + 1}` });
  });
  return out;
}

async function loadPairs(g: GeneratorArg, ldr: Loader): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (const env of g.envs) {
    const { file, bytes } = await ldr.load(env.value, env.at, 'env file');
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new GitOpsError(`env file ${env.value} has invalid UTF-8`, env.at, 'kustomization');
    }
    pairs.push(...envPairs(text, file));
  }
  for (const lit of g.literals) {
    const { key, value } = parseLiteral(lit.value, lit.at);
    pairs.push({ key, value, at: lit.at, what: 'literal' });
  }
  for (const f of g.files) {
    const { key, path } = parseFileSource(f.value, f.at);
    const { file, bytes } = await ldr.load(path, f.at, 'file');
    let value: string;
    let binary: Uint8Array | undefined;
    try {
      value = utf8.decode(bytes);
    } catch {
      value = lenient.decode(bytes);
      binary = bytes;
    }
    pairs.push({ key, value, binary, at: f.at, what: file });
  }
  const seen = new Set<string>();
  for (const p of pairs) {
    if (seen.has(p.key)) {
      throw new GitOpsError(`${g.kind === 'Secret' ? 'secret' : 'configmap'} ${g.name} illegally repeats the key \`${p.key}\``, p.at, 'kustomization');
    }
    seen.add(p.key);
  }
  return pairs;
}

/** Base64 as kustomize writes it: one line when short, else lines of 70 characters each ending in a newline. */
export function base64Lines(bytes: Uint8Array): string {
  const enc = Buffer.from(bytes).toString('base64');
  const lineLen = 70;
  const lines = Math.floor(enc.length / lineLen) + 1;
  if (lines <= 1) return enc;
  let out = '';
  for (let i = 0; i < enc.length; i += lineLen) out += enc.slice(i, i + lineLen) + '\n';
  return out;
}

function valueBytes(p: Pair): Uint8Array {
  return p.binary ?? Buffer.from(p.value, 'utf8');
}

/** Builds the object one generator entry describes. */
export async function generate(g: GeneratorArg, globalOptions: GeneratorOptionsArg | undefined, ldr: Loader, rec: Recorder, source: string): Promise<Resource> {
  const op = g.kind === 'Secret' ? 'secretGenerator' : 'configMapGenerator';
  if (!g.name) throw new GitOpsError(`a ${g.kind === 'Secret' ? 'secret' : 'configmap'} must have a name`, g.at, 'kustomization');
  const options = mergeOptions(g.options, globalOptions);
  const pairs = await loadPairs(g, ldr);
  const at = g.at;
  const made = { op, detail: `generated by ${op} ${g.name}`, at };
  const node = newMap(at);
  setField(node, 'apiVersion', scalar('v1', '!!str', at));
  setField(node, 'kind', scalar(g.kind, '!!str', at));
  const meta = newMap(at);
  setField(node, 'metadata', meta);
  setField(meta, 'name', scalar(g.name, '!!str', g.nameAt));
  if (g.namespace) setField(meta, 'namespace', scalar(g.namespace, '!!str', at));
  if (g.kind === 'Secret') setField(node, 'type', scalar(g.type || 'Opaque', '!!str', at));

  const sorted = [...pairs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const data = newMap(at);
  const binaryData = newMap(at);
  for (const p of sorted) {
    const detail = p.what === 'literal' ? `${op} ${g.name}: literal ${p.key}` : `${op} ${g.name}: ${p.key} from ${p.what}`;
    const change = { op, detail, at: p.at };
    let target = data;
    let value: string;
    if (g.kind === 'Secret') value = base64Lines(valueBytes(p));
    else if (p.binary) {
      target = binaryData;
      value = base64Lines(p.binary);
    } else value = p.value;
    const v = scalar(value, '!!str', p.at);
    rec.note(v, change);
    target.entries.push({ key: scalar(p.key, '!!str', p.at), value: v });
  }
  if (g.kind === 'Secret' || data.entries.length) setField(node, 'data', data);
  if (binaryData.entries.length) setField(node, 'binaryData', binaryData);

  if (options) {
    if (options.labels.size) {
      const labels = newMap(at);
      for (const k of [...options.labels.keys()].sort()) {
        const l = options.labels.get(k)!;
        labels.entries.push({ key: scalar(k, '!!str', l.at), value: scalar(l.value, '!!str', l.at) });
      }
      setField(meta, 'labels', labels);
    }
    if (options.annotations.size) {
      const annos = newMap(at);
      for (const k of [...options.annotations.keys()].sort()) {
        const a = options.annotations.get(k)!;
        annos.entries.push({ key: scalar(k, '!!str', a.at), value: scalar(a.value, '!!str', a.at) });
      }
      setField(meta, 'annotations', annos);
    }
    if (options.immutable) setField(node, 'immutable', scalar('true', '!!bool', at));
  }
  rec.note(node, made);

  const r = new Resource(node, source);
  r.needsHash = !options?.disableNameSuffixHash;
  r.behavior = (['create', 'merge', 'replace'].includes(g.behavior) ? g.behavior : 'unspecified') as Behavior;
  r.generatedAt = g.at;
  return r;
}

/** Merges string maps the way kustomize merges generator metadata and data (later wins), keeping value nodes. */
function mergedStringField(meta: MapNode, key: string, older: YNode | undefined, newer: YNode | undefined): void {
  const pairs = new Map<string, string>([...stringMap(older), ...stringMap(newer)]);
  const nodes = new Map<string, YNode>([...valuesByKey(older), ...valuesByKey(newer)]);
  if (!pairs.size) {
    removeField(meta, key);
    return;
  }
  setField(meta, key, mapFromStrings(pairs, nodes, [older, newer]));
}

/** kustomize's CopyMergeMetaDataFieldsFrom: labels and annotations merged, name and namespace from the old one. */
export function copyMergeMetadata(r: Resource, old: Resource): void {
  const meta = r.metadata();
  const oldMeta = old.metadata();
  mergedStringField(meta, 'labels', get(oldMeta, 'labels'), get(meta, 'labels'));
  mergedStringField(meta, 'annotations', get(oldMeta, 'annotations'), get(meta, 'annotations'));
  const nameNode = get(oldMeta, 'name');
  if (nameNode) setField(meta, 'name', clone(nameNode));
  else removeField(meta, 'name');
  const ns = getString(oldMeta, 'namespace');
  if (ns) {
    const nsNode = get(oldMeta, 'namespace')!;
    setField(meta, 'namespace', clone(nsNode));
  } else removeField(meta, 'namespace');
  // Build annotations follow the old object, except the hash suffix, which both must ask for.
  r.prev = old.prev.slice();
  r.prefixes = old.prefixes.slice();
  r.suffixes = old.suffixes.slice();
  r.needsHash = r.needsHash && old.needsHash;
  r.behavior = old.behavior;
  r.refVarNames = old.refVarNames.slice();
}


function mergeDataField(r: Resource, old: Resource, key: 'data' | 'binaryData'): void {
  const older = get(old.node, key);
  const newer = get(r.node, key);
  const pairs = new Map<string, string>([...stringMap(older), ...stringMap(newer)]);
  const nodes = new Map<string, YNode>([...valuesByKey(older), ...valuesByKey(newer)]);
  removeField(r.node, key);
  if (!pairs.size) return;
  // kustomize re-loads merged data through the ConfigMap loader: text that is not valid UTF-8 would move to
  // binaryData, which cannot happen for values that were already text.
  setField(r.node, key, mapFromStrings(pairs, nodes, [older, newer]));
}

/**
 * Adds a generated object to the map as kustomize's AbsorbAll does: a new id is appended; an existing one must be
 * merged into or replaced, in place, as the generator's behavior says.
 */
export function absorb(m: ResMap, r: Resource, at: Loc): void {
  const id: ResId = r.curId();
  const matches = m.byAnyId((x) => idEquals(id, x));
  if (matches.length === 0) {
    if (r.behavior === 'merge' || r.behavior === 'replace') {
      throw new GitOpsError(`${r.describe()} does not exist; cannot ${r.behavior} (behavior: ${r.behavior} needs an object of that name from a base)`, at, 'kustomization');
    }
    m.append(r, at);
    return;
  }
  if (matches.length > 1) throw new GitOpsError(`found multiple objects that could accept a merge of ${r.describe()}`, at, 'kustomization');
  const old = matches[0]!;
  const index = m.list.indexOf(old);
  if (r.behavior === 'replace') {
    copyMergeMetadata(r, old);
  } else if (r.behavior === 'merge') {
    const origin = old.origin;
    copyMergeMetadata(r, old);
    mergeDataField(r, old, 'data');
    mergeDataField(r, old, 'binaryData');
    if (origin) r.origin = origin;
  } else {
    throw new GitOpsError(`${r.describe()} already exists; set behavior to merge or replace to change it`, at, 'duplicate-id');
  }
  m.list[index] = r;
}
