/**
 * Any Kubernetes API as a target, through @kubernetes/client-node: the kubeconfig's context (its server, TLS and
 * credentials, exec plugins included) and client-node's HTTP stack carry our requests. The requests themselves are
 * the REST API's own (discovery, CRUD, the four patch types, server-side apply, dry-run, delete options), built
 * from discovery, and answers stay plain JSON (client-node's typed models would turn timestamps into Dates and
 * drop unknown fields). A kube context, the sandbox served over HTTP and our k3s container all come through here.
 */
import { GitOpsError } from '../errors/index.ts';
import { formatApiVersion, parseApiVersion, type KubeObject } from '../kube/index.ts';
import type { GroupKind } from '../diff/index.ts';
import { ClusterError, noKindMatch } from './errors.ts';
import { makeDiscovery } from './discovery.ts';
import type { ApiResource, ClusterTarget, DeleteOptions, Discovery, ObjectRef, PatchType, ServerSideApplyOptions, TargetClock, TargetInfo, WriteOptions } from './types.ts';

export interface KubeTargetOptions {
  /** The context to use; default the kubeconfig's current context. */
  context?: string;
  /** A kubeconfig file; default $KUBECONFIG or ~/.kube/config. */
  kubeconfigPath?: string;
  /** A kubeconfig's text (our k3s container hands its own over). */
  kubeconfig?: string;
  type?: 'context' | 'k3s';
  label?: string;
  /** How often waiting polls the API (default 1000 ms). */
  pollIntervalMs?: number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RawRequest {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

/** The raw REST client: one `request` on client-node's configuration, answers as JSON, errors as ClusterError. */
interface RawClient {
  request(method: Method, path: string, req?: RawRequest): Promise<unknown>;
}

const PATCH_TYPES: Record<PatchType | 'apply', string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** Kinds never worth listing when looking for what an app owns (Argo CD's default resource exclusions, roughly). */
const NOT_LISTED = new Set([
  '/Event',
  'events.k8s.io/Event',
  '/Endpoints',
  'discovery.k8s.io/EndpointSlice',
  'coordination.k8s.io/Lease',
  '/ComponentStatus',
  '/Binding',
  'authentication.k8s.io/TokenReview',
  'authorization.k8s.io/SubjectAccessReview',
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
  'authorization.k8s.io/LocalSubjectAccessReview',
  'certificates.k8s.io/CertificateSigningRequest',
]);

export function isListedForTracking(r: ApiResource): boolean {
  return r.verbs.includes('list') && !NOT_LISTED.has(`${r.group}/${r.kind}`);
}

async function makeRawClient(kc: import('@kubernetes/client-node').KubeConfig, server: string): Promise<RawClient> {
  const k8s = await import('@kubernetes/client-node');
  // A subclass reaches client-node's protected request pipeline (auth, TLS, middleware) without its typed models.
  class Raw extends k8s.KubernetesObjectApi {
    protected override async processResponse(response: import('@kubernetes/client-node').ResponseContext): Promise<never> {
      const text = await response.body.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return body as never;
      const status = body && typeof body === 'object' ? (body as { message?: string; reason?: string }) : undefined;
      throw new ClusterError(status?.message ?? `HTTP ${response.httpStatusCode}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`, response.httpStatusCode, status?.reason ?? '');
    }

    async raw(method: Method, path: string, req: RawRequest = {}): Promise<unknown> {
      const ctx = this.configuration.baseServer.makeRequestContext(path, method as never);
      ctx.setHeaderParam('Accept', 'application/json');
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) ctx.setQueryParam(k, v);
      if (req.body !== undefined) {
        ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
        ctx.setBody(JSON.stringify(req.body));
      }
      try {
        return await this.requestPromise(ctx as never);
      } catch (e) {
        if (e instanceof ClusterError) throw e;
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message ?? (e as Error).message;
        throw new ClusterError(`cannot reach the API server at ${server}: ${why}`, 0, 'Unreachable');
      }
    }
  }
  const api = kc.makeApiClient(Raw) as Raw;
  return { request: (m, p, r) => api.raw(m, p, r) };
}

class WallClock implements TargetClock {
  readonly virtual = false;
  constructor(private readonly pollMs: number) {}
  now(): number {
    return Date.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  async waitForChange(maxMs: number, signal?: AbortSignal): Promise<boolean> {
    await this.sleep(Math.min(maxMs, this.pollMs), signal);
    return true;
  }
}

export class KubeTarget implements ClusterTarget {
  readonly label: string;
  readonly clock: TargetClock;
  private discovery?: Promise<Discovery>;

  private constructor(
    readonly info: TargetInfo,
    private readonly client: RawClient,
    pollIntervalMs: number,
  ) {
    this.label = info.label;
    this.clock = new WallClock(pollIntervalMs);
  }

  /** Opens a context of a kubeconfig (nothing is contacted yet). A missing context is a GitOpsError. */
  static async open(opts: KubeTargetOptions = {}): Promise<KubeTarget> {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    try {
      if (opts.kubeconfig !== undefined) kc.loadFromString(opts.kubeconfig);
      else if (opts.kubeconfigPath) kc.loadFromFile(opts.kubeconfigPath);
      else kc.loadFromDefault();
    } catch (e) {
      throw new GitOpsError(`cannot read the kubeconfig: ${(e as Error).message}`, opts.kubeconfigPath ? { file: opts.kubeconfigPath } : undefined, 'kubeconfig');
    }
    const context = opts.context ?? kc.getCurrentContext();
    if (!context || !kc.getContextObject(context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new GitOpsError(`no context named ${context || '(none)'} in the kubeconfig (contexts: ${names.join(', ') || 'none'})`, undefined, 'kubeconfig');
    }
    kc.setCurrentContext(context);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new GitOpsError(`context ${context} names no cluster in the kubeconfig`, undefined, 'kubeconfig');
    const type = opts.type ?? 'context';
    const info: TargetInfo = { type, label: opts.label ?? (type === 'k3s' ? 'k3s' : `context ${context}`), context, cluster: cluster.name, server: cluster.server };
    return new KubeTarget(info, await makeRawClient(kc, cluster.server), opts.pollIntervalMs ?? 1000);
  }

  discover(): Promise<Discovery> {
    if (!this.discovery) {
      this.discovery = this.fetchDiscovery();
      this.discovery.catch(() => (this.discovery = undefined));
    }
    return this.discovery;
  }

  invalidateDiscovery(): void {
    this.discovery = undefined;
  }

  private async fetchDiscovery(): Promise<Discovery> {
    const groupVersions: { group: string; version: string; preferred: boolean }[] = [];
    const core = (await this.client.request('GET', '/api')) as { versions?: string[] };
    for (const v of core.versions ?? []) groupVersions.push({ group: '', version: v, preferred: v === 'v1' });
    const groups = (await this.client.request('GET', '/apis')) as { groups?: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[] };
    for (const g of groups.groups ?? []) {
      for (const v of g.versions) groupVersions.push({ group: g.name, version: v.version, preferred: g.preferredVersion?.version === v.version });
    }
    const lists = await mapLimit(groupVersions, 8, async (gv) => {
      try {
        return { gv, list: (await this.client.request('GET', gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`)) as { resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] } };
      } catch {
        return { gv, list: { resources: [] } }; // an aggregated API that is down: its kinds are simply not served now
      }
    });
    const byGk = new Map<string, ApiResource>();
    // Preferred versions first, so a kind's `version` is the preferred one.
    lists.sort((a, b) => Number(b.gv.preferred) - Number(a.gv.preferred));
    for (const { gv, list } of lists) {
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources
        const k = `${gv.group}/${r.kind}`;
        const have = byGk.get(k);
        if (have) {
          if (!have.versions.includes(gv.version)) have.versions.push(gv.version);
          continue;
        }
        byGk.set(k, { group: gv.group, version: gv.version, versions: [gv.version], kind: r.kind, plural: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] });
      }
    }
    return makeDiscovery([...byGk.values()]);
  }

  /** The REST path of an object (or of its collection when `name` is absent). */
  private async path(apiVersion: string, kind: string, namespace: string | undefined, name?: string): Promise<{ path: string; resource: ApiResource }> {
    const { group, version } = parseApiVersion(apiVersion);
    const resource = (await this.discover()).lookup(group, kind);
    if (!resource || !resource.versions.includes(version)) throw noKindMatch(kind, apiVersion);
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const ns = resource.namespaced ? `/namespaces/${encodeURIComponent(namespace || 'default')}` : '';
    return { path: `${base}${ns}/${resource.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`, resource };
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const { path } = await this.path(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    try {
      return withTypeMeta((await this.client.request('GET', path)) as KubeObject, ref.apiVersion, ref.kind);
    } catch (e) {
      if (e instanceof ClusterError && e.code === 404) return undefined;
      throw e;
    }
  }

  async list(kinds: GroupKind[], namespaces?: string[], opts: { labelSelector?: string } = {}): Promise<KubeObject[]> {
    const disc = await this.discover();
    const out: KubeObject[] = [];
    for (const gk of kinds) {
      const r = disc.lookup(gk.group, gk.kind);
      if (!r || !r.verbs.includes('list')) continue;
      const apiVersion = formatApiVersion(r.group, r.version);
      const scopes = r.namespaced && namespaces?.length ? namespaces : [undefined];
      for (const ns of scopes) {
        const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
        const path = `${base}${ns ? `/namespaces/${encodeURIComponent(ns)}` : ''}/${r.plural}`;
        let cont: string | undefined;
        do {
          let page: { items?: KubeObject[]; metadata?: { continue?: string } };
          try {
            page = (await this.client.request('GET', path, { query: { limit: '500', continue: cont, labelSelector: opts.labelSelector } })) as typeof page;
          } catch (e) {
            // Kinds this user may not list are not part of what the app can see.
            if (e instanceof ClusterError && (e.code === 403 || e.code === 404 || e.code === 405)) break;
            throw e;
          }
          for (const item of page.items ?? []) out.push(withTypeMeta(item, apiVersion, r.kind));
          cont = page.metadata?.continue || undefined;
        } while (cont);
      }
    }
    return out;
  }

  private query(opts: WriteOptions & { force?: boolean }): Record<string, string | undefined> {
    return {
      dryRun: opts.dryRun ? 'All' : undefined,
      fieldManager: opts.fieldManager,
      fieldValidation: opts.fieldValidation,
      force: opts.force ? 'true' : undefined,
    };
  }

  async create(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const { path, resource } = await this.path(obj.apiVersion, obj.kind, obj.metadata?.namespace);
    return withTypeMeta((await this.client.request('POST', path, { body: scoped(obj, resource), query: this.query(opts) })) as KubeObject, obj.apiVersion, obj.kind);
  }

  async update(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const { path, resource } = await this.path(obj.apiVersion, obj.kind, obj.metadata?.namespace, obj.metadata?.name ?? '');
    return withTypeMeta((await this.client.request('PUT', path, { body: scoped(obj, resource), query: this.query(opts) })) as KubeObject, obj.apiVersion, obj.kind);
  }

  async patch(ref: ObjectRef, patch: unknown, type: PatchType, opts: WriteOptions = {}): Promise<KubeObject> {
    const { path } = await this.path(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    return withTypeMeta((await this.client.request('PATCH', path, { body: patch, contentType: PATCH_TYPES[type], query: this.query(opts) })) as KubeObject, ref.apiVersion, ref.kind);
  }

  async serverSideApply(obj: KubeObject, opts: ServerSideApplyOptions): Promise<KubeObject> {
    const { path, resource } = await this.path(obj.apiVersion, obj.kind, obj.metadata?.namespace, obj.metadata?.name ?? '');
    // JSON is YAML: the apply-patch body can be sent as JSON text.
    const answer = await this.client.request('PATCH', path, { body: scoped(obj, resource), contentType: PATCH_TYPES.apply, query: this.query(opts) });
    return withTypeMeta(answer as KubeObject, obj.apiVersion, obj.kind);
  }

  async delete(ref: ObjectRef, opts: DeleteOptions = {}): Promise<{ deleted: boolean; object?: KubeObject }> {
    const { path } = await this.path(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
    if (opts.dryRun) body.dryRun = ['All'];
    const answer = (await this.client.request('DELETE', path, { body })) as KubeObject | { kind?: string };
    if (!answer || answer.kind === 'Status') return { deleted: true };
    const object = withTypeMeta(answer as KubeObject, ref.apiVersion, ref.kind);
    return { deleted: !object.metadata?.deletionTimestamp, object };
  }

  async close(): Promise<void> {}
}

function withTypeMeta(obj: KubeObject, apiVersion: string, kind: string): KubeObject {
  if (obj && typeof obj === 'object' && (!obj.apiVersion || !obj.kind)) return { ...obj, apiVersion: obj.apiVersion || apiVersion, kind: obj.kind || kind };
  return obj;
}

/** Cluster-scoped objects carry no namespace on the wire (Argo sets one on every target, ORD-7). */
function scoped(obj: KubeObject, r: ApiResource): KubeObject {
  if (r.namespaced || !obj.metadata?.namespace) return obj;
  const { namespace: _drop, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

