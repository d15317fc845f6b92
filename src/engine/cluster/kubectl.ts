/**
 * kubectl's client-side verbs on any target, as Argo CD's resource operations run them: `apply` (the
 * last-applied-configuration annotation and a three-way patch, strategic for built-in kinds and JSON merge for
 * others), `apply --server-side --force-conflicts`, `create`, `replace` (and `replace --force`), and the plain
 * update Argo uses for CRDs and Namespaces under Replace=true. Each returns kubectl's one-line message
 * (`deployment.apps/web configured`), which Argo CD keeps as the task's message.
 */
import { createThreeWayMergePatch, PatchError } from '../patch/index.ts';
import { gvkOf, type KubeObject } from '../kube/index.ts';
import { isConflict, isNotFound, ClusterError } from './errors.ts';
import type { ApiResource, ClusterTarget, DryRun, ObjectRef } from './types.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The manager kubectl's client-side apply writes as (also what OPT-6's migration looks for). */
export const CLIENT_SIDE_APPLY_MANAGER = 'kubectl-client-side-apply';
export const CREATE_MANAGER = 'kubectl-create';
export const REPLACE_MANAGER = 'kubectl-replace';
/**
 * Server-side apply writes as `argocd-controller`, the manager Argo CD uses (OPT-6): the diff's SSA mode (DIF-3)
 * reads that manager's fields, so what we apply and what the diff predicts stay the same thing.
 */
export const SSA_MANAGER = 'argocd-controller';

export type KubectlOperation = 'created' | 'configured' | 'unchanged' | 'serverside-applied' | 'replaced' | 'updated';

export interface KubectlResult {
  operation: KubectlOperation;
  /** kubectl's line, e.g. `configmap/settings created (dry run)`. */
  message: string;
  /** What the server answered (absent for a client-side dry-run). */
  object?: KubeObject;
}

export interface ApplyOptions {
  dryRun?: DryRun;
  /** kubectl apply --force: delete and re-create when the patch keeps failing. */
  force?: boolean;
  /** --validate=true: the server refuses unknown fields. */
  validate?: boolean;
  /** Server-side apply with this manager (and --force-conflicts). */
  serverSide?: { fieldManager: string };
  /** The manager of a client-side apply (OPT-6's migration step applies as `kubectl-client-side-apply`). */
  fieldManager?: string;
}

/** How kubectl names an object in its output: `deployment.apps/web`, `configmap/settings`. */
export function resourceName(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const { group, kind } = gvkOf(obj);
  return `${kind.toLowerCase()}${group ? `.${group}` : ''}/${obj.metadata?.name ?? ''}`;
}

function suffix(dryRun: DryRun | undefined): string {
  return dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
}

export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata?.name ?? '' };
  if (obj.metadata?.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/** JSON with map keys sorted, as Go marshals unstructured objects (kubectl's annotation value). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** The object kubectl sends: the manifest with the annotation holding the manifest itself (without it). */
export function withLastApplied(obj: KubeObject): { modified: KubeObject; original: string } {
  const annotations = { ...(obj.metadata?.annotations ?? {}) };
  delete annotations[LAST_APPLIED_ANNOTATION];
  const bare: KubeObject = { ...obj, metadata: { ...obj.metadata } };
  if (Object.keys(annotations).length > 0) bare.metadata.annotations = annotations;
  else delete bare.metadata.annotations;
  const original = canonicalJson(bare);
  const modified: KubeObject = { ...obj, metadata: { ...obj.metadata, annotations: { ...annotations, [LAST_APPLIED_ANNOTATION]: `${original}\n` } } };
  return { modified, original };
}

function lastAppliedOf(live: KubeObject): unknown {
  const text = live.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function validation(validate: boolean | undefined): 'Strict' | undefined {
  return validate ? 'Strict' : undefined;
}

const MAX_PATCH_RETRIES = 5;

/** kubectl refuses an object it cannot name before it sends anything. */
function requireName(obj: KubeObject): void {
  if (!obj.metadata?.name) throw new ClusterError('resource name may not be empty', 400, 'BadRequest');
}

/** `kubectl apply` (client-side, or `--server-side --force-conflicts`). */
export async function kubectlApply(target: ClusterTarget, obj: KubeObject, opts: ApplyOptions = {}): Promise<KubectlResult> {
  requireName(obj);
  const name = resourceName(obj);
  const serverDry = opts.dryRun === 'server';
  if (opts.serverSide && opts.dryRun !== 'client') {
    const object = await target.serverSideApply(obj, { fieldManager: opts.serverSide.fieldManager, force: true, dryRun: serverDry, fieldValidation: validation(opts.validate) });
    return { operation: 'serverside-applied', message: `${name} serverside-applied${suffix(opts.dryRun)}`, object };
  }
  const served = await ensureServed(target, obj);
  // ORD-7: Argo CD gives cluster-scoped targets the destination namespace; kubectl ignores it there. Kept, it would
  // be in every patch (the server never stores it), and a second apply that changes nothing would say "configured".
  if (!served.namespaced && obj.metadata?.namespace) obj = withoutNamespace(obj);
  const { modified } = withLastApplied(obj);
  const manager = opts.fieldManager ?? CLIENT_SIDE_APPLY_MANAGER;
  let live = await target.get(refOf(obj));
  if (!live) {
    if (opts.dryRun === 'client') return { operation: 'created', message: `${name} created${suffix(opts.dryRun)}` };
    const object = await target.create(modified, { dryRun: serverDry, fieldManager: manager, fieldValidation: validation(opts.validate) });
    return { operation: 'created', message: `${name} created${suffix(opts.dryRun)}`, object };
  }
  for (let attempt = 0; ; attempt++) {
    let patch: { type: 'strategic' | 'merge'; patch: Record<string, unknown> };
    try {
      patch = createThreeWayMergePatch(lastAppliedOf(live), modified, live, obj) as typeof patch;
    } catch (e) {
      const why = e instanceof PatchError ? e.message : (e as Error).message;
      throw new ClusterError(`error when creating patch for ${name}: ${why}`, 422, 'Invalid');
    }
    if (Object.keys(patch.patch).length === 0) return { operation: 'unchanged', message: `${name} unchanged${suffix(opts.dryRun)}`, object: live };
    if (opts.dryRun === 'client') return { operation: 'configured', message: `${name} configured${suffix(opts.dryRun)}` };
    try {
      const object = await target.patch(refOf(obj), patch.patch, patch.type, { dryRun: serverDry, fieldManager: manager, fieldValidation: validation(opts.validate) });
      return { operation: 'configured', message: `${name} configured${suffix(opts.dryRun)}`, object };
    } catch (e) {
      if (isConflict(e) && attempt < MAX_PATCH_RETRIES) {
        live = await target.get(refOf(obj));
        if (!live) return kubectlApply(target, obj, opts);
        continue;
      }
      // --force: delete and re-create when the patch is refused (an immutable field, a conflict that persists).
      if (opts.force && !serverDry && e instanceof ClusterError && (e.code === 422 || e.code === 409)) {
        await deleteAndWait(target, obj);
        const object = await target.create(modified, { fieldManager: manager, fieldValidation: validation(opts.validate) });
        return { operation: 'configured', message: `${name} configured`, object };
      }
      throw e;
    }
  }
}

/** `kubectl create`. */
export async function kubectlCreate(target: ClusterTarget, obj: KubeObject, opts: { dryRun?: DryRun; validate?: boolean } = {}): Promise<KubectlResult> {
  requireName(obj);
  const name = resourceName(obj);
  if (opts.dryRun === 'client') {
    await ensureServed(target, obj);
    return { operation: 'created', message: `${name} created${suffix(opts.dryRun)}` };
  }
  const object = await target.create(obj, { dryRun: opts.dryRun === 'server', fieldManager: CREATE_MANAGER, fieldValidation: validation(opts.validate) });
  return { operation: 'created', message: `${name} created${suffix(opts.dryRun)}`, object };
}

/** `kubectl replace` (PUT), or with `force` delete and re-create. */
export async function kubectlReplace(target: ClusterTarget, obj: KubeObject, opts: { dryRun?: DryRun; force?: boolean } = {}): Promise<KubectlResult> {
  requireName(obj);
  const name = resourceName(obj);
  if (opts.dryRun === 'client') {
    await ensureServed(target, obj);
    return { operation: 'replaced', message: `${name} replaced${suffix(opts.dryRun)}` };
  }
  if (opts.force && opts.dryRun !== 'server') {
    await deleteAndWait(target, obj);
    const object = await target.create(stripServerFields(obj), { fieldManager: REPLACE_MANAGER });
    return { operation: 'replaced', message: `${name} replaced`, object };
  }
  const object = await target.update(obj, { dryRun: opts.dryRun === 'server', fieldManager: REPLACE_MANAGER });
  return { operation: 'replaced', message: `${name} replaced${suffix(opts.dryRun)}`, object };
}

/** The PUT Argo CD uses for a CRD or Namespace under Replace=true (never replaced: that would delete their contents). */
export async function updateWithLiveVersion(target: ClusterTarget, obj: KubeObject, live: KubeObject, opts: { dryRun?: DryRun } = {}): Promise<KubectlResult> {
  const update: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: live.metadata?.resourceVersion } };
  if (opts.dryRun === 'client') return { operation: 'updated', message: `${obj.kind}/${obj.metadata?.name ?? ''} updated` };
  try {
    const object = await target.update(update, { dryRun: opts.dryRun === 'server', fieldManager: REPLACE_MANAGER });
    return { operation: 'updated', message: `${obj.kind}/${obj.metadata?.name ?? ''} updated`, object };
  } catch (e) {
    throw new ClusterError(`error when updating: ${(e as Error).message}`, e instanceof ClusterError ? e.code : 500, e instanceof ClusterError ? e.reason : 'InternalError');
  }
}

