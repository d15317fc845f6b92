/**
 * The embedded sandbox cluster: the API server semantics of api.ts, the simulated controllers on a virtual clock,
 * failure injection, snapshots and an atomic state file, behind one class that sync, diff and simulate use in
 * process (and the HTTP front serves to kubectl and client-node).
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { parseDocument } from 'yaml';
import { GitOpsError } from '../errors/index.ts';
import { formatApiVersion, parseApiVersion, type KubeObject } from '../kube/index.ts';
import { ApiCore, type ApplyOptions, type DeleteOptions, type DeleteResult, type ListOptions, type Subresource, type Target, type WatchEvent, type WatchOptions, type WriteOptions } from './api.ts';
import { VirtualClock } from './clock.ts';
import { CronJobController } from './controllers/cronjob.ts';
import { CRDController } from './controllers/crd.ts';
import { DaemonSetController } from './controllers/daemonset.ts';
import { DeploymentController } from './controllers/deployment.ts';
import { GarbageCollector } from './controllers/gc.ts';
import { HPAController } from './controllers/hpa.ts';
import { JobController } from './controllers/job.ts';
import { KubeletController } from './controllers/kubelet.ts';
import { NamespaceController } from './controllers/namespace.ts';
import { LoadBalancerController } from './controllers/network.ts';
import { ReplicaSetController } from './controllers/replicaset.ts';
import { ControllerContext, ControllerRuntime, DEFAULT_SIMULATION, type SimulationConfig } from './controllers/runtime.ts';
import { StatefulSetController } from './controllers/statefulset.ts';
import { VolumeController } from './controllers/storage.ts';
import { FailureRules, type FailureRule } from './failures.ts';
import { clone, isObject, type Json, type JsonObject } from './json.ts';
import { Random } from './names.ts';
import type { PatchType } from './patches.ts';
import type { ResourceType } from './registry.ts';
import { ApiError, noKindMatch } from './status.ts';
import { metaOf } from './store.ts';
import { rfc3339 } from './time.ts';

/** Identifies one object: `apiVersion`, `kind`, `name` and, for namespaced kinds, `namespace` (default "default"). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Identifies a kind, and optionally one namespace of it (absent: all namespaces). */
export interface TypeRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
}

/** A watch event: ADDED, MODIFIED, DELETED (or BOOKMARK) with the object as it is after the change. */
export interface ObjectEvent {
  type: WatchEvent['type'];
  object: KubeObject;
}

export interface KubeList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

export interface SandboxOptions {
  /** Virtual start time (ms since epoch, a Date or an RFC 3339 string); default: now, to the second. */
  startTime?: number | Date | string;
  /** Seed for uids, generated names and IPs; the same seed replays the same names. Default: random. */
  seed?: number;
  /** Timings and node count of the simulation. */
  simulation?: Partial<SimulationConfig>;
  /** Failure rules to start with. */
  failureRules?: FailureRule[];
  /** Change events kept for watches that resume from a resourceVersion (default 20000). */
  watchHistory?: number;
}

export const SNAPSHOT_FORMAT = 'gitops-sandbox.dev/state/v1';

/** The whole state: JSON you can keep, branch from (restore it into another sandbox) or write to a file. */
export interface SandboxSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** Virtual time, ms since epoch. */
  time: number;
  resourceVersion: number;
  random: number;
  simulation: SimulationConfig;
  failureRules: FailureRule[];
  /** Every object, at its storage version. */
  objects: KubeObject[];
  /** Controller memory (pod timings, allocations). */
  controllers: Record<string, Json>;
  /** Allocators of cluster IPs and node ports. */
  allocations: { clusterIPs: string[]; nodePorts: number[] };
}

function toMs(v: SandboxOptions['startTime']): number {
  if (v === undefined) return Math.floor(Date.now() / 1000) * 1000;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (!Number.isFinite(t)) throw new Error(`invalid start time: ${v}`);
    return t;
  }
  return v;
}

export class Sandbox {
  readonly clock: VirtualClock;
  readonly api: ApiCore;
  readonly failures = new FailureRules();
  readonly simulation: SimulationConfig;
  private readonly runtime: ControllerRuntime;
  private readonly random: Random;
  private readonly clusterIPs = new Set<string>();
  private readonly nodePorts = new Set<number>();

