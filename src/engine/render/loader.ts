/**
 * How a kustomization reaches other files, with kustomize's rules: files are read only from the kustomization's own
 * folder or below (the default "rootOnly" load restrictor), folders (bases, components) may be anywhere in the repo
 * but never one that contains a kustomization already being built (a cycle), and remote URLs are refused because
 * we render offline. Every read goes through the FileView, so the same code renders the working tree, unsaved
 * buffers and git revisions; reads are cached by the build's FileCache.
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GitOpsError } from '../errors/index.ts';
import { normalizeRel, SourceError, WorktreeView, type FileView } from '../source/index.ts';
import type { Loc } from '../yaml/index.ts';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** One answer the file view gave during a build step (what a cached step's result depends on). */
export type Observation = { op: 'stat'; path: string; value: 'file' | 'dir' | undefined } | { op: 'bytes'; path: string; value: Uint8Array | undefined };

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Reads through the view once per build. It also records, for cached build steps, every answer the view gave while
 * a step ran (`observe`), so a later build can check the step's inputs are unchanged before reusing its result.
 * Working-tree reads are synchronous: for the small files of a deploy repo that is several times cheaper than
 * going through the thread pool.
 */
export class FileCache {
  private texts = new Map<string, Promise<Uint8Array | undefined>>();
  private kinds = new Map<string, Promise<'file' | 'dir' | undefined>>();
  private lists = new Map<string, Promise<string[]>>();
  private readonly diskRoot: string | undefined;
  private scopes: { ops: { op: 'stat' | 'bytes'; path: string }[] }[] = [];

  constructor(readonly view: FileView) {
    this.diskRoot = view instanceof WorktreeView ? view.root : undefined;
  }

  /** Starts recording what the view is asked; `end` returns the answers. Scopes nest. */
  observe(): { end: () => Promise<Observation[]> } {
    const scope = { ops: [] as { op: 'stat' | 'bytes'; path: string }[] };
    this.scopes.push(scope);
    return {
      end: async () => {
        this.scopes.splice(this.scopes.indexOf(scope), 1);
        const seen = new Set<string>();
        const out: Observation[] = [];
        for (const o of scope.ops) {
          const k = `${o.op}\0${o.path}`;
          if (seen.has(k)) continue;
          seen.add(k);
          if (o.op === 'stat') out.push({ op: 'stat', path: o.path, value: await this.stat(o.path) });
          else out.push({ op: 'bytes', path: o.path, value: await this.bytes(o.path) });
        }
        return out;
      },
    };
  }

  /** Whether the view still gives these answers. */
  async unchanged(obs: Observation[]): Promise<boolean> {
    for (const o of obs) {
      if (o.op === 'stat') {
        if ((await this.stat(o.path)) !== o.value) return false;
      } else if (!sameBytes(await this.bytes(o.path), o.value)) return false;
    }
    return true;
  }

  private reals = new Map<string, Promise<string | undefined>>();

  /** Where a path really is (symlinks followed), memoised for the build; the path itself for views without links. */
  realPath(path: string): Promise<string | undefined> {
    const view = this.view;
    if (!view.realPath) return Promise.resolve(path);
    let p = this.reals.get(path);
    if (!p) {
      // On disk, a file that `stat` saw is no link needs only its folder resolved (once per folder).
      const slash = path.lastIndexOf('/');
      if (this.diskRoot !== undefined && this.kinds.has(path) && !this.links.has(path) && path !== '') {
        const dir = slash < 0 ? '' : path.slice(0, slash);
        const name = path.slice(slash + 1);
        p = this.realPath(dir).then((d) => (d === undefined ? undefined : d === dir ? path : d ? `${d}/${name}` : name));
      } else p = view.realPath(path);
      this.reals.set(path, p);
    }
    return p;
  }

  /** Paths `stat` found to be symlinks (working tree only). */
  private links = new Set<string>();

  private note(op: 'stat' | 'bytes', path: string): void {
    for (const s of this.scopes) s.ops.push({ op, path });
  }

  private diskPaths = new Map<string, string | undefined>();

  private disk(path: string): string | undefined {
    if (this.diskRoot === undefined) return undefined;
    let abs = this.diskPaths.get(path);
    if (abs === undefined && !this.diskPaths.has(path)) {
      try {
        abs = join(this.diskRoot, normalizeRel(path));
      } catch {
        abs = undefined;
      }
      this.diskPaths.set(path, abs);
    }
    return abs;
  }

  stat(path: string): Promise<'file' | 'dir' | undefined> {
    this.note('stat', path);
    let p = this.kinds.get(path);
    if (!p) {
      const abs = this.disk(path);
      if (abs !== undefined) {
        let k: 'file' | 'dir' | undefined;
        try {
          let s = lstatSync(abs);
          if (s.isSymbolicLink()) {
            this.links.add(path);
            s = statSync(abs);
          }
          k = s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
        } catch {
          k = undefined;
        }
        p = Promise.resolve(k);
      } else p = this.view.stat(path).catch(() => undefined);
      this.kinds.set(path, p);
    }
    return p;
  }

  /** File names (not folders) in a folder. */
  listFiles(dir: string): Promise<string[]> {
    let p = this.lists.get(dir);
    if (!p) {
      p = this.view.list(dir).then(
        (es) => es.filter((e) => e.kind === 'file').map((e) => e.name),
        () => [],
      );
      this.lists.set(dir, p);
    }
    return p;
  }

