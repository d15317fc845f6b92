import { realpathSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { normalizeRel, compareBytes } from './paths.ts';
import { SourceError, type DirEntry, type EntryKind, type FileView } from './types.ts';

const decoder = new TextDecoder();

/** Maps a Node fs error onto our own codes so callers never parse errno strings. */
export function fsError(err: unknown, rel: string): SourceError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new SourceError('ENOENT', rel, `${rel || '.'}: no such file or directory`);
  if (code === 'ENOTDIR') return new SourceError('ENOTDIR', rel, `${rel || '.'}: not a directory`);
  if (code === 'EISDIR') return new SourceError('EISDIR', rel, `${rel || '.'}: is a directory, not a file`);
  return new SourceError('ENOENT', rel, `${rel || '.'}: ${(err as Error)?.message ?? String(err)}`);
}

/** The files on disk under `root`, read as they are now. */
export class WorktreeView implements FileView {
  readonly label = 'working tree';
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private abs(path: string): { rel: string; abs: string } {
    const rel = normalizeRel(path);
    return { rel, abs: join(this.root, rel) };
  }

  async readFile(path: string): Promise<Uint8Array> {
    const { rel, abs } = this.abs(path);
    try {
      return await readFile(abs);
    } catch (err) {
      throw fsError(err, rel);
    }
  }

  async readText(path: string): Promise<string> {
    return decoder.decode(await this.readFile(path));
  }

  async stat(path: string): Promise<EntryKind | undefined> {
    const { abs } = this.abs(path);
    try {
      const s = await stat(abs);
      return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  }

  private realRoot?: string;

  async realPath(path: string): Promise<string | undefined> {
    const { rel, abs } = this.abs(path);
    if (this.realRoot === undefined) {
      try {
        this.realRoot = realpathSync.native(this.root);
      } catch {
        this.realRoot = this.root;
      }
    }
    const root = this.realRoot;
    let real: string;
    try {
      // One realpath(3) call, synchronous: cheaper than the thread pool for the few files of a kustomization.
      real = realpathSync.native(abs);
    } catch {
      return rel;
    }
    if (real === root) return '';
    if (!real.startsWith(root + sep)) return undefined;
    return relative(root, real).split(sep).join('/');
  }

  async list(dir: string): Promise<DirEntry[]> {
    const { rel, abs } = this.abs(dir);
    let names: string[];
    try {
      names = await readdir(abs);
    } catch (err) {
      throw fsError(err, rel);
    }
    const out: DirEntry[] = [];
    for (const name of names.sort(compareBytes)) {
      // stat (not lstat) so that symlinked files and folders read as what they point at, as kustomize sees them.
      const kind = await this.stat(rel ? `${rel}/${name}` : name);
      if (kind) out.push({ name, kind });
    }
    return out;
  }
}
