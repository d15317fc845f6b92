/**
 * Argo CD directory sources: plain YAML and JSON files in the app path (recursively with `recurse`), filtered by
 * `include`/`exclude` globs on the path relative to the app path, read in the order Go's filepath.Walk visits them.
 */
import { GitOpsError } from '../errors/index.ts';
import type { KubeObject } from '../kube/index.ts';
import type { FileView } from '../source/index.ts';
import { parseYamlDocuments, toPlain } from '../yaml/index.ts';
import { isObj, str } from './application.ts';
import { gobwasMatch } from './glob.ts';
import type { RenderedResource } from './types.ts';

const MANIFEST_FILE = /^.*\.(yaml|yml|json|jsonnet)$/;
const SKIP_MARKER = '+argocd:skip-file-rendering';

async function walk(view: FileView, dir: string, rel: string, recurse: boolean, out: { path: string; rel: string }[]): Promise<void> {
  for (const e of await view.list(dir)) {
    const p = dir ? `${dir}/${e.name}` : e.name;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.kind === 'dir') {
      if (recurse && e.name !== '.git') await walk(view, p, r, recurse, out);
    } else {
      out.push({ path: p, rel: r });
    }
  }
}

function looksLikeManifest(text: string): boolean {
  return text.includes('apiVersion:') && text.includes('kind:') && text.includes('metadata:');
}

/** Renders a directory source; errors are GitOpsErrors naming the file (and line when known). */
export async function renderDirectory(view: FileView, path: string, directory: Record<string, unknown> | undefined): Promise<RenderedResource[]> {
  const opts = directory ?? {};
  const recurse = opts.recurse === true;
  const include = str(opts.include);
  const exclude = str(opts.exclude);
  const noExtFilter = opts.disableExtensionFilter === true;
  const files: { path: string; rel: string }[] = [];
  await walk(view, path === '.' ? '' : path, '', recurse, files);
  const out: RenderedResource[] = [];
  for (const f of files) {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    if (!noExtFilter && !MANIFEST_FILE.test(name)) continue;
    if (exclude && gobwasMatch(exclude, f.rel)) continue;
    if (include && !gobwasMatch(include, f.rel)) continue;
    const text = await view.readText(f.path);
    if (text.includes(SKIP_MARKER)) continue;
    if (name.endsWith('.jsonnet')) {
      throw new GitOpsError('jsonnet files are not rendered by gitops-sandbox (Argo CD would evaluate this file)', { file: f.path, line: 1, column: 1 }, 'unsupported');
    }
    if (name.endsWith('.json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new GitOpsError(`Failed to unmarshal "${name}": ${(err as Error).message}`, { file: f.path, line: 1, column: 1 }, 'directory');
      }
      if (!isObj(parsed)) throw new GitOpsError(`Failed to unmarshal "${name}": not a JSON object`, { file: f.path, line: 1, column: 1 }, 'directory');
      out.push({ object: parsed as KubeObject, file: f.path, line: 1, column: 1 });
      continue;
    }
    let docs;
    try {
      docs = parseYamlDocuments(text, f.path);
    } catch (err) {
      // Argo CD ignores a YAML file it cannot read unless it looks like a manifest.
      if (err instanceof GitOpsError && looksLikeManifest(text)) throw new GitOpsError(`Failed to unmarshal "${name}": ${err.message}`, err.location, 'directory');
      continue;
    }
    const fromFile: RenderedResource[] = [];
    for (const d of docs) {
      if (!d.node) continue;
      const plain = toPlain(d.node);
      if (plain === null) continue;
      const at = d.node.origin ?? d.start;
      if (!isObj(plain) || typeof plain.kind !== 'string' || !plain.kind) {
        if (fromFile.length || looksLikeManifest(text)) {
          throw new GitOpsError(`Failed to unmarshal "${name}": failed to unmarshal manifest: Object 'Kind' is missing`, { file: f.path, line: at.line, column: at.column }, 'directory');
        }
        fromFile.length = 0;
        break;
      }
      fromFile.push({ object: plain as KubeObject, file: f.path, line: at.line, column: at.column });
    }
    out.push(...fromFile);
  }
  return out;
}
