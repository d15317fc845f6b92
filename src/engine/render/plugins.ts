/**
 * `generators:` and `transformers:` entries: kustomize plugin configurations, inline or in files (a file entry may
 * also be a folder, built like a resource folder first). `kubectl kustomize` runs only kustomize's builtin plugins
 * (apiVersion `builtin`), configured from these objects the lenient way kustomize reads plugin configs (unknown
 * fields ignored); anything else is refused, as there.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc, MapNode, YNode } from '../yaml/index.ts';
import { decode, S, type DStruct, type Located } from './decode.ts';
import { parseObjects } from './factory.ts';
import { absorb, generate } from './generators.ts';
import { kustomizeHash } from './hash.ts';
import {
  fieldSpecArg,
  generatorArg,
  helmChartFields,
  imageArg,
  patchArg,
  replacementSchema,
  selectorArg,
  type FieldSpecArg,
  type Kustomization,
} from './kustomization.ts';
import { inlineSource, loadPatches, loadPatchesJson6902, loadPatchesStrategicMerge, remapTree, runPatches, runPatchesJson6902, runPatchesStrategicMerge, type PatchRun } from './patches.ts';
import { applyReplacements, loadReplacements } from './replacements.ts';
import { Resource, type OriginInfo } from './resource.ts';
import { affixTransform, imagesTransform, mapEntriesTransform, namespaceTransform, replicasTransform } from './transformers.ts';
import type { Accumulator, Target } from './build.ts';
import { Accumulator as Acc } from './build.ts';
import { KustomizeSchema } from './patch-engine.ts';
import { helmChartsOf, inflateChart } from './helm.ts';
import type { Recorder } from './tree.ts';
import { valueAdd, valueAddSchema } from './valueadd.ts';

const fieldSpec = S.struct('FieldSpec', { group: S.string, version: S.string, kind: S.string, path: S.string, create: S.bool });
const meta = S.struct('ObjectMeta', { name: S.string, namespace: S.string, labels: S.map(S.string), annotations: S.map(S.string) });
const selector = S.struct('Selector', { group: S.string, version: S.string, kind: S.string, name: S.string, namespace: S.string, annotationSelector: S.string, labelSelector: S.string });
const generatorOptions = S.struct('GeneratorOptions', { labels: S.map(S.string), annotations: S.map(S.string), disableNameSuffixHash: S.bool, immutable: S.bool });
const generatorFields = {
  metadata: meta,
  namespace: S.string,
  name: S.string,
  behavior: S.string,
  literals: S.list(S.string),
  files: S.list(S.string),
  envs: S.list(S.string),
  env: S.string,
  options: generatorOptions,
};

const SCHEMAS: Record<string, ReturnType<typeof S.struct>> = {
  ConfigMapGenerator: S.struct('ConfigMapGeneratorPlugin', generatorFields),
  SecretGenerator: S.struct('SecretGeneratorPlugin', { ...generatorFields, type: S.string }),
  AnnotationsTransformer: S.struct('AnnotationsTransformerPlugin', { annotations: S.map(S.string), fieldSpecs: S.list(fieldSpec) }),
  LabelTransformer: S.struct('LabelTransformerPlugin', { labels: S.map(S.string), fieldSpecs: S.list(fieldSpec) }),
  NamespaceTransformer: S.struct('NamespaceTransformerPlugin', { metadata: meta, fieldSpecs: S.list(fieldSpec), unsetOnly: S.bool, setRoleBindingSubjects: S.string }),
  PrefixTransformer: S.struct('PrefixTransformerPlugin', { prefix: S.string, fieldSpecs: S.list(fieldSpec) }),
  SuffixTransformer: S.struct('SuffixTransformerPlugin', { suffix: S.string, fieldSpecs: S.list(fieldSpec) }),
  ImageTagTransformer: S.struct('ImageTagTransformerPlugin', {
    imageTag: S.struct('Image', { name: S.string, newName: S.string, tagSuffix: S.string, newTag: S.string, digest: S.string }),
    fieldSpecs: S.list(fieldSpec),
  }),
  HelmChartInflationGenerator: S.struct('HelmChartInflationGeneratorPlugin', { ...helmChartFields, chartHome: S.string, configHome: S.string }),
  IAMPolicyGenerator: S.struct('IAMPolicyGeneratorPlugin', {
    cloud: S.string,
    kubernetesService: S.struct('KubernetesService', { name: S.string, namespace: S.string }),
    serviceAccount: S.struct('ServiceAccount', { name: S.string, projectId: S.string }),
  }),
  ValueAddTransformer: valueAddSchema,
  ReplicaCountTransformer: S.struct('ReplicaCountTransformerPlugin', { replica: S.struct('Replica', { name: S.string, count: S.int }), fieldSpecs: S.list(fieldSpec) }),
  PatchTransformer: S.struct('PatchTransformerPlugin', { path: S.string, patch: S.string, target: selector, options: S.map(S.bool) }),
  PatchStrategicMergeTransformer: S.struct('PatchStrategicMergeTransformerPlugin', { paths: S.list(S.string), patches: S.string }),
  PatchJson6902Transformer: S.struct('PatchJson6902TransformerPlugin', { target: selector, path: S.string, jsonOp: S.string }),
  ReplacementTransformer: S.struct('ReplacementTransformerPlugin', {
    replacements: S.list(S.struct('ReplacementField', { ...(replacementSchema as { fields: Record<string, ReturnType<typeof S.list>> }).fields, path: S.string })),
  }),
  HashTransformer: S.struct('HashTransformerPlugin', {}),
  PrefixSuffixTransformer: S.struct('PrefixSuffixTransformerPlugin', { prefix: S.string, suffix: S.string, fieldSpecs: S.list(fieldSpec) }),
};

const GENERATORS = new Set(['ConfigMapGenerator', 'SecretGenerator', 'HelmChartInflationGenerator', 'IAMPolicyGenerator']);
const TRANSFORMERS = new Set(Object.keys(SCHEMAS).filter((k) => !GENERATORS.has(k)));

/** The plugin config objects an entry list names: inline ones first, then files and folders (kustomize's order). */
async function loadConfigs(t: Target, entries: Located<string>[]): Promise<{ r: Resource; at: Loc }[]> {
  const inline: { r: Resource; at: Loc }[] = [];
  const paths: { path: string; at: Loc }[] = [];
  for (const e of entries) {
    let docs: MapNode[] | undefined;
    if (/\n|:\s/.test(e.value)) {
      try {
        docs = parseObjects(e.value, t.kust.file);
      } catch {
        docs = undefined;
      }
      // Positions inside the inline text are moved onto the kustomization's lines, so errors and provenance
      // point at the config the user wrote, not at line 1 of the string.
      const remap = docs && inlineSource(t.kust, e.value, e.at, false).remap;
      if (docs && remap) for (const d of docs) remapTree(d, remap);
    }
    if (docs) {
      for (const d of docs) {
        const r = new Resource(d, t.kust.file);
        // kustomize tracks an inline plugin config as coming from the kustomization file itself.
        if (t.context.tracking) r.origin = { path: t.kust.file.slice(t.kust.file.lastIndexOf('/') + 1) };
        inline.push({ r, at: e.at });
      }
    }
    else paths.push({ path: e.value, at: e.at });
  }
  const ra = new Acc();
  await t.accumulateResources(ra, paths);
  const at = paths[0]?.at ?? entries[0]!.at;
  return [...inline, ...ra.resMap.list.map((r) => ({ r, at }))];
}

