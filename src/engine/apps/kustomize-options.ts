/**
 * An Application's `source.kustomize` options, applied the way Argo CD's repo-server applies them: it runs
 * `kustomize edit set nameprefix|namesuffix|image|replicas`, `kustomize edit add label|annotation|component` and
 * `kustomize edit set namespace` in that order on a copy of the root kustomization, and appends `patches` to the
 * file itself. This module produces the edited kustomization text (a pure function of the text and the options); the
 * caller lays it over the source view so the renderer reads it in place of the file.
 */
import { parseDocument, isMap, Document } from 'yaml';
import { isObj, str } from './application.ts';

/** The build environment Argo CD passes to kustomize edits (`$ARGOCD_APP_NAME`, …). */
export type BuildEnv = Record<string, string>;

export class KustomizeEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KustomizeEditError';
  }
}

function isShellSpecial(c: string): boolean {
  return /[*#$@!?\-0-9]/.test(c);
}

/** Go's os.Expand with Argo CD's mapping: known build variables, `$$` for a dollar, anything else empty. */
export function envsubstArgo(s: string, env: BuildEnv): string {
  const mapping = (name: string): string => (name === '$' ? '$' : env[name] ?? '');
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '$' || i + 1 >= s.length) {
      out += c;
      i++;
      continue;
    }
    const rest = s.slice(i + 1);
    let name = '';
    let w = 0;
    if (rest[0] === '{') {
      if (rest.length > 2 && isShellSpecial(rest[1]!) && rest[2] === '}') {
        name = rest[1]!;
        w = 3;
      } else {
        const close = rest.indexOf('}', 1);
        if (close === 1) w = 2; // "${}": bad syntax, eaten
        else if (close < 0) w = 1; // missing "}": bad syntax, the "{" is eaten
        else {
          name = rest.slice(1, close);
          w = close + 1;
        }
      }
    } else if (isShellSpecial(rest[0]!)) {
      name = rest[0]!;
      w = 1;
    } else {
      const m = /^[A-Za-z0-9_]*/.exec(rest)![0];
      name = m;
      w = m.length;
    }
    if (name === '' && w > 0) {
      // invalid syntax: the characters are dropped
    } else if (name === '') {
      out += '$';
    } else {
      out += mapping(name);
    }
    i += 1 + w;
  }
  return out;
}

/** kustomize's image.Split: name, tag and digest of `[host[:port]/]path[:tag][@digest]`. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let search = image;
  let slash = image.indexOf('/');
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return { name: image, tag: '', digest: '' };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += slash;
    return { name: image.slice(0, id), tag: '', digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += slash;
    ic += slash;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += slash;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: '' };
}

interface Image {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

const IMAGE_FORMATS = 'invalid format of image, use one of the following options: <image>=<newimage>:<newtag>, <image>=<newimage>@<digest>, <image>=<newimage>:<newtag>@<digest>, <image>=<newimage>, <image>:<newtag>, <image>:<newtag>@<digest>, <image>@<digest>';

/** `kustomize edit set image` argument parsing. */
export function parseImageArg(arg: string): Image {
  const eq = arg.indexOf('=');
  const key = eq >= 0 ? arg.slice(0, eq) : '';
  const value = eq >= 0 ? arg.slice(eq + 1) : arg;
  const { name, tag, digest } = splitImage(value);
  if (name === arg) throw new KustomizeEditError(`kustomize edit set image ${arg}: ${IMAGE_FORMATS}`);
  const img: Image = key ? { name: key, newName: name } : { name };
  if (tag) img.newTag = tag;
  if (digest) img.digest = digest;
  return img;
}

function toJS(doc: Document, key: string): unknown {
  const v = doc.get(key, true);
  return v === undefined ? undefined : (doc.toJS() as Record<string, unknown>)[key];
}

function setField(doc: Document, key: string, value: unknown): void {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) doc.delete(key);
  else doc.set(key, doc.createNode(value));
}

