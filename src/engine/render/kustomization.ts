/**
 * Reading a kustomization file exactly as kustomize v5.5.0 does: the three accepted file names (exactly one may be
 * present), strict decoding (unknown fields refused, Go JSON typing), the kind/apiVersion checks, the "empty"
 * check, and the deprecated fields folded into their replacements (bases → resources, imageTags → images,
 * env → envs, helmChartInflationGenerator → helmCharts). Every entry keeps its location for errors and provenance.
 */
import { GitOpsError } from '../errors/index.ts';
import { parseYamlDocuments, type Loc, type YNode } from '../yaml/index.ts';
import { decode, S, type DStruct, type Located, type Schema } from './decode.ts';

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

const gvkFields = { group: S.string, version: S.string, kind: S.string };
const fieldSpec = S.struct('FieldSpec', { ...gvkFields, path: S.string, create: S.bool });
const selector = S.struct('Selector', { ...gvkFields, name: S.string, namespace: S.string, annotationSelector: S.string, labelSelector: S.string });
const fieldOptions = S.struct('FieldOptions', { delimiter: S.string, index: S.int, encoding: S.string, create: S.bool });
const generatorOptions = S.struct('GeneratorOptions', {
  labels: S.map(S.string),
  annotations: S.map(S.string),
  disableNameSuffixHash: S.bool,
  immutable: S.bool,
});
const generatorArgs = {
  namespace: S.string,
  name: S.string,
  behavior: S.string,
  literals: S.list(S.string),
  files: S.list(S.string),
  envs: S.list(S.string),
  env: S.string,
  options: generatorOptions,
};
const patch = S.struct('Patch', { path: S.string, patch: S.string, target: selector, options: S.map(S.bool) });
const image = S.struct('Image', { name: S.string, newName: S.string, tagSuffix: S.string, newTag: S.string, digest: S.string });
export const replacementSchema = S.struct('Replacement', {
  source: S.struct('SourceSelector', { ...gvkFields, name: S.string, namespace: S.string, fieldPath: S.string, options: fieldOptions }),
  targets: S.list(S.struct('TargetSelector', { select: selector, reject: S.list(selector), fieldPaths: S.list(S.string), options: fieldOptions })),
});
const replacementField = S.struct('ReplacementField', {
  ...(replacementSchema as { fields: Record<string, Schema> }).fields,
  path: S.string,
});
export const helmChartFields = {
  name: S.string,
  version: S.string,
  repo: S.string,
  releaseName: S.string,
  namespace: S.string,
  additionalValuesFiles: S.list(S.string),
  valuesFile: S.string,
  valuesInline: S.any,
  valuesMerge: S.string,
  includeCRDs: S.bool,
  skipHooks: S.bool,
  apiVersions: S.list(S.string),
  kubeVersion: S.string,
  nameTemplate: S.string,
  skipTests: S.bool,
  debug: S.bool,
};

export const kustomizationSchema = S.struct('Kustomization', {
  kind: S.string,
  apiVersion: S.string,
  metadata: S.struct('ObjectMeta', { name: S.string, namespace: S.string, labels: S.map(S.string), annotations: S.map(S.string) }),
  openapi: S.map(S.string),
  namePrefix: S.string,
  nameSuffix: S.string,
  namespace: S.string,
  commonLabels: S.map(S.string),
  labels: S.list(S.struct('Label', { pairs: S.map(S.string), includeSelectors: S.bool, includeTemplates: S.bool, fields: S.list(fieldSpec) })),
  commonAnnotations: S.map(S.string),
  patchesStrategicMerge: S.list(S.string),
  patchesJson6902: S.list(patch),
  patches: S.list(patch),
  images: S.list(image),
  imageTags: S.list(image),
  replacements: S.list(replacementField),
  replicas: S.list(S.struct('Replica', { name: S.string, count: S.int })),
  vars: S.list(
    S.struct('Var', {
      name: S.string,
      objref: S.struct('Target', { apiVersion: S.string, ...gvkFields, name: S.string, namespace: S.string }),
      fieldref: S.struct('FieldSelector', { fieldPath: S.string }),
    }),
  ),
  sortOptions: S.struct('SortOptions', {
    order: S.string,
    legacySortOptions: S.struct('LegacySortOptions', { orderFirst: S.list(S.string), orderLast: S.list(S.string) }),
  }),
  resources: S.list(S.string),
  components: S.list(S.string),
  crds: S.list(S.string),
  bases: S.list(S.string),
  configMapGenerator: S.list(S.struct('ConfigMapArgs', generatorArgs)),
  secretGenerator: S.list(S.struct('SecretArgs', { ...generatorArgs, type: S.string })),
  helmGlobals: S.struct('HelmGlobals', { chartHome: S.string, configHome: S.string }),
  helmCharts: S.list(S.struct('HelmChart', helmChartFields)),
  helmChartInflationGenerator: S.list(
    S.struct('HelmChartArgs', {
      chartName: S.string,
      chartVersion: S.string,
      chartRepoUrl: S.string,
      chartHome: S.string,
      chartRepoName: S.string,
      helmBin: S.string,
      helmHome: S.string,
      values: S.string,
      valuesLocal: S.any,
      valuesMerge: S.string,
      releaseName: S.string,
      releaseNamespace: S.string,
      extraArgs: S.list(S.string),
    }),
  ),
  generatorOptions,
  configurations: S.list(S.string),
  generators: S.list(S.string),
  transformers: S.list(S.string),
  validators: S.list(S.string),
  buildMetadata: S.list(S.string),
});