function pluginKind(r: Resource, at: Loc, allowed: Set<string>, what: string): string {
  const gvk = r.gvk();
  if (gvk.group !== '' || gvk.version !== 'builtin') {
    throw new GitOpsError(
      `${what}: ${gvk.kind} (${r.apiVersion}) is an external kustomize plugin; kubectl kustomize runs only builtin plugins (apiVersion: builtin), and so does gitops-sandbox`,
      r.node.origin ?? at,
      'unsupported',
    );
  }
  if (!allowed.has(gvk.kind)) {
    const other = GENERATORS.has(gvk.kind) || TRANSFORMERS.has(gvk.kind);
    throw new GitOpsError(other ? `${what}: builtin ${gvk.kind} is not a ${what.replace(/s$/, '')}` : `${what}: unable to load builtin ${gvk.kind}`, r.node.origin ?? at, 'kustomization');
  }
  return gvk.kind;
}

function config(r: Resource, kind: string): DStruct {
  const schema = SCHEMAS[kind];
  if (!schema) throw new GitOpsError(`builtin ${kind} is not supported by gitops-sandbox`, r.node.origin, 'unsupported');
  return (decode(r.node, schema, { what: `${kind} config`, path: '', lenient: true }) as DStruct | undefined) ?? { at: r.node.origin!, fieldAt: {}, keyAt: {}, present: new Set() };
}

