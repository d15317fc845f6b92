/**
 * jqPathExpressions run through real jq (jq 1.7, compiled to WebAssembly by the `jq-wasm` package). Argo CD uses
 * gojq with a 1 s timeout; we run jq in a worker thread so that a runaway expression is stopped the same way
 * instead of hanging the editor or the CLI.
 *
 * jq-wasm's wrapper cannot run more than a few hundred programs on one instance (its argument strings pile up on
 * the WebAssembly stack), so the worker makes a fresh instance every RECYCLE runs. The worker's own stdout and
 * stderr are captured and dropped: jq reports errors with values from the input, which may be Secret data.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

export const DEFAULT_JQ_TIMEOUT_MS = 1000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
console.log = console.error = console.warn = console.info = () => {};
const factory = require(workerData.jqPath);
const RECYCLE = 64;
let inst, runs = 0;
parentPort.on('message', async ({ id, input, filter }) => {
  try {
    if (!inst || runs >= RECYCLE) { inst = await factory(); runs = 0; }
    runs++;
    const out = await inst.raw(input, filter, ['-c']);
    parentPort.postMessage({ id, out });
  } catch (e) {
    inst = undefined;
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});
`;

function jqModulePath(): string {
  const req = typeof require === 'function' ? require : createRequire(import.meta.url);
  return req.resolve('jq-wasm/dist/build/jq.js');
}

export interface JqResult {
  /** Each output value, parsed. */
  values?: unknown[];
  /** Why it failed: compile error, runtime error or timeout. May quote the input: never show it for a Secret. */
  error?: string;
  timedOut?: boolean;
}

type Pending = { resolve: (r: JqResult) => void; timer: NodeJS.Timeout };

/** One worker, started on first use and stopped when idle so the process can exit. */
class JqWorker {
  private worker?: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { jqPath: jqModulePath() }, stdout: true, stderr: true });
    w.stdout.resume();
    w.stderr.resume();
    w.on('message', (m: { id: number; out?: string; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error !== undefined) p.resolve({ error: m.error });
      else {
        try {
          const text = (m.out ?? '').trim();
          p.resolve({ values: text ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown) : [] });
        } catch {
          p.resolve({ error: 'jq printed output that is not JSON' });
        }
      }
      if (!this.pending.size) w.unref();
    });
    w.on('error', (err) => {
      if (this.worker === w) this.fail(`jq worker failed: ${err.message}`);
    });
    w.on('exit', () => {
      // An old worker thrown away after a timeout exits later; its requests were already answered.
      if (this.worker !== w) return;
      this.worker = undefined;
      this.fail('jq worker stopped');
    });
    this.worker = w;
    return w;
  }

  private fail(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ error: message });
      this.pending.delete(id);
    }
    this.worker?.unref();
  }

  run(input: unknown, filter: string, timeoutMs: number): Promise<JqResult> {
    const w = this.start();
    w.ref();
    const id = this.nextId++;
    return new Promise<JqResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // A program that does not finish cannot be interrupted inside WebAssembly: the worker is thrown away.
        this.worker = undefined;
        void w.terminate();
        this.fail('jq worker restarted after a timeout');
        resolve({ error: `jq expression timed out after ${timeoutMs} ms`, timedOut: true });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      w.postMessage({ id, input: JSON.stringify(input), filter });
    });
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

const shared = new JqWorker();

/** Runs `filter` on `input` with jq; resolves with every output value, or with an error. Never rejects. */
export function runJq(input: unknown, filter: string, timeoutMs = DEFAULT_JQ_TIMEOUT_MS): Promise<JqResult> {
  return shared.run(input, filter, timeoutMs);
}

/** Stops the jq worker (tests and long-lived hosts that want a clean exit). */
export function stopJq(): Promise<void> {
  return shared.stop();
}