  constructor(options: SandboxOptions = {}) {
    this.clock = new VirtualClock(toMs(options.startTime));
    this.random = new Random(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    this.simulation = { ...DEFAULT_SIMULATION, ...(options.simulation ?? {}) };
    this.failures.rules = [...(options.failureRules ?? [])];
    this.api = new ApiCore(
      {
      now: () => this.clock.now(),
      random: this.random,
      defaults: {
        allocateClusterIP: () => this.allocateClusterIP(),
        allocateNodePort: () => this.allocateNodePort(),
        defaultStorageClass: () => this.defaultStorageClass(),
      },
      },
      options.watchHistory,
    );
    this.runtime = new ControllerRuntime(this.clock);
    this.runtime.ctx = new ControllerContext(this.api, this.clock, this.runtime, this.simulation, this.failures, this.random);
    for (const c of [
      new CRDController(),
      new NamespaceController(),
      new GarbageCollector(),
      new DeploymentController(),
      new ReplicaSetController(),
      new StatefulSetController(),
      new DaemonSetController(),
      new JobController(),
      new CronJobController(),
      new KubeletController(),
      new VolumeController(),
      new LoadBalancerController(),
      new HPAController(),
    ])
      this.runtime.add(c);
    this.api.store.subscribe((e) => this.runtime.onEvent(e));
    this.bootstrap();
  }

  // ------------------------------------------------------------------ bootstrap and allocation

  private bootstrap(): void {
    const sys = { fieldManager: 'kube-apiserver' };
    const ns = this.api.registry.byKind('', 'Namespace')!;
    for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system'])
      this.api.create({ t: ns, version: 'v1' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, sys);
    const node = this.api.registry.byKind('', 'Node')!;
    for (let i = 1; i <= Math.max(1, this.simulation.nodes); i++) this.api.create({ t: node, version: 'v1' }, this.nodeObject(i), { fieldManager: 'kubelet' });
    for (const n of this.api.store.list(node)) this.api.update({ t: node, version: 'v1', name: String(metaOf(n).name), subresource: 'status' }, { ...n, status: this.nodeStatus(n) }, { fieldManager: 'kubelet' });
    const sc = this.api.registry.byKind('storage.k8s.io', 'StorageClass')!;
    this.api.create(
      { t: sc, version: 'v1' },
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: 'sandbox.gitops-sandbox.dev/local-path',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      },
      sys,
    );
    this.clusterIPs.add('10.96.0.1');
    this.clusterIPs.add('10.96.0.10');
    const svc = this.api.registry.byKind('', 'Service')!;
    this.api.create(
      { t: svc, version: 'v1', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP' },
      },
      sys,
    );
    this.runtime.drain();
  }

  private nodeObject(i: number): JsonObject {
    const name = `sandbox-node-${i}`;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', ...(i === 1 ? { 'node-role.kubernetes.io/control-plane': '' } : {}) },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: { podCIDR: `10.244.${i - 1}.0/24`, podCIDRs: [`10.244.${i - 1}.0/24`], providerID: `sandbox://${name}` },
    };
  }

