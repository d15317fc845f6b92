import * as fs from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import git from 'isomorphic-git';
import { normalizeRel, compareBytes } from './paths.ts';
import { SourceError, type DirEntry, type EntryKind, type FileView } from './types.ts';

const decoder = new TextDecoder();

/** Where a repository lives: its work tree and its git directory (which differ for `git worktree` checkouts). */
export interface RepoLocation {
  /** Absolute path of the work tree's top level. */
  dir: string;
  /** Absolute path of the git directory holding objects and refs (the common one, for linked worktrees). */
  gitdir: string;
  /**
   * For a linked worktree (`git worktree add`), its own git directory, which holds its HEAD. isomorphic-git knows
   * nothing of worktrees, so HEAD is read from here by hand and everything else from `gitdir`.
   */
  worktreeGitdir?: string;
}

/**
 * Finds the repository that holds `path` by walking up to the first `.git` (a folder, or a file pointing at the
 * git directory as `git worktree` and submodules write it). Returns undefined outside any repository.
 */
export async function findRepo(path: string): Promise<RepoLocation | undefined> {
  let dir = resolve(path);
  try {
    if (!(await stat(dir)).isDirectory()) dir = dirname(dir);
  } catch {
    return undefined;
  }
  for (;;) {
    const dotgit = join(dir, '.git');
    try {
      const s = await stat(dotgit);
      if (s.isDirectory()) return { dir, gitdir: dotgit };
      if (s.isFile()) {
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotgit, 'utf8'));
        if (m) {
          const own = isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!);
          let common: string | undefined;
          try {
            common = resolve(own, (await readFile(join(own, 'commondir'), 'utf8')).trim());
          } catch {
            // a submodule or a plain gitdir pointer: everything lives in `own`
          }
          return common ? { dir, gitdir: common, worktreeGitdir: own } : { dir, gitdir: own };
        }
      }
    } catch {
      // not here; keep walking up
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** isomorphic-git keeps parsed pack indexes in this object; one per git directory keeps repeated reads fast. */
const caches = new Map<string, object>();
function cacheFor(gitdir: string): object {
  let c = caches.get(gitdir);
  if (!c) caches.set(gitdir, (c = {}));
  return c;
}

async function requireRepo(dir: string): Promise<RepoLocation> {
  const repo = await findRepo(dir);
  if (!repo) throw new SourceError('ENOREPO', '', `${dir} is not inside a git repository`);
  return repo;
}

/** Peels a ref or object id down to the commit it names (annotated tags are followed). */
async function peelToCommit(repo: RepoLocation, oid: string, rev: string): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const { type, object } = await git.readObject({ fs, gitdir: repo.gitdir, oid, cache: cacheFor(repo.gitdir), format: 'parsed' });
    if (type === 'commit') return oid;
    if (type === 'tag') {
      oid = (object as { object: string }).object;
      continue;
    }
    throw new SourceError('EREV', '', `revision ${rev} names a ${type}, not a commit`);
  }
  throw new SourceError('EREV', '', `revision ${rev}: too many nested tags`);
}

/** What HEAD names in a linked worktree: a full ref (`refs/heads/x`) or a commit id. Undefined outside worktrees. */
async function worktreeHead(repo: RepoLocation): Promise<string | undefined> {
  if (!repo.worktreeGitdir) return undefined;
  const head = (await readFile(join(repo.worktreeGitdir, 'HEAD'), 'utf8')).trim();
  const m = /^ref:\s*(.+)$/.exec(head);
  return m ? m[1]! : head;
}

async function resolveName(repo: RepoLocation, name: string, rev: string): Promise<string> {
  const opts = { fs, gitdir: repo.gitdir, cache: cacheFor(repo.gitdir) };
  if (name === 'HEAD' || name === '@') {
    const head = await worktreeHead(repo);
    if (head !== undefined) name = head;
  }
  try {
    return await peelToCommit(repo, await git.resolveRef({ ...opts, ref: name }), rev);
  } catch (err) {
    if (err instanceof SourceError) throw err;
  }
  if (/^[0-9a-f]{4,40}$/i.test(name)) {
    try {
      return await peelToCommit(repo, await git.expandOid({ ...opts, oid: name.toLowerCase() }), rev);
    } catch (err) {
      if (err instanceof SourceError) throw err;
    }
  }
  throw new SourceError('EREV', '', `unknown revision ${rev}: no branch, tag or commit named ${name}`);
}

/**
 * Resolves a revision the way users write one: a branch (local or `origin/x`), a tag, a full or abbreviated commit
 * id, `HEAD`, with any number of `~N` and `^`/`^N` suffixes. Returns the commit id.
 */
