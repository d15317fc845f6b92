/**
 * A kustomize build, step by step as kustomize v5.5.0 runs it: accumulate resources (files, folders, nested
 * kustomizations), merge transformer configuration, run generators, fold in components, run the builtin
 * transformers in kustomize's fixed order, then — once, at the top — add hash suffixes, fix name references,
 * resolve vars, drop local-only objects, sort, and clean up. Errors name the kustomization line that led to them.
 */
import { GitOpsError } from '../errors/index.ts';
import { parseYamlDocuments, toPlain, type Change, type Loc, type MapNode } from '../yaml/index.ts';
import { KustomizeSchema } from './patch-engine.ts';
import { TransformerConfig, type FieldSpec, type NameBackRef } from './config.ts';
import { decode, S, type DStruct } from './decode.ts';
import type { ParseCache } from './factory.ts';
import { absorb, generate } from './generators.ts';
import { kustomizeHash } from './hash.ts';
import { KUSTOMIZATION_FILE_NAMES, pickKustomizationFile, parseKustomization, fieldSpecArg, type Kustomization } from './kustomization.ts';
import { Loader, looksRemote, remoteError, type FileCache, type Observation } from './loader.ts';
import { fixNameReferences } from './nameref.ts';
import {
  loadPatches,
  loadPatchesJson6902,
  loadPatchesStrategicMerge,
  runPatches,
  runPatchesJson6902,
  runPatchesStrategicMerge,
  type PatchRun,
} from './patches.ts';
import { applyReplacements, loadReplacements } from './replacements.ts';
import { Resource, ResMap, type OriginInfo } from './resource.ts';
import { DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST, kindRanks, legacyCompare } from './resid.ts';
import { affixTransform, imagesTransform, labelSpecs, mapEntriesTransform, namespaceTransform, replicasTransform } from './transformers.ts';
import { get, getPath, mapFromStrings, removeField, setField, stringMap, valuesByKey, type Recorder } from './tree.ts';
import { mergeVars, resolveVars, VarSet } from './vars.ts';
import { runPluginGenerators, runPluginTransformers } from './plugins.ts';
import { helmChartsOf, inflateChart, type HelmSettings } from './helm.ts';

export interface BuildContext {
  files: FileCache;
  parse: ParseCache;
  rec: Recorder;
  warnings: string[];
  /** buildMetadata of the top kustomization (children inherit it). */
  buildMetadata: Set<string>;
  /** Whether kustomize tracks origins at all (any buildMetadata option turns it on). */
  tracking: boolean;
  /** Every kustomization file read, in order (for callers that watch files). */
  kustomizations: string[];
  /** The merge schema in effect (kyaml's global schema: the first kustomization with `openapi:` sets it). */
  schema?: KustomizeSchema;
  /** Whether a strategic merge already ran (a schema set later adds to the built-in one, as kyaml's does). */
  merged?: boolean;
  /** Results of folders built on their own (bases), reused while every file they read is unchanged. */
  dirCache?: Map<string, DirCacheEntry>;
  /** kustomize's `--load-restrictor LoadRestrictionsNone`. */
  unrestricted?: boolean;
  /** kustomize's `--enable-helm` (with `--helm-command`): set only by callers that allow running programs. */
  helm?: HelmSettings;
  /** How many charts helm inflated so far (a base that ran helm is not cached: its output is helm's, not the view's). */
  helmRuns?: number;
}

/** A base built once: its accumulated result, and everything it read and reported. */
export interface DirCacheEntry {
  observations: Observation[];
  result?: Accumulator;
  warnings: string[];
  kustomizations: string[];
  schemaAfter?: KustomizeSchema;
  mergedAfter?: boolean;
}

const schemaIds = new WeakMap<object, number>();
let nextSchemaId = 1;
function schemaId(s: KustomizeSchema | undefined): number {
  if (!s) return 0;
  let id = schemaIds.get(s);
  if (!id) schemaIds.set(s, (id = nextSchemaId++));
  return id;
}