function specs(st: DStruct): FieldSpecArg[] {
  return ((st.fieldSpecs as DStruct[] | undefined) ?? []).map(fieldSpecArg);
}

function pluginOrigin(t: Target, r: Resource): OriginInfo | undefined {
  if (!t.context.tracking || !r.origin?.path) return undefined;
  return { configuredIn: r.origin.path, configuredBy: { apiVersion: r.apiVersion, kind: r.kind, name: r.name || undefined, namespace: r.namespace || undefined } };
}

export async function runPluginGenerators(t: Target, ra: Accumulator, entries: Located<string>[]): Promise<void> {
  const configs = await loadConfigs(t, entries);
  for (const { r, at } of configs) {
    const kind = pluginKind(r, at, GENERATORS, 'generators');
    if (kind === 'HelmChartInflationGenerator') {
      const helm = t.context.helm;
      if (!helm) {
        throw new GitOpsError(
          'generators: builtin HelmChartInflationGenerator inflates Helm charts, which `kubectl kustomize` refuses without --enable-helm (Argo CD does not pass it by default), and so does gitops-sandbox unless rendering with --enable-helm',
          r.node.origin ?? at,
          'unsupported',
        );
      }
      const st = config(r, kind);
      const { charts, globals } = helmChartsOf([st], [], st);
      const made = await inflateChart(charts[0]!, globals, { files: t.context.files, ldr: t.ldr, helm, source: t.kust.file });
      t.context.helmRuns = (t.context.helmRuns ?? 0) + 1;
      const origin = pluginOrigin(t, r);
      for (const m of made) {
        m.generatedAt = r.node.origin ?? at;
        if (origin) m.origin = origin;
        absorb(ra.resMap, m, at);
      }
      continue;
    }
    const st = config(r, kind);
    if (kind === 'IAMPolicyGenerator') {
      const made = iamServiceAccount(st, r, t.context.rec);
      const origin = pluginOrigin(t, r);
      if (origin && !made.origin) made.origin = origin;
      absorb(ra.resMap, made, r.node.origin ?? at);
      continue;
    }
    const m = (st.metadata as DStruct | undefined) ?? undefined;
    const g = generatorArg(st, kind === 'SecretGenerator' ? 'Secret' : 'ConfigMap');
    if (!g.name) g.name = (m?.name as string | undefined) ?? '';
    if (!g.namespace) g.namespace = (m?.namespace as string | undefined) ?? '';
    g.at = r.node.origin ?? at;
    const made = await generate(g, undefined, t.loader, t.context.rec, r.source);
    const origin = pluginOrigin(t, r);
    if (origin && !made.origin) made.origin = origin;
    absorb(ra.resMap, made, g.at);
  }
}

/**
 * IAMPolicyGenerator: the GKE Workload Identity ServiceAccount kustomize writes from a text template (so odd values
 * are typed by YAML exactly as there). Every node is located at the config field it came from.
 */
