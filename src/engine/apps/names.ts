/**
 * Name helpers of the ApplicationSet controller: `basenameNormalized`/`nameNormalized` and the `normalize` and
 * `slugify` template functions.
 */

/** Lower-case, every character outside `[-a-z0-9.]` becomes `-`, at most 253 characters, `-` and `.` trimmed (SET-5). */
export function sanitizeName(name: string): string {
  let s = name.toLowerCase().replace(/[^-a-z0-9.]/gu, '-');
  // Go measures the length in bytes; after the replacement every character is ASCII except none, so bytes = chars.
  if (s.length > 253) s = s.slice(0, 253);
  return s.replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * `slugify [maxSize] [smartTruncate] name`: sanitizeName, then a URL slug (non `[a-zA-Z0-9_-]` runs become one `-`,
 * `-`/`_` trimmed), cut to maxSize (default 50), at the last `-` before the limit when smart truncation is on.
 */
export function slugify(name: string, maxSize = 50, smartTruncate = true): string {
  let s = sanitizeName(name).trim();
  if (!smartTruncate && maxSize > 0 && s.length >= maxSize) s = s.slice(0, maxSize);
  s = s.replace(/[^a-zA-Z0-9_-]/g, '-').replace(/-+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  if (maxSize > 0 && smartTruncate && s.length > maxSize) {
    let cut = -1;
    for (let i = maxSize; i >= 0; i--) {
      if (s[i] === '-') {
        cut = i;
        break;
      }
    }
    s = cut >= 0 ? s.slice(0, cut) : s.slice(0, maxSize);
  }
  return s;
}
