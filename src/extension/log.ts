import * as vscode from 'vscode';

/**
 * The "GitOps Sandbox" output channel: what ran, on what, how long it took, and what failed. Callers pass
 * descriptions and located messages only; rendered content, and so Secret data, is never logged.
 */
let channel: vscode.LogOutputChannel | undefined;

export function initLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('GitOps Sandbox', { log: true });
  return channel;
}

export const log = {
  info: (m: string) => channel?.info(m),
  warn: (m: string) => channel?.warn(m),
  error: (m: string) => channel?.error(m),
  show: () => channel?.show(true),
};
