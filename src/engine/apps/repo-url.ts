/**
 * Deciding whether an app's `repoURL` names the repository being read. Argo CD's own SameURL compares normalised
 * URLs but keeps the scheme, so an https Application never matches an ssh clone; a developer's clone is often ssh
 * while the Applications say https, so we compare host and path only: scheme, user, port, a trailing `.git` or `/`
 * and letter case are ignored, and the scp-like form `git@host:org/repo` reads as `host/org/repo`.
 */

/** `host/path` in lower case, or undefined for something that is not a repository URL. */
export function normalizeRepoURL(url: string): string | undefined {
  let s = url.trim().toLowerCase();
  if (!s) return undefined;
  // scp-like: [user@]host:path (no scheme, and the part before the first ':' has no '/')
  const scp = /^(?:[^@/]+@)?([^/:]+):(?!\/\/)(.+)$/.exec(s);
  if (!/^[a-z][a-z0-9+.-]*:\/\//.test(s) && scp) {
    s = `${scp[1]}/${scp[2]}`;
  } else {
    const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/]*)(.*)$/.exec(s);
    if (!m) {
      if (s.startsWith('/') || s.startsWith('.')) return undefined; // a local path, not a URL
      // A bare host/path ("github.com/org/repo").
    } else {
      const host = m[1]!.replace(/:\d+$/, '');
      s = `${host}${m[2]}`;
    }
  }
  s = s.replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '');
  return s || undefined;
}

/** True when two repository URLs name the same repository (see the module comment for what is ignored). */
export function sameRepo(a: string, b: string): boolean {
  const na = normalizeRepoURL(a);
  return na !== undefined && na === normalizeRepoURL(b);
}

/**
 * Decides whether `repoURL` is this repository. `remotes` are the URLs of the repository's git remotes; when there
 * are none, nothing can be compared and every repoURL is taken as this repository (`assumed`).
 */
export function matchRepo(repoURL: string, remotes: string[]): { local: boolean; assumed?: boolean; reason?: string } {
  if (!repoURL) return { local: false, reason: 'the source has no repoURL' };
  if (!remotes.length) return { local: true, assumed: true };
  if (remotes.some((r) => sameRepo(r, repoURL))) return { local: true };
  const shown = remotes.length === 1 ? remotes[0] : `any of ${remotes.join(', ')}`;
  return { local: false, reason: `repoURL ${repoURL} is another repository (this one is ${shown})` };
}
