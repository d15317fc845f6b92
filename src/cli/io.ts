/** Where a command writes; tests pass their own to capture output without spawning a process. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (progress bars, colours). */
  isTTY: boolean;
  /** Aborted on Ctrl-C; long commands stop between steps and report what they did. */
  signal: AbortSignal;
  cwd: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