export async function resolveRevision(repoDir: string, rev: string): Promise<string> {
  const repo = await requireRepo(repoDir);
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(rev.trim())!;
  const name = m[1] || 'HEAD';
  let oid = await resolveName(repo, name, rev);
  for (const step of m[2]!.match(/[~^]\d*/g) ?? []) {
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    if (step[0] === '~') {
      for (let i = 0; i < n; i++) oid = await parentOf(repo, oid, 1, rev);
    } else if (n > 0) {
      oid = await parentOf(repo, oid, n, rev);
    }
  }
  return oid;
}

async function parentOf(repo: RepoLocation, oid: string, n: number, rev: string): Promise<string> {
  const { commit } = await git.readCommit({ fs, gitdir: repo.gitdir, oid, cache: cacheFor(repo.gitdir) });
  const parent = commit.parent[n - 1];
  if (!parent) throw new SourceError('EREV', '', `revision ${rev}: commit ${oid.slice(0, 7)} has no parent ${n}`);
  return parent;
}

/** The branch checked out in the work tree, or undefined on a detached HEAD. */
export async function currentBranch(repoDir: string): Promise<string | undefined> {
  const repo = await requireRepo(repoDir);
  const head = await worktreeHead(repo);
  if (head !== undefined) return head.startsWith('refs/heads/') ? head.slice('refs/heads/'.length) : undefined;
  return (await git.currentBranch({ fs, gitdir: repo.gitdir, fullname: false })) ?? undefined;
}

/** The repository's remotes and their URLs, as written in its config. */
export async function listRemotes(repoDir: string): Promise<{ remote: string; url: string }[]> {
  const repo = await requireRepo(repoDir);
  return git.listRemotes({ fs, gitdir: repo.gitdir });
}

/**
 * The branch a change is reviewed against: the remote's default branch (`origin/HEAD`), else a local or remote
 * `main` or `master`. Undefined when none exists.
 */
export async function defaultBaseBranch(repoDir: string): Promise<string | undefined> {
  const repo = await requireRepo(repoDir);
  const opts = { fs, gitdir: repo.gitdir, cache: cacheFor(repo.gitdir) };
  for (const remote of ['origin', ...(await git.listRemotes(opts)).map((r) => r.remote)]) {
    try {
      const target = await git.resolveRef({ ...opts, ref: `refs/remotes/${remote}/HEAD`, depth: 2 });
      const m = /^refs\/remotes\/(.+)$/.exec(target);
      if (m) return m[1];
    } catch {
      // no default recorded for this remote
    }
  }
  for (const name of ['origin/main', 'origin/master', 'main', 'master']) {
    try {
      await git.resolveRef({ ...opts, ref: name });
      return name;
    } catch {
      // try the next
    }
  }
  return undefined;
}

/** The best common ancestor of two revisions, the commit a PR is diffed against. */
export async function mergeBase(repoDir: string, a: string, b: string): Promise<string> {
  const repo = await requireRepo(repoDir);
  const oids = [await resolveRevision(repoDir, a), await resolveRevision(repoDir, b)];
  const bases = (await git.findMergeBase({ fs, gitdir: repo.gitdir, oids, cache: cacheFor(repo.gitdir) })) as string[];
  if (!bases.length) throw new SourceError('EREV', '', `${a} and ${b} have no common ancestor`);
  return bases[0]!;
}

interface TreeEntry {
  mode: string;
  oid: string;
  type: string;
}

/**
 * The files of one commit, read straight from the object database: no checkout, no `git` process, nothing written.
 * Trees are cached by object id, so walking the same folders again costs nothing.
 */
/**
 * Blob contents by object id: an id names its content forever, and reading a loose object costs a file read, an
 * inflate and a SHA-1 check each time (repeated diffs in one process read the same blobs again). Bounded by bytes;
 * callers get a copy so that the cached bytes never change.
 */
const blobs = new Map<string, Uint8Array>();
let blobBytes = 0;
const BLOB_BUDGET = 64 << 20;

async function readBlobCached(gitdir: string, oid: string): Promise<Uint8Array> {
  const key = `${gitdir}\0${oid}`;
  const hit = blobs.get(key);
  if (hit) return hit.slice();
  const { blob } = await git.readBlob({ fs, gitdir, oid, cache: cacheFor(gitdir) });
  if (blob.byteLength <= BLOB_BUDGET / 16) {
    blobs.set(key, blob.slice());
    blobBytes += blob.byteLength;
    while (blobBytes > BLOB_BUDGET) {
      const [k, v] = blobs.entries().next().value!;
      blobs.delete(k);
      blobBytes -= v.byteLength;
    }
  }
  return blob;
}

export class GitRevisionView implements FileView {
  readonly label: string;
  readonly root: string;
  readonly commit: string;
  private readonly gitdir: string;
  private readonly rootTree: string;
  private readonly trees = new Map<string, Map<string, TreeEntry>>();

  private constructor(repo: RepoLocation, commit: string, rootTree: string, label: string) {
    this.root = repo.dir;
    this.gitdir = repo.gitdir;
    this.commit = commit;
    this.rootTree = rootTree;
    this.label = label;
  }