/** kyaml's SetSchema: the top kustomization sets the schema; a nested one only when none was set yet. */
async function applyOpenApi(kust: Kustomization, ldr: Loader, ctx: BuildContext, top: boolean): Promise<void> {
  if (!top && ctx.schema) return;
  const path = kust.openapi.get('path');
  const version = kust.openapi.get('version');
  if (path) {
    if (version) throw new GitOpsError('builtin version and custom schema provided, cannot use both', version.at, 'kustomization');
    const { file, text } = await ldr.loadText(path.value, path.at, 'openapi schema');
    let doc: unknown;
    try {
      doc = text.trimStart().startsWith('{') ? JSON.parse(text) : toPlain(parseYamlDocuments(text, file)[0]?.node ?? { kind: 'scalar', value: '', tag: '!!null', style: 'plain' });
    } catch (e) {
      throw new GitOpsError(`openapi schema ${path.value}: ${(e as Error).message}`, path.at, 'kustomization');
    }
    ctx.schema = ctx.merged ? KustomizeSchema.builtin().withOpenApi(doc) : KustomizeSchema.custom(doc);
  } else if (version && version.value !== '') {
    if (version.value !== 'v1.21.2') throw new GitOpsError(`the specified OpenAPI version ${version.value} is not built in (kustomize v5.5.0 has v1.21.2)`, version.at, 'kustomization');
    ctx.schema = KustomizeSchema.builtin();
  }
}

/** The resources, configuration and vars gathered so far (kustomize's ResAccumulator). */
export class Accumulator {
  resMap = new ResMap();
  config = TransformerConfig.empty();
  vars = new VarSet();

  clone(): Accumulator {
    const a = new Accumulator();
    a.resMap = this.resMap.clone();
    a.config = this.config;
    a.vars = this.vars.clone();
    return a;
  }

  mergeFrom(other: Accumulator, at: Loc): void {
    this.resMap.appendAll(other.resMap.list, at);
    this.config = this.config.merge(other.config);
    try {
      this.vars.mergeSet(other.vars);
    } catch (e) {
      if (e instanceof GitOpsError) throw new GitOpsError(e.message, at, e.code);
      throw e;
    }
  }
}

/** Origin tracking path (buildMetadata: originAnnotations), relative to the top kustomization. */
function joinOrigin(base: string, path: string): string {
  const parts: string[] = [];
  for (const seg of `${base}/${path}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/') || '.';
}

export async function loadKustomization(ldr: Loader, ctx: BuildContext, at: Loc | undefined): Promise<Kustomization> {
  // Looking for the three names directly is much cheaper than listing the folder.
  const kinds = await Promise.all(KUSTOMIZATION_FILE_NAMES.map((n) => ctx.files.stat(ldr.root ? `${ldr.root}/${n}` : n)));
  const name = pickKustomizationFile(KUSTOMIZATION_FILE_NAMES.filter((_, i) => kinds[i] === 'file'), ldr.root);
  if (!name) {
    throw new GitOpsError(
      `no kustomization in ${ldr.root || '.'}: expected one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'`,
      at ?? { file: ldr.root || '.' },
      'missing-kustomization',
    );
  }
  const file = ldr.root ? `${ldr.root}/${name}` : name;
  const text = (await ctx.files.text(file)) ?? '';
  const k = ctx.parse.memo(`kustomization\0${file}`, text, () => parseKustomization(text, file));
  ctx.kustomizations.push(file);
  ctx.warnings.push(...k.warnings);
  return k;
}

class Target {
  constructor(
    readonly kust: Kustomization,
    readonly ldr: Loader,
    readonly ctx: BuildContext,
    /** Origin path of this kustomization's folder relative to the top (for origin annotations). */
    readonly originPath: string,
  ) {}

  private get fileName(): string {
    return this.kust.file.slice(this.kust.file.lastIndexOf('/') + 1);
  }

  async accumulate(ra: Accumulator): Promise<Accumulator> {
    const k = this.kust;
    await this.accumulateResources(ra, k.resources.map((r) => ({ path: r.value, at: r.at })));
    let config = TransformerConfig.defaults();
    if (k.configurations.length) config = config.merge(await this.loadConfigurations());
    ra.config = ra.config.merge(config);
    if (k.crds.length) ra.config = ra.config.merge(await this.loadCrds());
    await this.runGenerators(ra);
    for (const c of k.components) ra = await this.accumulateDirectory(ra, c.value, c.at, true);
    await this.runTransformers(ra);
    if (k.validators.length) {
      throw new GitOpsError('validators need kustomize plugins, which gitops-sandbox does not run', k.validators[0]!.at, 'unsupported');
    }
    mergeVars(ra.resMap, ra.vars, k.vars, k.file);
    return ra;
  }

  private originFor(path: string): OriginInfo | undefined {
    if (!this.ctx.tracking) return undefined;
    return { path: joinOrigin(this.originPath, path) };
  }

