/**
 * kustomize's HelmChartInflationGenerator (`helmCharts:`, the legacy `helmChartInflationGenerator:`), run only when
 * the caller opted in (`kubectl kustomize --enable-helm`): `helm template` with the arguments kustomize v5.5.0 builds,
 * on a chart already present under chartHome. Nothing is downloaded: a chart that kustomize would `helm pull` gets the
 * same "not available offline" error as a remote resource.
 *
 * helm reads real files, but the renderer reads through a FileView (a git revision, unsaved buffers), so the chart,
 * the values and the additional values files are copied from the view into a fresh temporary folder that is removed
 * afterwards. helm therefore sees exactly what the view holds.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { GitOpsError } from '../errors/index.ts';
import { parseYamlDocuments, toPlain, type Loc, type YNode } from '../yaml/index.ts';
import type { DStruct } from './decode.ts';
import { parseObjects, resourcesFrom } from './factory.ts';
import { looksRemote, type FileCache, type Loader } from './loader.ts';
import type { Resource } from './resource.ts';

/** What the caller allowed: running helm at all, and which command. */
export interface HelmSettings {
  command: string;
}

/** One chart entry as kustomize's HelmChart type holds it, with where it was written. */
export interface HelmChartEntry {
  at: Loc;
  fieldAt: Record<string, Loc>;
  name: string;
  version: string;
  repo: string;
  releaseName: string;
  namespace: string;
  valuesFile: string;
  valuesInline?: Record<string, unknown>;
  valuesMerge: string;
  additionalValuesFiles: { value: string; at: Loc }[];
  includeCRDs: boolean;
  skipHooks: boolean;
  apiVersions: string[];
  kubeVersion: string;
  nameTemplate: string;
  skipTests: boolean;
  debug: boolean;
}

export interface HelmGlobalsArg {
  chartHome: string;
  configHome: string;
}

const str = (d: DStruct, f: string): string => (d[f] as string | undefined) ?? '';
const bool = (d: DStruct, f: string): boolean => Boolean(d[f]);
const strs = (d: DStruct, f: string): { value: string; at: Loc }[] => (d[f] as { value: string; at: Loc }[] | undefined) ?? [];

function inline(d: DStruct, f: string): Record<string, unknown> | undefined {
  const n = d[f] as YNode | undefined;
  if (!n) return undefined;
  const v = toPlain(n);
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new GitOpsError(`${f} must be a map of values`, d.fieldAt[f] ?? d.at, 'kustomization');
  return v as Record<string, unknown>;
}

/** kustomize's charts and globals, the legacy helmChartInflationGenerator entries folded in as its fix-up does. */
export function helmChartsOf(helmCharts: DStruct[], legacy: DStruct[], globals: DStruct | undefined): { charts: HelmChartEntry[]; globals: HelmGlobalsArg } {
  const charts: HelmChartEntry[] = helmCharts.map((d) => ({
    at: d.at,
    fieldAt: d.fieldAt,
    name: str(d, 'name'),
    version: str(d, 'version'),
    repo: str(d, 'repo'),
    releaseName: str(d, 'releaseName'),
    namespace: str(d, 'namespace'),
    valuesFile: str(d, 'valuesFile'),
    valuesInline: inline(d, 'valuesInline'),
    valuesMerge: str(d, 'valuesMerge'),
    additionalValuesFiles: strs(d, 'additionalValuesFiles'),
    includeCRDs: bool(d, 'includeCRDs'),
    skipHooks: bool(d, 'skipHooks'),
    apiVersions: strs(d, 'apiVersions').map((x) => x.value),
    kubeVersion: str(d, 'kubeVersion'),
    nameTemplate: str(d, 'nameTemplate'),
    skipTests: bool(d, 'skipTests'),
    debug: bool(d, 'debug'),
  }));
  const legacyGlobals: HelmGlobalsArg = { chartHome: '', configHome: '' };
  for (const d of legacy) {
    charts.push({
      at: d.at,
      fieldAt: { name: d.fieldAt.chartName!, valuesFile: d.fieldAt.values!, valuesMerge: d.fieldAt.valuesMerge!, valuesInline: d.fieldAt.valuesLocal! },
      name: str(d, 'chartName'),
      version: str(d, 'chartVersion'),
      repo: str(d, 'chartRepoUrl'),
      releaseName: str(d, 'releaseName'),
      namespace: '',
      valuesFile: str(d, 'values'),
      valuesInline: inline(d, 'valuesLocal'),
      valuesMerge: str(d, 'valuesMerge'),
      additionalValuesFiles: [],
      includeCRDs: false,
      skipHooks: false,
      apiVersions: [],
      kubeVersion: '',
      nameTemplate: '',
      skipTests: false,
      debug: false,
    });
    // Last non-empty wins, and only when the kustomization has no helmGlobals of its own.
    if (str(d, 'helmHome')) legacyGlobals.configHome = str(d, 'helmHome');
    if (str(d, 'chartHome')) legacyGlobals.chartHome = str(d, 'chartHome');
  }
  return { charts, globals: globals ? { chartHome: str(globals, 'chartHome'), configHome: str(globals, 'configHome') } : legacyGlobals };
}