// ---- typed view --------------------------------------------------------------------------------------------------

export interface FieldSpecArg {
  group: string;
  version: string;
  kind: string;
  path: string;
  create: boolean;
  at: Loc;
}

export interface SelectorArg {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
  annotationSelector: string;
  labelSelector: string;
}

export interface GeneratorOptionsArg {
  labels: Map<string, Located<string>>;
  annotations: Map<string, Located<string>>;
  disableNameSuffixHash: boolean;
  immutable: boolean;
}

export interface GeneratorArg {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  namespace: string;
  behavior: string;
  literals: Located<string>[];
  files: Located<string>[];
  envs: Located<string>[];
  options?: GeneratorOptionsArg;
  type: string;
  /** The list entry, and where its name was written. */
  at: Loc;
  nameAt: Loc;
  behaviorAt?: Loc;
}

export interface PatchArg {
  path?: Located<string>;
  patch?: Located<string>;
  target?: SelectorArg & { at: Loc };
  options: Map<string, boolean>;
  at: Loc;
}

export interface ImageArg {
  name: string;
  newName: string;
  tagSuffix: string;
  newTag: string;
  digest: string;
  at: Loc;
  /** Where each present field was written. */
  fieldAt: Record<string, Loc>;
}

export interface ReplicaArg {
  name: string;
  count: number;
  at: Loc;
  countAt: Loc;
}

export interface LabelArg {
  pairs: Map<string, Located<string>>;
  includeSelectors: boolean;
  includeTemplates: boolean;
  fields: FieldSpecArg[];
  at: Loc;
}

export interface VarArg {
  name: string;
  objref: { apiVersion: string; group: string; version: string; kind: string; name: string; namespace: string };
  fieldPath: string;
  at: Loc;
}

export interface Kustomization {
  /** View-relative path of the kustomization file, and of its folder. */
  file: string;
  dir: string;
  kind: 'Kustomization' | 'Component';
  apiVersion: string;
  raw: DStruct;
  namePrefix?: Located<string>;
  nameSuffix?: Located<string>;
  namespace?: Located<string>;
  commonLabels: Map<string, Located<string>>;
  labels: LabelArg[];
  commonAnnotations: Map<string, Located<string>>;
  patchesStrategicMerge: Located<string>[];
  patchesJson6902: PatchArg[];
  patches: PatchArg[];
  images: ImageArg[];
  replacements: DStruct[];
  replicas: ReplicaArg[];
  vars: VarArg[];
  sortOptions?: DStruct;
  resources: Located<string>[];
  components: Located<string>[];
  crds: Located<string>[];
  configMapGenerator: GeneratorArg[];
  secretGenerator: GeneratorArg[];
  generatorOptions?: GeneratorOptionsArg;
  helmCharts: DStruct[];
  /** The legacy helmChartInflationGenerator entries (kustomize folds them into helmCharts and helmGlobals). */
  helmLegacy: DStruct[];
  helmGlobals?: DStruct;
  configurations: Located<string>[];
  generators: Located<string>[];
  transformers: Located<string>[];
  validators: Located<string>[];
  buildMetadata: Located<string>[];
  openapi: Map<string, Located<string>>;
  /** kustomize's deprecation notices (it prints them on stderr). */
  warnings: string[];
  /** The file's text (inline patches are located through it). */
  text: string;
}

const KUSTOMIZATION_VERSION = 'kustomize.config.k8s.io/v1beta1';
const COMPONENT_VERSION = 'kustomize.config.k8s.io/v1alpha1';

