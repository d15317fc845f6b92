/**
 * DIF-1 step 4, `Normalize`: what Argo CD does to every object before comparing, in its order: drop
 * creationTimestamp; Secret (DIF-9), Role/ClusterRole (DIF-8) and Endpoints normalisation; then ignoreDifferences
 * (DIF-5, DIF-7) and knownTypeFields (DIF-7).
 */
import { isMap, type JsonMap } from './json.ts';
import { identityOf, IgnoreNormalizer } from './ignore.ts';
import { normalizeSecret } from './secret.ts';
import { applyKnownType, ROLLOUT_POD_SPEC } from './known-types.ts';
import type { SystemSettings } from './settings.ts';

export interface NormalizeContext {
  ignore: IgnoreNormalizer;
  system: SystemSettings;
  warnings: string[];
}

/** Role and ClusterRole: `rules: []` is null; aggregated roles lose their rules when asked (DIF-8). */
export function normalizeRole(obj: JsonMap, ignoreAggregatedRoles: boolean): void {
  if (ignoreAggregatedRoles && 'aggregationRule' in obj && isMap(obj.aggregationRule)) obj.rules = null;
  if (Array.isArray(obj.rules) && obj.rules.length === 0) obj.rules = null;
}

const PROTOCOL_DEFAULT = 'TCP';

/** Endpoints: default port protocol TCP, subsets sorted as the API server's repacking sorts them. */
export function normalizeEndpoints(obj: JsonMap): void {
  if (!Array.isArray(obj.subsets)) return;
  for (const s of obj.subsets) {
    if (!isMap(s)) continue;
    if (Array.isArray(s.ports)) for (const p of s.ports) if (isMap(p) && !p.protocol) p.protocol = PROTOCOL_DEFAULT;
    for (const f of ['addresses', 'notReadyAddresses']) {
      if (Array.isArray(s[f])) (s[f] as unknown[]).sort((a, b) => cmp(addrKey(a), addrKey(b)));
    }
    if (Array.isArray(s.ports)) s.ports.sort((a, b) => cmp(portKey(a), portKey(b)));
  }
  obj.subsets.sort((a, b) => cmp(subsetKey(a), subsetKey(b)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
function addrKey(a: unknown): string {
  if (!isMap(a)) return '';
  const ref = isMap(a.targetRef) ? String(a.targetRef.uid ?? '') : '';
  return `${String(a.ip ?? '')}/${ref}`;
}
function portKey(p: unknown): string {
  return isMap(p) ? JSON.stringify([p.name ?? '', p.port ?? 0, p.protocol ?? '']) : '';
}
/** Subsets sort by a hash of their content in Kubernetes; a content key gives the same order-independence. */
function subsetKey(s: unknown): string {
  return JSON.stringify(s);
}

export function normalizeObject(obj: JsonMap | null, ctx: NormalizeContext): JsonMap | null {
  if (!obj) return obj;
  if (isMap(obj.metadata)) delete obj.metadata.creationTimestamp;
  const id = identityOf(obj);
  if (id.group === '' && id.kind === 'Secret') normalizeSecret(obj);
  else if (id.group === 'rbac.authorization.k8s.io' && (id.kind === 'Role' || id.kind === 'ClusterRole')) normalizeRole(obj, ctx.system.ignoreAggregatedRoles);
  else if (id.group === '' && id.kind === 'Endpoints') normalizeEndpoints(obj);
  let out = obj;
  if (!ctx.ignore.empty) out = ctx.ignore.normalize(out, ctx.warnings);
  const fields = [...(ctx.system.knownTypeFields.get(`${id.group}/${id.kind}`) ?? [])];
  if (id.group === 'argoproj.io' && id.kind === 'Rollout') fields.unshift(ROLLOUT_POD_SPEC);
  for (const f of fields) {
    if (!applyKnownType(out, f)) ctx.warnings.push(`knownTypeFields ${id.group}/${id.kind} ${f.field}: type ${f.type} is not one we can remarshal; left as it is`);
  }
  return out;
}
