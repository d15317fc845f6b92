/** The vocabulary of a target cluster: what sync, diff and plan need from any Kubernetes API. */
import type { GroupKind, LiveSource } from '../diff/index.ts';
import type { KubeObject } from '../kube/index.ts';

/** One served resource type (an entry of discovery). */
export interface ApiResource {
  group: string;
  /** The preferred served version. */
  version: string;
  /** Every served version, preferred first. */
  versions: string[];
  kind: string;
  plural: string;
  namespaced: boolean;
  verbs: string[];
}

export interface Discovery {
  resources: ApiResource[];
  /** The served type of a group/kind, if any. */
  lookup(group: string, kind: string): ApiResource | undefined;
}

/** Identifies an object: apiVersion, kind, name and (for namespaced kinds) namespace. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** `client`: computed here, nothing sent; `server`: sent with dryRun=All, nothing stored. */
export type DryRun = 'client' | 'server';

export interface WriteOptions {
  /** Server-side dry-run (dryRun=All): the API server validates and answers, nothing is stored. */
  dryRun?: boolean;
  fieldManager?: string;
  /** Strict refuses unknown fields (kubectl --validate=true), Ignore drops them. Default: the server's (Warn). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface ServerSideApplyOptions extends WriteOptions {
  fieldManager: string;
  /** Take over fields other managers own (`--force-conflicts`). */
  force?: boolean;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  dryRun?: boolean;
}

export type PatchType = 'strategic' | 'merge' | 'json';

/** Where the target is and whether it counts as local (the safety rails read this). */
export interface TargetInfo {
  /** `sandbox`, `k3s` or `context`. */
  type: 'sandbox' | 'k3s' | 'context';
  /** Shown to the user: "sandbox", "sandbox state.json", "k3s", "context kind-dev". */
  label: string;
  /** The kubeconfig context (context and k3s targets). */
  context?: string;
  /** The kubeconfig cluster entry's name. */
  cluster?: string;
  /** The API server URL (context and k3s targets). */
  server?: string;
}

/**
 * Time as the target sees it. The in-process sandbox runs on its virtual clock (waiting advances it; no real
 * sleeps); a real API server runs on wall time.
 */
export interface TargetClock {
  readonly virtual: boolean;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Lets `ms` pass (advances the virtual clock, or sleeps). Rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Lets time pass until something may have changed, at most `maxMs`: the virtual clock jumps to the next
   * scheduled controller event; wall time polls. Returns false when nothing can ever change again (a virtual
   * clock with nothing scheduled): waiting longer is pointless.
   */
  waitForChange(maxMs: number, signal?: AbortSignal): Promise<boolean>;
}

/**
 * One cluster the engine can read and write: the embedded sandbox in process, any Kubernetes API through
 * client-node (a kube context, the sandbox served over HTTP, our k3s container). It is also a `LiveSource`, so
 * `diff --cluster` and `plan --cluster` can read any target.
 *
 * Writes are the API's own verbs; kubectl's client-side semantics (apply with the last-applied annotation,
 * replace, create) are built on them in `kubectl.ts`, the same for every target. Errors are `ClusterError`s.
 */
export interface ClusterTarget extends LiveSource {
  readonly info: TargetInfo;
  readonly clock: TargetClock;
  /** Served resource types, CRDs included; cached until `invalidateDiscovery()`. */
  discover(): Promise<Discovery>;
  /** Forget cached discovery (after a CRD is applied or deleted). */
  invalidateDiscovery(): void;
  /** One object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Objects of these kinds (in these namespaces; cluster-scoped kinds ignore them), optionally by label selector. */
  list(kinds: GroupKind[], namespaces?: string[], opts?: { labelSelector?: string }): Promise<KubeObject[]>;
  create(obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  /** PUT: replaces the object; a set resourceVersion must match. */
  update(obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  patch(ref: ObjectRef, patch: unknown, type: PatchType, opts?: WriteOptions): Promise<KubeObject>;
  /** Server-side apply (application/apply-patch+yaml). */
  serverSideApply(obj: KubeObject, opts: ServerSideApplyOptions): Promise<KubeObject>;
  /** Deletes; `deleted` is false when the object stays with a deletionTimestamp (finalizers, foreground). */
  delete(ref: ObjectRef, opts?: DeleteOptions): Promise<{ deleted: boolean; object?: KubeObject }>;
  /** Persists what needs persisting (a sandbox state file) and releases connections. */
  close(): Promise<void>;
}
