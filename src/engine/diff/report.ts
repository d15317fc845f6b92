/** How a diff is written out: terminal text, the `--json` shape of issue 7, and a PR comment in Markdown. */
import type { AppDiff, ObjectChange } from './types.ts';

export const MARKDOWN_LIMIT = 65_000;

const SIGN: Record<ObjectChange['change'], string> = { added: '+', removed: '-', changed: '~', renamed: '>', prune: 'x', unchanged: '=' };

function describe(o: ObjectChange): string {
  const kind = o.group ? `${o.kind}.${o.group}` : o.kind;
  return [kind, o.namespace, o.name].filter(Boolean).join('/');
}

function changed(app: AppDiff): ObjectChange[] {
  return app.objects.filter((o) => o.change !== 'unchanged');
}

/** `{"apps": [{"name", "objects": [{"group","kind","namespace","name","change","fields","diff"}]}]}`: changes only. */
export function diffJson(apps: AppDiff[]): { apps: { name: string; objects: Pick<ObjectChange, 'group' | 'kind' | 'namespace' | 'name' | 'change' | 'fields' | 'diff'>[] }[] } {
  return {
    apps: apps.map((a) => ({
      name: a.name,
      objects: changed(a).map((o) => ({ group: o.group, kind: o.kind, namespace: o.namespace, name: o.name, change: o.change, fields: o.fields, diff: o.diff })),
    })),
  };
}

function counts(app: AppDiff): Record<string, number> {
  const c: Record<string, number> = { added: 0, removed: 0, changed: 0, renamed: 0, prune: 0 };
  for (const o of changed(app)) c[o.change] = (c[o.change] ?? 0) + 1;
  return c;
}

export function diffText(apps: AppDiff[], opts: { color?: boolean } = {}): string {
  const out: string[] = [];
  const paint = (line: string) => {
    if (!opts.color) return line;
    if (line.startsWith('+') && !line.startsWith('+++')) return `\x1b[32m${line}\x1b[0m`;
    if (line.startsWith('-') && !line.startsWith('---')) return `\x1b[31m${line}\x1b[0m`;
    if (line.startsWith('@@')) return `\x1b[36m${line}\x1b[0m`;
    return line;
  };
  for (const app of apps) {
    const list = changed(app);
    const c = counts(app);
    const summary = Object.entries(c).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ') || 'no changes';
    out.push(`== ${app.name}${app.path ? ` (${app.path})` : ''}${app.status ? ` [${app.status}]` : ''}: ${summary}`);
    for (const w of app.warnings) out.push(`warning: ${w}`);
    for (const o of list) {
      const extra = o.change === 'renamed' ? ` (was ${o.previousName})` : o.change === 'changed' && o.fields.length ? ` ${o.fields.join(' ')}` : '';
      // How a live object was compared, when it is not Argo CD's default client-side diff (DIF-3, DIF-4).
      const how = o.mode === 'server-side-diff' ? ' (server-side diff)' : o.mode === 'server-side-apply' ? ' (server-side apply diff)' : '';
      out.push(`${SIGN[o.change]} ${describe(o)}: ${o.change}${extra}${how}`);
      if (o.diff) out.push(...o.diff.replace(/\n$/, '').split('\n').map(paint));
    }
    out.push('');
  }
  return out.join('\n');
}

function fenceFor(text: string): string {
  let longest = 2;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(longest + 1);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * A PR comment: one summary table, then each app's diff in a collapsed block. Capped at `limit` characters: the
 * table always stays; diffs are cut at object boundaries and the note at the end says which were left out.
 */
export function diffMarkdown(apps: AppDiff[], opts: { title?: string; limit?: number } = {}): string {
  const limit = opts.limit ?? MARKDOWN_LIMIT;
  const head: string[] = [`### ${opts.title ?? 'GitOps Sandbox diff'}`, ''];
  head.push('| app | added | removed | changed | renamed | prune |', '|---|---:|---:|---:|---:|---:|');
  for (const a of apps) {
    const c = counts(a);
    head.push(`| ${cell(a.name)}${a.status ? ` (${a.status})` : ''} | ${c.added} | ${c.removed} | ${c.changed} | ${c.renamed} | ${c.prune} |`);
  }
  head.push('');
  let body = head.join('\n');
  const cut: string[] = [];
  const reserve = 600; // room for the note about what was cut
  for (const a of apps) {
    const list = changed(a);
    if (!list.length) continue;
    const open = `<details><summary><b>${escapeHtml(a.name)}</b>: ${list.length} change${list.length === 1 ? '' : 's'}</summary>\n\n`;
    const close = '</details>\n\n';
    let section = open;
    for (const w of a.warnings) section += `> warning: ${escapeHtml(w)}\n`;
    if (a.warnings.length) section += '\n';
    let included = 0;
    for (const o of list) {
      const title = `**${SIGN[o.change]} ${describe(o)}**: ${o.change}${o.change === 'renamed' ? ` (was \`${o.previousName}\`)` : ''}\n\n`;
      const fence = fenceFor(o.diff);
      const block = o.diff ? `${fence}diff\n${o.diff.replace(/\n$/, '')}\n${fence}\n\n` : '';
      const piece = title + block;
      if (body.length + section.length + piece.length + close.length + reserve > limit) {
        cut.push(`${a.name}: ${list.length - included} of ${list.length} object diff${list.length === 1 ? '' : 's'}`);
        break;
      }
      section += piece;
      included++;
    }
    if (included > 0 || a.warnings.length) body += section + close;
  }
  if (cut.length) {
    let note = `**Cut to fit a ${limit.toLocaleString('en-US')}-character comment**; left out: ${cut.join('; ')}. Run \`gitops-sandbox diff\` locally for the whole diff.\n`;
    if (body.length + note.length > limit) note = note.slice(0, Math.max(0, limit - body.length - 1)) + '\n';
    body += note;
  }
  return body.length > limit ? body.slice(0, limit) : body;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