function stripServerFields(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, managedFields: _mf, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function withoutNamespace(obj: KubeObject): KubeObject {
  const { namespace: _ns, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** A client-side dry-run still needs the kind to be served (kubectl's resource mapping). */
async function ensureServed(target: ClusterTarget, obj: KubeObject): Promise<ApiResource> {
  const { group, version, kind } = gvkOf(obj);
  const r = (await target.discover()).lookup(group, kind);
  if (!r || !r.versions.includes(version)) {
    const ns = obj.metadata?.namespace ?? '';
    throw new ClusterError(
      `resource mapping not found for name: "${obj.metadata?.name ?? ''}" namespace: "${ns}" from "manifest": no matches for kind "${kind}" in version "${obj.apiVersion}"\nensure CRDs are installed first`,
      404,
      'NotFound',
      true,
    );
  }
  return r;
}

/** Deletes and waits until the object is gone (kubectl --force paths), on the target's clock. */
async function deleteAndWait(target: ClusterTarget, obj: KubeObject): Promise<void> {
  try {
    await target.delete(refOf(obj), { propagationPolicy: 'Background' });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const deadline = target.clock.now() + 60_000;
  while (await target.get(refOf(obj))) {
    if (target.clock.now() >= deadline) throw new ClusterError(`timed out waiting for ${resourceName(obj)} to be deleted`, 504, 'Timeout');
    if (!(await target.clock.waitForChange(1000))) throw new ClusterError(`${resourceName(obj)} is not going away (finalizers?)`, 409, 'Conflict');
  }
}
