/**
 * One pass over the repository through its file view: every directory and file (what the git generators list),
 * and every YAML document that may be an Argo CD or Flux object (parsed with provenance so errors can name the line).
 */
import { GitOpsError } from '../errors/index.ts';
import type { FileView } from '../source/index.ts';
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
const MANIFEST_EXT = /\.(ya?ml|json)$/;

/** Directory names never walked: git's own, package caches. Hidden directories are skipped as Argo CD skips them. */
function skipDir(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

export class RepoIndex {
  readonly view: FileView;
  /** Every non-hidden directory except the root, in Go's WalkDir pre-order (what GetGitDirectories returns). */
  readonly dirs: string[] = [];
  /** Every file under a non-hidden directory, in the same walk order. */
  readonly files: string[] = [];
  readonly docs: ScannedDoc[] = [];
  readonly errors: AppError[] = [];
  private readonly texts = new Map<string, Promise<string>>();
  private readonly parsed = new Map<string, ScannedDoc[]>();

  private constructor(view: FileView) {
    this.view = view;
  }

  static async build(view: FileView): Promise<RepoIndex> {
    const idx = new RepoIndex(view);
    await idx.walk('');
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
    for (const e of entries) {
      const p = dir ? `${dir}/${e.name}` : e.name;
      if (e.kind === 'dir') {
        if (skipDir(e.name)) continue;
        this.dirs.push(p);
        await this.walk(p);
      } else {
        this.files.push(p);
      }
    }
  }

  readText(path: string): Promise<string> {
    let t = this.texts.get(path);
    if (!t) {
      t = this.view.readText(path);
      this.texts.set(path, t);
    }
    return t;
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
