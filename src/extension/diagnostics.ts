import * as vscode from 'vscode';
import type { Problem } from './engine/api.ts';

/**
 * The Problems panel. Several owners report problems (the YAML check of an open file, the render of each overlay or
 * app being watched, later the apps and plan checks); a file shows the union of what every owner says about it,
 * without duplicates, and an owner's report replaces its previous one.
 */
export class Diagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('gitops-sandbox');
  /** owner → (file → diagnostics) */
  private readonly byOwner = new Map<string, Map<string, vscode.Diagnostic[]>>();

  set(owner: string, problems: Problem[], fallback?: vscode.Uri): void {
    const before = this.byOwner.get(owner);
    const next = new Map<string, vscode.Diagnostic[]>();
    for (const p of problems) {
      if (p.code === 'unavailable') continue; // a missing engine piece is said in the view, not as a problem
      const uri = p.file ? vscode.Uri.file(p.file) : fallback;
      if (!uri) continue;
      const key = uri.toString();
      const list = next.get(key) ?? [];
      list.push(toDiagnostic(p));
      next.set(key, list);
    }
    if (next.size) this.byOwner.set(owner, next);
    else this.byOwner.delete(owner);
    const touched = new Set([...(before?.keys() ?? []), ...next.keys()]);
    for (const key of touched) this.publish(key);
  }

  /** Diagnostics on one of our own documents (a rendered view), owned by it alone. */
  setOn(uri: vscode.Uri, diagnostics: vscode.Diagnostic[]): void {
    this.collection.set(uri, diagnostics);
  }

  clear(owner: string): void {
    this.set(owner, []);
  }

  owners(): string[] {
    return [...this.byOwner.keys()];
  }

  private publish(key: string): void {
    const seen = new Set<string>();
    const all: vscode.Diagnostic[] = [];
    for (const files of this.byOwner.values()) {
      for (const d of files.get(key) ?? []) {
        const id = `${d.range.start.line}:${d.range.start.character}:${d.message}`;
        if (seen.has(id)) continue;
        seen.add(id);
        all.push(d);
      }
    }
    const uri = vscode.Uri.parse(key);
    if (all.length) this.collection.set(uri, all);
    else this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

const SEVERITY: Record<Problem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toDiagnostic(p: Problem): vscode.Diagnostic {
  const line = Math.max(0, (p.line ?? 1) - 1);
  const col = Math.max(0, (p.column ?? 1) - 1);
  // Without a column the whole line is marked; with one, from there to the end of the line.
  const range = new vscode.Range(line, p.column ? col : 0, line, Number.MAX_SAFE_INTEGER);
  const d = new vscode.Diagnostic(range, p.message, SEVERITY[p.severity]);
  // Shown as "gitops-sandbox(yaml)": who found it, and what kind of problem.
  d.source = 'gitops-sandbox';
  d.code = p.code && p.code !== 'error' ? p.code : p.source;
  return d;
}
