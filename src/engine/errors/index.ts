/**
 * The one error type for a user's mistake: it names the file (repo-relative, POSIX), and the line and column
 * (1-based) when known. Front ends print it without a stack trace; anything else that escapes is a bug of ours.
 */
export interface Location {
  file: string;
  line?: number;
  column?: number;
}

export class GitOpsError extends Error {
  readonly location?: Location;
  /** A short machine-readable category, e.g. 'yaml', 'kustomize', 'missing-file'. */
  readonly code: string;

  constructor(message: string, location?: Location, code = 'error', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GitOpsError';
    this.location = location;
    this.code = code;
  }

  /** `file:line:column: message`, the form editors and terminals turn into links. */
  override toString(): string {
    return formatLocated(this.message, this.location);
  }
}

export function formatLocation(loc: Location): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  return s;
}

export function formatLocated(message: string, loc?: Location): string {
  return loc ? `${formatLocation(loc)}: ${message}` : message;
}

export function isGitOpsError(err: unknown): err is GitOpsError {
  return err instanceof GitOpsError;
}