function str(st: DStruct | undefined, f: string): string {
  return (st?.[f] as string | undefined) ?? '';
}
function located(st: DStruct, f: string): Located<string> | undefined {
  return st.present.has(f) ? { value: st[f] as string, at: st.fieldAt[f]! } : undefined;
}
function list<T>(st: DStruct | undefined, f: string): T[] {
  return (st?.[f] as T[] | undefined) ?? [];
}
function smap(st: DStruct | undefined, f: string): Map<string, Located<string>> {
  return (st?.[f] as Map<string, Located<string>> | undefined) ?? new Map();
}

export function selectorArg(st: DStruct): SelectorArg & { at: Loc } {
  return {
    group: str(st, 'group'),
    version: str(st, 'version'),
    kind: str(st, 'kind'),
    name: str(st, 'name'),
    namespace: str(st, 'namespace'),
    annotationSelector: str(st, 'annotationSelector'),
    labelSelector: str(st, 'labelSelector'),
    at: st.at,
  };
}

export function fieldSpecArg(st: DStruct): FieldSpecArg {
  return { group: str(st, 'group'), version: str(st, 'version'), kind: str(st, 'kind'), path: str(st, 'path'), create: Boolean(st.create), at: st.at };
}

function optionsArg(st: DStruct | undefined): GeneratorOptionsArg | undefined {
  if (!st) return undefined;
  return { labels: smap(st, 'labels'), annotations: smap(st, 'annotations'), disableNameSuffixHash: Boolean(st.disableNameSuffixHash), immutable: Boolean(st.immutable) };
}

export function patchArg(st: DStruct): PatchArg {
  const opts = new Map<string, boolean>();
  for (const [k, v] of (st.options as Map<string, Located<boolean>> | undefined) ?? []) opts.set(k, v.value);
  return {
    path: located(st, 'path'),
    patch: located(st, 'patch'),
    target: st.target ? selectorArg(st.target as DStruct) : undefined,
    options: opts,
    at: st.at,
  };
}

export function generatorArg(st: DStruct, kind: 'ConfigMap' | 'Secret'): GeneratorArg {
  const envs = list<Located<string>>(st, 'envs').slice();
  // FixKustomization: the deprecated single `env` joins `envs`, after them.
  if (st.present.has('env') && str(st, 'env') !== '') envs.push({ value: str(st, 'env'), at: st.fieldAt.env! });
  return {
    kind,
    name: str(st, 'name'),
    namespace: str(st, 'namespace'),
    behavior: str(st, 'behavior'),
    literals: list(st, 'literals'),
    files: list(st, 'files'),
    envs,
    options: optionsArg(st.options as DStruct | undefined),
    type: str(st, 'type'),
    at: st.at,
    nameAt: st.fieldAt.name ?? st.at,
    behaviorAt: st.fieldAt.behavior,
  };
}

export function imageArg(st: DStruct): ImageArg {
  return {
    name: str(st, 'name'),
    newName: str(st, 'newName'),
    tagSuffix: str(st, 'tagSuffix'),
    newTag: str(st, 'newTag'),
    digest: str(st, 'digest'),
    at: st.at,
    fieldAt: st.fieldAt,
  };
}

/** Which of the accepted names is present in `names` (a folder listing); throws when several are. */
export function pickKustomizationFile(names: Iterable<string>, dir: string): string | undefined {
  const set = new Set(names);
  const found = KUSTOMIZATION_FILE_NAMES.filter((n) => set.has(n));
  if (found.length > 1) {
    // Located at the second file, line 1: that is the one a user most likely added by mistake.
    const file = dir ? `${dir}/${found[1]}` : found[1]!;
    throw new GitOpsError(
      `found multiple kustomization files in ${dir || '.'} (${found.join(', ')}); kustomize accepts exactly one`,
      { file, line: 1, column: 1 },
      'kustomization',
    );
  }
  return found[0];
}

