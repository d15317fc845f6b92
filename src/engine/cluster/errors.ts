/**
 * One error type for whatever a target answers: the HTTP code, the API's machine-readable reason and its message,
 * the same whether the answer came from the in-process sandbox or over HTTP.
 */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
    /** The kind is not served (a custom resource before its CRD is Established). */
    readonly noKindMatch = false,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

export function isClusterError(e: unknown): e is ClusterError {
  return e instanceof ClusterError;
}

export function isNotFound(e: unknown): boolean {
  return isClusterError(e) && e.code === 404 && !e.noKindMatch;
}

export function isConflict(e: unknown): boolean {
  return isClusterError(e) && e.code === 409 && e.reason === 'Conflict';
}

export function isAlreadyExists(e: unknown): boolean {
  return isClusterError(e) && e.code === 409 && e.reason === 'AlreadyExists';
}

/** The "no matches for kind" answer (kubectl's resource mapping error). */
export function noKindMatch(kind: string, apiVersion: string): ClusterError {
  return new ClusterError(`no matches for kind "${kind}" in version "${apiVersion}"`, 404, 'NotFound', true);
}

/** The message to show for any error a target call threw. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