  /** Opens `rev` of the repository holding `dir`. */
  static async open(dir: string, rev: string): Promise<GitRevisionView> {
    const repo = await requireRepo(dir);
    const commit = await resolveRevision(repo.dir, rev);
    const { commit: c } = await git.readCommit({ fs, gitdir: repo.gitdir, oid: commit, cache: cacheFor(repo.gitdir) });
    const label = rev === commit ? commit.slice(0, 7) : `${rev} (${commit.slice(0, 7)})`;
    return new GitRevisionView(repo, commit, c.tree, label);
  }

  private async tree(oid: string): Promise<Map<string, TreeEntry>> {
    let t = this.trees.get(oid);
    if (!t) {
      const { tree } = await git.readTree({ fs, gitdir: this.gitdir, oid, cache: cacheFor(this.gitdir) });
      t = new Map(tree.map((e) => [e.path, { mode: e.mode, oid: e.oid, type: e.type }]));
      this.trees.set(oid, t);
    }
    return t;
  }

  /**
   * The path `segs` names once the symlink at `segs[i]` (blob `oid`) is replaced by its target; undefined when the
   * target is absolute or climbs out of the repository.
   */
  private async throughLink(oid: string, segs: string[], i: number): Promise<string | undefined> {
    const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: cacheFor(this.gitdir) });
    const target = decoder.decode(blob);
    if (target.startsWith('/')) return undefined;
    const parent = segs.slice(0, i).join('/');
    let resolved: string;
    try {
      resolved = normalizeRel((parent ? parent + '/' : '') + target);
    } catch {
      return undefined;
    }
    return [resolved, ...segs.slice(i + 1)].filter(Boolean).join('/');
  }

  /** Follows a path through the trees; symlinks inside the repository are followed as a checkout would. */
  private async lookup(path: string, depth = 0): Promise<TreeEntry | undefined> {
    const rel = normalizeRel(path);
    let entry: TreeEntry = { mode: '040000', oid: this.rootTree, type: 'tree' };
    const segs = rel ? rel.split('/') : [];
    for (let i = 0; i < segs.length; i++) {
      if (entry.type !== 'tree') return undefined;
      const next = (await this.tree(entry.oid)).get(segs[i]!);
      if (!next) return undefined;
      if (next.mode === '120000' && depth < 20) {
        const through = await this.throughLink(next.oid, segs, i);
        return through === undefined ? undefined : this.lookup(through, depth + 1);
      }
      entry = next;
    }
    return entry;
  }

  /** The path with the symlinks in it followed, as `lookup` follows them; undefined when one leaves the repository. */
  async realPath(path: string, depth = 0): Promise<string | undefined> {
    const rel = normalizeRel(path);
    let tree = this.rootTree;
    const segs = rel ? rel.split('/') : [];
    for (let i = 0; i < segs.length; i++) {
      const next = (await this.tree(tree)).get(segs[i]!);
      if (!next) return rel;
      if (next.mode === '120000') {
        if (depth >= 20) return rel;
        const through = await this.throughLink(next.oid, segs, i);
        return through === undefined ? undefined : this.realPath(through, depth + 1);
      }
      if (next.type !== 'tree') return rel;
      tree = next.oid;
    }
    return rel;
  }

  async readFile(path: string): Promise<Uint8Array> {
    const rel = normalizeRel(path);
    const e = await this.lookup(rel);
    if (!e) throw new SourceError('ENOENT', rel, `${rel || '.'}: no such file or directory at ${this.label}`);
    if (e.type === 'tree') throw new SourceError('EISDIR', rel, `${rel || '.'}: is a directory, not a file`);
    if (e.type !== 'blob') throw new SourceError('ENOENT', rel, `${rel}: is a submodule, not a file`);
    return readBlobCached(this.gitdir, e.oid);
  }

  async readText(path: string): Promise<string> {
    return decoder.decode(await this.readFile(path));
  }

  async stat(path: string): Promise<EntryKind | undefined> {
    const e = await this.lookup(path);
    return e?.type === 'tree' ? 'dir' : e?.type === 'blob' ? 'file' : undefined;
  }

  async list(dir: string): Promise<DirEntry[]> {
    const rel = normalizeRel(dir);
    const e = await this.lookup(rel);
    if (!e) throw new SourceError('ENOENT', rel, `${rel || '.'}: no such file or directory at ${this.label}`);
    if (e.type !== 'tree') throw new SourceError('ENOTDIR', rel, `${rel}: not a directory`);
    const out: DirEntry[] = [];
    for (const name of [...(await this.tree(e.oid)).keys()].sort(compareBytes)) {
      const kind = await this.stat(rel ? `${rel}/${name}` : name);
      if (kind) out.push({ name, kind });
    }
    return out;
  }
}
