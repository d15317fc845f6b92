/** Reading Flux GitRepository and Kustomization objects into AppEntries. */
import type { KubeObject } from '../../kube/index.ts';
import { appId, IN_CLUSTER_SERVER, isObj, str } from '../application.ts';
import { revisionNote, type RepoContext } from '../context.ts';
import { matchRepo } from '../repo-url.ts';
import type { AppEntry, AppSource, DefinedIn, FluxInfo } from '../types.ts';

export interface FluxSource {
  key: string;
  kind: string;
  name: string;
  namespace: string;
  url: string;
  /** What the ref points at, as users write it (branch name, tag, semver range or commit). */
  revision: string;
  definedIn: DefinedIn;
}

export type FluxSources = Map<string, FluxSource>;

export function sourceKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export function readGitRepository(obj: KubeObject, at: DefinedIn, defaultNamespace: string): FluxSource | undefined {
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const name = str(meta.name);
  if (!name) return undefined;
  const namespace = str(meta.namespace) || defaultNamespace;
  const spec = isObj(obj.spec) ? obj.spec : {};
  const ref = isObj(spec.ref) ? spec.ref : {};
  // source-controller's default is the master branch when no ref is given.
  const revision = str(ref.name) || str(ref.commit) || str(ref.semver) || str(ref.tag) || str(ref.branch) || 'master';
  return { key: sourceKey('GitRepository', namespace, name), kind: 'GitRepository', name, namespace, url: str(spec.url), revision, definedIn: at };
}

/** Go duration text to seconds ("1h30m", "90s", "5m"); NaN when unreadable. */
export function durationSeconds(d: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(d); m; m = re.exec(d)) {
    const n = Number(m[1]);
    const unit = m[2]!;
    total += unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : unit === 's' ? n : unit === 'ms' ? n / 1000 : n / 1e6;
    matched += m[0];
  }
  return matched === d && d !== '' ? total : NaN;
}

function formatSeconds(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${sec || (!h && !m) ? `${sec}s` : ''}`;
}

/** FLX-3: timeout defaults to interval − 30s with a floor of 30s; retryInterval defaults to interval. */
export function fluxTimings(spec: Record<string, unknown>): { interval?: string; retryInterval?: string; timeout?: string } {
  const interval = str(spec.interval) || undefined;
  const retryInterval = str(spec.retryInterval) || interval;
  let timeout = str(spec.timeout) || undefined;
  if (!timeout && interval) {
    const secs = durationSeconds(interval);
    if (!Number.isNaN(secs)) timeout = formatSeconds(Math.max(30, secs - 30));
  }
  return { interval, retryInterval, timeout };
}

export function fluxEntry(manifest: KubeObject, at: DefinedIn, ctx: RepoContext, sources: FluxSources, parent?: AppEntry): AppEntry {
  const meta = isObj(manifest.metadata) ? manifest.metadata : {};
  const name = str(meta.name);
  const namespace = str(meta.namespace) || 'flux-system';
  const spec = isObj(manifest.spec) ? manifest.spec : {};
  const ref = isObj(spec.sourceRef) ? spec.sourceRef : {};
  const srcKind = str(ref.kind) || 'GitRepository';
  const srcNs = str(ref.namespace) || namespace;
  const srcName = str(ref.name);
  const found = sources.get(sourceKey(srcKind, srcNs, srcName));
  const src: AppSource = { repoURL: found?.url ?? '', path: str(spec.path), targetRevision: found?.revision ?? '', external: false };
  let note: string | undefined;
  if (srcKind !== 'GitRepository') {
    src.external = true;
    src.externalReason = `${srcKind} ${srcNs}/${srcName} is not a git repository`;
  } else if (!found) {
    note = `GitRepository ${srcNs}/${srcName} is not defined in this repository; assumed to be this repository`;
  } else {
    const m = matchRepo(found.url, ctx.remotes);
    if (!m.local) {
      src.external = true;
      src.externalReason = `GitRepository ${srcNs}/${srcName} reads ${m.reason?.replace(/^repoURL /, '')}`;
    }
  }
  const timings = fluxTimings(spec);
  const flux: FluxInfo = {
    sourceRef: { kind: srcKind, name: srcName, namespace: srcNs },
    dependsOn: (Array.isArray(spec.dependsOn) ? spec.dependsOn : []).filter(isObj).map((d) => ({ name: str(d.name), namespace: str(d.namespace) || namespace })),
    prune: spec.prune === true,
    wait: spec.wait === true,
    force: spec.force === true,
    suspend: spec.suspend === true,
    healthChecks: Array.isArray(spec.healthChecks) ? spec.healthChecks : [],
    ...timings,
  };
  if (typeof spec.targetNamespace === 'string' && spec.targetNamespace) flux.targetNamespace = spec.targetNamespace;
  const kubeConfig = isObj(spec.kubeConfig) ? spec.kubeConfig : undefined;
  const secretRef = kubeConfig && isObj(kubeConfig.secretRef) ? str(kubeConfig.secretRef.name) : '';
  const entry: AppEntry = {
    id: appId('Kustomization', namespace, name),
    name,
    namespace,
    kind: 'Kustomization',
    definedIn: at,
    source: { repoURL: src.repoURL, path: src.path, targetRevision: src.targetRevision },
    sources: [src],
    destination: { server: kubeConfig ? `kubeConfig secret ${secretRef}` : IN_CLUSTER_SERVER, ...(flux.targetNamespace ? { namespace: flux.targetNamespace } : {}) },
    syncPolicy: {
      interval: flux.interval ?? null,
      retryInterval: flux.retryInterval ?? null,
      timeout: flux.timeout ?? null,
      prune: flux.prune,
      wait: flux.wait,
      force: flux.force,
      suspend: flux.suspend,
      ...(flux.healthChecks.length ? { healthChecks: flux.healthChecks } : {}),
      dependsOn: flux.dependsOn.map((d) => (d.namespace === namespace ? d.name : `${d.namespace}/${d.name}`)),
    },
    ignoreDifferences: [],
    external: src.external,
    manifest,
    flux,
    children: [],
  };
  if (src.external) entry.externalReason = src.externalReason;
  const rev = found && !src.external ? revisionNote(found.revision, ctx) : undefined;
  const notes = [note, rev].filter(Boolean);
  if (notes.length) entry.revisionNote = notes.join('; ');
  if (parent) {
    entry.parent = parent.name;
    entry.parentId = parent.id;
  }
  return entry;
}
