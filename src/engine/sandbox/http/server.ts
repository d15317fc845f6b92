/**
 * The Kubernetes REST API of a Sandbox over HTTP on 127.0.0.1: discovery (legacy and aggregated), OpenAPI v3,
 * `/version`, CRUD with every patch type and server-side apply, dry-run, watch (also from a resourceVersion),
 * server-side Tables, and `Status` errors with the codes a real API server uses. Virtual time follows wall time
 * (times `speed`), so kubectl sees pods become ready and `kubectl wait` returns.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { DeleteOptions, PropagationPolicy, Subresource, Target, WatchEvent } from '../api.ts';
import { isObject, type Json, type JsonObject } from '../json.ts';
import { PATCH_CONTENT_TYPES } from '../patches.ts';
import type { ResourceType } from '../registry.ts';
import type { Sandbox } from '../sandbox.ts';
import { ApiError, badRequest, internalError, methodNotSupported, notAcceptable, pathNotFound, tooLarge, unsupportedMediaType } from '../status.ts';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { openapiV3Document, openapiV3Index } from './openapi.ts';
import { toTable } from './table.ts';

export interface ServeOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Virtual time runs this many times faster than wall time (default 1). */
  speed?: number;
  /** Largest request body accepted (default 3 MiB, as the API server). */
  maxBodyBytes?: number;
  /** Called for each request (method, path, status) — for `--verbose`. */
  onRequest?(method: string, path: string, status: number): void;
}

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-gitops-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const BODY_TYPES = ['application/json', 'application/yaml'];

interface Negotiated {
  table: boolean;
  yaml: boolean;
  aggregated: boolean;
}

function negotiate(accept: string | undefined): Negotiated {
  const a = (accept ?? '').toLowerCase();
  const parts = a.split(',').map((p) => p.trim());
  const table = parts.some((p) => p.includes('as=table') && (p.includes('g=meta.k8s.io') || !p.includes('g=')));
  const aggregated = parts.some((p) => p.includes('as=apigroupdiscoverylist') && p.includes('v=v2') && !p.includes('v=v2beta1'));
  const yaml = !table && parts.length > 0 && parts[0].startsWith('application/yaml');
  const acceptable =
    !a ||
    parts.some((p) => p.startsWith('application/json') || p.startsWith('application/yaml') || p.startsWith('*/*') || p.startsWith('application/*'));
  if (!acceptable) throw notAcceptable(['application/json', 'application/yaml']);
  return { table, yaml, aggregated };
}

class BodyTooLarge extends Error {}

