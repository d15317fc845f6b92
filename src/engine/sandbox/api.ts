/**
 * The API server's verbs over the store: get, list, watch, create, update, the patch types, server-side apply and
 * delete, each with the checks, defaulting, validation, managedFields bookkeeping, generation and resourceVersion
 * handling, dry-run and error answers of a Kubernetes 1.32 API server. Both the in-process `Sandbox` API and the
 * HTTP front call these.
 */
import { formatApiVersion, parseApiVersion } from '../kube/index.ts';
import { applyDefaults, applySchemaDefaults, type DefaultsEnv } from './defaults.ts';
import { clone, deepEqual, getPath, isObject, setPath, type Json, type JsonObject } from './json.ts';
import { ApplyConflict, allowedFromLastApplied, applyConfig, decodeManaged, encodeManaged, forCompare, managersForWrite, recordUpdate, type Managers } from './managed-fields.ts';
import { Random } from './names.ts';
import { applyPatch, type PatchType } from './patches.ts';
import { ResourceRegistry, type ResourceType } from './registry.ts';
import { matchFields, matchRequirements, parseFieldSelector, parseLabelSelector, selectorString } from './selectors.ts';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  fieldErr,
  forbidden,
  internalError,
  invalid,
  methodNotSupported,
  MODIFIED_CONFLICT,
  noKindMatch,
  notFound,
  pathNotFound,
  successStatus,
  type Status,
} from './status.ts';
import { metaOf, ObjectStore, type StoreEvent } from './store.ts';
import { rfc3339 } from './time.ts';
import { compare, dropNulls, MissingKeyError, type Comparison } from './typed.ts';
import { pruneUnknown, validateObject } from './validate.ts';

export type Subresource = 'status' | 'scale';

/** What a request addresses: a type at a version, and optionally a namespace, a name and a subresource. */
export interface Target {
  t: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: Subresource;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** The manager credited in managedFields; defaults to the user agent's program name, as the API server does. */
  fieldManager?: string;
  /** Strict refuses unknown fields, Warn reports them in `warnings`, Ignore drops them silently (the default). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  userAgent?: string;
  /** Collects warnings (HTTP `Warning` headers). */
  warnings?: string[];
  /** A write by the sandbox's own controllers: immutability rules meant for clients do not apply. */
  internal?: boolean;
}

export interface ApplyOptions extends WriteOptions {
  force?: boolean;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface DeleteResult {
  /** The object as stored after the call: with a deletionTimestamp when deletion waits for finalizers. */
  object: JsonObject;
  /** True when the object is gone. */
  deleted: boolean;
  /** The `Status` a DELETE answers with when the object is gone at once. */
  status?: Status;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: JsonObject;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}

export interface ApiEnv {
  /** Milliseconds on the sandbox clock. */
  now(): number;
  random: Random;
  defaults: DefaultsEnv;
  /** Called after a write is committed (controllers enqueue work from it). */
  onCommitted?(e: StoreEvent): void;
}

const DEFAULT_MANAGER = 'unknown';

/** The type of the managers' set stored on objects, decoded. */
function managersOf(obj: JsonObject | undefined): Managers {
  return decodeManaged(obj ? metaOf(obj).managedFields : undefined);
}

/** Program name of a user agent (`kubectl/v1.32.4 (linux/amd64) …` → `kubectl`), the API server's default manager. */
export function managerFromUserAgent(ua: string | undefined): string {
  if (!ua) return DEFAULT_MANAGER;
  const first = ua.split('/')[0].trim();
  return first.slice(0, 128) || DEFAULT_MANAGER;
}

export class ApiCore {
  readonly registry = new ResourceRegistry();
  readonly store: ObjectStore;

  constructor(
    readonly env: ApiEnv,
    watchHistory?: number,
  ) {
    this.store = new ObjectStore(watchHistory);
  }

  private nowCache = { at: NaN, text: '' };

  nowString(): string {
    const at = this.env.now();
    if (this.nowCache.at !== at) this.nowCache = { at, text: rfc3339(at) };
    return this.nowCache.text;
  }

  // ---------------------------------------------------------------- resolution

  /** The served type of `apiVersion`/`kind`, or the "no matches for kind" error a client reports. */
  resolveKind(apiVersion: string, kind: string): { t: ResourceType; version: string } {
    const { group, version } = parseApiVersion(apiVersion);
    const t = this.registry.byKind(group, kind);
    if (!t || !t.versions.includes(version)) throw noKindMatch(kind, apiVersion);
    return { t, version };
  }

  resolveResource(group: string, version: string, plural: string): ResourceType {
    const t = this.registry.byResource(group, plural);
    if (!t || !t.versions.includes(version)) throw pathNotFound();
    return t;
  }

  /** The object as a client of `version` sees it (the stored object is shared; callers must not mutate it). */
  present(t: ResourceType, obj: JsonObject, version: string): JsonObject {
    const apiVersion = formatApiVersion(t.group, version);
    if (obj.apiVersion === apiVersion) return obj;
    return { ...obj, apiVersion };
  }

  // ---------------------------------------------------------------- reads

  peek(t: ResourceType, ns: string | undefined, name: string): JsonObject | undefined {
    return this.store.get(t, t.namespaced ? ns : undefined, name);
  }

