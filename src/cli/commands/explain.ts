/**
 * `gitops-sandbox explain`: where each field of a rendered object came from — the file, line and column it was
 * written at, then every transformation that changed it, in the order they ran (the last one set the value).
 */
import { resolve } from 'node:path';
import { displayPath, explainObject, findObject, SecretValues, type FieldProvenance, type ObjectProvenance } from '../../engine/provenance/index.ts';
import { Renderer } from '../../engine/render/index.ts';
import { openView } from '../../engine/source/index.ts';
import { UsageError, type CliIO, type Command } from '../io.ts';

const USAGE = `Usage:
  gitops-sandbox explain <dir> <kind>/<name> [<field>] [--json] [--rev <git-rev>]
  gitops-sandbox explain <dir> <kind>/<namespace>/<name> [<field>] [--json] [--rev <git-rev>]

Renders the kustomization folder <dir> (as \`kubectl kustomize <dir>\` would) and explains one rendered object:
for each field, where it was written (file:line:column, relative to the repository root) and every
transformation that changed it, in the order they ran; the last one set the rendered value.

  <kind>/<name>   the rendered object: kind (any case; plural, short name or kind.group also work) and its
                  rendered name; add the namespace when two namespaces hold the same name
  <field>         one field and everything under it, as a dotted path with list items by key or index
                  (spec.template.spec.containers[name=app].image, spec.ports[0].port,
                  metadata.labels[app.kubernetes.io/name]) or as a JSON pointer (/spec/replicas);
                  without it, every field of the object
  --json          {"object": {group, version, kind, namespace, name}, "fields": [{"path", "value", "origin",
                  "history": [{"file", "line", "column", "operation", "detail"}]}]}
  --rev <git-rev> read the files from that revision of the git repository holding <dir>

Secret data and stringData values are always masked.`;

interface Args {
  dir?: string;
  object?: string;
  field?: string;
  json: boolean;
  rev?: string;
}

function parseArgs(args: string[]): Args {
  const a: Args = { json: false };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const x = args[i]!;
    if (x === '--json') a.json = true;
    else if (x === '--rev') {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError('--rev needs a value');
      a.rev = v;
    } else if (x.startsWith('--rev=')) a.rev = x.slice(6);
    else if (x.startsWith('-') && x !== '-' && !x.startsWith('/')) throw new UsageError(`unknown option ${x}`);
    else positional.push(x);
  }
  if (positional.length < 2) throw new UsageError(positional.length ? 'missing <kind>/<name>' : 'missing <dir> and <kind>/<name>');
  if (positional.length > 3) throw new UsageError(`unexpected argument ${positional[3]}`);
  [a.dir, a.object, a.field] = positional;
  return a;
}

function loc(l: { file: string | null; line: number | null; column: number | null } | null): string {
  if (!l || l.file === null) return '(kustomize itself)';
  return `${l.file}:${l.line}:${l.column}`;
}

function shortValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.length} item${v.length === 1 ? '' : 's'}]`;
  if (v && typeof v === 'object') {
    const n = Object.keys(v).length;
    return `{${n} field${n === 1 ? '' : 's'}}`;
  }
  return JSON.stringify(v);
}

/** One field as text: its path and value, where it was written, then its changes in order. */
export function fieldText(f: FieldProvenance, whole: unknown): string {
  const lines = [`${displayPath(whole, f.path)} = ${shortValue(f.value)}`];
  const width = Math.max(7, ...f.history.map((h) => h.operation.length));
  if (f.origin) lines.push(`  ${'written'.padEnd(width)}  ${loc(f.origin)}`);
  for (const h of f.history) lines.push(`  ${h.operation.padEnd(width)}  ${loc(h)}${h.detail ? `  ${h.detail}` : ''}`);
  return lines.join('\n');
}

export function explainText(p: ObjectProvenance, dir: string, whole: unknown): string {
  const o = p.object;
  const head = `${o.kind}/${o.namespace ? o.namespace + '/' : ''}${o.name}  (rendered from ${dir || '.'}; each field: where it was written, then its changes in order — the last set the value)`;
  return `${head}\n\n${p.fields.map((f) => fieldText(f, whole)).join('\n\n')}\n`;
}

export const explain: Command = {
  name: 'explain',
  summary: 'where each field of a rendered object came from: file:line:column and every transformation since',
  usage: USAGE,
  async run(args, io: CliIO) {
    const a = parseArgs(args);
    const { view, rel } = await openView(resolve(io.cwd, a.dir!), { rev: a.rev });
    const result = await new Renderer().render(view, rel, { provenance: true });
    const r = findObject(result.resources, a.object!);
    const p = explainObject(r, { field: a.field, secrets: SecretValues.of(result.resources) });
    if (a.json) io.out(JSON.stringify(p, null, 2) + '\n');
    else {
      // The dotted names of list items come from the object itself (Secret values never reach the text: fields
      // print their masked values, and names are keys).
      io.out(explainText(p, rel, r.object));
    }
    return 0;
  },
};