export class SandboxServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<() => void>();
  private ticker?: NodeJS.Timeout;
  private baseWall = 0;
  private baseVirtual = 0;
  private readonly speed: number;
  private readonly maxBody: number;
  port = 0;

  constructor(
    readonly sandbox: Sandbox,
    private readonly opts: ServeOptions = {},
  ) {
    this.speed = opts.speed && opts.speed > 0 ? opts.speed : 1;
    this.maxBody = opts.maxBodyBytes ?? 3 * 1024 * 1024;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<string> {
    this.baseWall = performance.now();
    this.baseVirtual = this.sandbox.now();
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.ticker = setInterval(() => this.tick(), 25);
    this.ticker.unref?.();
    return this.url;
  }

  /** Brings virtual time up to wall time and lets the controllers react. */
  tick(): void {
    const target = this.baseVirtual + (performance.now() - this.baseWall) * this.speed;
    const now = this.sandbox.now();
    try {
      this.sandbox.advance(Math.max(0, Math.floor(target - now)));
    } catch (e) {
      process.stderr.write(`gitops-sandbox: controller failure: ${(e as Error).message}\n`);
    }
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    for (const w of [...this.watches]) w();
    this.watches.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** A kubeconfig whose current context points at this server. */
  kubeconfig(context = 'gitops-sandbox', namespace = 'default'): string {
    return stringifyYaml({
      apiVersion: 'v1',
      kind: 'Config',
      // Plain HTTP on loopback; client-node refuses http:// unless TLS verification is declared skipped.
      clusters: [{ name: context, cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: context, user: {} }],
      contexts: [{ name: context, context: { cluster: context, user: context, namespace } }],
      'current-context': context,
      preferences: {},
    });
  }

  // ------------------------------------------------------------------ request handling

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    let path = '/';
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      path = url.pathname;
      await this.route(method, url, req, res);
    } catch (e) {
      this.fail(res, e, req);
    } finally {
      if (!res.headersSent || res.writableEnded) this.opts.onRequest?.(method, path, res.statusCode);
    }
    if (method !== 'GET') setImmediate(() => this.tick());
  }

  private fail(res: ServerResponse, e: unknown, req?: IncomingMessage): void {
    let err: ApiError;
    if (e instanceof ApiError) err = e;
    else if (e instanceof BodyTooLarge) err = tooLarge(this.maxBody);
    else {
      err = internalError((e as Error)?.message ?? String(e));
      process.stderr.write(`gitops-sandbox: internal error on ${req?.method} ${req?.url}: ${(e as Error)?.stack ?? String(e)}\n`);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (e instanceof BodyTooLarge) res.setHeader('Connection', 'close');
    this.send(res, err.code, err.status as unknown as JsonObject);
  }

  private send(res: ServerResponse, code: number, body: unknown, yaml = false, warnings: string[] = []): void {
    const text = yaml ? stringifyYaml(body) : JSON.stringify(body);
    res.statusCode = code;
    res.setHeader('Content-Type', yaml ? 'application/yaml' : 'application/json');
    res.setHeader('Cache-Control', 'no-cache, private');
    if (warnings.length) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
    res.end(text);
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const len = Number(req.headers['content-length'] ?? 0);
    if (len > this.maxBody) {
      req.resume();
      throw new BodyTooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > this.maxBody) {
        req.resume();
        throw new BodyTooLarge();
      }
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  }

  private async readObject(req: IncomingMessage): Promise<unknown> {
    const ct = String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
    if (!BODY_TYPES.includes(ct)) {
      await this.readBody(req).catch(() => undefined);
      throw unsupportedMediaType(ct, [...BODY_TYPES, 'application/vnd.kubernetes.protobuf']);
    }
    const buf = await this.readBody(req);
    return decode(buf.toString('utf8'), ct === 'application/yaml');
  }

  private async route(method: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    let seg: string[];
    try {
      seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      throw badRequest(`malformed path: ${path}`);
    }
    const reg = this.sandbox.api.registry;
    // OpenAPI v2 carries no definitions here: kubectl then validates through the server (v3 `fieldValidation`)
    // and computes client-side apply patches from its compiled-in types, which are exact for built-in kinds.
    if (path === '/openapi/v2' && method === 'GET') {
      const accept = String(req.headers.accept ?? '');
      res.statusCode = 200;
      if (accept.includes('protobuf')) {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(emptySwaggerProtobuf());
      } else {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ swagger: '2.0', info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion }, paths: {}, definitions: {} }));
      }
      return;
    }
    const neg = negotiate(req.headers.accept);
    if (path === '/version') return this.send(res, 200, VERSION_INFO);
    if (['/healthz', '/livez', '/readyz'].includes(path)) {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('ok');
      return;
    }
    if (path === '/api' && method === 'GET') {
      if (neg.aggregated) return this.sendAggregated(res, aggregatedDiscovery(reg, true));
      return this.send(res, 200, apiVersions(`127.0.0.1:${this.port}`));
    }
    if (path === '/apis' && method === 'GET') {
      if (neg.aggregated) return this.sendAggregated(res, aggregatedDiscovery(reg, false));
      return this.send(res, 200, apiGroupList(reg));
    }
    if (path === '/openapi/v3' && method === 'GET') return this.send(res, 200, openapiV3Index(reg));
    if (seg[0] === 'openapi') {
      if (seg[1] === 'v3' && method === 'GET') {
        const doc =
          seg[2] === 'api' && seg.length === 4 ? openapiV3Document(reg, '', seg[3]) : seg[2] === 'apis' && seg.length === 5 ? openapiV3Document(reg, seg[3], seg[4]) : undefined;
        if (!doc) throw pathNotFound();
        res.setHeader('Cache-Control', 'public, immutable');
        res.setHeader('Etag', `"${url.searchParams.get('hash') ?? 'sandbox'}"`);
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(doc));
        return;
      }
      // OpenAPI v2 is served only as protobuf by real servers; kubectl falls back to v3 and compiled-in types.
      throw pathNotFound();
    }
    if (seg[0] === 'api' || seg[0] === 'apis') return this.resource(method, url, seg, req, res, neg);
    throw pathNotFound();
  }

  private sendAggregated(res: ServerResponse, body: JsonObject): void {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    res.setHeader('Vary', 'Accept');
    res.end(JSON.stringify(body));
  }

  private async resource(method: string, url: URL, seg: string[], req: IncomingMessage, res: ServerResponse, neg: Negotiated): Promise<void> {
    const reg = this.sandbox.api.registry;
    let group = '';
    let version: string;
    let rest: string[];
    if (seg[0] === 'api') {
      if (seg.length === 1) throw pathNotFound();
      version = seg[1];
      rest = seg.slice(2);
      if (version !== 'v1') throw pathNotFound();
    } else {
      group = seg[1] ?? '';
      if (seg.length === 2) {
        const g = apiGroup(reg, group);
        if (!g || method !== 'GET') throw pathNotFound();
        return this.send(res, 200, g);
      }
      version = seg[2];
      rest = seg.slice(3);
    }
    if (!rest.length) {
      if (method !== 'GET') throw pathNotFound();
      const l = apiResourceList(reg, group, version);
      if (!l) throw pathNotFound();
      return this.send(res, 200, l);
    }
    let watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    if (rest[0] === 'watch') {
      watch = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    let resource: string;
    let name: string | undefined;
    let sub: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize') && group === '')) {
      namespace = rest[1];
      [resource, name, sub] = rest.slice(2);
      if (rest.length > 5) throw pathNotFound();
    } else {
      [resource, name, sub] = rest;
      if (rest.length > 3) throw pathNotFound();
    }
    if (group === 'authorization.k8s.io' && method === 'POST' && /accessreviews|rulesreviews/.test(resource)) return this.review(req, res, resource, version);
    const t = this.sandbox.api.resolveResource(group, version, resource);
    if (namespace !== undefined && !t.namespaced) throw pathNotFound();
    if (sub === 'finalize' && t.kind === 'Namespace') sub = 'status';
    if (sub !== undefined && sub !== 'status' && sub !== 'scale') {
      if (sub === 'log' && t.kind === 'Pod' && method === 'GET') return this.podLog(res, namespace, name!);
      throw pathNotFound();
    }
    if (sub === 'status' && !t.status) throw pathNotFound();
    if (sub === 'scale' && !t.scale) throw pathNotFound();
    const target: Target = { t, version, namespace: t.namespaced ? namespace : undefined, name, subresource: sub as Subresource | undefined };
    const api = this.sandbox.api;
    const q = url.searchParams;
    const warnings: string[] = [];
    const dryRun = q.getAll('dryRun');
    if (dryRun.some((d) => d !== 'All')) throw badRequest(`Invalid dryRun value: ${dryRun.find((d) => d !== 'All')}`);
    const fv = q.get('fieldValidation') ?? undefined;
    if (fv !== undefined && !['Strict', 'Warn', 'Ignore'].includes(fv)) throw badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
    const writeOpts = {
      dryRun: dryRun.includes('All'),
      fieldManager: q.get('fieldManager') ?? undefined,
      fieldValidation: fv as 'Strict' | 'Warn' | 'Ignore' | undefined,
      userAgent: req.headers['user-agent'],
      warnings,
    };
    const present = (obj: JsonObject) => (neg.table ? toTable(t, version, [obj], { resourceVersion: String((obj.metadata as JsonObject)?.resourceVersion ?? '') }, this.sandbox.now(), includeObject(q)) : obj);
    switch (method) {
      case 'GET': {
        if (watch) return this.watch(target, q, req, res, neg);
        if (name) return this.send(res, 200, present(api.get(target)), neg.yaml);
        if (namespace === undefined && t.namespaced) target.namespace = undefined;
        const list = api.list(target, {
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
          limit: q.get('limit') ? Number(q.get('limit')) : undefined,
          continue: q.get('continue') ?? undefined,
        });
        const items = list.items as JsonObject[];
        if (t.builtin) for (const it of items) stripTypeMeta(it);
        if (neg.table) {
          if (t.builtin) for (const it of items) Object.assign(it, { apiVersion: list.apiVersion, kind: t.kind });
          return this.send(res, 200, toTable(t, version, items, list.metadata as JsonObject, this.sandbox.now(), includeObject(q)));
        }
        return this.send(res, 200, list, neg.yaml);
      }
      case 'POST': {
        if (name) throw methodNotSupported(t.group, t.plural, 'create');
        if (t.namespaced && namespace === undefined) throw pathNotFound();
        const body = await this.readObject(req);
        const created = api.create(target, body, writeOpts);
        return this.send(res, 201, present(created), neg.yaml, warnings);
      }
      case 'PUT': {
        if (!name) throw methodNotSupported(t.group, t.plural, 'update');
        const body = await this.readObject(req);
        const updated = api.update(target, body, writeOpts);
        return this.send(res, 200, present(updated), neg.yaml, warnings);
      }
      case 'PATCH': {
        if (!name) throw methodNotSupported(t.group, t.plural, 'patch');
        const ct = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        const type = PATCH_CONTENT_TYPES[ct];
        if (!type) {
          await this.readBody(req).catch(() => undefined);
          throw unsupportedMediaType(ct, Object.keys(PATCH_CONTENT_TYPES).filter((c) => t.builtin || !c.includes('strategic')));
        }
        const raw = (await this.readBody(req)).toString('utf8');
        let patch: unknown;
        if (type === 'apply') {
          try {
            patch = parseYaml(raw, { version: '1.1' });
          } catch (e) {
            throw badRequest(`error decoding patch: ${(e as Error).message.split('\n')[0]}`);
          }
        } else {
          try {
            patch = JSON.parse(raw);
          } catch {
            throw badRequest('invalid JSON patch');
          }
        }
        const force = q.get('force');
        if (force !== null && type !== 'apply') throw badRequest('force: Forbidden: may not be specified for non-apply patch');
        const existed = api.peek(t, target.namespace, name) !== undefined;
        const out = api.patch(target, type, patch, { ...writeOpts, force: force === 'true' || force === '1' });
        return this.send(res, type === 'apply' && !existed ? 201 : 200, present(out), neg.yaml, warnings);
      }
      case 'DELETE': {
        const raw = (await this.readBody(req)).toString('utf8').trim();
        let body: JsonObject = {};
        if (raw) {
          const parsed = decode(raw, false);
          if (!isObject(parsed)) throw badRequest('the body of a delete must be a DeleteOptions object');
          body = parsed;
        }
        const opts: DeleteOptions = {
          propagationPolicy: (q.get('propagationPolicy') ?? body.propagationPolicy ?? undefined) as PropagationPolicy | undefined,
          gracePeriodSeconds: q.get('gracePeriodSeconds') !== null ? Number(q.get('gracePeriodSeconds')) : typeof body.gracePeriodSeconds === 'number' ? body.gracePeriodSeconds : undefined,
          orphanDependents: q.get('orphanDependents') !== null ? q.get('orphanDependents') === 'true' : typeof body.orphanDependents === 'boolean' ? body.orphanDependents : undefined,
          preconditions: isObject(body.preconditions) ? (body.preconditions as DeleteOptions['preconditions']) : undefined,
          dryRun: dryRun.includes('All') || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
        };
        if (!name) {
          if (namespace === undefined && t.namespaced) target.namespace = undefined;
          const list = api.deleteCollection(target, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined }, opts);
          return this.send(res, 200, list);
        }
        if (sub) throw methodNotSupported(t.group, `${t.plural}/${sub}`, 'delete');
        const r = api.delete(target, opts);
        const returnObject = !r.deleted || t.kind === 'Pod';
        return this.send(res, 200, returnObject ? r.object : r.status);
      }
      default:
        throw methodNotSupported(t.group, t.plural, method.toLowerCase());
    }
  }

  private watch(target: Target, q: URLSearchParams, req: IncomingMessage, res: ServerResponse, neg: Negotiated): void {
    const t = target.t;
    if (target.namespace === undefined) target.namespace = undefined;
    const timeout = q.get('timeoutSeconds') !== null ? Number(q.get('timeoutSeconds')) : 1800;
    const queue: WatchEvent[] = [];
    let started = false;
    const write = (e: WatchEvent) => {
      if (!started) {
        queue.push(e);
        return;
      }
      if (res.writableEnded || res.destroyed) return;
      let object: JsonObject = e.object;
      if (neg.table && e.type !== 'ERROR' && e.type !== 'BOOKMARK')
        object = toTable(t, target.version, [e.object], { resourceVersion: String((e.object.metadata as JsonObject)?.resourceVersion ?? '') }, this.sandbox.now(), includeObject(q));
      res.write(`${JSON.stringify({ type: e.type, object })}\n`);
    };
    let stop: () => void;
    try {
      stop = this.sandbox.api.watch(
        target,
        {
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
          resourceVersion: q.get('resourceVersion') ?? undefined,
          allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
          sendInitialEvents: q.get('sendInitialEvents') === 'true',
        },
        write,
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === 410) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        res.end(`${JSON.stringify({ type: 'ERROR', object: e.status })}\n`);
        return;
      }
      throw e;
    }
    res.writeHead(200, { 'Content-Type': neg.table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    started = true;
    for (const e of queue.splice(0)) write(e);
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      stop();
      if (timer) clearTimeout(timer);
      this.watches.delete(end);
      if (!res.writableEnded) res.end();
    };
    this.watches.add(end);
    if (timeout > 0) timer = setTimeout(end, timeout * 1000);
    req.on('close', end);
    res.on('close', end);
  }

  private async review(req: IncomingMessage, res: ServerResponse, resource: string, version: string): Promise<void> {
    const body = await this.readObject(req);
    const spec = isObject(body) && isObject(body.spec) ? body.spec : {};
    const kind = resource === 'selfsubjectrulesreviews' ? 'SelfSubjectRulesReview' : resource === 'selfsubjectaccessreviews' ? 'SelfSubjectAccessReview' : resource === 'localsubjectaccessreviews' ? 'LocalSubjectAccessReview' : 'SubjectAccessReview';
    const status: JsonObject =
      kind === 'SelfSubjectRulesReview'
        ? { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false }
        : { allowed: true, reason: 'the GitOps Sandbox allows everything' };
    this.send(res, 201, { kind, apiVersion: `authorization.k8s.io/${version}`, metadata: { creationTimestamp: null }, spec: spec as Json, status });
  }

  private podLog(res: ServerResponse, namespace: string | undefined, name: string): void {
    const pod = this.sandbox.api.get({ t: this.sandbox.api.registry.byKind('', 'Pod')!, version: 'v1', namespace, name });
    const cs = isObject(pod.spec) && Array.isArray(pod.spec.containers) ? pod.spec.containers.filter(isObject) : [];
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/plain');
    res.end(cs.map((c) => `[gitops-sandbox] simulated container ${String(c.name)} (${String(c.image)}): no real process runs in the sandbox\n`).join(''));
  }
}

/** An OpenAPI v2 document with only `swagger` and `info`, in the gnostic protobuf encoding kubectl requests. */
function emptySwaggerProtobuf(): Buffer {
  const str = (field: number, v: string) => {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
  };
  const info = Buffer.concat([str(1, 'Kubernetes'), str(2, VERSION_INFO.gitVersion)]);
  return Buffer.concat([str(1, '2.0'), Buffer.from([(2 << 3) | 2, info.length]), info, Buffer.from([(8 << 3) | 2, 0])]);
}

function includeObject(q: URLSearchParams): 'Object' | 'Metadata' | 'None' {
  const v = q.get('includeObject');
  return v === 'Object' || v === 'None' ? v : 'Metadata';
}

/** Items of built-in lists come without apiVersion and kind, as typed lists serialise them. */
function stripTypeMeta(o: JsonObject): void {
  delete o.apiVersion;
  delete o.kind;
}

function decode(text: string, yaml: boolean): unknown {
  if (!text.trim()) throw badRequest('Object \'Kind\' is missing in \'\'');
  if (yaml) {
    try {
      return parseYaml(text, { version: '1.1' });
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export type { ResourceType };
