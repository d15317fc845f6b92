import type * as vscode from 'vscode';

/** Activation does nothing heavy: every engine piece is loaded on first use. */
export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
