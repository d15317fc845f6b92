import * as vscode from 'vscode';

export const REPORT_SCHEME = 'gitops-sandbox-report';

/**
 * Read-only report documents (the all-apps diff): virtual, so closing one never asks to save it, and the user can
 * still copy it into a PR or open its markdown preview.
 */
export class Reports implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  /** Stores a report under a stable name (a second report of the same name replaces the first). */
  put(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}` });
    const had = this.texts.has(uri.toString());
    this.texts.set(uri.toString(), text);
    if (had) this.emitter.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}