function mergeImages(existing: unknown, args: Image[]): Image[] {
  const byName = new Map<string, Image>();
  for (const a of args) byName.set(a.name, a);
  const keep = (v: string | undefined, old: string | undefined): string | undefined => (v === '*' ? old : v);
  for (const raw of Array.isArray(existing) ? existing : []) {
    if (!isObj(raw)) continue;
    const old: Image = { name: str(raw.name) };
    if (raw.newName !== undefined) old.newName = str(raw.newName);
    if (raw.newTag !== undefined) old.newTag = str(raw.newTag);
    if (raw.digest !== undefined) old.digest = str(raw.digest);
    const arg = byName.get(old.name);
    if (arg) byName.set(old.name, { name: arg.name, newName: keep(arg.newName, old.newName), newTag: keep(arg.newTag, old.newTag), digest: keep(arg.digest, old.digest) });
    else byName.set(old.name, old);
  }
  const out = [...byName.values()].map((im) => {
    const o: Image = { name: im.name };
    for (const k of ['newName', 'newTag', 'digest'] as const) {
      const v = im[k] === '*' ? '' : im[k];
      if (v) o[k] = v;
    }
    return o;
  });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function replicaCount(v: unknown, name: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isInteger(n)) throw new KustomizeEditError(`replicas ${name}: count ${JSON.stringify(v)} is not an integer`);
  return n;
}

/**
 * Applies `opts` (an Application's `source.kustomize`) to the kustomization text. `componentExists` answers for a
 * component path relative to the kustomization's folder. Throws KustomizeEditError with kustomize's wording when an
 * edit fails (for example a label that already exists without `forceCommonLabels`).
 */
