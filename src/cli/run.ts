import { isGitOpsError } from '../engine/errors/index.ts';
import { UsageError, type CliIO, type Command } from './io.ts';

function help(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'gitops-sandbox: see what a GitOps change will do (render, provenance, diff, sync preview, sandbox sync)',
    '',
    'Usage: gitops-sandbox <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `gitops-sandbox <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

/**
 * Runs one CLI invocation and returns its exit code. A user's mistake prints `file:line:col: message` on stderr; a
 * bug of ours prints its stack only when GITOPS_SANDBOX_DEBUG is set.
 */
export async function runCli(argv: string[], commands: Command[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help(commands));
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out(`${process.env.GITOPS_SANDBOX_VERSION ?? '0.1.0'}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`gitops-sandbox: unknown command "${name}"\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${cmd.usage}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`gitops-sandbox ${cmd.name}: ${err.message}\n\n${cmd.usage}\n`);
      return 2;
    }
    if (isGitOpsError(err)) {
      io.err(`${err.toString()}\n`);
      return 1;
    }
    const e = err as Error & { code?: string };
    if (e?.name === 'SourceError') {
      io.err(`${e.message}\n`);
      return 1;
    }
    io.err(`gitops-sandbox ${cmd.name}: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.GITOPS_SANDBOX_DEBUG) io.err(`${e?.stack ?? ''}\n`);
    return 2;
  }
}
