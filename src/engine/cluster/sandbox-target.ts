/**
 * The embedded sandbox as a target, in process: every call goes straight to the sandbox's API server semantics,
 * and time is its virtual clock, so waiting for health costs no real time. With a state file the sandbox is loaded
 * from it (an absent file is a fresh sandbox) and saved back atomically on close.
 */
import { existsSync } from 'node:fs';
import { formatApiVersion, type KubeObject } from '../kube/index.ts';
import { isApiError, Sandbox, type SandboxOptions } from '../sandbox/index.ts';
import type { GroupKind } from '../diff/index.ts';
import { ClusterError } from './errors.ts';
import type { ApiResource, ClusterTarget, DeleteOptions, Discovery, ObjectRef, PatchType, ServerSideApplyOptions, TargetClock, TargetInfo, WriteOptions } from './types.ts';
import { makeDiscovery } from './discovery.ts';

export interface SandboxTargetOptions {
  /** Load from and save to this file. */
  stateFile?: string;
  /** Use this sandbox (tests, the editor's own sandbox) instead of a new or loaded one. */
  sandbox?: Sandbox;
  /** For a new sandbox. */
  sandboxOptions?: SandboxOptions;
  label?: string;
}

/** Translates the sandbox's ApiError into the shared error type; anything else passes through. */
function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isApiError(e)) throw new ClusterError(e.message, e.code, e.reason, e.noKindMatch);
    throw e;
  }
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

class VirtualClock implements TargetClock {
  readonly virtual = true;
  constructor(private readonly sb: Sandbox) {}
  now(): number {
    return this.sb.now();
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    this.sb.advance(Math.max(0, ms));
  }
  async waitForChange(maxMs: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) throw abortError(signal);
    this.sb.advance(0);
    const next = this.sb.nextEventAt();
    if (next === undefined) return false;
    this.sb.advance(Math.max(0, Math.min(next - this.sb.now(), maxMs)));
    return true;
  }
}

export class SandboxTarget implements ClusterTarget {
  readonly info: TargetInfo;
  readonly clock: TargetClock;
  readonly label: string;

  constructor(
    readonly sandbox: Sandbox,
    private readonly stateFile?: string,
    label?: string,
  ) {
    this.label = label ?? (stateFile ? `sandbox ${stateFile}` : 'sandbox');
    this.info = { type: 'sandbox', label: this.label };
    this.clock = new VirtualClock(sandbox);
  }

  /** A sandbox target: the given sandbox, the one saved in `stateFile`, or a new one. */
  static async open(opts: SandboxTargetOptions = {}): Promise<SandboxTarget> {
    if (opts.sandbox) return new SandboxTarget(opts.sandbox, opts.stateFile, opts.label);
    const sb = opts.stateFile && existsSync(opts.stateFile) ? await Sandbox.load(opts.stateFile) : new Sandbox(opts.sandboxOptions);
    return new SandboxTarget(sb, opts.stateFile, opts.label);
  }

  async discover(): Promise<Discovery> {
    // The registry is in memory and changes as CRDs become Established: always current, nothing to cache.
    const resources: ApiResource[] = this.sandbox.resourceTypes().map((t) => ({
      group: t.group,
      version: t.versions[0]!,
      versions: [...t.versions],
      kind: t.kind,
      plural: t.plural,
      namespaced: t.namespaced,
      verbs: [...t.verbs],
    }));
    return makeDiscovery(resources);
  }

  invalidateDiscovery(): void {}

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    return wrap(() => this.sandbox.tryGet({ ...ref }));
  }

  async list(kinds: GroupKind[], namespaces?: string[], opts: { labelSelector?: string } = {}): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    const types = this.sandbox.resourceTypes();
    for (const gk of kinds) {
      const t = types.find((x) => x.group === gk.group && x.kind === gk.kind);
      if (!t || !t.verbs.includes('list')) continue;
      const apiVersion = formatApiVersion(t.group, t.versions[0]!);
      const scopes = t.namespaced && namespaces?.length ? namespaces : [undefined];
      for (const namespace of scopes) {
        const l = wrap(() => this.sandbox.list({ apiVersion, kind: t.kind, namespace }, { labelSelector: opts.labelSelector }));
        for (const item of l.items) out.push({ ...item, apiVersion, kind: t.kind });
      }
    }
    return out;
  }

  async create(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return wrap(() => this.sandbox.create(this.scoped(obj), { dryRun: opts.dryRun, fieldManager: opts.fieldManager, fieldValidation: opts.fieldValidation }));
  }

  async update(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return wrap(() => this.sandbox.update(this.scoped(obj), { dryRun: opts.dryRun, fieldManager: opts.fieldManager, fieldValidation: opts.fieldValidation }));
  }

  async patch(ref: ObjectRef, patch: unknown, type: PatchType, opts: WriteOptions = {}): Promise<KubeObject> {
    return wrap(() => this.sandbox.patch({ ...ref }, patch, type, { dryRun: opts.dryRun, fieldManager: opts.fieldManager, fieldValidation: opts.fieldValidation }));
  }

  async serverSideApply(obj: KubeObject, opts: ServerSideApplyOptions): Promise<KubeObject> {
    return wrap(() => this.sandbox.apply(this.scoped(obj), { fieldManager: opts.fieldManager, force: opts.force, dryRun: opts.dryRun, fieldValidation: opts.fieldValidation }));
  }

  async delete(ref: ObjectRef, opts: DeleteOptions = {}): Promise<{ deleted: boolean; object?: KubeObject }> {
    const r = wrap(() => this.sandbox.delete({ ...ref }, { propagationPolicy: opts.propagationPolicy, dryRun: opts.dryRun }));
    return { deleted: r.deleted, object: r.object as unknown as KubeObject };
  }

  async close(): Promise<void> {
    if (this.stateFile) await this.sandbox.save(this.stateFile);
  }

  /** Cluster-scoped objects carry no namespace on the wire (Argo sets one on every target, ORD-7). */
  private scoped(obj: KubeObject): KubeObject {
    const ns = obj.metadata?.namespace;
    if (!ns) return obj;
    let namespaced = true;
    try {
      namespaced = this.sandbox.isNamespaced(obj.apiVersion, obj.kind);
    } catch {
      return obj; // not served: the call itself reports it
    }
    if (namespaced) return obj;
    const { namespace: _drop, ...metadata } = obj.metadata;
    return { ...obj, metadata };
  }
}

