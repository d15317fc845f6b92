import { normalizeRel, dirnameRel, compareBytes } from './paths.ts';
import { SourceError, type DirEntry, type EntryKind, type FileView } from './types.ts';

const encoder = new TextEncoder();

/**
 * A view with unsaved editor buffers laid over another view. A buffer wins over the file below it, and a buffer for
 * a file that does not exist on disk yet (a new, unsaved file) appears in its folder's listing.
 */
export class OverlayView implements FileView {
  readonly label: string;
  readonly root: string;
  readonly commit?: string;
  private readonly base: FileView;
  private readonly buffers: Map<string, string>;

  /** `buffers` maps view-relative paths to the text the editor holds. */
  constructor(base: FileView, buffers: Map<string, string> | Record<string, string>) {
    this.base = base;
    this.root = base.root;
    this.commit = base.commit;
    const entries = buffers instanceof Map ? [...buffers] : Object.entries(buffers);
    this.buffers = new Map(entries.map(([p, t]) => [normalizeRel(p), t]));
    this.label = this.buffers.size ? `unsaved buffers over ${base.label}` : base.label;
  }

  async readFile(path: string): Promise<Uint8Array> {
    const text = this.buffers.get(normalizeRel(path));
    return text !== undefined ? encoder.encode(text) : this.base.readFile(path);
  }

  async readText(path: string): Promise<string> {
    const text = this.buffers.get(normalizeRel(path));
    return text !== undefined ? text : this.base.readText(path);
  }

  async stat(path: string): Promise<EntryKind | undefined> {
    const rel = normalizeRel(path);
    if (this.buffers.has(rel)) return 'file';
    const kind = await this.base.stat(rel);
    if (kind) return kind;
    // A folder that exists only because an unsaved new file lives in it.
    for (const p of this.buffers.keys()) if (rel === '' || p.startsWith(rel + '/')) return 'dir';
    return undefined;
  }

  async realPath(path: string): Promise<string | undefined> {
    const rel = normalizeRel(path);
    if (this.buffers.has(rel)) return rel;
    return this.base.realPath ? this.base.realPath(rel) : rel;
  }

  async list(dir: string): Promise<DirEntry[]> {
    const rel = normalizeRel(dir);
    let below: DirEntry[] = [];
    try {
      below = await this.base.list(rel);
    } catch (err) {
      if (!(err instanceof SourceError) || err.code !== 'ENOENT' || (await this.stat(rel)) !== 'dir') throw err;
    }
    const byName = new Map(below.map((e) => [e.name, e]));
    for (const p of this.buffers.keys()) {
      if (dirnameRel(p) === rel) byName.set(p.slice(rel ? rel.length + 1 : 0), { name: p.slice(rel ? rel.length + 1 : 0), kind: 'file' });
      else if (rel === '' || p.startsWith(rel + '/')) {
        const name = p.slice(rel ? rel.length + 1 : 0).split('/')[0]!;
        if (!byName.has(name)) byName.set(name, { name, kind: 'dir' });
      }
    }
    return [...byName.values()].sort((a, b) => compareBytes(a.name, b.name));
  }
}
