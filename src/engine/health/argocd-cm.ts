/**
 * Finding the `argocd-cm` ConfigMap in a deploy repo and reading its health customizations (HLT-13). Repos that
 * install Argo CD through GitOps keep it next to the apps; the first one in path order wins.
 */
import { toPlain, parseYamlDocuments, type YNode } from '../yaml/index.ts';
import type { FileView } from '../source/index.ts';
import { parseHealthOverrides, type HealthOverrides } from './overrides.ts';

export interface ArgoCdConfigMap {
  /** Repo-relative path of the file that holds it. */
  file: string;
  data: Record<string, string>;
  overrides: HealthOverrides;
  /** Other `argocd.argoproj.io` settings a caller may want (tracking method, instance label key, …). */
  settings: {
    trackingMethod?: string;
    instanceLabelKey?: string;
    installationID?: string;
  };
}

function mapGet(n: YNode | null | undefined, key: string): YNode | undefined {
  if (!n || n.kind !== 'map') return undefined;
  return n.entries.find((e) => e.key.value === key)?.value;
}

function scalar(n: YNode | undefined): string | undefined {
  return n && n.kind === 'scalar' ? n.value : undefined;
}

/** Reads an argocd-cm from one YAML file's text, or undefined when the file holds none. */
export function readArgoCdConfigMap(text: string, file: string): ArgoCdConfigMap | undefined {
  for (const doc of parseYamlDocuments(text, file)) {
    const n = doc.node;
    if (scalar(mapGet(n, 'kind')) !== 'ConfigMap') continue;
    if (scalar(mapGet(mapGet(n, 'metadata'), 'name')) !== 'argocd-cm') continue;
    const dataNode = mapGet(n, 'data');
    const keyLocations = new Map<string, { line: number; column: number }>();
    const data: Record<string, string> = {};
    if (dataNode && dataNode.kind === 'map') {
      for (const e of dataNode.entries) {
        const v = toPlain(e.value);
        data[e.key.value] = typeof v === 'string' ? v : v === null ? '' : String(v);
        if (e.key.origin) keyLocations.set(e.key.value, { line: e.key.origin.line, column: e.key.origin.column });
      }
    }
    return {
      file,
      data,
      overrides: parseHealthOverrides(data, { file, keyLocations }),
      settings: {
        trackingMethod: data['application.resourceTrackingMethod'] || undefined,
        instanceLabelKey: data['application.instanceLabelKey'] || undefined,
        installationID: data['installationID'] || undefined,
      },
    };
  }
  return undefined;
}

const SKIP_DIRS = new Set(['node_modules', '.git']);

/** Searches the view (breadth first from `dir`, sorted) for the first file holding an argocd-cm. */
export async function findArgoCdConfigMap(view: FileView, dir = ''): Promise<ArgoCdConfigMap | undefined> {
  const queue = [dir];
  let scanned = 0;
  while (queue.length > 0) {
    const d = queue.shift()!;
    for (const e of await view.list(d)) {
      const p = d ? `${d}/${e.name}` : e.name;
      if (e.kind === 'dir') {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) queue.push(p);
        continue;
      }
      if (!/\.ya?ml$/i.test(e.name)) continue;
      // A bounded scan: deploy repos can hold thousands of manifests, and only a cheap text test is needed first.
      if (++scanned > 20000) return undefined;
      const text = await view.readText(p);
      if (!text.includes('argocd-cm')) continue;
      const cm = readArgoCdConfigMap(text, p);
      if (cm) return cm;
    }
  }
  return undefined;
}
