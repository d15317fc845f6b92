/**
 * Server-side apply, computed offline. DIF-3 runs structured-merge-diff's `Apply` of the target onto live with the
 * live object's managedFields, as the API server would; the sandbox implements exactly that apply (field ownership,
 * associative lists, force), so a scratch sandbox holding only the live object answers "what would live be after
 * `argocd-controller` applies this", without a cluster. Kinds the sandbox does not serve (custom resources whose
 * CRD is not in the scratch sandbox) get no answer, and the caller falls back.
 */
import { isNamespaced, parseApiVersion, type KubeObject } from '../kube/index.ts';
import { Sandbox, type SandboxSnapshot } from '../sandbox/index.ts';
import { clone, isMap, type JsonMap } from './json.ts';

let scratch: { sandbox: Sandbox; base: SandboxSnapshot } | undefined;

function scratchSandbox(): { sandbox: Sandbox; base: SandboxSnapshot } {
  if (!scratch) {
    const sandbox = new Sandbox({ seed: 1, startTime: '2020-01-01T00:00:00Z' });
    scratch = { sandbox, base: sandbox.snapshot() };
  }
  return scratch;
}

/** Fields the server owns on the object, not the apply: taken from live so that only the apply's effect differs. */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];

/** Server-owned metadata and status as `from` has them, so that only the apply's effect can differ. */
function keepServerFields(result: JsonMap, from: JsonMap): JsonMap {
  const meta = isMap(from.metadata) ? from.metadata : {};
  const rm = isMap(result.metadata) ? result.metadata : (result.metadata = {});
  for (const k of SERVER_METADATA) {
    if (k in meta) rm[k] = clone(meta[k]);
    else delete rm[k];
  }
  if ('status' in from) result.status = clone(from.status);
  else delete result.status;
  return result;
}

export interface OfflineApply {
  /** Live after the apply. */
  predicted: JsonMap;
  /** The dry-run answer as the server gives it (its own managedFields, resourceVersion), for the server-side diff. */
  response: JsonMap;
  /**
   * Live as the server stores it (its defaults filled in by a no-op update), so that a live copy that did not come
   * from an API server does not differ from the prediction by the server's defaults alone.
   */
  live: JsonMap;
}

/**
 * Live after a forced server-side apply of `target` by `manager`, or undefined when it cannot be computed offline
 * (an unknown kind, or an apply the server would reject). Server-owned metadata and status are kept as live has them.
 */
export function serverSideApplyOffline(target: JsonMap, live: JsonMap, manager: string): OfflineApply | undefined {
  const { sandbox, base } = scratchSandbox();
  const apiVersion = typeof live.apiVersion === 'string' ? live.apiVersion : '';
  const kind = typeof live.kind === 'string' ? live.kind : '';
  const meta = isMap(live.metadata) ? live.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const { group } = parseApiVersion(apiVersion);
  if (!name || !kind) return undefined;
  const objects = base.objects.slice();
  const namespaced = isNamespaced(group, kind);
  if (namespaced && namespace && !objects.some((o) => o.kind === 'Namespace' && o.metadata.name === namespace)) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }
  objects.push(clone(live) as unknown as KubeObject);
  try {
    sandbox.restore({ ...base, objects });
    if (!sandbox.tryGet({ apiVersion, kind, name, namespace: namespaced ? namespace : undefined })) return undefined;
    const body = clone(target);
    const bm = isMap(body.metadata) ? body.metadata : (body.metadata = {});
    for (const k of SERVER_METADATA) delete bm[k];
    if (namespaced) bm.namespace = namespace;
    delete body.status;
    const predicted = sandbox.apply(body as unknown as KubeObject, { fieldManager: manager, force: true, dryRun: true }) as unknown as JsonMap;
    const served = sandbox.update(clone(live) as unknown as KubeObject, { dryRun: true }) as unknown as JsonMap;
    return { response: clone(predicted), predicted: keepServerFields(predicted, live), live: keepServerFields(served, live) };
  } catch {
    return undefined;
  }
}
