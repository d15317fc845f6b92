import { commands } from './commands/index.ts';
import { runCli } from './run.ts';

const controller = new AbortController();
let interrupted = 0;
process.on('SIGINT', () => {
  // First Ctrl-C asks the running command to stop cleanly and report; a second one leaves at once.
  if (++interrupted > 1) process.exit(130);
  controller.abort(new Error('cancelled by the user (Ctrl-C)'));
});
process.on('SIGTERM', () => controller.abort(new Error('terminated')));

const code = await runCli(process.argv.slice(2), commands, {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
  signal: controller.signal,
  cwd: process.cwd(),
});
// Let stdout drain before leaving: a piped render of many megabytes must arrive whole.
process.stdout.write('', () => process.exit(code));
