import type { KubeObject } from '../kube/index.ts';
import type { FileView } from '../source/index.ts';

/** Where something was written: repo-relative POSIX file, 1-based line and column. */
export interface DefinedIn {
  file: string;
  line: number;
  column: number;
}

/** A mistake found while discovering or rendering apps; the other apps are still listed. */
export interface AppError {
  file: string;
  line: number;
  column?: number;
  message: string;
  /** The app (or ApplicationSet / Kustomization) the error belongs to, when there is one. */
  app?: string;
}

/** The three fields every front end shows for a source. */
export interface SourceSummary {
  repoURL: string;
  path: string;
  targetRevision: string;
}

/** One source of an app as the controller reads it. */
export interface AppSource extends SourceSummary {
  /** Helm chart name when the source is a Helm repository (never rendered here). */
  chart?: string;
  /** `ref` of a multi-source app's values-only source. */
  ref?: string;
  /** Argo CD source options exactly as written (`kustomize`, `directory`, `helm`, `plugin`). */
  kustomize?: Record<string, unknown>;
  directory?: Record<string, unknown>;
  helm?: unknown;
  plugin?: unknown;
  /** True when `repoURL` is not this repository: such a source is listed, never rendered. */
  external: boolean;
  externalReason?: string;
}

export type AppKind = 'Application' | 'Kustomization';

/** What Flux adds on top of the common fields. */
export interface FluxInfo {
  sourceRef: { kind: string; name: string; namespace: string };
  dependsOn: { name: string; namespace: string }[];
  targetNamespace?: string;
  interval?: string;
  retryInterval?: string;
  timeout?: string;
  prune: boolean;
  wait: boolean;
  force: boolean;
  suspend: boolean;
  healthChecks: unknown[];
}

/** The result of rendering one app the way its controller would. */
export interface AppRender {
  ok: boolean;
  /** Rendered objects after the controller's own steps (Argo CD: ORD-7 namespace defaulting; Flux: substitution). */
  objects: KubeObject[];
  /** Where each object was written, when the renderer knows (same order as `objects`). */
  origins: (DefinedIn | undefined)[];
  error?: AppError;
  warnings: string[];
}

/** One application: an Argo CD Application (written, generated or rendered by a parent) or a Flux Kustomization. */
export interface AppEntry {
  /** Unique key: `<kind>/<namespace>/<name>`. */
  id: string;
  name: string;
  /** Namespace of the Application / Kustomization object itself. */
  namespace: string;
  kind: AppKind;
  /** The ApplicationSet that generated this app. */
  generatedBy?: string;
  /** The app whose render contains this app (app-of-apps), by name and by id. */
  parent?: string;
  parentId?: string;
  definedIn: DefinedIn;
  /** The primary source (the first one with a path), as front ends show it. */
  source: SourceSummary;
  sources: AppSource[];
  destination: { server?: string; name?: string; namespace?: string };
  project?: string;
  syncPolicy: Record<string, unknown>;
  ignoreDifferences: unknown[];
  /** True when no source of the app is in this repository. */
  external: boolean;
  externalReason?: string;
  /** Set when the app targets a revision other than what is being read (the current branch or `--rev`). */
  revisionNote?: string;
  flux?: FluxInfo;
  /** The Application or Kustomization object as the controller receives it (after ApplicationSet templating). */
  manifest: KubeObject;
  /** Ids of the apps this app's render contains, in display order. */
  children: string[];
  render?: AppRender;
}

/** Everything `apps` found: every app in display order (parents before children), and every error. */
export interface AppsResult {
  apps: AppEntry[];
  errors: AppError[];
  /** Ids of the apps no other app renders, in display order. */
  roots: string[];
  /** Flux Kustomizations in dependency order (dependsOn first). */
  fluxOrder: string[];
  /** The label of the view that was read ("working tree", "HEAD (1a2b3c4)", …). */
  viewLabel: string;
}

/** One object a kustomize render produced, and where it was written when the renderer knows. */
export interface RenderedResource {
  object: KubeObject;
  file?: string;
  line?: number;
  column?: number;
}

/**
 * Renders the kustomization in `dir` of `view` exactly as `kubectl kustomize` would. Injected so that the apps engine
 * works with the project's renderer, a test double, or none at all (kustomize apps then report why they did not render).
 */
export type KustomizeRenderer = (view: FileView, dir: string) => Promise<RenderedResource[]>;

/** A cluster for the ApplicationSet clusters generator, given by hand in addition to the cluster Secrets in the repo. */
export interface ClusterInput {
  name: string;
  server: string;
  project?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface AppsOptions {
  /**
   * The kustomize renderer. Default: the project's renderer (src/engine/render). `null` renders no kustomize source
   * (they are listed as not rendered, with the reason).
   */
  renderer?: KustomizeRenderer | null;
  /** URLs that name this repository. Default: the remotes of the git repository holding the view. */
  remotes?: string[];
  /** The branch being previewed. Default: the checked-out branch (or the `--rev` given as `rev`). */
  currentBranch?: string;
  /** The revision the view reads, when not the working tree (shown in revision notes). */
  rev?: string;
  /** Extra clusters for the clusters generator. */
  clusters?: ClusterInput[];
  /** Render every app (default true). Without rendering, app-of-apps children are not found. */
  render?: boolean;
  /** Flux strict postBuild substitution (FLX-5); on by default as in kustomize-controller ≥ v1.9.0. */
  strictSubstitution?: boolean;
  /** Namespace of the Argo CD control plane (Applications without a namespace live there). Default `argocd`. */
  argocdNamespace?: string;
  /**
   * A repo-relative folder: only Applications, ApplicationSets, Kustomizations and cluster Secrets written below it
   * start the discovery (`apps deploy/` in a monorepo). Paths, git generators and renders still see the whole
   * repository, as the controllers do. Default: the whole repository.
   */
  scope?: string;
}
