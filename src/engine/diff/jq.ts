/**
 * jqPathExpressions run through real jq (jq 1.7, compiled to WebAssembly by the `jq-wasm` package). Argo CD uses
 * gojq with a 1 s timeout; we run jq in a worker thread and wait for it synchronously (Atomics.wait), so that the
 * diff pipeline stays synchronous for its callers (the sync planner asks "Modified?" object by object) and a
 * runaway expression is stopped after the timeout instead of hanging the editor or the CLI.
 *
 * jq-wasm's wrapper cannot run more than a few hundred programs on one instance (its argument strings pile up on
 * the WebAssembly stack), so the worker makes a fresh instance every RECYCLE runs. The worker's own stdout and
 * stderr are captured and dropped: jq reports errors with values from the input, which may be Secret data.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { createRequire } from 'node:module';

export const DEFAULT_JQ_TIMEOUT_MS = 1000;
const BOOT_TIMEOUT_MS = 30_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
console.log = console.error = console.warn = console.info = () => {};
const { port, flag } = workerData;
const signal = (v) => { Atomics.store(flag, 0, v); Atomics.notify(flag, 0); };
let factory;
try { factory = require(workerData.jqPath); } catch (e) { port.postMessage({ error: 'jq-wasm is not installed' }); signal(1); }
const RECYCLE = 64;
let inst, runs = 0;
port.on('message', async ({ input, filter }) => {
  try {
    if (!inst || runs >= RECYCLE) { inst = await factory(); runs = 0; }
    runs++;
    const out = await inst.raw(input, filter, ['-c']);
    port.postMessage({ out });
  } catch (e) {
    inst = undefined;
    port.postMessage({ error: String((e && e.message) || e) });
  }
  signal(1);
});
if (factory) { factory().then((i) => { inst = i; port.postMessage({ ready: true }); signal(1); }, (e) => { port.postMessage({ error: String(e) }); signal(1); }); }
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

interface Running {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

let running: Running | undefined;

function wait(r: Running, timeoutMs: number): { message?: { out?: string; error?: string; ready?: boolean }; timedOut: boolean } {
  const res = Atomics.wait(r.flag, 0, 0, timeoutMs);
  const got = receiveMessageOnPort(r.port);
  if (got) return { message: got.message as { out?: string; error?: string }, timedOut: false };
  return { timedOut: res === 'timed-out' };
}

function start(): Running | string {
  if (running) return running;
  let jqPath: string;
  try {
    jqPath = jqModulePath();
  } catch {
    return 'jq-wasm is not installed';
  }
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { jqPath, port: port2, flag }, transferList: [port2], stdout: true, stderr: true });
  worker.unref();
  worker.on('error', () => {});
  port1.unref();
  const r: Running = { worker, port: port1, flag };
  const boot = wait(r, BOOT_TIMEOUT_MS);
  if (!boot.message?.ready) {
    void worker.terminate();
    return boot.message?.error ?? 'jq did not start';
  }
  running = r;
  return r;
}

/** Runs `filter` on `input` with jq, blocking until it finishes or times out. Never throws. */
export function runJq(input: unknown, filter: string, timeoutMs = DEFAULT_JQ_TIMEOUT_MS): JqResult {
  const r = start();
  if (typeof r === 'string') return { error: r };
  Atomics.store(r.flag, 0, 0);
  r.port.postMessage({ input: JSON.stringify(input), filter });
  const { message, timedOut } = wait(r, timeoutMs);
  if (!message) {
    // A program that does not finish cannot be interrupted inside WebAssembly: the worker is thrown away.
    running = undefined;
    void r.worker.terminate();
    return timedOut ? { error: `jq expression timed out after ${timeoutMs} ms`, timedOut: true } : { error: 'jq stopped' };
  }
  if (message.error !== undefined) return { error: message.error };
  try {
    const text = (message.out ?? '').trim();
    return { values: text ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown) : [] };
  } catch {
    return { error: 'jq printed output that is not JSON' };
  }
}

/** Stops the jq worker (tests and long-lived hosts that want a clean exit; it is unref'd anyway). */
export async function stopJq(): Promise<void> {
  const r = running;
  running = undefined;
  if (r) await r.worker.terminate();
}
