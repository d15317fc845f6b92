import { SourceError } from './types.ts';

/**
 * Normalises a view-relative path: POSIX separators, no `.` segments, `..` resolved. Refuses a path that climbs out
 * of the root, because no view may hand out a file above the directory it was opened on.
 */
export function normalizeRel(path: string): string {
  const parts: string[] = [];
  for (const seg of path.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) throw new SourceError('EOUTSIDE', path, `path ${path} is outside the repository root`);
      parts.pop();
      continue;
    }
    parts.push(seg);
  }
  return parts.join('/');
}

/** Joins view-relative paths and normalises the result. */
export function joinRel(...parts: string[]): string {
  return normalizeRel(parts.filter((p) => p !== '').join('/'));
}

/** The directory part of a view-relative path (`''` for a top-level name). */
export function dirnameRel(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basenameRel(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** Byte-order comparison, the order Go's sort.Strings and git use for names. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
