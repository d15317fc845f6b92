/**
 * `gitops-sandbox affects <file>:<line>`: the reverse of explain — every rendered object and field a source line
 * takes part in, across every overlay of the repository that includes the file.
 */
import { relative, resolve, sep } from 'node:path';
import { repoProvenance, type AffectsReport } from '../../engine/provenance/index.ts';
import { findRepo, openView, type FileView } from '../../engine/source/index.ts';
import { UsageError, type CliIO, type Command } from '../io.ts';

const USAGE = `Usage: gitops-sandbox affects <file>:<line> [--json] [--rev <git-rev>] [--root <dir>] [--include-bases]

Renders every kustomization of the repository holding <file> and lists each rendered object and field that
line <line> (1-based) of <file> takes part in: as the place a field was written, as a transformation that
changed it (namePrefix, images, a patch, …), or as the source a replacement, var or name reference copied from.
Fields whose value a later step overwrote are listed as overridden and not counted.

  --json            {"file", "line", "summary": {"overlays", "objects", "fields", "overridden"},
                    "overlays": [{"dir", "objects": [{"object": {…id}, "fields": [{"path" (JSON pointer),
                    "field" (dotted), "value", "via", "effective"}]}]}], "errors": [{"dir", "message"}]}
  --rev <git-rev>   read the files from that revision of the repository
  --root <dir>      only the kustomizations under <dir> (default: the whole repository, or the current
                    folder outside a git repository)
  --include-bases   also count folders other kustomizations include (bases that build on their own);
                    by default only the tops of the trees (the overlays) are counted

Paths are relative to the repository root, POSIX. Secret data and stringData values are always masked.`;

interface Args {
  file?: string;
  line?: number;
  json: boolean;
  rev?: string;
  includeBases: boolean;
  root?: string;
}

function parseArgs(args: string[]): Args {
  const a: Args = { json: false, includeBases: false };
  for (let i = 0; i < args.length; i++) {
    const x = args[i]!;
    if (x === '--json') a.json = true;
    else if (x === '--include-bases') a.includeBases = true;
    else if (x === '--rev') {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError('--rev needs a value');
      a.rev = v;
    } else if (x.startsWith('--rev=')) a.rev = x.slice(6);
    else if (x === '--root') {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError('--root needs a value');
      a.root = v;
    } else if (x.startsWith('--root=')) a.root = x.slice(7);
    else if (x.startsWith('-')) throw new UsageError(`unknown option ${x}`);
    else if (a.file === undefined) {
      const m = /^(.*):(\d+)$/.exec(x);
      if (!m || !m[1]) throw new UsageError(`expected <file>:<line>, got ${x}`);
      a.file = m[1];
      a.line = Number(m[2]);
      if (a.line < 1) throw new UsageError('lines start at 1');
    } else throw new UsageError(`unexpected argument ${x}`);
  }
  if (a.file === undefined) throw new UsageError('missing <file>:<line>');
  return a;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function short(v: unknown): string {
  if (Array.isArray(v)) return `[${plural(v.length, 'item')}]`;
  if (v && typeof v === 'object') return `{${plural(Object.keys(v).length, 'field')}}`;
  const s = JSON.stringify(v) ?? 'null';
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

export function affectsText(r: AffectsReport): string {
  const s = r.summary;
  const out: string[] = [];
  let head = `${r.file}:${r.line} affects ${plural(s.overlays, 'overlay')}, ${plural(s.objects, 'object')}, ${plural(s.fields, 'field')}`;
  if (s.overridden) head += ` (and is overridden in ${plural(s.overridden, 'field')})`;
  out.push(head);
  for (const o of r.overlays) {
    out.push('', `${o.dir || '.'}`);
    for (const obj of o.objects) {
      const id = obj.object;
      out.push(`  ${id.kind}/${id.namespace ? id.namespace + '/' : ''}${id.name}`);
      for (const f of obj.fields) {
        out.push(`    ${f.field} = ${short(f.value)}  (${f.via.join(', ')}${f.effective ? '' : '; overridden by a later step'})`);
      }
    }
  }
  if (r.errors.length) {
    const n = r.errors.length;
    out.push('', `${n} kustomization${n === 1 ? '' : 's'} could not be rendered (not counted above):`);
    for (const e of r.errors) out.push(`  ${e.dir || '.'}: ${e.message}`);
  }
  return out.join('\n') + '\n';
}

export const affects: Command = {
  name: 'affects',
  summary: 'every rendered object and field a source line affects, across the overlays that include it',
  usage: USAGE,
  async run(args, io: CliIO) {
    const a = parseArgs(args);
    const abs = resolve(io.cwd, a.file!);
    let view: FileView;
    let dir = '';
    if (a.root !== undefined) {
      const opened = await openView(resolve(io.cwd, a.root), { rev: a.rev });
      view = opened.view;
      dir = opened.rel;
    } else {
      // Outside a git repository the repo is the current folder (when it holds the file), not the file's folder.
      const inRepo = (await findRepo(abs)) !== undefined;
      const under = !inRepo && !relative(io.cwd, abs).startsWith('..');
      view = (await openView(under ? io.cwd : abs, { rev: a.rev })).view;
    }
    const rel = relative(view.root, abs).split(sep).join('/');
    if (rel.startsWith('..')) throw new UsageError(`${a.file} is outside ${view.root}`);
    const { index } = await repoProvenance(view, { dir, includeBases: a.includeBases, signal: io.signal });
    const report = index.affects(rel, a.line!);
    io.out(a.json ? JSON.stringify(report, null, 2) + '\n' : affectsText(report));
    return 0;
  },
};
