/**
 * One pass over the repository through its file view: every directory and file (what the git generators list),
 * and every YAML document that may be an Argo CD or Flux object (parsed with provenance so errors can name the line).
 */
import { GitOpsError } from '../errors/index.ts';
import { normalizeRel, type DirEntry, type EntryKind, type FileView } from '../source/index.ts';
import { parseYamlDocuments, toPlain, type YNode } from '../yaml/index.ts';
import type { AppError, DefinedIn } from './types.ts';

/** A parsed document that looks like a Kubernetes object. */
export interface ScannedDoc {
  file: string;
  /** Position of the document in its file (0-based). */
  index: number;
  node: YNode;
  obj: Record<string, unknown>;
  at: DefinedIn;
}

const RELEVANT = /argoproj\.io|toolkit\.fluxcd\.io/;
const decoder = new TextDecoder();
const MANIFEST_EXT = /\.(ya?ml|json)$/;

/** Directory names never walked: git's own, package caches. Hidden directories are skipped as Argo CD skips them. */
function skipDir(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/**
 * The repository as one walk saw it, served back as a FileView: stats and listings from memory, file texts read
 * once. Discovery renders hundreds of apps that each stat and list the same folders; answering from memory keeps
 * that off the disk (and off git's object database for a revision). Paths the walk skipped (hidden folders,
 * node_modules) go to the underlying view.
 */
export class RepoIndex implements FileView {
  readonly view: FileView;
  readonly label: string;
  readonly root: string;
  readonly commit?: string;
  private readonly fileSet = new Set<string>();
  private readonly dirSet = new Set<string>(['']);
  private readonly listings = new Map<string, DirEntry[]>();
  /** Every non-hidden directory except the root, in Go's WalkDir pre-order (what GetGitDirectories returns). */
  readonly dirs: string[] = [];
  /** Every file under a non-hidden directory, in the same walk order. */
  readonly files: string[] = [];
  readonly docs: ScannedDoc[] = [];
  readonly errors: AppError[] = [];
  private readonly texts = new Map<string, Promise<string>>();
  private readonly bytes = new Map<string, Promise<Uint8Array>>();
  private readonly parsed = new Map<string, ScannedDoc[]>();

  private constructor(view: FileView) {
    this.view = view;
    this.label = view.label;
    this.root = view.root;
    this.commit = view.commit;
  }

  static async build(view: FileView): Promise<RepoIndex> {
    const idx = new RepoIndex(view);
    await idx.walk('');
    idx.order('');
    // Read and filter in parallel; the view caches nothing itself.
    const candidates = idx.files.filter((f) => MANIFEST_EXT.test(f));
    const texts = await Promise.all(candidates.map((f) => idx.readText(f).catch(() => '')));
    for (let i = 0; i < candidates.length; i++) {
      if (RELEVANT.test(texts[i]!)) idx.docs.push(...idx.parseFile(candidates[i]!, texts[i]!, true));
    }
    return idx;
  }

  private async walk(dir: string): Promise<void> {
    const entries = await this.view.list(dir);
    this.listings.set(dir, entries);
    const sub: Promise<void>[] = [];
    for (const e of entries) {
      const p = dir ? `${dir}/${e.name}` : e.name;
      if (e.kind === 'dir') {
        if (skipDir(e.name)) continue;
        this.dirSet.add(p);
        sub.push(this.walk(p));
      } else {
        this.fileSet.add(p);
      }
    }
    await Promise.all(sub);
  }

  /** Fills `dirs` and `files` in WalkDir pre-order from the listings (the walk itself ran in parallel). */
  private order(dir: string): void {
    for (const e of this.listings.get(dir) ?? []) {
      const p = dir ? `${dir}/${e.name}` : e.name;
      if (e.kind === 'dir') {
        if (!this.dirSet.has(p)) continue;
        this.dirs.push(p);
        this.order(p);
      } else {
        this.files.push(p);
      }
    }
  }

  /** Whether the walk covered this path (so that its absence from the index means it does not exist). */
  private covered(rel: string): boolean {
    return !rel.split('/').some((seg) => skipDir(seg));
  }

  readText(path: string): Promise<string> {
    const rel = normalizeRel(path);
    let t = this.texts.get(rel);
    if (!t) {
      t = this.readFile(rel).then((b) => decoder.decode(b));
      this.texts.set(rel, t);
      t.catch(() => this.texts.delete(rel));
    }
    return t;
  }

  /** Bytes of a file, read once (the renderer reads bytes; discovery reads text of the same files). */
  readFile(path: string): Promise<Uint8Array> {
    const rel = normalizeRel(path);
    let b = this.bytes.get(rel);
    if (!b) {
      b = this.view.readFile(rel);
      this.bytes.set(rel, b);
      // A failed read is not cached: the file may appear (an editor buffer) before the next attempt.
      b.catch(() => this.bytes.delete(rel));
    }
    return b;
  }

  /** Forwarded so the renderer's load restrictor still sees symlinks that lead out of a kustomization folder. */
  realPath(path: string): Promise<string | undefined> {
    const rel = normalizeRel(path);
    return this.view.realPath ? this.view.realPath(rel) : Promise.resolve(rel);
  }

  async stat(path: string): Promise<EntryKind | undefined> {
    const rel = normalizeRel(path);
    if (this.fileSet.has(rel)) return 'file';
    if (this.dirSet.has(rel)) return 'dir';
    if (this.covered(rel)) return undefined;
    // A hidden name (`.argocd-source.yaml`, asked for every app, or a `.git` folder) in a folder the walk listed:
    // the listing answers without touching the disk.
    const slash = rel.lastIndexOf('/');
    const parent = slash < 0 ? '' : rel.slice(0, slash);
    const listing = this.dirSet.has(parent) ? this.listings.get(parent) : undefined;
    if (listing) return listing.find((e) => e.name === rel.slice(slash + 1))?.kind;
    return this.view.stat(rel);
  }

  async list(dir: string): Promise<DirEntry[]> {
    const rel = normalizeRel(dir);
    const l = this.listings.get(rel);
    if (l) return l;
    return this.view.list(rel);
  }

  /**
   * Parses every document of a file that is a mapping with `apiVersion` and `kind`. A file that does not parse is an
   * error only when it is meant as a manifest: a Helm or other template (`{{`) is skipped silently.
   */
  parseFile(file: string, text: string, reportErrors: boolean): ScannedDoc[] {
    const cached = this.parsed.get(file);
    if (cached) return cached;
    const out: ScannedDoc[] = [];
    try {
      const docs = parseYamlDocuments(text, file);
      docs.forEach((d, index) => {
        if (!d.node || d.node.kind !== 'map') return;
        const obj = toPlain(d.node) as Record<string, unknown>;
        if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return;
        const o = d.node.origin ?? d.start;
        out.push({ file, index, node: d.node, obj, at: { file, line: o.line, column: o.column } });
      });
    } catch (err) {
      if (reportErrors && err instanceof GitOpsError && !text.includes('{{')) {
        const loc = err.location;
        this.errors.push({ file, line: loc?.line ?? 1, column: loc?.column, message: err.message });
      }
    }
    this.parsed.set(file, out);
    return out;
  }

  /**
   * Objects of `kind` named `name` anywhere in the repo (ConfigMaps and Secrets for Flux substituteFrom, which are
   * rarely Argo or Flux files and so are not in `docs`). Files are read lazily and only when they mention the name.
   */
  async findObjects(kind: string, name: string): Promise<ScannedDoc[]> {
    const out: ScannedDoc[] = [];
    for (const f of this.files) {
      if (!MANIFEST_EXT.test(f)) continue;
      const text = await this.readText(f).catch(() => '');
      if (!text.includes(name) || !text.includes(kind)) continue;
      for (const d of this.parseFile(f, text, false)) {
        const meta = d.obj.metadata as Record<string, unknown> | undefined;
        if (d.obj.kind === kind && meta?.name === name) out.push(d);
      }
    }
    return out;
  }
}

/** The location of the node at `path` under `node` (keys and list indexes), or the closest ancestor's. */
export function locate(node: YNode | undefined, path: (string | number)[], fallback: DefinedIn): DefinedIn {
  let cur: YNode | undefined = node;
  let best: DefinedIn = cur?.origin ? { ...cur.origin } : fallback;
  for (const seg of path) {
    if (!cur) break;
    if (cur.kind === 'map' && typeof seg === 'string') {
      const e = cur.entries.find((x) => x.key.value === seg);
      if (!e) break;
      cur = e.value;
      // The key's line: that is where a user looks for a field (a block value starts on the next line).
      const o = e.key.origin ?? e.value.origin;
      if (o) best = { ...o };
    } else if (cur.kind === 'seq' && typeof seg === 'number') {
      cur = cur.items[seg];
      if (cur?.origin) best = { ...cur.origin };
    } else {
      break;
    }
  }
  return best;
}
