import * as vscode from 'vscode';
import { dirtyBuffers } from './buffers.ts';
import type { AffectedField, FieldProvenance, SourceLink } from './engine/api.ts';
import { engine } from './engine-loader.ts';
import { SCHEME } from './render-uri.ts';
import { settings } from './settings.ts';

function linkTo(s: SourceLink): string {
  const label = `${vscode.workspace.asRelativePath(s.file, false)}:${s.line}`;
  const uri = vscode.Uri.file(s.file).with({ fragment: `L${s.line}` });
  return `[${label}](${uri.toString()})`;
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

export function provenanceMarkdown(f: FieldProvenance): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${code(f.path)}** of ${f.object}`);
  if (f.value !== undefined) md.appendMarkdown(` = ${code(f.value.length > 120 ? `${f.value.slice(0, 117)}…` : f.value)}`);
  if (f.secret) md.appendMarkdown(' (Secret data: value not shown)');
  md.appendMarkdown('\n\n');
  const lines: string[] = [];
  if (f.origin) lines.push(`- written in ${linkTo(f.origin)}`);
  else lines.push('- added by kustomize');
  for (const h of f.history) lines.push(`- then **${h.op}**${h.detail ? ` (${code(h.detail)})` : ''}${h.at ? ` at ${linkTo(h.at)}` : ' (by kustomize itself)'}`);
  md.appendMarkdown(lines.join('\n'));
  if (f.setBy && f.history.length) md.appendMarkdown(`\n\nSet by ${linkTo(f.setBy)} · Go to Definition opens it`);
  return md;
}

export function affectsMarkdown(fields: AffectedField[]): vscode.MarkdownString {
  const overlays = [...new Set(fields.map((f) => f.overlay))];
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**This line affects ${overlays.length} overlay${overlays.length === 1 ? '' : 's'}, ${fields.length} field${fields.length === 1 ? '' : 's'}**\n\n`);
  const shown = fields.slice(0, 20);
  md.appendMarkdown(
    shown.map((f) => `- ${vscode.workspace.asRelativePath(f.overlay, false)}: ${f.object} ${code(f.path)} (${f.how})`).join('\n'),
  );
  if (fields.length > shown.length) md.appendMarkdown(`\n- … and ${fields.length - shown.length} more`);
  return md;
}

/**
 * Provenance in the editor: on a rendered view, a hover tells where the field under the cursor was written and what
 * changed it, and Go to Definition opens the line that set it; on a source file, a hover says which overlays and
 * rendered fields the line affects.
 */
export class ProvenanceProviders implements vscode.HoverProvider, vscode.DefinitionProvider {
  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (doc.uri.scheme === SCHEME) {
      const f = engine().provenanceAt(doc.uri.toString(), pos.line + 1);
      return f ? new vscode.Hover(provenanceMarkdown(f), doc.lineAt(pos.line).range) : undefined;
    }
    if (doc.uri.scheme !== 'file' || doc.lineAt(pos.line).isEmptyOrWhitespace) return undefined;
    const fields = await engine().affects(doc.uri.fsPath, pos.line + 1, {
      buffers: dirtyBuffers(),
      kustomize: settings.kustomize(),
      trusted: settings.trusted(),
    });
    if (token.isCancellationRequested || !fields.length) return undefined;
    return new vscode.Hover(affectsMarkdown(fields), doc.lineAt(pos.line).range);
  }

  provideDefinition(doc: vscode.TextDocument, pos: vscode.Position): vscode.Location | undefined {
    if (doc.uri.scheme !== SCHEME) return undefined;
    const f = engine().provenanceAt(doc.uri.toString(), pos.line + 1);
    if (!f?.setBy) return undefined;
    return new vscode.Location(vscode.Uri.file(f.setBy.file), new vscode.Position(f.setBy.line - 1, 0));
  }
}