  private nodeStatus(n: JsonObject): JsonObject {
    const now = rfc3339(this.clock.now());
    const i = Number(String(metaOf(n).name).split('-').pop() ?? 1);
    const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message });
    const cap = { cpu: '8', 'ephemeral-storage': '102400000Ki', 'hugepages-2Mi': '0', memory: '16384000Ki', pods: '110' };
    return {
      addresses: [
        { address: `172.18.0.${i + 1}`, type: 'InternalIP' },
        { address: String(metaOf(n).name), type: 'Hostname' },
      ],
      allocatable: cap,
      capacity: cap,
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: this.random.uuid(),
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.1.0',
        kubeProxyVersion: 'v1.32.0',
        kubeletVersion: 'v1.32.0',
        machineID: this.random.uuid().replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: 'GitOps Sandbox simulated node',
        systemUUID: this.random.uuid(),
      },
    };
  }

  private allocateClusterIP(): string {
    for (;;) {
      const ip = `10.96.${this.random.int(256)}.${1 + this.random.int(254)}`;
      if (!this.clusterIPs.has(ip)) {
        this.clusterIPs.add(ip);
        return ip;
      }
    }
  }

  private allocateNodePort(): number {
    for (;;) {
      const p = 30000 + this.random.int(2768);
      if (!this.nodePorts.has(p)) {
        this.nodePorts.add(p);
        return p;
      }
    }
  }

  private defaultStorageClass(): string | undefined {
    const sc = this.api.registry.byKind('storage.k8s.io', 'StorageClass');
    if (!sc) return undefined;
    const d = this.api.store.list(sc).find((s) => isObject(metaOf(s).annotations) && (metaOf(s).annotations as Record<string, string>)['storageclass.kubernetes.io/is-default-class'] === 'true');
    return d ? String(metaOf(d).name) : undefined;
  }

  // ------------------------------------------------------------------ resolution

  /** Served resource types (built-in and established custom resources). */
  resourceTypes(): readonly ResourceType[] {
    return this.api.registry.all();
  }

  /** The served type of a kind, or ApiError "no matches for kind" (as a client reports it). */
  resolve(apiVersion: string, kind: string): ResourceType {
    return this.api.resolveKind(apiVersion, kind).t;
  }

  isNamespaced(apiVersion: string, kind: string): boolean {
    return this.resolve(apiVersion, kind).namespaced;
  }

  private target(ref: { apiVersion: string; kind: string; namespace?: string; name?: string }, subresource?: Subresource): Target {
    if (!ref || typeof ref.apiVersion !== 'string' || typeof ref.kind !== 'string') throw noKindMatch(String(ref?.kind ?? ''), String(ref?.apiVersion ?? ''));
    const { t, version } = this.api.resolveKind(ref.apiVersion, ref.kind);
    return { t, version, namespace: t.namespaced ? (ref.namespace ?? 'default') : undefined, name: ref.name, subresource };
  }

  private objTarget(obj: KubeObject, subresource?: Subresource): Target {
    if (!isObject(obj)) throw new ApiError({ code: 400, reason: 'BadRequest', message: 'the object provided is not a Kubernetes object' });
    const md = isObject(obj.metadata) ? obj.metadata : {};
    return this.target({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: md.namespace as string | undefined, name: md.name as string | undefined }, subresource);
  }

  // ------------------------------------------------------------------ reads

  /** One object; ApiError 404 NotFound when absent. `subresource: 'scale'` returns its Scale. */
  get(ref: ObjectRef, opts: { subresource?: 'scale' | 'status' } = {}): KubeObject {
    return this.api.get(this.target(ref, opts.subresource)) as unknown as KubeObject;
  }

  /** One object, or undefined when absent. */
  tryGet(ref: ObjectRef): KubeObject | undefined {
    try {
      return this.get(ref);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404 && !e.noKindMatch) return undefined;
      throw e;
    }
  }

  /** Objects of a kind (in `namespace` or all namespaces), filtered by selectors; items carry apiVersion and kind. */
  list(type: TypeRef, opts: ListOptions = {}): KubeList {
    const tg = this.target(type);
    if (type.namespace === undefined) tg.namespace = undefined;
    const l = this.api.list(tg, opts) as unknown as KubeList;
    for (const it of l.items) {
      it.apiVersion = formatApiVersion(tg.t.group, tg.version);
      it.kind = tg.t.kind;
    }
    return l;
  }

  /**
   * Watches a kind. `resourceVersion` absent or "0": an ADDED event per existing object first; otherwise the
   * changes after it (ApiError 410 Expired when that history is gone). Returns a function that stops the watch.
   */
  watch(type: TypeRef & { name?: string }, opts: WatchOptions, onEvent: (e: ObjectEvent) => void): () => void {
    const tg = this.target(type);
    if (type.namespace === undefined) tg.namespace = undefined;
    return this.api.watch(tg, opts, onEvent as (e: WatchEvent) => void);
  }

  // ------------------------------------------------------------------ writes

  create(obj: KubeObject, opts: WriteOptions = {}): KubeObject {
    const tg = this.objTarget(obj);
    tg.name = undefined;
    return this.api.create(tg, obj, { fieldManager: 'gitops-sandbox', ...opts }) as unknown as KubeObject;
  }

  /** PUT semantics: a set metadata.resourceVersion must match (409 Conflict otherwise). */
  update(obj: KubeObject, opts: WriteOptions & { subresource?: 'status' | 'scale' } = {}): KubeObject {
    return this.api.update(this.objTarget(obj, opts.subresource), obj, { fieldManager: 'gitops-sandbox', ...opts }) as unknown as KubeObject;
  }

  updateStatus(obj: KubeObject, opts: WriteOptions = {}): KubeObject {
    return this.update(obj, { ...opts, subresource: 'status' });
  }

  /** A patch of one of the API's four patch types; 'apply' is server-side apply and needs `fieldManager`. */
  patch(ref: ObjectRef, patch: unknown, type: PatchType, opts: ApplyOptions & { subresource?: 'status' | 'scale' } = {}): KubeObject {
    const fm = type === 'apply' ? opts.fieldManager : (opts.fieldManager ?? 'gitops-sandbox');
    return this.api.patch(this.target(ref, opts.subresource), type, patch, { ...opts, fieldManager: fm }) as unknown as KubeObject;
  }

  /** Server-side apply of a (partial) object by `fieldManager`; 409 Conflict on conflicts unless `force`. */
  apply(obj: KubeObject, opts: ApplyOptions & { fieldManager: string; subresource?: 'status' }): KubeObject {
    return this.api.apply(this.objTarget(obj, opts.subresource), obj, opts) as unknown as KubeObject;
  }

  delete(ref: ObjectRef, opts: DeleteOptions = {}): DeleteResult {
    return this.api.delete(this.target(ref), opts);
  }

  deleteCollection(type: TypeRef, list: ListOptions = {}, opts: DeleteOptions = {}): KubeList {
    const tg = this.target(type);
    if (type.namespace === undefined) tg.namespace = undefined;
    return this.api.deleteCollection(tg, list, opts) as unknown as KubeList;
  }

  // ------------------------------------------------------------------ time

  /** Virtual time, ms since epoch. */
  now(): number {
    return this.clock.now();
  }

  /** Runs the controllers forward by `ms` of virtual time (0: just what is due now). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`advance: expected a non-negative number of milliseconds, got ${ms}`);
    const target = this.clock.now() + ms;
    this.runtime.drain();
    for (;;) {
      const next = this.clock.nextAt();
      if (next === undefined || next > target) break;
      this.clock.set(next);
      for (const fn of this.clock.takeDue()) fn();
      this.runtime.drain();
    }
    this.clock.set(target);
    this.runtime.drain();
  }

  /** Runs what is due now: after a write, controllers react (a Deployment gets its ReplicaSet and pods). */
  settle(): void {
    this.advance(0);
  }

  /**
   * Advances in steps of `stepMs` until `done()` holds (returns the virtual ms it took) or `timeoutMs` passes
   * (returns undefined). What sync uses to wait for health without real sleeps.
   */
  advanceUntil(done: () => boolean, opts: { timeoutMs?: number; stepMs?: number } = {}): number | undefined {
    const timeout = opts.timeoutMs ?? 600000;
    const step = Math.max(1, opts.stepMs ?? 100);
    const start = this.clock.now();
    this.advance(0);
    while (!done()) {
      if (this.clock.now() - start >= timeout) return undefined;
      // Jump straight to the next thing that can change state when it is sooner than a step.
      const next = this.clock.nextAt();
      const by = next !== undefined && next - this.clock.now() < step ? Math.max(0, next - this.clock.now()) : step;
      this.advance(Math.min(by, timeout - (this.clock.now() - start)));
    }
    return this.clock.now() - start;
  }

  /** When the next controller action is due, if any (virtual ms). */
  nextEventAt(): number | undefined {
    return this.clock.nextAt();
  }

  /** Problems the controllers met (failed writes, unparseable schedules), newest last. */
  notes(): readonly string[] {
    return this.runtime.notes;
  }

  /** Reconciles run so far (a cost measure for benchmarks). */
  reconcileCount(): number {
    return this.runtime.reconciles;
  }

  // ------------------------------------------------------------------ failure injection

  addFailureRule(rule: FailureRule): void {
    this.failures.rules.push(rule);
  }

  clearFailureRules(): void {
    this.failures.rules = [];
  }

  // ------------------------------------------------------------------ snapshots and files

  snapshot(): SandboxSnapshot {
    const objects: KubeObject[] = [];
    for (const { obj } of this.api.store.all()) objects.push(clone(obj) as unknown as KubeObject);
    // CRDs first so their custom resources can be loaded after them.
    objects.sort((a, b) => (a.kind === 'CustomResourceDefinition' ? 0 : 1) - (b.kind === 'CustomResourceDefinition' ? 0 : 1));
    const controllers: Record<string, Json> = {};
    for (const c of this.runtime.all()) if (c.saveState) controllers[c.name] = clone(c.saveState());
    return {
      format: SNAPSHOT_FORMAT,
      time: this.clock.now(),
      resourceVersion: this.api.store.rv,
      random: this.random.state,
      simulation: { ...this.simulation },
      failureRules: clone(this.failures.rules) as FailureRule[],
      objects,
      controllers,
      allocations: { clusterIPs: [...this.clusterIPs], nodePorts: [...this.nodePorts] },
    };
  }

  /** Replaces the whole state with a snapshot (taken from this or another sandbox). Open watches see no events. */
  restore(s: SandboxSnapshot): void {
    if (!s || s.format !== SNAPSHOT_FORMAT) throw new Error(`not a sandbox snapshot (format ${String((s as { format?: unknown })?.format)})`);
    const store = this.api.store;
    const reg = this.api.registry;
    for (const t of [...reg.all()]) if (t.crd) reg.removeCRD(t.crd);
    store.clear();
    this.clock.clearTimers();
    this.clock.reset(s.time);
    Object.assign(this.simulation, s.simulation);
    this.failures.rules = clone(s.failureRules);
    this.random.state = s.random;
    this.clusterIPs.clear();
    for (const ip of s.allocations?.clusterIPs ?? []) this.clusterIPs.add(ip);
    this.nodePorts.clear();
    for (const p of s.allocations?.nodePorts ?? []) this.nodePorts.add(p);
    const crdType = reg.byKind('apiextensions.k8s.io', 'CustomResourceDefinition')!;
    for (const o of s.objects) {
      if (o.kind !== 'CustomResourceDefinition') continue;
      store.load(crdType, clone(o) as unknown as JsonObject);
      const established = isObject(o.status) && Array.isArray(o.status.conditions) && o.status.conditions.some((c) => isObject(c) && c.type === 'Established' && c.status === 'True');
      if (established) reg.addCRD(o as unknown as JsonObject);
    }
    for (const o of s.objects) {
      if (o.kind === 'CustomResourceDefinition') continue;
      const { group } = parseApiVersion(o.apiVersion);
      const t = reg.byKind(group, o.kind);
      if (!t) continue;
      store.load(t, clone(o) as unknown as JsonObject);
    }
    store.rv = s.resourceVersion;
    for (const c of this.runtime.all()) if (c.loadState) c.loadState(clone(s.controllers?.[c.name] ?? null));
    this.runtime.resyncAll();
  }

  /** A new sandbox in the state of `s`. */
  static fromSnapshot(s: SandboxSnapshot, options: Omit<SandboxOptions, 'startTime'> = {}): Sandbox {
    const sb = new Sandbox({ ...options, startTime: s.time, seed: s.random });
    sb.restore(s);
    return sb;
  }

  /** Writes the state to `file` atomically: a temporary file in the same directory, flushed, then renamed. */
  async save(file: string): Promise<void> {
    await writeFileAtomic(file, `${JSON.stringify(this.snapshot())}\n`);
  }

  /** A sandbox from a state file written by `save` (a GitOpsError names the file when it is not one). */
  static async load(file: string, options: Omit<SandboxOptions, 'startTime'> = {}): Promise<Sandbox> {
    return Sandbox.fromSnapshot(await readSnapshot(file), options);
  }
}

/** Reads and checks a state file. */
export async function readSnapshot(file: string): Promise<SandboxSnapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GitOpsError(`cannot read sandbox state: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file }, 'sandbox-state');
  }
  let s: unknown;
  try {
    s = JSON.parse(text);
  } catch (e) {
    // JSON.parse does not say where; the YAML parser (a JSON superset) does.
    const err = parseDocument(text).errors[0];
    const [line, column] = err?.linePos?.[0] ? [err.linePos[0].line, err.linePos[0].col] : [1, 1];
    throw new GitOpsError(`not a sandbox state file: invalid JSON (${(e as Error).message.split('\n')[0]})`, { file, line, column }, 'sandbox-state');
  }
  if (!isObject(s) || s.format !== SNAPSHOT_FORMAT || !Array.isArray(s.objects))
    throw new GitOpsError(`not a sandbox state file (expected "format": "${SNAPSHOT_FORMAT}")`, { file, line: 1, column: 1 }, 'sandbox-state');
  return s as unknown as SandboxSnapshot;
}

/** Writes `text` to `file` so that a crash leaves either the old or the new content, never a torn file. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  // The rename is durable once the directory entry is flushed.
  try {
    const dh = await open(dirname(file), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    /* some platforms cannot fsync a directory */
  }
}