/** helm's location: a command with a slash is a path; a bare name is looked up on PATH as exec.Command does. */
export function findHelm(command: string): string | undefined {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, fsConstants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/') || command.includes('\\')) return executable(command) ? resolve(command) : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, command);
    if (executable(p)) return p;
  }
  return undefined;
}

/** The `helm template` arguments kustomize v5.5.0 builds (HelmChart.AsHelmArgs), in its order. */
export function helmTemplateArgs(c: HelmChartEntry, absChartHome: string, valuesFile: string, additional: string[]): string[] {
  const args = ['template'];
  if (c.releaseName !== '') args.push(c.releaseName);
  else args.push('--generate-name');
  if (c.name !== '') args.push(join(absChartHome, c.name));
  if (c.namespace !== '') args.push('--namespace', c.namespace);
  if (c.nameTemplate !== '') args.push('--name-template', c.nameTemplate);
  if (valuesFile !== '') args.push('-f', valuesFile);
  for (const f of additional) args.push('-f', f);
  for (const v of c.apiVersions) args.push('--api-versions', v);
  if (c.kubeVersion !== '') args.push('--kube-version', c.kubeVersion);
  if (c.includeCRDs) args.push('--include-crds');
  if (c.skipTests) args.push('--skip-tests');
  if (c.skipHooks) args.push('--no-hooks');
  if (c.debug) args.push('--debug');
  return args;
}

const MERGE_OPTIONS = ['merge', 'override', 'replace'];

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** kyaml's merge2 on plain values: src's fields win, maps merge recursively, lists are replaced, null clears. */
function mergeInto(src: Record<string, unknown>, dest: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...dest };
  for (const [k, v] of Object.entries(src)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = mergeInto(v, out[k] as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; spawnError?: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { env, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return res({ code: 0, stdout, stderr });
      const e = err as NodeJS.ErrnoException & { code?: number | string };
      if (typeof e.code === 'number') return res({ code: e.code, stdout, stderr });
      res({ code: -1, stdout, stderr, spawnError: e.message });
    });
  });
}

/** Copies a folder of the view (recursively) to disk. */
async function materialize(files: FileCache, from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await files.view.list(from)) {
    const src = from ? `${from}/${e.name}` : e.name;
    if (e.kind === 'dir') await materialize(files, src, join(to, e.name));
    else {
      const bytes = await files.bytes(src);
      if (bytes) await writeFile(join(to, e.name), bytes);
    }
  }
}

export interface HelmRun {
  files: FileCache;
  ldr: Loader;
  helm: HelmSettings;
  /** The kustomization file (generated objects name it as their source). */
  source: string;
}