function iamServiceAccount(st: DStruct, r: Resource, rec: Recorder): Resource {
  const where = r.node.origin!;
  const cloud = (st.cloud as string | undefined) ?? '';
  if (cloud !== 'gke') throw new GitOpsError(`IAMPolicyGenerator: cloud provider ${cloud} not supported yet`, st.fieldAt.cloud ?? where, 'kustomization');
  const ks = (st.kubernetesService as DStruct | undefined) ?? { at: where, fieldAt: {}, keyAt: {}, present: new Set<string>() };
  const sa = (st.serviceAccount as DStruct | undefined) ?? { at: where, fieldAt: {}, keyAt: {}, present: new Set<string>() };
  const str = (d: DStruct, k: string) => (d[k] as string | undefined) ?? '';
  let text = `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    iam.gke.io/gcp-service-account: ${str(sa, 'name')}@${str(sa, 'projectId')}.iam.gserviceaccount.com\n  name: ${str(ks, 'name')}\n`;
  if (str(ks, 'namespace')) text += `\n  namespace: ${str(ks, 'namespace')}`;
  let node: MapNode;
  try {
    node = parseObjects(text, r.source)[0]!;
  } catch (e) {
    throw new GitOpsError(`IAMPolicyGenerator: the ServiceAccount it writes is not valid: ${(e as Error).message}`, where, 'kustomization');
  }
  const made = { op: 'IAMPolicyGenerator', detail: `generated by IAMPolicyGenerator ${r.name}`, at: where };
  const relocate = (n: YNode, at: Loc) => {
    n.origin = at;
    if (n.kind === 'map') {
      for (const e of n.entries) {
        e.key.origin = at;
        relocate(e.value, at);
      }
    } else if (n.kind === 'seq') for (const it of n.items) relocate(it, at);
  };
  relocate(node, where);
  const meta = node.entries.find((e) => e.key.value === 'metadata')?.value;
  if (meta?.kind === 'map') {
    for (const e of meta.entries) {
      if (e.key.value === 'name') relocate(e.value, ks.fieldAt.name ?? where);
      if (e.key.value === 'namespace') relocate(e.value, ks.fieldAt.namespace ?? where);
      if (e.key.value === 'annotations') relocate(e.value, sa.fieldAt.name ?? where);
    }
  }
  rec.noteTree(node, made);
  return new Resource(node, r.source);
}