  get(target: Target): JsonObject {
    const { t, version, namespace, name } = target;
    if (!t.verbs.includes('get')) throw methodNotSupported(t.group, t.plural, 'get');
    const obj = this.peek(t, namespace, name ?? '');
    if (!obj) throw notFound(t.group, t.plural, name ?? '');
    if (target.subresource === 'scale') return this.toScale(t, obj, version);
    return clone(this.present(t, obj, version));
  }

  list(target: Target, opts: ListOptions = {}): JsonObject {
    const { t, version, namespace } = target;
    if (!t.verbs.includes('list')) throw methodNotSupported(t.group, t.plural, 'list');
    const labelReqs = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : undefined;
    const fieldReqs = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector, t.group, t.kind) : undefined;
    let items = this.store.list(t, t.namespaced ? namespace : undefined);
    if (labelReqs) items = items.filter((o) => matchRequirements(labelReqs, metaOf(o).labels as Record<string, string> | undefined));
    if (fieldReqs) items = items.filter((o) => matchFields(fieldReqs, o));
    const rv = String(this.store.rv);
    const metadata: JsonObject = { resourceVersion: rv };
    let start = 0;
    if (opts.continue) {
      try {
        const c = JSON.parse(Buffer.from(opts.continue, 'base64url').toString('utf8')) as { start: string };
        const idx = items.findIndex((o) => `${metaOf(o).namespace ?? ''}/${metaOf(o).name}` > c.start);
        start = idx < 0 ? items.length : idx;
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
    }
    let page = items.slice(start);
    if (opts.limit && opts.limit > 0 && page.length > opts.limit) {
      page = page.slice(0, opts.limit);
      const last = page[page.length - 1];
      metadata.continue = Buffer.from(JSON.stringify({ start: `${metaOf(last).namespace ?? ''}/${metaOf(last).name}` })).toString('base64url');
      metadata.remainingItemCount = items.length - start - page.length;
    }
    return {
      apiVersion: formatApiVersion(t.group, version),
      kind: t.listKind,
      metadata,
      items: page.map((o) => clone(this.present(t, o, version))),
    };
  }

  /**
   * Watches a type. Without a resourceVersion (or "0") it starts with an ADDED event per existing object; with one
   * it replays what happened after it, or fails with 410 Expired when that history is gone.
   */
  watch(target: Target, opts: WatchOptions, onEvent: (e: WatchEvent) => void): () => void {
    const { t, version, namespace, name } = target;
    if (!t.verbs.includes('watch')) throw methodNotSupported(t.group, t.plural, 'watch');
    const labelReqs = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : undefined;
    let fieldReqs = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector, t.group, t.kind) : undefined;
    if (name) fieldReqs = [...(fieldReqs ?? []), { field: 'metadata.name', op: '=', value: name }];
    const ns = t.namespaced ? namespace : undefined;
    const matches = (o: JsonObject | undefined): boolean => {
      if (!o) return false;
      const md = metaOf(o);
      if (ns !== undefined && md.namespace !== ns) return false;
      if (labelReqs && !matchRequirements(labelReqs, md.labels as Record<string, string> | undefined)) return false;
      if (fieldReqs && !matchFields(fieldReqs, o)) return false;
      return true;
    };
    const deliver = (e: StoreEvent) => {
      if (e.t.group !== t.group || e.t.plural !== t.plural) return;
      const now = e.type === 'DELETED' ? false : matches(e.obj);
      const before = e.type === 'ADDED' ? false : matches(e.prev ?? (e.type === 'DELETED' ? e.obj : undefined));
      let type: WatchEvent['type'];
      if (e.type === 'DELETED') {
        if (!before) return;
        type = 'DELETED';
      } else if (now && before) type = 'MODIFIED';
      else if (now) type = 'ADDED';
      else if (before) type = 'DELETED';
      else return;
      const obj = clone(this.present(t, e.obj, version));
      if (type === 'DELETED' && e.type !== 'DELETED') (obj.metadata as JsonObject).resourceVersion = String(e.rv);
      onEvent({ type, object: obj });
    };
    const rvText = opts.resourceVersion;
    const initial = rvText === undefined || rvText === '' || rvText === '0' || opts.sendInitialEvents === true;
    if (initial) {
      for (const o of this.store.list(t, ns)) if (matches(o)) onEvent({ type: 'ADDED', object: clone(this.present(t, o, version)) });
      if (opts.sendInitialEvents && opts.allowWatchBookmarks)
        onEvent({
          type: 'BOOKMARK',
          object: { apiVersion: formatApiVersion(t.group, version), kind: t.kind, metadata: { resourceVersion: String(this.store.rv), annotations: { 'k8s.io/initial-events-end': 'true' } } },
        });
    } else {
      const from = Number(rvText);
      if (!Number.isFinite(from) || from < 0) throw badRequest(`invalid resource version: ${rvText}`);
      if (from < this.store.oldestResumable()) throw expired(`too old resource version: ${from} (${this.store.rv})`);
      for (const e of this.store.history) if (e.rv > from) deliver(e);
    }
    return this.store.subscribe(deliver);
  }

  // ---------------------------------------------------------------- helpers

  private managerName(opts: WriteOptions): string {
    return opts.fieldManager || managerFromUserAgent(opts.userAgent);
  }