/** Parses and validates the kustomization file `file` (view-relative) whose text is `text`. */
export function parseKustomization(text: string, file: string): Kustomization {
  const docs = parseYamlDocuments(text, file);
  const node: YNode | null = docs.find((d) => d.node)?.node ?? null;
  const at: Loc = { file, line: 1, column: 1 };
  if (!node || (node.kind === 'scalar' && node.tag === '!!null')) {
    throw new GitOpsError('kustomization.yaml is empty', at, 'kustomization');
  }
  const raw = decode(node, kustomizationSchema, { what: 'Kustomization', path: '' }) as DStruct;
  const warnings: string[] = [];
  const deprecated: [string, string][] = [
    ['bases', "'bases' is deprecated. Please use 'resources' instead."],
    ['commonLabels', "'commonLabels' is deprecated. Please use 'labels' instead."],
    ['imageTags', "'imageTags' is deprecated. Please use 'images' instead."],
    ['patchesJson6902', "'patchesJson6902' is deprecated. Please use 'patches' instead."],
    ['patchesStrategicMerge', "'patchesStrategicMerge' is deprecated. Please use 'patches' instead."],
    ['vars', "'vars' is deprecated. Please use 'replacements' instead."],
  ];
  for (const [f, msg] of deprecated) if (raw.present.has(f)) warnings.push(`${file}:${raw.keyAt[f]!.line}: warning: ${msg}`);

  let kind = str(raw, 'kind');
  if (kind === '') kind = 'Kustomization';
  let apiVersion = str(raw, 'apiVersion');
  if (apiVersion === '') apiVersion = kind === 'Component' ? COMPONENT_VERSION : KUSTOMIZATION_VERSION;

  // CheckEmpty: nothing but the type fields is an error ("resources: []" is not empty: Go sees a non-nil slice).
  const meaningful = [...raw.present].filter((f) => f !== 'kind' && f !== 'apiVersion');
  if (meaningful.length === 0) throw new GitOpsError('kustomization.yaml is empty', raw.at, 'kustomization');

  if (kind !== 'Kustomization' && kind !== 'Component') {
    throw new GitOpsError(`kind should be Kustomization or Component, not ${JSON.stringify(kind)}`, raw.fieldAt.kind ?? raw.at, 'kustomization');
  }
  const required = kind === 'Component' ? COMPONENT_VERSION : KUSTOMIZATION_VERSION;
  if (apiVersion !== required) {
    throw new GitOpsError(`apiVersion for ${kind} should be ${required}`, raw.fieldAt.apiVersion ?? raw.at, 'kustomization');
  }

  const labels = list<DStruct>(raw, 'labels').map((l) => ({
    pairs: smap(l, 'pairs'),
    includeSelectors: Boolean(l.includeSelectors),
    includeTemplates: Boolean(l.includeTemplates),
    fields: list<DStruct>(l, 'fields').map(fieldSpecArg),
    at: l.at,
  }));

  return {
    file,
    dir: file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '',
    kind,
    apiVersion,
    raw,
    namePrefix: located(raw, 'namePrefix'),
    nameSuffix: located(raw, 'nameSuffix'),
    namespace: located(raw, 'namespace'),
    commonLabels: smap(raw, 'commonLabels'),
    labels,
    commonAnnotations: smap(raw, 'commonAnnotations'),
    patchesStrategicMerge: list(raw, 'patchesStrategicMerge'),
    patchesJson6902: list<DStruct>(raw, 'patchesJson6902').map(patchArg),
    patches: list<DStruct>(raw, 'patches').map(patchArg),
    images: [...list<DStruct>(raw, 'images'), ...list<DStruct>(raw, 'imageTags')].map(imageArg),
    replacements: list(raw, 'replacements'),
    replicas: list<DStruct>(raw, 'replicas').map((r) => ({
      name: str(r, 'name'),
      count: (r.count as number | undefined) ?? 0,
      at: r.at,
      countAt: r.fieldAt.count ?? r.at,
    })),
    vars: list<DStruct>(raw, 'vars').map((v) => {
      const o = (v.objref as DStruct | undefined) ?? undefined;
      return {
        name: str(v, 'name'),
        objref: {
          apiVersion: str(o, 'apiVersion'),
          group: str(o, 'group'),
          version: str(o, 'version'),
          kind: str(o, 'kind'),
          name: str(o, 'name'),
          namespace: str(o, 'namespace'),
        },
        fieldPath: str(v.fieldref as DStruct | undefined, 'fieldPath'),
        at: v.at,
      };
    }),
    sortOptions: raw.sortOptions as DStruct | undefined,
    resources: [...list<Located<string>>(raw, 'resources'), ...list<Located<string>>(raw, 'bases')],
    components: list(raw, 'components'),
    crds: list(raw, 'crds'),
    configMapGenerator: list<DStruct>(raw, 'configMapGenerator').map((g) => generatorArg(g, 'ConfigMap')),
    secretGenerator: list<DStruct>(raw, 'secretGenerator').map((g) => generatorArg(g, 'Secret')),
    generatorOptions: optionsArg(raw.generatorOptions as DStruct | undefined),
    helmCharts: list<DStruct>(raw, 'helmCharts'),
    helmLegacy: list<DStruct>(raw, 'helmChartInflationGenerator'),
    helmGlobals: raw.helmGlobals as DStruct | undefined,
    configurations: list(raw, 'configurations'),
    generators: list(raw, 'generators'),
    transformers: list(raw, 'transformers'),
    validators: list(raw, 'validators'),
    buildMetadata: list(raw, 'buildMetadata'),
    openapi: smap(raw, 'openapi'),
    warnings,
    text,
  };
}
