/**
 * Where the CodeLens goes, found with a line scan rather than a YAML parse: it runs on every visible YAML file, on
 * every edit, and must stay cheap and tolerant of half-typed text. No `vscode` import, so it is unit-tested in Node.
 */

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export function isKustomizationFileName(name: string): boolean {
  return (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(name);
}

export type LensTargetKind = 'kustomization' | 'component' | 'Application' | 'ApplicationSet' | 'FluxKustomization';

export interface LensTarget {
  kind: LensTargetKind;
  /** 0-based line the lens sits on: the document's `kind:` line (or the first line of a kustomization file). */
  line: number;
  /** metadata.name when it is written plainly at the usual place. */
  name?: string;
}

/** A top-level key line: `key: value` at column 0 (comments and quotes tolerated). */
const TOP_LEVEL = /^([A-Za-z][\w.-]*)\s*:\s*(.*?)\s*(?:#.*)?$/;

function unquote(v: string): string {
  const m = /^(['"])(.*)\1$/.exec(v);
  return m ? m[2]! : v;
}

interface DocScan {
  start: number;
  kindLine?: number;
  kind?: string;
  apiVersion?: string;
  name?: string;
}

/** Splits a YAML stream at `---` lines and records each document's top-level apiVersion, kind and metadata.name. */
export function scanDocuments(text: string): DocScan[] {
  const lines = text.split(/\r?\n/);
  const docs: DocScan[] = [{ start: 0 }];
  let inMetadata = false;
  let metaIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^---(\s|$)/.test(line)) {
      docs.push({ start: i + 1 });
      inMetadata = false;
      continue;
    }
    const doc = docs[docs.length - 1]!;
    const top = TOP_LEVEL.exec(line);
    if (top) {
      const [, key, value] = top;
      inMetadata = key === 'metadata' && value === '';
      metaIndent = -1;
      if (key === 'kind') {
        doc.kind = unquote(value!);
        doc.kindLine = i;
      } else if (key === 'apiVersion') doc.apiVersion = unquote(value!);
      continue;
    }
    if (inMetadata && doc.name === undefined && line.trim() && !line.trim().startsWith('#')) {
      // metadata's own keys sit at the indentation of its first key; a `name:` deeper down belongs to something else.
      const indent = /^ */.exec(line)![0].length;
      if (metaIndent < 0) metaIndent = indent;
      const m = /^\s+name\s*:\s*(.*?)\s*(?:#.*)?$/.exec(line);
      if (m && indent === metaIndent) doc.name = unquote(m[1]!);
    }
  }
  return docs;
}

/**
 * The lens targets of a file: a kustomization file gets one at its top (its `kind:` line when there is one); any YAML
 * file gets one per Argo CD Application / ApplicationSet and Flux Kustomization document.
 */
export function findLensTargets(fileName: string, text: string): LensTarget[] {
  const out: LensTarget[] = [];
  const docs = scanDocuments(text);
  if (isKustomizationFileName(fileName)) {
    const first = docs[0]!;
    out.push({ kind: first.kind === 'Component' ? 'component' : 'kustomization', line: first.kindLine ?? 0 });
    return out;
  }
  for (const d of docs) {
    if (d.kindLine === undefined || !d.apiVersion) continue;
    const group = d.apiVersion.split('/')[0];
    if (group === 'argoproj.io' && (d.kind === 'Application' || d.kind === 'ApplicationSet')) {
      out.push({ kind: d.kind, line: d.kindLine, name: d.name });
    } else if (group === 'kustomize.toolkit.fluxcd.io' && d.kind === 'Kustomization') {
      out.push({ kind: 'FluxKustomization', line: d.kindLine, name: d.name });
    }
  }
  return out;
}