  private checkBodyIdentity(t: ResourceType, version: string, body: unknown): JsonObject {
    if (!isObject(body)) throw badRequest(`the object provided is unrecognized (must be of type ${t.kind})`);
    const apiVersion = body.apiVersion;
    const kind = body.kind;
    const expected = formatApiVersion(t.group, version);
    if (kind !== undefined && kind !== t.kind) {
      throw badRequest(`${String(kind)} in version "${version}" cannot be handled as a ${t.kind}: no kind "${String(kind)}" is registered for version "${expected}"`);
    }
    if (apiVersion !== undefined && apiVersion !== expected) {
      const gv = parseApiVersion(String(apiVersion));
      if (gv.group !== t.group || !t.versions.includes(gv.version))
        throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${expected})`);
    }
    if (body.metadata !== undefined && !isObject(body.metadata))
      throw badRequest(`${t.kind} in version "${version}" cannot be handled as a ${t.kind}: json: cannot unmarshal ${Array.isArray(body.metadata) ? 'array' : typeof body.metadata} into Go struct field ${t.kind}.metadata of type v1.ObjectMeta`);
    return body;
  }

  private schemaFor(t: ResourceType, version: string) {
    return this.registry.schemaOf(t, version);
  }

  /**
   * Unknown fields dropped, as decoding into the typed object (built-in kinds, where the type graph lists every
   * field) or structural pruning (custom resources) drops them — or refused under `fieldValidation=Strict`,
   * reported under `Warn`; then the CRD's structural defaults.
   */
  private pruneAndDefault(t: ResourceType, version: string, obj: JsonObject, opts: WriteOptions): void {
    const { reg, schema } = this.schemaFor(t, version);
    const pruned: string[] = [];
    pruneUnknown(reg, schema, obj, '', pruned, true);
    if (pruned.length && !opts.internal) {
      if (opts.fieldValidation === 'Strict')
        throw badRequest(`${t.kind} in version "${version}" cannot be handled as a ${t.kind}: strict decoding error: ${pruned.map((p) => `unknown field "${p}"`).join(', ')}`);
      if (opts.fieldValidation === 'Warn') for (const p of pruned) opts.warnings?.push(`unknown field "${p}"`);
    }
    if (!t.builtin) applySchemaDefaults(reg, schema, obj);
  }

  private checkNamespace(t: ResourceType, ns: string | undefined, creating: boolean, name: string): void {
    if (!t.namespaced || !ns) return;
    const nsType = this.registry.byKind('', 'Namespace')!;
    const nsObj = this.store.get(nsType, undefined, ns);
    if (!nsObj) throw notFound('', 'namespaces', ns);
    if (creating && metaOf(nsObj).deletionTimestamp) {
      const e = forbidden(t.group, t.plural, name, `unable to create new content in namespace ${ns} because it is being terminated`);
      e.status.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }];
      throw e;
    }
  }

  private validate(t: ResourceType, version: string, obj: JsonObject, old: JsonObject | undefined): void {
    const { reg, schema } = this.schemaFor(t, version);
    const errs = validateObject(t, obj, old, reg, t.builtin ? undefined : schema);
    if (errs.length) throw invalid(t.group, t.kind, String(metaOf(obj).name ?? ''), errs);
  }

  private fieldCtx(t: ResourceType, version: string) {
    const { reg, schema } = this.schemaFor(t, version);
    return { reg, schema, now: this.nowString() };
  }

  /** Strips what an update may not change and what the subresource does not own. */
  private generationChanged(t: ResourceType, old: JsonObject, next: JsonObject): boolean {
    const strip = (o: JsonObject) => {
      const c: JsonObject = { ...o };
      delete c.metadata;
      delete c.apiVersion;
      delete c.kind;
      if (t.status || t.builtin) delete c.status;
      return c;
    };
    return !deepEqual(strip(old), strip(next));
  }

  private commit(t: ResourceType, obj: JsonObject): JsonObject {
    const rv = this.store.nextRv();
    (obj.metadata as JsonObject).resourceVersion = String(rv);
    this.store.put(t, obj, rv);
    return obj;
  }

  private finalizeDelete(t: ResourceType, obj: JsonObject): void {
    const rv = this.store.nextRv();
    const gone = { ...obj, metadata: { ...metaOf(obj), resourceVersion: String(rv) } };
    this.store.remove(t, gone, rv);
  }

  // ---------------------------------------------------------------- create

  create(target: Target, body: unknown, opts: WriteOptions = {}, managersOverride?: Managers): JsonObject {
    const { t, version } = target;
    if (!t.verbs.includes('create')) throw methodNotSupported(t.group, t.plural, 'create');
    if (target.subresource) throw methodNotSupported(t.group, `${t.plural}/${target.subresource}`, 'create');
    const input = this.checkBodyIdentity(t, version, body);
    // Controllers hand over objects they built for the purpose; clients' bodies are copied and lose their nulls.
    const obj = (opts.internal ? { ...input, metadata: isObject(input.metadata) ? { ...input.metadata } : {} } : dropNulls(clone(input))) as JsonObject;
    obj.apiVersion = formatApiVersion(t.group, t.storageVersion);
    obj.kind = t.kind;
    const md: JsonObject = isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
    if (t.namespaced) {
      const ns = target.namespace ?? (md.namespace as string | undefined) ?? 'default';
      if (md.namespace !== undefined && md.namespace !== '' && target.namespace !== undefined && md.namespace !== target.namespace)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      md.namespace = ns;
    } else delete md.namespace;
    if (md.resourceVersion !== undefined && md.resourceVersion !== '') throw internalError('resourceVersion should not be set on objects to be created');
    if ((typeof md.name !== 'string' || !md.name) && typeof md.generateName === 'string' && md.generateName) {
      for (let i = 0; i < 8; i++) {
        md.name = `${md.generateName}${this.env.random.suffix(5)}`;
        if (!this.peek(t, md.namespace as string | undefined, md.name as string)) break;
      }
    }
    const name = typeof md.name === 'string' ? md.name : '';
    if (target.name !== undefined && name && target.name !== name) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${target.name})`);
    delete md.deletionTimestamp;
    delete md.deletionGracePeriodSeconds;
    md.uid = this.env.random.uuid();
    md.creationTimestamp = this.nowString();
    if (t.generation) md.generation = 1;
    else delete md.generation;
    this.checkNamespace(t, md.namespace as string | undefined, true, String(md.name ?? ''));
    // Status is the controllers' to write: a create starts from an empty one.
    if (t.status) {
      if (t.builtin) obj.status = {};
      else delete obj.status;
    }
    this.prepareCreate(t, obj);
    if (!opts.internal) this.pruneAndDefault(t, version, obj, opts);
    applyDefaults(t, obj, this.env.defaults, true);
    this.validate(t, version, obj, undefined);
    if (name && this.peek(t, md.namespace as string | undefined, name)) throw alreadyExists(t.group, t.plural, name);
    const managers =
      managersOverride ??
      recordUpdate(this.fieldCtx(t, version), undefined, obj, managersForWrite(undefined, input, undefined), {
        manager: this.managerName(opts),
        apiVersion: formatApiVersion(t.group, version),
      });
    const enc = encodeManaged(managers);
    if (enc) md.managedFields = enc as unknown as Json;
    else delete md.managedFields;
    if (opts.dryRun) return clone(this.present(t, obj, version));
    delete md.resourceVersion;
    this.commit(t, obj);
    return opts.internal ? this.present(t, obj, version) : clone(this.present(t, obj, version));
  }

  /** What a kind's create strategy adds (a Job's selector and labels, a PVC's protection finalizer). */
  private prepareCreate(t: ResourceType, obj: JsonObject): void {
    const md = obj.metadata as JsonObject;
    const key = `${t.group}/${t.kind}`;
    if (key === 'batch/Job') {
      const spec = isObject(obj.spec) ? obj.spec : undefined;
      if (spec && spec.manualSelector !== true) {
        const uid = md.uid as string;
        const name = md.name as string;
        const extra = {
          'batch.kubernetes.io/controller-uid': uid,
          'batch.kubernetes.io/job-name': name,
          'controller-uid': uid,
          'job-name': name,
        };
        if (!spec.selector) spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
        const tpl = isObject(spec.template) ? spec.template : (spec.template = {});
        const tmd = isObject(tpl.metadata) ? tpl.metadata : (tpl.metadata = {});
        tmd.labels = { ...(isObject(tmd.labels) ? tmd.labels : {}), ...extra };
      }
    }
    if (key === '/PersistentVolumeClaim' || key === '/PersistentVolume') {
      const fin = Array.isArray(md.finalizers) ? (md.finalizers as string[]) : [];
      const want = key === '/PersistentVolumeClaim' ? 'kubernetes.io/pvc-protection' : 'kubernetes.io/pv-protection';
      if (!fin.includes(want)) md.finalizers = [...fin, want];
    }
    if (key === '/Pod') {
      const spec = isObject(obj.spec) ? obj.spec : undefined;
      if (spec) (obj as JsonObject).status = { phase: 'Pending', qosClass: qosClass(spec) };
    }
  }

  // ---------------------------------------------------------------- update

  update(target: Target, body: unknown, opts: WriteOptions = {}): JsonObject {
    const { t, version } = target;
    if (!t.verbs.includes('update')) throw methodNotSupported(t.group, t.plural, 'update');
    const name = target.name ?? (isObject(body) && isObject(body.metadata) ? String(body.metadata.name ?? '') : '');
    if (target.subresource === 'scale') return this.updateScale(target, body, opts);
    const input = this.checkBodyIdentity(t, version, body);
    const bmd = isObject(input.metadata) ? input.metadata : {};
    if (typeof bmd.name === 'string' && bmd.name && bmd.name !== name) throw badRequest(`the name of the object (${bmd.name}) does not match the name on the URL (${name})`);
    if (t.namespaced && typeof bmd.namespace === 'string' && bmd.namespace && target.namespace !== undefined && bmd.namespace !== target.namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const old = this.peek(t, target.namespace ?? (bmd.namespace as string | undefined), name);
    if (!old) throw notFound(t.group, t.plural, name);
    if (bmd.resourceVersion !== undefined && bmd.resourceVersion !== '' && bmd.resourceVersion !== metaOf(old).resourceVersion)
      throw conflict(t.group, t.plural, name, MODIFIED_CONFLICT);
    if (typeof bmd.uid === 'string' && bmd.uid && bmd.uid !== metaOf(old).uid)
      throw conflict(t.group, t.plural, name, `Precondition failed: UID in precondition: ${bmd.uid}, UID in object meta: ${String(metaOf(old).uid)}`);
    // Client writes lose their nulls as decoding into typed objects does; controllers write exactly what they mean.
    const next = (opts.internal ? { ...input, metadata: { ...bmd } } : dropNulls(clone(input))) as JsonObject;
    const managers = managersForWrite(old, input, target.subresource);
    return this.commitUpdate(target, old, next, opts, managers, undefined);
  }

  /**
   * The common tail of update, patch and apply: keep what the client may not change, default, validate, bump the
   * generation, credit managedFields, store (unless dry-run) and finish a deletion whose last finalizer went.
   */
  private commitUpdate(target: Target, old: JsonObject, next: JsonObject, opts: WriteOptions, managers: Managers, applied: Managers | undefined): JsonObject {
    const { t, version } = target;
    const omd = metaOf(old);
    next.apiVersion = formatApiVersion(t.group, t.storageVersion);
    next.kind = t.kind;
    let md: JsonObject = isObject(next.metadata) ? next.metadata : (next.metadata = {});
    if (target.subresource === 'status') {
      // Everything but status stays as stored (shared: stored objects are never mutated).
      const status = next.status;
      const kept: JsonObject = { ...old, metadata: { ...omd } };
      if (status === undefined) delete kept.status;
      else kept.status = status;
      next = kept;
      md = next.metadata as JsonObject;
    } else if (t.status) {
      if (old.status === undefined) delete next.status;
      else next.status = old.status;
    }
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'namespace', 'name', 'generation']) {
      if (omd[k] === undefined) delete md[k];
      else md[k] = omd[k];
    }
    if (!t.namespaced) delete md.namespace;
    md.resourceVersion = omd.resourceVersion;
    const oldFin = Array.isArray(omd.finalizers) ? (omd.finalizers as string[]) : [];
    const newFin = Array.isArray(md.finalizers) ? (md.finalizers as string[]) : [];
    if (omd.deletionTimestamp && newFin.some((f) => !oldFin.includes(f))) {
      throw invalid(t.group, t.kind, String(md.name), [fieldErr.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${newFin.filter((f) => !oldFin.includes(f)).map((f) => JSON.stringify(f)).join(', ')}}`)]);
    }
    if (target.subresource !== 'status') {
      if (!opts.internal) this.pruneAndDefault(t, version, next, opts);
      applyDefaults(t, next, this.env.defaults, false);
    }
    // A status write changes only status, which the kinds here do not validate beyond its shape.
    if (target.subresource !== 'status') this.validate(t, version, next, opts.internal ? undefined : old);
    const ctx = this.fieldCtx(t, version);
    // One comparison serves the generation, the managers and the no-op check.
    const c = compare(ctx.reg, ctx.schema, forCompare(old), forCompare(next));
    if (t.generation && specChanged(t, c)) md.generation = Number(omd.generation ?? 0) + 1;
    const finalManagers =
      applied ??
      recordUpdate(
        ctx,
        old,
        next,
        managers,
        { manager: this.managerName(opts), apiVersion: formatApiVersion(t.group, version), subresource: target.subresource },
        c,
      );
    const enc = encodeManaged(finalManagers);
    if (enc) md.managedFields = enc as unknown as Json;
    else delete md.managedFields;
    const out = (o: JsonObject) => (opts.internal ? this.present(t, o, version) : clone(this.present(t, o, version)));
    const unchanged = c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty() && md.generation === omd.generation && sameEntries(omd.managedFields, md.managedFields);
    if (unchanged) return out(old);
    if (opts.dryRun) return clone(this.present(t, next, version));
    this.commit(t, next);
    if (md.deletionTimestamp && !this.held(t, next)) this.finalizeDelete(t, next);
    return out(next);
  }

  /**
   * What still holds a deleting object: finalizers, a Namespace's `spec.finalizers`, or a Pod's grace period (its
   * kubelet removes it).
   */
  private held(t: ResourceType, obj: JsonObject): boolean {
    const md = metaOf(obj);
    if (Array.isArray(md.finalizers) && md.finalizers.length) return true;
    if (t.group === '' && t.kind === 'Pod' && Number(md.deletionGracePeriodSeconds ?? 0) > 0) return true;
    if (t.group === '' && t.kind === 'Namespace') {
      const f = getPath(obj, ['spec', 'finalizers']);
      if (Array.isArray(f) && f.length) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- scale

  toScale(t: ResourceType, obj: JsonObject, _version: string): JsonObject {
    if (!t.scale) throw pathNotFound();
    const md = metaOf(obj);
    const path = (p: string) => p.replace(/^\./, '').split('.');
    const specReplicas = getPath(obj, path(t.scale.specReplicasPath));
    const statusReplicas = getPath(obj, path(t.scale.statusReplicasPath));
    let selector = '';
    if (t.builtin) {
      const sel = getPath(obj, ['spec', 'selector']);
      selector = t.kind === 'ReplicationController' ? Object.entries(isObject(sel) ? sel : {}).map(([k, v]) => `${k}=${String(v)}`).sort().join(',') : selectorString(sel);
    } else if (t.scale.labelSelectorPath) {
      const s = getPath(obj, path(t.scale.labelSelectorPath));
      selector = typeof s === 'string' ? s : '';
    }
    const status: JsonObject = { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0 };
    if (selector) status.selector = selector;
    const scaleMd: JsonObject = { name: md.name as Json, uid: md.uid as Json, resourceVersion: md.resourceVersion as Json, creationTimestamp: md.creationTimestamp as Json };
    if (md.namespace) scaleMd.namespace = md.namespace;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: scaleMd,
      spec: typeof specReplicas === 'number' ? { replicas: specReplicas } : {},
      status,
    };
  }

  private updateScale(target: Target, body: unknown, opts: WriteOptions, parentOverride?: JsonObject): JsonObject {
    const { t, version } = target;
    if (!t.scale) throw pathNotFound();
    const name = target.name ?? '';
    const old = parentOverride ?? this.peek(t, target.namespace, name);
    if (!old) throw notFound(t.group, t.plural, name);
    if (!isObject(body)) throw badRequest('the object provided is unrecognized (must be of type Scale)');
    if (body.kind !== undefined && body.kind !== 'Scale') throw badRequest(`${String(body.kind)} in version "v1" cannot be handled as a Scale`);
    const bmd = isObject(body.metadata) ? body.metadata : {};
    if (bmd.resourceVersion !== undefined && bmd.resourceVersion !== '' && bmd.resourceVersion !== metaOf(old).resourceVersion)
      throw conflict(t.group, t.plural, name, MODIFIED_CONFLICT);
    const replicas = getPath(body, ['spec', 'replicas']);
    if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0))
      throw invalid('autoscaling', 'Scale', name, [fieldErr.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
    const next = clone(old);
    setPath(next, t.scale.specReplicasPath.replace(/^\./, '').split('.'), (replicas as number) ?? 0);
    const managers = managersOf(old);
    const ctx = this.fieldCtx(t, version);
    const after = recordUpdate(ctx, old, next, managers, { manager: this.managerName(opts), apiVersion: formatApiVersion(t.group, version), subresource: 'scale' });
    const res = this.commitUpdate({ ...target, subresource: undefined }, old, next, opts, managers, after);
    return this.toScale(t, res, version);
  }

  // ---------------------------------------------------------------- patch

  patch(target: Target, type: PatchType, patch: unknown, opts: ApplyOptions = {}): JsonObject {
    const { t, version } = target;
    if (!t.verbs.includes('patch')) throw methodNotSupported(t.group, t.plural, 'patch');
    const name = target.name ?? '';
    if (type === 'apply') return this.apply(target, patch, opts);
    if (type === 'strategic' && !t.builtin)
      throw new ApiError({
        code: 415,
        reason: 'UnsupportedMediaType',
        message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      });
    const old = this.peek(t, target.namespace, name);
    if (!old) throw notFound(t.group, t.plural, name);
    const current: JsonObject = target.subresource === 'scale' ? this.toScale(t, old, version) : clone(this.present(t, old, version));
    const patched = applyPatch(target.subresource === 'scale' && type === 'strategic' ? 'merge' : type, current, patch, {
      apiVersion: formatApiVersion(t.group, version),
      kind: t.kind,
    });
    if (!isObject(patched)) throw badRequest('the patch did not produce an object');
    if (target.subresource === 'scale') return this.updateScale(target, patched, opts, old);
    const pmd = isObject(patched.metadata) ? patched.metadata : {};
    if (pmd.name !== undefined && pmd.name !== name) throw badRequest(`the name of the object (${String(pmd.name)}) does not match the name on the URL (${name})`);
    if (pmd.resourceVersion !== undefined && pmd.resourceVersion !== metaOf(old).resourceVersion) throw conflict(t.group, t.plural, name, MODIFIED_CONFLICT);
    if (pmd.uid !== undefined && pmd.uid !== metaOf(old).uid) throw conflict(t.group, t.plural, name, `Precondition failed: UID in precondition: ${String(pmd.uid)}, UID in object meta: ${String(metaOf(old).uid)}`);
    const next = dropNulls(clone(patched)) as JsonObject;
    const managers = managersForWrite(old, patched, target.subresource);
    return this.commitUpdate(target, old, next, opts, managers, undefined);
  }

  // ---------------------------------------------------------------- server-side apply

  apply(target: Target, config: unknown, opts: ApplyOptions = {}): JsonObject {
    const { t, version } = target;
    const name = target.name ?? (isObject(config) && isObject(config.metadata) ? String(config.metadata.name ?? '') : '');
    if (!opts.fieldManager)
      throw invalid('meta.k8s.io', 'PatchOptions', '', [fieldErr.required('fieldManager', 'is required for apply patch')]);
    if (!isObject(config)) throw badRequest('error decoding patch: the applied configuration must be an object');
    if (typeof config.apiVersion !== 'string' || !config.apiVersion) throw badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(config)}'`);
    if (typeof config.kind !== 'string' || !config.kind) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(config)}'`);
    const input = this.checkBodyIdentity(t, version, config);
    const cmd = isObject(input.metadata) ? input.metadata : {};
    if (cmd.name !== undefined && cmd.name !== name) throw badRequest(`the name of the object (${String(cmd.name)}) does not match the name on the URL (${name})`);
    if (!name) throw badRequest('metadata.name: Required value: name is required');
    if (cmd.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
    if (t.namespaced && typeof cmd.namespace === 'string' && cmd.namespace && target.namespace !== undefined && cmd.namespace !== target.namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (target.subresource === 'scale') throw new ApiError({ code: 415, reason: 'UnsupportedMediaType', message: 'apply is not supported on the scale subresource of this sandbox' });
    const ns = t.namespaced ? (target.namespace ?? (cmd.namespace as string | undefined) ?? 'default') : undefined;
    // What the applier does not own: status on the main resource, everything but status on /status.
    const cfg = dropNulls(clone(input)) as JsonObject;
    cfg.apiVersion = formatApiVersion(t.group, t.storageVersion);
    cfg.kind = t.kind;
    const cfgMd = (cfg.metadata = isObject(cfg.metadata) ? cfg.metadata : {}) as JsonObject;
    cfgMd.name = name;
    if (ns) cfgMd.namespace = ns;
    else delete cfgMd.namespace;
    if (target.subresource === 'status') {
      for (const k of Object.keys(cfg)) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) delete cfg[k];
      cfg.metadata = { name, ...(ns ? { namespace: ns } : {}) };
    } else if (t.status) delete cfg.status;
    {
      const { reg, schema } = this.schemaFor(t, version);
      const pruned: string[] = [];
      pruneUnknown(reg, schema, cfg, '', pruned, true);
      if (pruned.length && opts.fieldValidation === 'Strict') throw badRequest(`.${pruned[0]}: field not declared in schema`);
      if (pruned.length && opts.fieldValidation === 'Warn') for (const p of pruned) opts.warnings?.push(`unknown field "${p}"`);
    }
    const ctx = this.fieldCtx(t, version);
    const who = { manager: opts.fieldManager, apiVersion: formatApiVersion(t.group, version), subresource: target.subresource };
    const old = this.peek(t, ns, name);
    if (!old) {
      if (target.subresource) throw notFound(t.group, t.plural, name);
      let managers: Managers;
      try {
        managers = applyConfig(ctx, {}, cfg, new Map(), who, true).managers;
      } catch (e) {
        throw this.applyError(e, t, name);
      }
      return this.create({ ...target, namespace: ns, name }, cfg, { ...opts, fieldManager: opts.fieldManager }, managers);
    }
    if (cmd.resourceVersion !== undefined && cmd.resourceVersion !== metaOf(old).resourceVersion) throw conflict(t.group, t.plural, name, MODIFIED_CONFLICT);
    const live = clone(old);
    let result;
    try {
      result = applyConfig(ctx, live, cfg, managersOf(old), who, opts.force === true);
    } catch (e) {
      // kubectl's first server-side apply over client-side apply may take the fields it set before.
      const allowed = e instanceof ApplyConflict && opts.fieldManager === 'kubectl' ? allowedFromLastApplied(ctx, live) : undefined;
      if (!allowed || !(e as ApplyConflict).paths.every((p) => allowed.has(p))) throw this.applyError(e, t, name);
      result = applyConfig(ctx, live, cfg, managersOf(old), who, true);
    }
    const next = result.object;
    const nmd = isObject(next.metadata) ? next.metadata : {};
    const ann = isObject(nmd.annotations) ? nmd.annotations : undefined;
    if (opts.fieldManager === 'kubectl' && ann && typeof ann['kubectl.kubernetes.io/last-applied-configuration'] === 'string' && ann['kubectl.kubernetes.io/last-applied-configuration']) {
      const lastApplied = clone(input);
      const lmd = isObject(lastApplied.metadata) ? lastApplied.metadata : undefined;
      if (lmd && isObject(lmd.annotations)) {
        delete lmd.annotations['kubectl.kubernetes.io/last-applied-configuration'];
      }
      ann['kubectl.kubernetes.io/last-applied-configuration'] = JSON.stringify(lastApplied);
    }
    return this.commitUpdate({ ...target, namespace: ns, name }, old, next, opts, result.managers, result.managers);
  }

  private applyError(e: unknown, t: ResourceType, name: string): unknown {
    if (e instanceof ApplyConflict)
      return new ApiError({ code: 409, reason: 'Conflict', message: e.message, details: { causes: e.causes } });
    if (e instanceof MissingKeyError) return internalError(`failed to create typed patch object (${formatApiVersion(t.group, t.storageVersion)}, Kind=${t.kind}): ${e.message}`);
    return e;
  }

  // ---------------------------------------------------------------- delete

  /** The propagation a delete without options gets: batch/v1 Jobs orphan their pods, everything else cascades. */
  defaultPropagation(t: ResourceType): PropagationPolicy {
    if (t.group === 'batch' && t.kind === 'Job') return 'Orphan';
    if (t.group === '' && t.kind === 'ReplicationController') return 'Background';
    return 'Background';
  }

  delete(target: Target, opts: DeleteOptions = {}): DeleteResult {
    const { t, version } = target;
    if (!t.verbs.includes('delete')) throw methodNotSupported(t.group, t.plural, 'delete');
    const name = target.name ?? '';
    const old = this.peek(t, target.namespace, name);
    if (!old) throw notFound(t.group, t.plural, name);
    const omd = metaOf(old);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== omd.uid) throw conflict(t.group, t.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(omd.uid)}`);
    if (pre?.resourceVersion && pre.resourceVersion !== omd.resourceVersion)
      throw conflict(t.group, t.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(omd.resourceVersion)}`);
    if (opts.propagationPolicy && !['Background', 'Foreground', 'Orphan'].includes(opts.propagationPolicy))
      throw invalid('meta.k8s.io', 'DeleteOptions', '', [fieldErr.notSupported('propagationPolicy', opts.propagationPolicy, ['Foreground', 'Background', 'Orphan'])]);
    if (opts.propagationPolicy && opts.orphanDependents !== undefined)
      throw invalid('meta.k8s.io', 'DeleteOptions', '', [fieldErr.invalid('propagationPolicy', opts.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set')]);
    const policy: PropagationPolicy =
      opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : this.defaultPropagation(t));
    // Only metadata (and a Namespace's status) change below: copy those, share the rest with the stored object.
    const next: JsonObject = { ...old, metadata: { ...omd } };
    const md = next.metadata as JsonObject;
    const fin = Array.isArray(md.finalizers) ? [...(md.finalizers as string[])] : [];
    const addFin = (f: string) => {
      if (!fin.includes(f)) fin.push(f);
    };
    const removeFin = (f: string) => {
      const i = fin.indexOf(f);
      if (i >= 0) fin.splice(i, 1);
    };
    if (policy === 'Orphan') {
      addFin('orphan');
      removeFin('foregroundDeletion');
    } else if (policy === 'Foreground') {
      addFin('foregroundDeletion');
      removeFin('orphan');
    } else {
      // Background on an object already deleting in the foreground or orphaning leaves its finalizers alone.
    }
    if (omd.deletionTimestamp) {
      // Already terminating: only the propagation finalizers may change, as on a real server.
      if (!deepEqual(fin, omd.finalizers ?? [])) {
        md.finalizers = fin;
        if (opts.dryRun) return { object: clone(this.present(t, next, version)), deleted: false };
        this.commit(t, next);
      }
      return { object: clone(this.present(t, this.peek(t, target.namespace, name)!, version)), deleted: false };
    }
    const isPod = t.group === '' && t.kind === 'Pod';
    const isNamespace = t.group === '' && t.kind === 'Namespace';
    let grace = 0;
    if (isPod) {
      const spec = isObject(next.spec) ? next.spec : {};
      const phase = getPath(next, ['status', 'phase']);
      grace = opts.gracePeriodSeconds ?? Number(spec.terminationGracePeriodSeconds ?? 30);
      if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
      if (grace < 0) grace = 0;
    }
    const nsFinalizers = isNamespace ? getPath(next, ['spec', 'finalizers']) : undefined;
    const pending = fin.length > 0 || grace > 0 || (Array.isArray(nsFinalizers) && nsFinalizers.length > 0);
    // Propagation finalizers only matter when something could depend on the object.
    if (policy !== 'Orphan' && policy !== 'Foreground' && fin.length === 0 && !pending) {
      if (opts.dryRun) return { object: clone(this.present(t, old, version)), deleted: true, status: successStatus({ name, group: t.group || undefined, kind: t.plural, uid: String(omd.uid) }) };
      this.finalizeDelete(t, old);
      return { object: clone(this.present(t, old, version)), deleted: true, status: successStatus({ name, group: t.group || undefined, kind: t.plural, uid: String(omd.uid) }) };
    }
    if (fin.length) md.finalizers = fin;
    else delete md.finalizers;
    md.deletionTimestamp = rfc3339(this.env.now() + grace * 1000);
    md.deletionGracePeriodSeconds = grace;
    if (t.generation && typeof md.generation === 'number') md.generation = md.generation + 1;
    if (isNamespace) {
      next.status = { ...(isObject(next.status) ? next.status : {}), phase: 'Terminating' };
    }
    if (opts.dryRun) return { object: clone(this.present(t, next, version)), deleted: false };
    if (!fin.length && !grace && !(Array.isArray(nsFinalizers) && nsFinalizers.length)) {
      this.finalizeDelete(t, old);
      return { object: clone(this.present(t, old, version)), deleted: true, status: successStatus({ name, group: t.group || undefined, kind: t.plural, uid: String(omd.uid) }) };
    }
    this.commit(t, next);
    return { object: clone(this.present(t, next, version)), deleted: false };
  }

  /** Removes an object whose deletion is complete (kubelet after the grace period, namespace controller). */
  forceRemove(t: ResourceType, ns: string | undefined, name: string): void {
    const obj = this.peek(t, ns, name);
    if (obj) this.finalizeDelete(t, obj);
  }

  deleteCollection(target: Target, list: ListOptions, opts: DeleteOptions = {}): JsonObject {
    const { t, version } = target;
    if (!t.verbs.includes('deletecollection')) throw methodNotSupported(t.group, t.plural, 'deletecollection');
    const items = this.list(target, list).items as JsonObject[];
    const out: JsonObject[] = [];
    for (const it of items) {
      const md = metaOf(it);
      try {
        const r = this.delete({ t, version, namespace: md.namespace as string | undefined, name: String(md.name) }, opts);
        out.push(r.object);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return { apiVersion: formatApiVersion(t.group, version), kind: t.listKind, metadata: { resourceVersion: String(this.store.rv) }, items: out };
  }
}

/** Whether a comparison touches anything but metadata and status: what bumps metadata.generation. */
function specChanged(t: ResourceType, c: Comparison): boolean {
  const ignore = new Set(['f:metadata', 'f:apiVersion', 'f:kind']);
  if (t.status || t.builtin) ignore.add('f:status');
  for (const set of [c.added, c.modified, c.removed]) {
    if (set.member) return true;
    if (set.children) for (const [k, child] of set.children) if (!ignore.has(k) && !child.isEmpty()) return true;
  }
  return false;
}

/** managedFields lists equal entry by entry (stored entries are shared, so identity settles most). */
function sameEntries(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !deepEqual(a[i], b[i])) return false;
  return true;
}

/** A pod's QoS class from its containers' requests and limits. */
export function qosClass(spec: JsonObject): string {
  const cs = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])].filter(isObject);
  let anySet = false;
  let guaranteed = true;
  for (const c of cs) {
    const res = isObject(c.resources) ? c.resources : {};
    const req = isObject(res.requests) ? res.requests : {};
    const lim = isObject(res.limits) ? res.limits : {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q === undefined || String(l) !== String(q)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