/** Inflates one chart: the objects helm printed, every node located at the chart's entry in the kustomization. */
export async function inflateChart(c: HelmChartEntry, globals: HelmGlobalsArg, run_: HelmRun): Promise<Resource[]> {
  const { ldr, files } = run_;
  const at = c.at;
  if (c.name === '') throw new GitOpsError('helmCharts: chart name cannot be empty', at, 'kustomization');
  if (c.valuesMerge !== '' && !MERGE_OPTIONS.includes(c.valuesMerge)) {
    throw new GitOpsError(`helmCharts: valuesMerge must be one of [${MERGE_OPTIONS.join(' ')}], not ${c.valuesMerge}`, c.fieldAt.valuesMerge ?? at, 'kustomization');
  }
  const helm = findHelm(run_.helm.command);
  if (!helm) {
    const what = run_.helm.command === 'helm' ? 'helm not found on PATH' : `helm command ${run_.helm.command} not found (or not executable)`;
    throw new GitOpsError(`${what}: helmCharts with --enable-helm runs \`helm template\` (helm v3) to inflate chart ${c.name}`, at, 'helm');
  }

  // kustomize's absChartHome: chartHome (default `charts`) under the kustomization folder, `<name>-<version>` under
  // it when both version and repo are set (where `helm pull --untar` would put the chart).
  const chartHome = globals.chartHome || 'charts';
  const homeRel = c.version !== '' && c.repo !== '' ? `${chartHome}/${c.name}-${c.version}` : chartHome;
  const chartDir = ldr.resolve(`${homeRel}/${c.name}`, at);
  if ((await files.stat(chartDir)) !== 'dir') {
    if (c.repo !== '') {
      throw new GitOpsError(
        `helm chart ${c.name}${c.version ? ` ${c.version}` : ''} from ${c.repo}: remote, not available offline (kustomize would \`helm pull\` it into ${homeRel}; gitops-sandbox inflates only charts present in the repository)`,
        at,
        'remote',
      );
    }
    throw new GitOpsError(`helmCharts: no repo specified for pull, no chart found at ${chartDir}`, at, 'missing-file');
  }
  if (looksRemote(c.valuesFile)) throw new GitOpsError(`helm values file ${c.valuesFile}: remote, not available offline`, c.fieldAt.valuesFile ?? at, 'remote');
  const valuesPath = c.valuesFile !== '' ? c.valuesFile : `${homeRel}/${c.name}/values.yaml`;
  const additional = [];
  for (const f of c.additionalValuesFiles) additional.push(await ldr.load(f.value, f.at, 'helm additionalValuesFile'));

  let valuesBytes: Uint8Array | string;
  const mergeMode = c.valuesMerge || 'override';
  if (c.valuesInline && Object.keys(c.valuesInline).length > 0) {
    let values = c.valuesInline;
    if (mergeMode !== 'replace') {
      const { file, text } = await ldr.loadText(valuesPath, c.fieldAt.valuesFile ?? at, 'helm values file');
      let chartValues: unknown;
      try {
        chartValues = parseValues(text, file) ?? {};
      } catch (e) {
        throw new GitOpsError(`helm values file ${file}: ${(e as Error).message}`, c.fieldAt.valuesFile ?? at, 'kustomization');
      }
      const cv = isMap(chartValues) ? chartValues : {};
      values = mergeMode === 'override' ? mergeInto(c.valuesInline, cv) : mergeInto(cv, c.valuesInline);
    }
    // JSON is YAML; helm reads the same values from it.
    valuesBytes = JSON.stringify(values, null, 2) + '\n';
  } else {
    valuesBytes = (await ldr.load(valuesPath, c.fieldAt.valuesFile ?? at, 'helm values file')).bytes;
  }

  const tmp = await mkdtemp(join(tmpdir(), 'gitops-sandbox-helm-'));
  try {
    const absHome = join(tmp, ...homeRel.split('/').filter((s) => s !== '' && s !== '.' && s !== '..'));
    await materialize(files, chartDir, join(absHome, c.name));
    const valuesFile = join(tmp, `${c.name}-kustomize-values.yaml`);
    await writeFile(valuesFile, valuesBytes);
    const extra: string[] = [];
    for (let i = 0; i < additional.length; i++) {
      const p = join(tmp, '.additional', String(i), additional[i]!.file.split('/').pop()!);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, additional[i]!.bytes);
      extra.push(p);
    }
    const configHome = globals.configHome
      ? isAbsolute(globals.configHome)
        ? globals.configHome
        : resolve(files.view.root, ldr.root, globals.configHome)
      : join(tmp, '.helm');
    const env = { ...process.env, HELM_CONFIG_HOME: configHome, HELM_CACHE_HOME: `${configHome}/.cache`, HELM_DATA_HOME: `${configHome}/.data` };

    const version = await run(helm, ['version', '-c', '--short'], env);
    if (version.spawnError || version.code !== 0) {
      throw new GitOpsError(`could not run ${run_.helm.command} version: ${(version.spawnError ?? version.stderr).trim()}`, at, 'helm');
    }
    const v = /v?\d+(\.\d+)+/.exec(version.stdout)?.[0];
    if (!v) throw new GitOpsError(`cannot find a version in the output of ${run_.helm.command} version: ${version.stdout.trim()}`, at, 'helm');
    if (v.replace(/^v/, '').split('.')[0] !== '3') throw new GitOpsError(`helmCharts needs helm v3, but ${run_.helm.command} is ${v}`, at, 'helm');

    const args = helmTemplateArgs(c, absHome, valuesFile, extra);
    const out = await run(helm, args, env);
    if (out.spawnError || out.code !== 0) {
      const msg = (out.spawnError ?? out.stderr).trim().split(tmp).join('<tmp>');
      throw new GitOpsError(`helm template of chart ${c.name} failed${out.code > 0 ? ` (exit ${out.code})` : ''}: ${msg}`, at, 'helm');
    }
    let docs;
    try {
      docs = parseObjects(out.stdout, `${run_.source} (helm template ${c.name})`);
    } catch (e) {
      throw new GitOpsError(`could not read the output of helm template for chart ${c.name}: ${(e as Error).message}`, at, 'helm');
    }
    // The objects exist because of this entry: that is where a user goes to change them.
    for (const d of docs) relocate(d, at);
    return resourcesFrom(docs, run_.source);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function relocate(n: YNode, at: Loc): void {
  n.origin = at;
  delete n.alias;
  if (n.kind === 'map') {
    for (const e of n.entries) {
      e.key.origin = at;
      relocate(e.value, at);
    }
  } else if (n.kind === 'seq') for (const it of n.items) relocate(it, at);
}

/** A values file's content as plain data (its first document; an empty file is undefined). */
function parseValues(text: string, file: string): unknown {
  const first = parseYamlDocuments(text, file)[0];
  return first?.node ? toPlain(first.node) : undefined;
}
