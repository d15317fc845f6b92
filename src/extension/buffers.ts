import * as vscode from 'vscode';

/** The unsaved editor buffers, absolute path → text: what the engine lays over the working tree. */
export function dirtyBuffers(): Map<string, string> {
  const out = new Map<string, string>();
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.scheme === 'file' && doc.isDirty) out.set(doc.uri.fsPath, doc.getText());
  }
  return out;
}