export async function applyArgoKustomizeOptions(
  text: string,
  opts: Record<string, unknown>,
  env: BuildEnv,
  componentExists: (path: string) => Promise<boolean>,
): Promise<string> {
  const parsed = parseDocument(text, { version: '1.1' });
  if (parsed.errors.length) throw new KustomizeEditError(`cannot read the kustomization: ${parsed.errors[0]!.message.split('\n')[0]}`);
  const doc: Document = isMap(parsed.contents) ? (parsed as unknown as Document) : new Document({});
  let touched = false;
  // Every `kustomize edit` reads the file through FixKustomization: deprecated `bases` and `imageTags` move.
  const fix = (): void => {
    if (touched) return;
    touched = true;
    const bases = toJS(doc, 'bases');
    if (Array.isArray(bases) && bases.length) {
      const res = toJS(doc, 'resources');
      setField(doc, 'resources', [...(Array.isArray(res) ? res : []), ...bases]);
    }
    if (bases !== undefined) doc.delete('bases');
    const tags = toJS(doc, 'imageTags');
    if (Array.isArray(tags) && tags.length) {
      const imgs = toJS(doc, 'images');
      setField(doc, 'images', [...(Array.isArray(imgs) ? imgs : []), ...tags]);
    }
    if (tags !== undefined) doc.delete('imageTags');
  };

  const namePrefix = str(opts.namePrefix);
  if (namePrefix) {
    fix();
    doc.set('namePrefix', namePrefix);
  }
  const nameSuffix = str(opts.nameSuffix);
  if (nameSuffix) {
    fix();
    doc.set('nameSuffix', nameSuffix);
  }
  if (Array.isArray(opts.images) && opts.images.length) {
    fix();
    const args = opts.images.map((i) => parseImageArg(envsubstArgo(str(i), env)));
    setField(doc, 'images', mergeImages(toJS(doc, 'images'), args));
  }
  if (Array.isArray(opts.replicas) && opts.replicas.length) {
    fix();
    const byName = new Map<string, { name: string; count: number }>();
    for (const r of opts.replicas) {
      if (!isObj(r)) continue;
      const name = str(r.name);
      byName.set(name, { name, count: replicaCount(r.count, name) });
    }
    const existing = toJS(doc, 'replicas');
    for (const r of Array.isArray(existing) ? existing : []) {
      if (isObj(r) && !byName.has(str(r.name))) byName.set(str(r.name), { name: str(r.name), count: Number(r.count) });
    }
    setField(doc, 'replicas', [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  if (isObj(opts.commonLabels) && Object.keys(opts.commonLabels).length) {
    fix();
    const force = opts.forceCommonLabels === true;
    const values = Object.entries(opts.commonLabels).map(([k, v]) => [k, envsubstArgo(str(v), env)] as const);
    if (opts.labelWithoutSelector === true) {
      const includeTemplates = opts.labelIncludeTemplates === true;
      const labels = toJS(doc, 'labels');
      const list: Record<string, unknown>[] = Array.isArray(labels) ? labels.filter(isObj) : [];
      const same = (l: Record<string, unknown>): boolean => (l.includeSelectors === true) === false && (l.includeTemplates === true) === includeTemplates;
      for (const [k, v] of values) {
        let target = list.find((l) => same(l));
        if (!target) {
          target = { pairs: {}, ...(includeTemplates ? { includeTemplates: true } : {}) };
          list.push(target);
        }
        const pairs = (isObj(target.pairs) ? target.pairs : (target.pairs = {})) as Record<string, unknown>;
        if (k in pairs && !force) throw new KustomizeEditError(`label ${k} already in kustomization file. Use --force to override.`);
        pairs[k] = v;
      }
      setField(doc, 'labels', list);
    } else {
      const existing = toJS(doc, 'commonLabels');
      const map: Record<string, unknown> = isObj(existing) ? { ...existing } : {};
      for (const [k, v] of values) {
        if (k in map && !force) throw new KustomizeEditError(`label ${k} already in kustomization file. Use --force to override.`);
        map[k] = v;
      }
      setField(doc, 'commonLabels', map);
    }
  }
  if (isObj(opts.commonAnnotations) && Object.keys(opts.commonAnnotations).length) {
    fix();
    const force = opts.forceCommonAnnotations === true;
    const subst = opts.commonAnnotationsEnvsubst === true;
    const existing = toJS(doc, 'commonAnnotations');
    const map: Record<string, unknown> = isObj(existing) ? { ...existing } : {};
    for (const [k, v] of Object.entries(opts.commonAnnotations)) {
      if (k in map && !force) throw new KustomizeEditError(`annotation ${k} already in kustomization file. Use --force to override.`);
      map[k] = subst ? envsubstArgo(str(v), env) : str(v);
    }
    setField(doc, 'commonAnnotations', map);
  }
  const namespace = str(opts.namespace);
  if (namespace) {
    fix();
    doc.set('namespace', namespace);
  }
  if (Array.isArray(opts.patches) && opts.patches.length) {
    // Written straight into the file (no `kustomize edit`, so no FixKustomization).
    const existing = toJS(doc, 'patches');
    if (existing !== undefined && !Array.isArray(existing)) throw new KustomizeEditError(`expected 'patches' field in kustomization.yaml to be a list`);
    setField(doc, 'patches', [...(Array.isArray(existing) ? existing : []), ...opts.patches]);
  }
  if (Array.isArray(opts.components) && opts.components.length) {
    const wanted: string[] = [];
    for (const c of opts.components.map(str)) {
      const exists = await componentExists(c);
      if (!exists) {
        if (opts.ignoreMissingComponents === true) continue;
        throw new KustomizeEditError(`component ${c} has no match: no such file or directory`);
      }
      wanted.push(c);
    }
    if (wanted.length) {
      fix();
      const existing = toJS(doc, 'components');
      const list = Array.isArray(existing) ? existing.map(str) : [];
      for (const c of wanted) if (!list.includes(c)) list.push(c);
      setField(doc, 'components', list);
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/** True when the options ask for any edit (otherwise the kustomization is rendered as it is). */
export function hasKustomizeEdits(opts: Record<string, unknown> | undefined): boolean {
  if (!opts) return false;
  const nonEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : isObj(v) ? Object.keys(v).length > 0 : !!str(v));
  return ['namePrefix', 'nameSuffix', 'images', 'replicas', 'commonLabels', 'commonAnnotations', 'namespace', 'patches', 'components'].some((k) => nonEmpty(opts[k]));
}
