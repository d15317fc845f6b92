/** What a path names inside a view. */
export type EntryKind = 'file' | 'dir';

export interface DirEntry {
  name: string;
  kind: EntryKind;
}

/**
 * A read-only view of a tree of files: the working tree, the working tree under unsaved editor buffers, or a git
 * revision. Everything that reads the user's repo reads through one of these, so a render at HEAD and a render of
 * what the user is typing run the very same code.
 *
 * Paths are POSIX, relative to `root`, without a leading `./`; `''` names the root itself. A path that climbs out of
 * the root (`../x`) is refused.
 */
export interface FileView {
  /** What the user sees in messages: "working tree", "HEAD (1a2b3c4)", … */
  readonly label: string;
  /** Absolute path of the directory the view is rooted at: the repository top level when there is one. */
  readonly root: string;
  /** The commit this view reads, for git views. */
  readonly commit?: string;
  readFile(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
  /** undefined when nothing is there. */
  stat(path: string): Promise<EntryKind | undefined>;
  /** Entries sorted by name (byte order), as kustomize and git list them. */
  list(dir: string): Promise<DirEntry[]>;
  /**
   * The path with every symlink on the way followed (view-relative), or undefined when a link leads out of the
   * view's root. Optional: a view without links (or a wrapper that does not forward it) answers the path itself.
   */
  realPath?(path: string): Promise<string | undefined>;
}

export type SourceErrorCode = 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EOUTSIDE' | 'EREV' | 'ENOREPO';

/** A failure to read through a view; `path` is relative to the view's root. */
export class SourceError extends Error {
  readonly code: SourceErrorCode;
  readonly path: string;
  constructor(code: SourceErrorCode, path: string, message: string) {
    super(message);
    this.name = 'SourceError';
    this.code = code;
    this.path = path;
  }
}
