/**
 * Picking one rendered object the way people name it on a command line: `<kind>/<name>`, or
 * `<kind>/<namespace>/<name>` when two namespaces hold the same name. The kind is matched without regard to case,
 * and may be written with its group (`deployment.apps`), as a plural (`deployments`) or a kubectl short name
 * (`deploy`, `cm`, `svc`).
 */
import { GitOpsError } from '../errors/index.ts';
import { BUILTIN_KINDS } from '../kube/index.ts';
import type { RenderedResource } from '../render/index.ts';

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

export function parseObjectRef(spec: string): ObjectRef {
  const parts = spec.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return { kind: parts[0], name: parts[1] };
  if (parts.length === 3 && parts[0] && parts[2]) return { kind: parts[0], namespace: parts[1]!, name: parts[2] };
  throw new GitOpsError(`object ${JSON.stringify(spec)}: expected <kind>/<name> or <kind>/<namespace>/<name>`, undefined, 'usage');
}

export function describeResource(r: RenderedResource): string {
  return `${r.id.kind}/${r.id.namespace ? r.id.namespace + '/' : ''}${r.id.name}`;
}

function kindMatches(r: RenderedResource, wanted: string): boolean {
  const w = wanted.toLowerCase();
  const kind = r.id.kind.toLowerCase();
  if (w === kind) return true;
  if (r.id.group && w === `${kind}.${r.id.group.toLowerCase()}`) return true;
  for (const b of BUILTIN_KINDS) {
    if (b.kind !== r.id.kind || b.group !== r.id.group) continue;
    if (w === b.plural || b.shortNames?.includes(w)) return true;
    if (b.group && (w === `${b.plural}.${b.group}`)) return true;
  }
  return false;
}

/** The one object `spec` names; a GitOpsError listing the candidates when it names none or several. */
export function findObject(resources: readonly RenderedResource[], spec: string | ObjectRef): RenderedResource {
  const ref = typeof spec === 'string' ? parseObjectRef(spec) : spec;
  const shown = typeof spec === 'string' ? spec : `${ref.kind}/${ref.namespace !== undefined ? ref.namespace + '/' : ''}${ref.name}`;
  const ofKind = resources.filter((r) => kindMatches(r, ref.kind));
  const hits = ofKind.filter((r) => r.id.name === ref.name && (ref.namespace === undefined || r.id.namespace === ref.namespace));
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) {
    throw new GitOpsError(`${shown} names ${hits.length} objects (${hits.map(describeResource).join(', ')}); add the namespace: <kind>/<namespace>/<name>`, undefined, 'ambiguous');
  }
  const pool = ofKind.length ? ofKind : resources;
  const list = pool.map(describeResource);
  const shownList = list.length > 20 ? `${list.slice(0, 20).join(', ')}, … (${list.length} in all)` : list.join(', ');
  throw new GitOpsError(
    `no rendered object ${shown}${ofKind.length ? `; the ${ref.kind} objects are: ${shownList}` : list.length ? `; the rendered objects are: ${shownList}` : ': the render is empty'}`,
    undefined,
    'not-found',
  );
}