  bytes(path: string): Promise<Uint8Array | undefined> {
    this.note('bytes', path);
    let p = this.texts.get(path);
    if (!p) {
      const abs = this.disk(path);
      if (abs !== undefined) {
        let b: Uint8Array | undefined;
        try {
          b = readFileSync(abs);
        } catch {
          b = undefined;
        }
        p = Promise.resolve(b);
      } else {
        p = this.view.readFile(path).catch((err) => {
          if (err instanceof SourceError) return undefined;
          throw err;
        });
      }
      this.texts.set(path, p);
    }
    return p;
  }

  async text(path: string): Promise<string | undefined> {
    const b = await this.bytes(path);
    return b === undefined ? undefined : decoder.decode(b);
  }
}

/** Paths kustomize would fetch over the network: http(s) URLs and git repository specs. */
export function looksRemote(path: string): boolean {
  return (
    /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(path) ||
    /^git::/i.test(path) ||
    /^[^/\s:@]+@[^/\s:]+:/.test(path) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)[/:]/i.test(path)
  );
}

export function remoteError(path: string, at: Loc | undefined): GitOpsError {
  return new GitOpsError(`remote resource ${path}: not available offline (gitops-sandbox renders only what is in the repository)`, at, 'remote');
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p);
}

function within(dir: string, root: string): boolean {
  return root === '' || dir === root || dir.startsWith(root + '/');
}

export class Loader {
  /** `root` is the kustomization folder, view-relative ('' for the view's root). */
  constructor(
    readonly root: string,
    readonly files: FileCache,
    readonly referrer?: Loader,
    /** kustomize's `--load-restrictor LoadRestrictionsNone`: files may be anywhere in the repository. */
    readonly unrestricted: boolean = referrer?.unrestricted ?? false,
  ) {}

  /** Resolves a path written in this kustomization to a view-relative path (throws when it leaves the repo). */
  resolve(path: string, at: Loc | undefined): string {
    let p = path;
    if (isAbsolute(p)) {
      const root = this.files.view.root.replace(/\\/g, '/');
      const abs = p.replace(/\\/g, '/');
      if (!abs.startsWith(root + '/') && abs !== root) throw new GitOpsError(`${path} is outside the repository`, at, 'load-restrictor');
      p = abs.slice(root.length + 1);
      return normalizeRel(p);
    }
    try {
      return normalizeRel(this.root ? `${this.root}/${p}` : p);
    } catch {
      throw new GitOpsError(`${path} is outside the repository`, at, 'load-restrictor');
    }
  }

  /**
   * Reads a file the kustomization refers to, enforcing the root-only restriction. Returns the view-relative path
   * and the bytes; throws a located error when the file is missing, a folder, outside the root, or remote.
   */
  async load(path: string, at: Loc | undefined, what = 'file'): Promise<{ file: string; bytes: Uint8Array }> {
    if (/^https?:\/\//i.test(path)) throw remoteError(path, at);
    const file = this.resolve(path, at);
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    const kind = await this.files.stat(file);
    if (kind === 'dir') throw new GitOpsError(`${what} ${path} is a folder, expected a file`, at, 'missing-file');
    if (kind === undefined) {
      if (looksRemote(path)) throw remoteError(path, at);
      throw new GitOpsError(`${what} ${path} not found (looked for ${file})`, at, 'missing-file');
    }
    if (!this.unrestricted && !within(dir, this.root)) {
      throw new GitOpsError(
        `${what} ${path} is outside the kustomization folder ${this.root || '.'}; kustomize's load restrictor refuses files that are not in or below it`,
        at,
        'load-restrictor',
      );
    }
    // kustomize checks where a file really is: a symlink in the folder that points out of it is refused too.
    const real = this.unrestricted ? file : await this.files.realPath(file);
    if (real !== file) {
      const realRoot = (await this.files.realPath(this.root)) ?? this.root;
      if (real === undefined || !within(real.includes('/') ? real.slice(0, real.lastIndexOf('/')) : '', realRoot)) {
        throw new GitOpsError(
          `${what} ${path} is a symlink to ${real ?? 'a file outside the repository'}, outside the kustomization folder ${this.root || '.'}; kustomize's load restrictor refuses files that are not in or below it`,
          at,
          'load-restrictor',
        );
      }
    }
    const bytes = await this.files.bytes(file);
    if (!bytes) throw new GitOpsError(`${what} ${path} could not be read`, at, 'missing-file');
    return { file, bytes };
  }

  async loadText(path: string, at: Loc | undefined, what = 'file'): Promise<{ file: string; text: string }> {
    const { file, bytes } = await this.load(path, at, what);
    return { file, text: decoder.decode(bytes) };
  }

  /** A loader for a folder this kustomization refers to (a base, a component), refusing cycles. */
  async child(path: string, at: Loc | undefined, what = 'folder'): Promise<Loader> {
    if (path === '') throw new GitOpsError(`${what} path is empty`, at, 'kustomization');
    if (looksRemote(path) && !(await this.files.stat(this.resolve(path, at)).catch(() => undefined))) throw remoteError(path, at);
    if (isAbsolute(path)) throw new GitOpsError(`${what} ${path}: kustomize refuses absolute paths for folders`, at, 'kustomization');
    const dir = this.resolve(path, at);
    const kind = await this.files.stat(dir);
    if (kind !== 'dir') {
      if (looksRemote(path)) throw remoteError(path, at);
      throw new GitOpsError(kind === 'file' ? `${what} ${path} is a file, expected a folder` : `${what} ${path} not found (looked for ${dir || '.'})`, at, 'missing-file');
    }
    for (let l: Loader | undefined = this; l; l = l.referrer) {
      if (within(l.root, dir)) {
        throw new GitOpsError(`cycle detected: ${dir || '.'} contains ${l.root || '.'}, which is already being built`, at, 'cycle');
      }
    }
    return new Loader(dir, this.files, this);
  }
}
