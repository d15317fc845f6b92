/** Reading an Argo CD Application object into an AppEntry (sources, destination, sync policy, repo matching). */
import type { KubeObject } from '../kube/index.ts';
import { revisionNote, type RepoContext } from './context.ts';
import { matchRepo } from './repo-url.ts';
import type { AppEntry, AppSource, DefinedIn, SourceSummary } from './types.ts';

export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function bool(v: unknown): boolean {
  return v === true || v === 'true';
}

export function appId(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** One source of an Application: normalised fields, and whether it is this repository. */
export function readSource(raw: Record<string, unknown>, ctx: Pick<RepoContext, 'remotes'>): AppSource {
  const repoURL = str(raw.repoURL);
  const src: AppSource = {
    repoURL,
    path: str(raw.path),
    targetRevision: str(raw.targetRevision),
    external: false,
  };
  if (raw.chart !== undefined) src.chart = str(raw.chart);
  if (raw.ref !== undefined) src.ref = str(raw.ref);
  if (isObj(raw.kustomize)) src.kustomize = raw.kustomize;
  if (isObj(raw.directory)) src.directory = raw.directory;
  if (raw.helm !== undefined) src.helm = raw.helm;
  if (raw.plugin !== undefined) src.plugin = raw.plugin;
  if (src.chart) {
    src.external = true;
    src.externalReason = `Helm chart ${src.chart} from the Helm repository ${repoURL}`;
    return src;
  }
  if (/^oci:\/\//i.test(repoURL)) {
    src.external = true;
    src.externalReason = `OCI artifact ${repoURL}`;
    return src;
  }
  const m = matchRepo(repoURL, ctx.remotes);
  if (!m.local) {
    src.external = true;
    src.externalReason = m.reason;
  }
  return src;
}

/** The sync policy as front ends show it: automated (or null), its flags, sync options and retry. */
export function syncPolicySummary(sp: unknown): Record<string, unknown> {
  const p = isObj(sp) ? sp : {};
  const out: Record<string, unknown> = {};
  const auto = isObj(p.automated) ? p.automated : undefined;
  // `automated: {enabled: false}` (Argo CD ≥ 3.1) keeps the settings but turns auto-sync off.
  out.automated = auto && auto.enabled !== false ? { prune: bool(auto.prune), selfHeal: bool(auto.selfHeal), allowEmpty: bool(auto.allowEmpty) } : null;
  out.syncOptions = Array.isArray(p.syncOptions) ? p.syncOptions.map(str) : [];
  if (isObj(p.retry)) out.retry = p.retry;
  if (isObj(p.managedNamespaceMetadata)) out.managedNamespaceMetadata = p.managedNamespaceMetadata;
  return out;
}

/** The primary source: the first with a path (a values-only `ref` source is never the one users mean). */
export function primarySource(sources: AppSource[]): SourceSummary {
  const s = sources.find((x) => x.path || x.chart) ?? sources[0];
  return s ? { repoURL: s.repoURL, path: s.path, targetRevision: s.targetRevision } : { repoURL: '', path: '', targetRevision: '' };
}

export interface EntryExtra {
  generatedBy?: string;
  parent?: AppEntry;
}

/** Builds the entry of an Application object. `manifest` must already carry its final metadata.namespace. */
export function applicationEntry(manifest: KubeObject, definedIn: DefinedIn, ctx: RepoContext, extra: EntryExtra = {}): AppEntry {
  const spec = isObj(manifest.spec) ? manifest.spec : {};
  const name = str(manifest.metadata?.name);
  const namespace = str(manifest.metadata?.namespace) || ctx.argocdNamespace;
  const rawSources = Array.isArray(spec.sources) && spec.sources.length ? spec.sources : isObj(spec.source) ? [spec.source] : [];
  const sources = rawSources.filter(isObj).map((s) => readSource(s, ctx));
  const dest = isObj(spec.destination) ? spec.destination : {};
  const destination: AppEntry['destination'] = {};
  if (dest.server !== undefined) destination.server = str(dest.server);
  if (dest.name !== undefined) destination.name = str(dest.name);
  if (dest.namespace !== undefined) destination.namespace = str(dest.namespace);
  if (destination.server === undefined && destination.name !== undefined) {
    const c = destination.name === 'in-cluster' ? { server: IN_CLUSTER_SERVER } : ctx.clusters.find((x) => x.name === destination.name);
    if (c) destination.server = c.server;
  }
  const rendered = sources.filter((s) => (s.path !== '' || !s.ref) && !s.chart);
  const local = rendered.filter((s) => !s.external);
  const external = sources.length === 0 || local.length === 0;
  const entry: AppEntry = {
    id: appId('Application', namespace, name),
    name,
    namespace,
    kind: 'Application',
    definedIn,
    source: primarySource(sources),
    sources,
    destination,
    project: str(spec.project) || 'default',
    syncPolicy: syncPolicySummary(spec.syncPolicy),
    ignoreDifferences: Array.isArray(spec.ignoreDifferences) ? spec.ignoreDifferences : [],
    external,
    manifest,
    children: [],
  };
  if (external) {
    entry.externalReason = sources.length === 0 ? 'the Application has no source' : sources.map((s) => s.externalReason).filter(Boolean).join('; ');
  }
  if (extra.generatedBy) entry.generatedBy = extra.generatedBy;
  if (extra.parent) {
    entry.parent = extra.parent.name;
    entry.parentId = extra.parent.id;
  }
  const notes = [...new Set(local.map((s) => revisionNote(s.targetRevision, ctx)).filter((n): n is string => !!n))];
  if (notes.length) entry.revisionNote = notes.join('; ');
  return entry;
}