export async function runPluginTransformers(t: Target, ra: Accumulator, entries: Located<string>[]): Promise<void> {
  const configs = await loadConfigs(t, entries);
  const rec = t.context.rec;
  const m = ra.resMap;
  const patchRun: PatchRun = { rec, warnings: t.context.warnings, schema: () => t.context.schema ?? KustomizeSchema.builtin() };
  for (const { r, at } of configs) {
    const kind = pluginKind(r, at, TRANSFORMERS, 'transformers');
    const where = r.node.origin ?? at;
    const st = config(r, kind);
    const kust = { ...t.kust, file: r.source, text: '' } as Kustomization;
    switch (kind) {
      case 'AnnotationsTransformer':
      case 'LabelTransformer': {
        const pairs = (st[kind === 'LabelTransformer' ? 'labels' : 'annotations'] as Map<string, Located<string>> | undefined) ?? new Map();
        mapEntriesTransform(m, kind === 'LabelTransformer' ? 'labels' : 'commonAnnotations', new Map([...pairs].map(([k, v]) => [k, { value: v.value, at: v.at }])), specs(st), rec);
        break;
      }
      case 'NamespaceTransformer': {
        const ns = ((st.metadata as DStruct | undefined)?.namespace as string | undefined) ?? '';
        const mode = (st.setRoleBindingSubjects as string | undefined) ?? '';
        if (!['', 'defaultOnly', 'allServiceAccounts', 'none'].includes(mode)) {
          throw new GitOpsError(`invalid value "${mode}" for setRoleBindingSubjects: must be one of "defaultOnly", "none" or "allServiceAccounts"`, st.fieldAt.setRoleBindingSubjects ?? where, 'kustomization');
        }
        if (ns) {
          namespaceTransform(m, ns, (st.metadata as DStruct).fieldAt.namespace ?? where, { fs: { namespace: specs(st) } } as never, rec, {
            unsetOnly: Boolean(st.unsetOnly),
            subjects: (mode || 'defaultOnly') as 'defaultOnly' | 'allServiceAccounts' | 'none',
          });
        }
        break;
      }
      case 'PrefixTransformer':
      case 'SuffixTransformer': {
        if (!st.present.has('fieldSpecs')) throw new GitOpsError(`${kind}: fieldSpecs is not expected to be nil`, where, 'kustomization');
        const affix = (st[kind === 'PrefixTransformer' ? 'prefix' : 'suffix'] as string | undefined) ?? '';
        affixTransform(m, kind === 'PrefixTransformer' ? 'prefix' : 'suffix', affix, where, specs(st), rec);
        break;
      }
      case 'ImageTagTransformer': {
        const img = imageArg((st.imageTag as DStruct | undefined) ?? { at: where, fieldAt: {}, keyAt: {}, present: new Set() });
        imagesTransform(m, { ...img, at: img.at ?? where }, specs(st), rec);
        break;
      }
      case 'ReplicaCountTransformer': {
        const rep = (st.replica as DStruct | undefined) ?? { at: where, fieldAt: {}, keyAt: {}, present: new Set() };
        replicasTransform(m, (rep.name as string | undefined) ?? '', (rep.count as number | undefined) ?? 0, rep.at ?? where, specs(st), rec);
        break;
      }
      case 'PatchTransformer': {
        const arg = patchArg(st);
        const loaded = await loadPatches({ ...kust, patches: [arg] } as Kustomization, t.loader, t.context.parse);
        runPatches(m, loaded, patchRun);
        break;
      }
      case 'PatchStrategicMergeTransformer': {
        const paths = ((st.paths as Located<string>[] | undefined) ?? []).slice();
        if (st.present.has('patches')) paths.push({ value: st.patches as string, at: st.fieldAt.patches! });
        if (!paths.length) throw new GitOpsError('empty file path and empty patch content', where, 'kustomization');
        const loaded = await loadPatchesStrategicMerge({ ...kust, patchesStrategicMerge: paths } as Kustomization, t.loader, t.context.parse);
        runPatchesStrategicMerge(m, loaded, patchRun);
        break;
      }
      case 'PatchJson6902Transformer': {
        const arg = { ...patchArg({ ...st, patch: st.jsonOp, fieldAt: { ...st.fieldAt, patch: st.fieldAt.jsonOp! }, present: new Set([...st.present].map((f) => (f === 'jsonOp' ? 'patch' : f))) } as DStruct) };
        const loaded = await loadPatchesJson6902({ ...kust, patchesJson6902: [arg] } as Kustomization, t.loader, t.context.parse);
        runPatchesJson6902(m, loaded, patchRun);
        break;
      }
      case 'ReplacementTransformer': {
        const defs = await loadReplacements((st.replacements as DStruct[] | undefined) ?? [], t.loader);
        applyReplacements(m, defs, rec);
        break;
      }
      case 'ValueAddTransformer': {
        // The default value is the name of the folder of the kustomization that loaded the config.
        const root = t.loader.root || t.context.files.view.root;
        await valueAdd(m, st, t.loader, root.replace(/\\/g, '/').replace(/\/+$/, '').split('/').pop() ?? '', where, rec);
        break;
      }
      case 'HashTransformer': {
        for (const x of m.list) {
          if (!x.needsHash) continue;
          const h = kustomizeHash(x.node);
          x.storePreviousId();
          x.setName(`${x.name}-${h}`, rec, { op: 'hash suffix', detail: `-${h} (HashTransformer)`, at: where });
          x.renames.push({ what: 'hash suffix (HashTransformer)', at: where });
        }
        break;
      }
      case 'PrefixSuffixTransformer': {
        // kustomize's PrefixTransformer then SuffixTransformer, both configured from this one object.
        if (!st.present.has('fieldSpecs')) throw new GitOpsError(`${kind}: fieldSpecs is not expected to be nil`, where, 'kustomization');
        affixTransform(m, 'prefix', (st.prefix as string | undefined) ?? '', where, specs(st), rec);
        affixTransform(m, 'suffix', (st.suffix as string | undefined) ?? '', where, specs(st), rec);
        break;
      }
      default:
        throw new GitOpsError(`transformers: builtin ${kind} is not supported by gitops-sandbox`, where, 'unsupported');
    }
    t.afterTransformer(ra, pluginOrigin(t, r));
  }
}

export { selectorArg };
