/**
 * The three pattern dialects the controllers use, each compiled to a RegExp (cached):
 * - Go `path.Match` (git directory generator, SET-4): `*` and `?` stay within one path segment, `[^…]` negates;
 * - git pathspecs as `git ls-files -- <pattern>` reads them (git files generator, SET-5): `*` crosses `/`, and a
 *   pattern without wildcards also matches everything under a directory of that name;
 * - gobwas/glob without separators (Argo CD directory sources' include/exclude): `*` crosses `/`, `{a,b}` alternates.
 */

const cache = new Map<string, RegExp | null>();

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** Reads a `[...]` class starting at `i` (just after `[`); returns the regex class and the index after `]`. */
function readClass(p: string, i: number, negators: string): { re: string; end: number } | null {
  let neg = false;
  if (i < p.length && negators.includes(p[i]!)) {
    neg = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < p.length) {
    let c = p[i]!;
    if (c === ']' && !first) return { re: `[${neg ? '^' : ''}${body}]`, end: i + 1 };
    first = false;
    if (c === '\\') {
      i++;
      if (i >= p.length) return null;
      c = p[i]!;
    }
    let item = escapeRe(c);
    if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
      let hi = p[i + 2]!;
      let skip = 3;
      if (hi === '\\') {
        if (i + 3 >= p.length) return null;
        hi = p[i + 3]!;
        skip = 4;
      }
      if (hi < c) return null;
      item = `${escapeRe(c)}-${escapeRe(hi)}`;
      i += skip;
    } else {
      i++;
    }
    body += item;
  }
  return null; // unterminated class
}

function compile(key: string, build: () => string | null): RegExp | null {
  if (cache.has(key)) return cache.get(key)!;
  const src = build();
  const re = src === null ? null : new RegExp(`^${src}$`, 's');
  cache.set(key, re);
  return re;
}

/** Go's path.Match. A malformed pattern matches nothing (Argo CD logs it and moves on). */
export function goPathMatch(pattern: string, name: string): boolean {
  const re = compile(`go\0${pattern}`, () => {
    let out = '';
    for (let i = 0; i < pattern.length; ) {
      const c = pattern[i]!;
      if (c === '*') {
        out += '[^/]*';
        i++;
      } else if (c === '?') {
        out += '[^/]';
        i++;
      } else if (c === '[') {
        const cls = readClass(pattern, i + 1, '^');
        if (!cls) return null;
        // A class never matches '/' in path.Match.
        out += `(?!/)${cls.re}`;
        i = cls.end;
      } else if (c === '\\') {
        if (i + 1 >= pattern.length) return null;
        out += escapeRe(pattern[i + 1]!);
        i += 2;
      } else {
        out += escapeRe(c);
        i++;
      }
    }
    return out;
  });
  return re ? re.test(name) : false;
}

function hasWildcard(p: string): boolean {
  return /[*?[\\]/.test(p);
}

/** `git ls-files -- <pathspec>` membership for one path (no pathspec magic, as Argo CD calls it). */
export function gitPathspecMatch(pathspec: string, path: string): boolean {
  let spec = pathspec.replace(/^\.\/+/, '');
  if (spec === '' || spec === '.') return true;
  spec = spec.replace(/\/+$/, '');
  if (path === spec || path.startsWith(spec + '/')) return true;
  if (!hasWildcard(spec)) return false;
  const re = compile(`git\0${spec}`, () => {
    let out = '';
    for (let i = 0; i < spec.length; ) {
      const c = spec[i]!;
      if (c === '*') {
        out += '.*';
        while (spec[i] === '*') i++;
      } else if (c === '?') {
        out += '.';
        i++;
      } else if (c === '[') {
        const cls = readClass(spec, i + 1, '!^');
        if (!cls) return null;
        out += cls.re;
        i = cls.end;
      } else if (c === '\\') {
        if (i + 1 >= spec.length) return null;
        out += escapeRe(spec[i + 1]!);
        i += 2;
      } else {
        out += escapeRe(c);
        i++;
      }
    }
    return out;
  });
  return re ? re.test(path) : false;
}

/** doublestar globbing (the opt-in "new git file globbing"): `*` within a segment, `**` across segments. */
export function doublestarMatch(pattern: string, path: string): boolean {
  const re = compile(`ds\0${pattern}`, () => {
    let out = '';
    for (let i = 0; i < pattern.length; ) {
      const c = pattern[i]!;
      if (c === '*' && pattern[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        if (pattern[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 3;
        } else {
          out += '.*';
          i += 2;
        }
      } else if (c === '*') {
        out += '[^/]*';
        i++;
      } else if (c === '?') {
        out += '[^/]';
        i++;
      } else if (c === '[') {
        const cls = readClass(pattern, i + 1, '!^');
        if (!cls) return null;
        out += cls.re;
        i = cls.end;
      } else if (c === '{') {
        const close = pattern.indexOf('}', i);
        if (close < 0) return null;
        out += `(?:${pattern.slice(i + 1, close).split(',').map((a) => a.split('').map(escapeRe).join('')).join('|')})`;
        i = close + 1;
      } else if (c === '\\') {
        if (i + 1 >= pattern.length) return null;
        out += escapeRe(pattern[i + 1]!);
        i += 2;
      } else {
        out += escapeRe(c);
        i++;
      }
    }
    return out;
  });
  return re ? re.test(path) : false;
}

/** gobwas/glob compiled without separators, as Argo CD's directory include/exclude use it. */
export function gobwasMatch(pattern: string, text: string): boolean {
  const re = compile(`gw\0${pattern}`, () => {
    const parse = (i: number, inBraces: boolean): { src: string; end: number } | null => {
      let out = '';
      const alts: string[] = [];
      while (i < pattern.length) {
        const c = pattern[i]!;
        if (inBraces && c === ',') {
          alts.push(out);
          out = '';
          i++;
          continue;
        }
        if (inBraces && c === '}') {
          alts.push(out);
          return { src: `(?:${alts.join('|')})`, end: i + 1 };
        }
        if (c === '*') {
          out += '.*';
          while (pattern[i] === '*') i++;
        } else if (c === '?') {
          out += '.';
          i++;
        } else if (c === '[') {
          const cls = readClass(pattern, i + 1, '!');
          if (!cls) return null;
          out += cls.re;
          i = cls.end;
        } else if (c === '{') {
          const sub = parse(i + 1, true);
          if (!sub) return null;
          out += sub.src;
          i = sub.end;
        } else if (c === '\\') {
          if (i + 1 >= pattern.length) return null;
          out += escapeRe(pattern[i + 1]!);
          i += 2;
        } else {
          out += escapeRe(c);
          i++;
        }
      }
      return inBraces ? null : { src: out, end: i };
    };
    return parse(0, false)?.src ?? null;
  });
  return re ? re.test(text) : false;
}
