/** Health as Argo CD reports it (HLT-1). */
export type HealthStatusCode = 'Healthy' | 'Suspended' | 'Progressing' | 'Missing' | 'Degraded' | 'Unknown';

/**
 * One object's health. `status` is '' only when a Lua check returned nil or an empty table (HLT-13): Argo keeps
 * that empty status as it is, ranks it like Healthy in aggregation, and a hook treats it as success.
 */
export interface HealthStatus {
  status: HealthStatusCode | '';
  message: string;
}

/** HLT-1: best to worst. */
export const HEALTH_ORDER: readonly HealthStatusCode[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

const VALID = new Set<string>(HEALTH_ORDER);

export function isHealthStatusCode(s: unknown): s is HealthStatusCode {
  return typeof s === 'string' && VALID.has(s);
}

/** HLT-1 `IsWorse`: positions in HEALTH_ORDER; an unrecognised code (including '') counts as Healthy's position. */
export function isWorse(current: string, next: string): boolean {
  const pos = (c: string) => Math.max(0, HEALTH_ORDER.indexOf(c as HealthStatusCode));
  return pos(next) > pos(current);
}

/** An error a built-in check reports; Argo turns it into Unknown with this text (HLT-2 step 3). */
export class HealthCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HealthCheckError';
  }
}