  async accumulateResources(ra: Accumulator, entries: { path: string; at: Loc }[]): Promise<void> {
    // Start every read at once (the file cache keeps the promises); then process in order, as kustomize does.
    for (const { path, at } of entries) {
      try {
        const p = this.ldr.resolve(path, at);
        void this.ctx.files.stat(p).then((k) => (k === 'file' ? this.ctx.files.bytes(p) : undefined));
      } catch {
        // reported below, in order
      }
    }
    // Objects from consecutive files are added in one batch (one duplicate check instead of one per file).
    let batch: Resource[] = [];
    const entryOf = new Map<Resource, Loc>();
    const flush = () => {
      if (batch.length) ra.resMap.appendAll(batch, (r) => entryOf.get(r));
      batch = [];
    };
    for (const { path, at } of entries) {
      if (path === '') throw new GitOpsError('empty resource path', at, 'kustomization');
      if (/^https?:\/\//i.test(path)) throw remoteError(path, at);
      let resolved: string;
      try {
        resolved = this.ldr.resolve(path, at);
      } catch (e) {
        if (looksRemote(path)) throw remoteError(path, at);
        throw e;
      }
      const kind = await this.ctx.files.stat(resolved);
      if (kind === 'file') {
        const { file, text } = await this.ldr.loadText(path, at, 'resource');
        const docs = this.ctx.parse.objects(text, file);
        const origin = this.originFor(path);
        for (const d of docs) {
          const r = new Resource(d, file);
          if (origin) r.origin = origin;
          batch.push(r);
          entryOf.set(r, at);
        }
      } else if (kind === 'dir') {
        flush();
        ra = await this.accumulateDirectory(ra, path, at, false);
      } else {
        if (looksRemote(path)) throw remoteError(path, at);
        throw new GitOpsError(`resource ${path} not found (looked for ${resolved || '.'})`, at, 'missing-file');
      }
    }
    flush();
  }

  async accumulateDirectory(ra: Accumulator, path: string, at: Loc, isComponent: boolean): Promise<Accumulator> {
    const child = await this.ldr.child(path, at, isComponent ? 'component' : 'resource folder');
    const ctx = this.ctx;
    if (isComponent || !ctx.dirCache) return this.buildDirectory(ra, child, path, at, isComponent);
    // A base is built on its own, so its result depends only on what it reads and on the build's settings.
    const chain: string[] = [];
    for (let l: Loader | undefined = child; l; l = l.referrer) chain.push(l.root);
    const key = [chain.join('<'), joinOrigin(this.originPath, path), ctx.tracking, [...ctx.buildMetadata].join(','), ctx.rec.enabled, schemaId(ctx.schema), Boolean(ctx.merged), Boolean(ctx.unrestricted), ctx.helm?.command ?? ''].join('\0');
    const hit = ctx.dirCache.get(key);
    if (hit && hit.result && (await ctx.files.unchanged(hit.observations))) {
      ctx.warnings.push(...hit.warnings);
      ctx.kustomizations.push(...hit.kustomizations);
      if (hit.schemaAfter !== undefined) ctx.schema = hit.schemaAfter;
      if (hit.mergedAfter) ctx.merged = true;
      ra.mergeFrom(hit.result.clone(), at);
      return ra;
    }
    const watch = ctx.files.observe();
    const w0 = ctx.warnings.length;
    const k0 = ctx.kustomizations.length;
    const schemaBefore = ctx.schema;
    const helmBefore = ctx.helmRuns ?? 0;
    let sub: Accumulator;
    try {
      sub = await this.buildDirectory(new Accumulator(), child, path, at, false);
    } catch (e) {
      await watch.end();
      throw e;
    }
    const observations = await watch.end();
    // A base built for the first time is only remembered as seen: copying its result pays off only when it is
    // built again (an edited overlay re-rendered, overlays sharing a base), not in a one-off render of everything.
    ctx.dirCache.set(key, {
      observations,
      result: hit && (ctx.helmRuns ?? 0) === helmBefore ? sub.clone() : undefined,
      warnings: ctx.warnings.slice(w0),
      kustomizations: ctx.kustomizations.slice(k0),
      schemaAfter: ctx.schema !== schemaBefore ? ctx.schema : undefined,
      mergedAfter: ctx.merged,
    });
    ra.mergeFrom(sub, at);
    return ra;
  }

  private async buildDirectory(ra: Accumulator, child: Loader, path: string, at: Loc, isComponent: boolean): Promise<Accumulator> {
    const kust = await loadKustomization(child, this.ctx, at);
    if (isComponent && kust.kind !== 'Component') {
      throw new GitOpsError(`${path} is listed under components but its kustomization is kind ${kust.kind}, not Component`, at, 'kustomization');
    }
    if (!isComponent && kust.kind === 'Component') {
      throw new GitOpsError(`${path} is a Component; list it under components, not resources`, at, 'kustomization');
    }
    await applyOpenApi(kust, child, this.ctx, false);
    const sub = new Target(kust, child, this.ctx, joinOrigin(this.originPath, path));
    try {
      if (isComponent) return await sub.accumulate(ra);
      const subRa = await sub.accumulate(new Accumulator());
      ra.mergeFrom(subRa, at);
      return ra;
    } catch (e) {
      if (e instanceof GitOpsError && !e.location) throw new GitOpsError(e.message, at, e.code);
      throw e;
    }
  }

  private async loadConfigurations(): Promise<TransformerConfig> {
    let out = TransformerConfig.empty();
    for (const c of this.kust.configurations) {
      const { file, text } = await this.ldr.loadText(c.value, c.at, 'configurations file');
      out = out.merge(parseConfiguration(text, file));
    }
    return out;
  }

  private async loadCrds(): Promise<TransformerConfig> {
    let out = TransformerConfig.empty();
    for (const c of this.kust.crds) {
      const { file, text } = await this.ldr.loadText(c.value, c.at, 'crds file');
      out = out.merge(configFromOpenApi(text, file, c.at));
    }
    return out;
  }

  private async runGenerators(ra: Accumulator): Promise<void> {
    const k = this.kust;
    const generated = [...k.configMapGenerator, ...k.secretGenerator];
    for (const g of generated) {
      const r = await generate(g, k.generatorOptions, this.ldr, this.ctx.rec, k.file);
      if (this.ctx.tracking && !r.origin) {
        r.origin = { configuredIn: joinOrigin(this.originPath, this.fileName), configuredBy: { apiVersion: 'builtin', kind: g.kind === 'Secret' ? 'SecretGenerator' : 'ConfigMapGenerator' } };
      }
      absorb(ra.resMap, r, g.at);
    }
    if (k.helmCharts.length || k.helmLegacy.length) {
      const { charts, globals } = helmChartsOf(k.helmCharts, k.helmLegacy, k.helmGlobals);
      const helm = this.ctx.helm;
      if (!helm) {
        throw new GitOpsError(
          'helmCharts: kustomize inflates charts only with --enable-helm and a helm binary; `kubectl kustomize` (what Argo CD runs by default) refuses them, and gitops-sandbox does too unless rendering with --enable-helm',
          charts[0]!.at,
          'unsupported',
        );
      }
      for (const c of charts) {
        const made = await inflateChart(c, globals, { files: this.ctx.files, ldr: this.ldr, helm, source: k.file });
        this.ctx.helmRuns = (this.ctx.helmRuns ?? 0) + 1;
        for (const r of made) {
          r.generatedAt = c.at;
          if (this.ctx.tracking) r.origin = { configuredIn: joinOrigin(this.originPath, this.fileName), configuredBy: { apiVersion: 'builtin', kind: 'HelmChartInflationGenerator' } };
          absorb(ra.resMap, r, c.at);
        }
      }
    }
    if (k.generators.length) await runPluginGenerators(this, ra, k.generators);
  }

  private transformerOrigin(kind: string): OriginInfo | undefined {
    if (!this.ctx.tracking) return undefined;
    return { configuredIn: joinOrigin(this.originPath, this.fileName), configuredBy: { apiVersion: 'builtin', kind } };
  }

  /** After each transformer: kustomize records it on every object (when tracking) and drops emptied objects. */
  afterTransformer(ra: Accumulator, origin: OriginInfo | undefined): void {
    if (origin) {
      for (const r of ra.resMap.list) {
        if (!r.origin) r.origin = origin;
        else (r.transformations ??= []).push(origin);
      }
    }
    ra.resMap.list = ra.resMap.list.filter((r) => r.node.entries.length > 0);
  }

  private async runTransformers(ra: Accumulator): Promise<void> {
    const k = this.kust;
    const rec = this.ctx.rec;
    const config = ra.config;
    const patchRun: PatchRun = {
      rec,
      warnings: this.ctx.warnings,
      schema: () => {
        this.ctx.merged = true;
        return this.ctx.schema ?? KustomizeSchema.builtin();
      },
    };
    const m = ra.resMap;

    // Every builtin is configured (and its files loaded) before any runs, as kustomize does.
    const psm = k.patchesStrategicMerge.length ? await loadPatchesStrategicMerge(k, this.ldr, this.ctx.parse) : [];
    const patches = k.patches.length ? await loadPatches(k, this.ldr, this.ctx.parse) : [];
    const pj = k.patchesJson6902.length ? await loadPatchesJson6902(k, this.ldr, this.ctx.parse) : [];
    const replacements = k.replacements.length ? await loadReplacements(k.replacements, this.ldr) : [];

    if (k.patchesStrategicMerge.length) {
      runPatchesStrategicMerge(m, psm, patchRun);
      this.afterTransformer(ra, this.transformerOrigin('PatchStrategicMergeTransformer'));
    }
    for (const p of patches) {
      runPatches(m, [p], patchRun);
      this.afterTransformer(ra, this.transformerOrigin('PatchTransformer'));
    }
    if (k.namespace && k.namespace.value !== '') {
      namespaceTransform(m, k.namespace.value, k.namespace.at, config, rec);
      this.afterTransformer(ra, this.transformerOrigin('NamespaceTransformer'));
    }
    if (k.namePrefix && k.namePrefix.value !== '') {
      affixTransform(m, 'prefix', k.namePrefix.value, k.namePrefix.at, config.fs.namePrefix, rec);
      this.afterTransformer(ra, this.transformerOrigin('PrefixTransformer'));
    }
    if (k.nameSuffix && k.nameSuffix.value !== '') {
      affixTransform(m, 'suffix', k.nameSuffix.value, k.nameSuffix.at, config.fs.nameSuffix, rec);
      this.afterTransformer(ra, this.transformerOrigin('SuffixTransformer'));
    }
    if (k.labels.length || k.commonLabels.size) {
      for (const l of k.labels) {
        const specs = labelSpecs({ ...l, fields: l.fields as FieldSpec[] }, config);
        mapEntriesTransform(m, 'labels', new Map([...l.pairs].map(([key, v]) => [key, { value: v.value, at: v.at }])), specs, rec);
        this.afterTransformer(ra, this.transformerOrigin('LabelTransformer'));
      }
      mapEntriesTransform(m, 'commonLabels', new Map([...k.commonLabels].map(([key, v]) => [key, { value: v.value, at: v.at }])), config.fs.commonLabels, rec);
      this.afterTransformer(ra, this.transformerOrigin('LabelTransformer'));
    }
    if (k.commonAnnotations.size) {
      mapEntriesTransform(m, 'commonAnnotations', new Map([...k.commonAnnotations].map(([key, v]) => [key, { value: v.value, at: v.at }])), config.fs.commonAnnotations, rec);
      this.afterTransformer(ra, this.transformerOrigin('AnnotationsTransformer'));
    }
    for (const p of pj) {
      runPatchesJson6902(m, [p], patchRun);
      this.afterTransformer(ra, this.transformerOrigin('PatchJson6902Transformer'));
    }
    for (const r of k.replicas) {
      replicasTransform(m, r.name, r.count, r.at, config.fs.replicas, rec);
      this.afterTransformer(ra, this.transformerOrigin('ReplicaCountTransformer'));
    }
    const imageFields = new Map();
    for (const img of k.images) {
      imagesTransform(m, img, config.fs.images, rec, imageFields);
      this.afterTransformer(ra, this.transformerOrigin('ImageTagTransformer'));
    }
    if (replacements.length || k.replacements.length) {
      applyReplacements(m, replacements, rec);
      this.afterTransformer(ra, this.transformerOrigin('ReplacementTransformer'));
    }
    if (k.transformers.length) await runPluginTransformers(this, ra, k.transformers);
  }

  get context(): BuildContext {
    return this.ctx;
  }
  get loader(): Loader {
    return this.ldr;
  }
  get origin(): string {
    return this.originPath;
  }
}

export type { Target };

// ---- configurations and crds ---------------------------------------------------------------------------------------

const fsSchema = S.struct('FieldSpec', { group: S.string, version: S.string, kind: S.string, path: S.string, create: S.bool });
const configSchema = S.struct('TransformerConfig', {
  namePrefix: S.list(fsSchema),
  nameSuffix: S.list(fsSchema),
  namespace: S.list(fsSchema),
  commonLabels: S.list(fsSchema),
  labels: S.list(fsSchema),
  templateLabels: S.list(fsSchema),
  commonAnnotations: S.list(fsSchema),
  nameReference: S.list(S.struct('NameBackReferences', { group: S.string, version: S.string, kind: S.string, fieldSpecs: S.list(fsSchema) })),
  varReference: S.list(fsSchema),
  images: S.list(fsSchema),
  replicas: S.list(fsSchema),
});

/** A `configurations:` file: extra field specs for the builtin transformers. */
export function parseConfiguration(text: string, file: string): TransformerConfig {
  const node = parseYamlDocuments(text, file)[0]?.node;
  if (!node) return TransformerConfig.empty();
  const st = decode(node, configSchema, { what: 'transformer configuration', path: '' }) as DStruct | undefined;
  if (!st) return TransformerConfig.empty();
  const specs = (key: string): FieldSpec[] => ((st[key] as DStruct[] | undefined) ?? []).map((f) => fieldSpecArg(f));
  const refs: NameBackRef[] = ((st.nameReference as DStruct[] | undefined) ?? []).map((r) => ({
    group: (r.group as string) ?? '',
    version: (r.version as string) ?? '',
    kind: (r.kind as string) ?? '',
    referrers: ((r.fieldSpecs as DStruct[] | undefined) ?? []).map((f) => fieldSpecArg(f)),
  }));
  const c = new TransformerConfig(
    {
      namePrefix: specs('namePrefix'),
      nameSuffix: specs('nameSuffix'),
      namespace: specs('namespace'),
      commonLabels: specs('commonLabels'),
      labels: specs('labels'),
      templateLabels: specs('templateLabels'),
      commonAnnotations: specs('commonAnnotations'),
      varReference: specs('varReference'),
      images: specs('images'),
      replicas: specs('replicas'),
    },
    [],
  );
  // Merge the references one by one so duplicates collapse as in kustomize.
  return TransformerConfig.empty().merge(c).merge(new TransformerConfig({}, refs));
}


/** A `crds:` file (OpenAPI definitions with x-kubernetes-* markers) turned into field specs, as kustomize does. */
export function configFromOpenApi(text: string, file: string, at: Loc): TransformerConfig {
  const node = parseYamlDocuments(text, file)[0]?.node;
  if (!node || node.kind !== 'map') throw new GitOpsError(`unable to parse open API definition from ${file}`, at, 'kustomization');
  // Each entry is an OpenAPIDefinition: the schema sits under its `Schema` field (Go JSON: any letter case).
  const defs = new Map<string, MapNode>();
  for (const e of node.entries) {
    if (e.value.kind !== 'map') continue;
    const schema = e.value.entries.find((x) => x.key.value.toLowerCase() === 'schema')?.value;
    if (schema && schema.kind === 'map') defs.set(e.key.value, schema);
  }
  let out = TransformerConfig.empty();
  const str = (n: MapNode | undefined, k: string): string | undefined => {
    const v = n ? get(n, k) : undefined;
    return v && v.kind === 'scalar' ? v.value : undefined;
  };
  const load = (cfg: { annotations: FieldSpec[]; labels: FieldSpec[]; prefix: FieldSpec[]; refs: NameBackRef[] }, kind: string, typeName: string, path: string[], depth: number) => {
    const def = defs.get(typeName);
    if (!def || depth > 50) return;
    const props = get(def, 'properties');
    if (!props || props.kind !== 'map') return;
    for (const e of props.entries) {
      const prop = e.value.kind === 'map' ? e.value : undefined;
      const p = [...path, e.key.value];
      const spec = (extra: string[] = []): FieldSpec => ({ group: '', version: '', kind, path: [...p, ...extra].join('/'), create: false });
      if (str(prop, 'x-kubernetes-annotation') !== undefined) cfg.annotations.push(spec());
      if (str(prop, 'x-kubernetes-label-selector') !== undefined) cfg.labels.push(spec());
      if (str(prop, 'x-kubernetes-identity') !== undefined) cfg.prefix.push(spec());
      const version = str(prop, 'x-kubernetes-object-ref-api-version');
      const refKind = str(prop, 'x-kubernetes-object-ref-kind');
      if (version !== undefined && refKind !== undefined) {
        cfg.refs.push({ group: '', version, kind: refKind, referrers: [spec([str(prop, 'x-kubernetes-object-ref-name-key') ?? 'name'])] });
      }
      const ref = str(prop, '$ref');
      if (ref) load(cfg, kind, ref, p, depth + 1);
    }
  };
  for (const [name, def] of defs) {
    const props = get(def, 'properties');
    if (!props || props.kind !== 'map' || !get(props, 'kind') || !get(props, 'apiVersion') || !get(props, 'metadata')) continue;
    const kind = name.split('.').pop()!;
    const cfg = { annotations: [] as FieldSpec[], labels: [] as FieldSpec[], prefix: [] as FieldSpec[], refs: [] as NameBackRef[] };
    load(cfg, kind, name, [], 0);
    out = out.merge(new TransformerConfig({ commonAnnotations: cfg.annotations, commonLabels: cfg.labels, namePrefix: cfg.prefix }, cfg.refs));
  }
  return out;
}

// ---- the whole build --------------------------------------------------------------------------------------------

export interface BuildOutput {
  resources: Resource[];
  kustomization: Kustomization;
}

/**
 * Where an object's last rename was instructed (the namePrefix or nameSuffix line, the generator entry for a hash
 * suffix, a patch allowed to rename), for the name references the rename makes kustomize rewrite.
 */
function renameLocator(r: Resource): Loc | undefined {
  const last = r.renames[r.renames.length - 1]?.at;
  if (last) return last;
  const h = getPath(r.node, 'metadata', 'name')?.history;
  if (h) for (let i = h.length - 1; i >= 0; i--) if (h[i]!.at) return h[i]!.at;
  return r.generatedAt;
}

/** Finishes a build at the top kustomization (kustomize's makeCustomizedResMap and Kustomizer.Run). */
export async function buildTop(dir: string, ctx: BuildContext): Promise<BuildOutput> {
  const ldr = new Loader(dir, ctx.files, undefined, Boolean(ctx.unrestricted));
  const kust = await loadKustomization(ldr, ctx, undefined);
  if (kust.kind === 'Component') {
    throw new GitOpsError(`${kust.file} is a Component; it can only be used from another kustomization's components`, { file: kust.file, line: 1, column: 1 }, 'kustomization');
  }
  ctx.buildMetadata = new Set(kust.buildMetadata.map((b) => b.value));
  for (const b of kust.buildMetadata) {
    if (!['originAnnotations', 'transformerAnnotations', 'managedByLabel'].includes(b.value)) {
      throw new GitOpsError(`buildMetadata option ${JSON.stringify(b.value)} is not one of originAnnotations, transformerAnnotations, managedByLabel`, b.at, 'kustomization');
    }
  }
  ctx.tracking = kust.buildMetadata.length > 0;
  await applyOpenApi(kust, ldr, ctx, true);
  const target = new Target(kust, ldr, ctx, '');
  const ra = await target.accumulate(new Accumulator());
  const m = ra.resMap;
  const rec = ctx.rec;

  for (const r of m.list) {
    if (!r.needsHash) continue;
    const h = kustomizeHash(r.node);
    r.storePreviousId();
    const change: Change = { op: 'hash suffix', detail: `-${h}: kustomize hashes the generated content`, at: r.generatedAt };
    r.setName(`${r.name}-${h}`, rec, change);
    r.renames.push({ what: 'hash suffix', at: r.generatedAt });
  }
  fixNameReferences(m, ra.config, rec, renameLocator);
  resolveVars(m, ra.vars, ra.config.fs.varReference, rec, ctx.warnings);

  m.list = m.list.filter((r) => {
    const v = r.annotations().get('config.kubernetes.io/local-config');
    return v === undefined || v === 'false';
  });

  sortResources(m, kust);

  if (ctx.buildMetadata.has('managedByLabel')) {
    mapEntriesTransform(m, 'buildMetadata', new Map([['app.kubernetes.io/managed-by', { value: 'kustomize-(devel)', at: kust.buildMetadata[0]!.at }]]), [
      { group: '', version: '', kind: '', path: 'metadata/labels', create: true },
    ], rec);
  }
  const bmAt = new Map(kust.buildMetadata.map((b) => [b.value, b.at] as const));
  for (const r of m.list) finishAnnotations(r, ctx, bmAt);
  return { resources: m.list, kustomization: kust };
}

function sortResources(m: ResMap, kust: Kustomization): void {
  const so = kust.sortOptions;
  let order = 'legacy';
  let first: readonly string[] = DEFAULT_ORDER_FIRST;
  let last: readonly string[] = DEFAULT_ORDER_LAST;
  if (so) {
    order = (so.order as string | undefined) ?? '';
    const lso = so.legacySortOptions as DStruct | undefined;
    if (order !== 'fifo' && order !== 'legacy') throw new GitOpsError("the field 'sortOptions.order' must be one of [fifo, legacy]", so.fieldAt.order ?? so.at, 'kustomization');
    if (order === 'fifo' && lso) throw new GitOpsError("the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'", so.at, 'kustomization');
    if (lso) {
      first = ((lso.orderFirst as { value: string }[] | undefined) ?? []).map((x) => x.value);
      last = ((lso.orderLast as { value: string }[] | undefined) ?? []).map((x) => x.value);
    }
  }
  if (order !== 'legacy') return;
  const ranks = kindRanks(first, last);
  const keyed = m.list.map((r) => ({ r, id: r.curId() }));
  keyed.sort((a, b) => legacyCompare(a.id, b.id, ranks));
  m.list = [];
  m.appendAll(keyed.map((k) => k.r), { file: kust.file, line: 1, column: 1 });
}

/** YAML as kyaml marshals kustomize's origin data (for the origin and transformations annotations). */
function originYaml(o: OriginInfo, indent = ''): string {
  const q = (s: string) => (/^[\w./-]+$/.test(s) && !/^(true|false|null|~|\d.*)$/i.test(s) ? s : JSON.stringify(s));
  let out = '';
  if (o.path) out += `${indent}path: ${q(o.path)}\n`;
  if (o.repo) out += `${indent}repo: ${q(o.repo)}\n`;
  if (o.ref) out += `${indent}ref: ${q(o.ref)}\n`;
  if (o.configuredIn) out += `${indent}configuredIn: ${q(o.configuredIn)}\n`;
  if (o.configuredBy) {
    out += `${indent}configuredBy:\n`;
    out += `${indent}  apiVersion: ${q(o.configuredBy.apiVersion)}\n`;
    out += `${indent}  kind: ${q(o.configuredBy.kind)}\n`;
    if (o.configuredBy.name) out += `${indent}  name: ${q(o.configuredBy.name)}\n`;
    if (o.configuredBy.namespace) out += `${indent}  namespace: ${q(o.configuredBy.namespace)}\n`;
  }
  return out;
}

/**
 * kustomize rewrites every object's annotations at the very end (removing its build annotations): values become
 * strings, and an empty or null annotations field disappears. Origin annotations are added first when asked for.
 */
function finishAnnotations(r: Resource, ctx: BuildContext, bmAt: Map<string, Loc>): void {
  const meta = get(r.node, 'metadata');
  if (!meta || meta.kind !== 'map') return;
  const cur = get(meta, 'annotations');
  const pairs = stringMap(cur);
  const nodes = valuesByKey(cur);
  // Provenance: the annotations buildMetadata asks for are kustomize's own, located at the option that asked.
  const noted = (option: string): Change => ({ op: 'buildMetadata', detail: `kustomize adds this itself (buildMetadata: ${option})`, at: bmAt.get(option) });
  const added = new Map<string, Change>();
  if (ctx.buildMetadata.has('originAnnotations') && r.origin) {
    pairs.set('config.kubernetes.io/origin', originYaml(r.origin));
    nodes.delete('config.kubernetes.io/origin');
    added.set('config.kubernetes.io/origin', noted('originAnnotations'));
  }
  if (ctx.buildMetadata.has('transformerAnnotations') && r.transformations?.length) {
    const text = r.transformations.map((t) => originYaml(t, '  ').replace(/^ {2}/, '- ')).join('');
    pairs.set('alpha.config.kubernetes.io/transformations', text);
    nodes.delete('alpha.config.kubernetes.io/transformations');
    added.set('alpha.config.kubernetes.io/transformations', noted('transformerAnnotations'));
  }
  if (!pairs.size) {
    removeField(meta, 'annotations');
    return;
  }
  const m = mapFromStrings(pairs, nodes, [cur]);
  for (const e of m.entries) {
    const c = added.get(e.key.value);
    if (c && !e.value.origin && !e.value.history) {
      ctx.rec.note(e.value, c);
      if (!m.origin && !m.history) ctx.rec.note(m, c);
    }
  }
  setField(meta, 'annotations', m);
}
