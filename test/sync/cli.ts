/** Runs `gitops-sandbox` in process with captured output (and, for the Ctrl-C test, a signal of the test's own). */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../src/cli/run.ts';
import { commands } from '../../src/cli/commands/index.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function cli(args: string[], opts: { cwd?: string; isTTY?: boolean; signal?: AbortSignal; onOut?: (text: string) => void } = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(args, commands, {
    out: (t) => {
      out += t;
      opts.onOut?.(t);
    },
    err: (t) => void (err += t),
    isTTY: opts.isTTY ?? false,
    signal: opts.signal ?? new AbortController().signal,
    cwd: opts.cwd ?? process.cwd(),
  });
  return { code, out, err };
}

/**
 * A scratch folder outside this repository (so no argocd-cm of ours is picked up) holding a copy of the `shop`
 * fixture app and whatever extra files a test writes.
 */
export function scratch(files: Record<string, string> = {}, withShop = true): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sync-cli-'));
  if (withShop) cpSync(new URL('./shop', import.meta.url), join(dir, 'shop'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
