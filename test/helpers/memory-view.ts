/** A FileView over an in-memory map of files, for unit tests that need no git repository. */
import { SourceError, compareBytes, normalizeRel, type DirEntry, type EntryKind, type FileView } from '../../src/engine/source/index.ts';

export class MemoryView implements FileView {
  readonly label = 'memory';
  readonly root = '/memory';
  private readonly files: Map<string, string>;

  constructor(files: Record<string, string>) {
    this.files = new Map(Object.entries(files).map(([p, t]) => [normalizeRel(p), t]));
  }

  async readFile(path: string): Promise<Uint8Array> {
    return new TextEncoder().encode(await this.readText(path));
  }

  async readText(path: string): Promise<string> {
    const t = this.files.get(normalizeRel(path));
    if (t === undefined) throw new SourceError('ENOENT', path, `${path}: no such file or directory`);
    return t;
  }

  async stat(path: string): Promise<EntryKind | undefined> {
    const p = normalizeRel(path);
    if (this.files.has(p)) return 'file';
    for (const f of this.files.keys()) if (p === '' || f.startsWith(p + '/')) return 'dir';
    return undefined;
  }

  async list(dir: string): Promise<DirEntry[]> {
    const d = normalizeRel(dir);
    if ((await this.stat(d)) !== 'dir') throw new SourceError('ENOENT', d, `${d}: no such file or directory`);
    const out = new Map<string, EntryKind>();
    for (const f of this.files.keys()) {
      if (d && !f.startsWith(d + '/')) continue;
      const rest = d ? f.slice(d.length + 1) : f;
      const i = rest.indexOf('/');
      if (i < 0) out.set(rest, 'file');
      else out.set(rest.slice(0, i), 'dir');
    }
    return [...out].map(([name, kind]) => ({ name, kind })).sort((a, b) => compareBytes(a.name, b.name));
  }
}
