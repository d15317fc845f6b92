import * as vscode from 'vscode';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The "GitOps Sandbox" output channel: what ran, on what, how long it took, and what failed. Callers pass
 * descriptions and located messages only; rendered content, and so Secret data, is never logged.
 */
let channel: vscode.LogOutputChannel | undefined;

export function initLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('GitOps Sandbox', { log: true });
  return channel;
}

/** The e2e run keeps the channel's lines as an artifact (the same lines, so no Secret value either). */
const e2eFile = process.env.GITOPS_SANDBOX_E2E_OUT ? join(process.env.GITOPS_SANDBOX_E2E_OUT, 'extension-output.log') : undefined;

function toFile(level: string, m: string): void {
  if (!e2eFile) return;
  try {
    appendFileSync(e2eFile, `${new Date().toISOString()} [${level}] ${m}\n`);
  } catch {
    // the artifact folder is gone: nothing to keep
  }
}

export const log = {
  info: (m: string) => (channel?.info(m), toFile('info', m)),
  warn: (m: string) => (channel?.warn(m), toFile('warn', m)),
  error: (m: string) => (channel?.error(m), toFile('error', m)),
  show: () => channel?.show(true),
};
