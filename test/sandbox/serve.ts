/**
 * Starts `gitops-sandbox sandbox serve` from the sources in a child process for a test, and runs kubectl against
 * the kubeconfig it writes. Everything is torn down by `stop()`, which tests register with `t.after`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** tsx by absolute URL, so the server can run in any working directory. */
const TSX = import.meta.resolve('tsx');

export interface Served {
  url: string;
  dir: string;
  kubeconfig: string;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Why kubectl cannot be used here, or undefined when it can. */
export async function kubectlMissing(): Promise<string | undefined> {
  return new Promise((done) => {
    execFile('kubectl', ['version', '--client', '--output=json'], { timeout: 20000 }, (err) => done(err ? `kubectl not found: ${err.message.split('\n')[0]}` : undefined));
  });
}

export async function serve(args: string[] = [], dir?: string, opts: { kubeconfigFlag?: boolean } = {}): Promise<Served> {
  const work = dir ?? mkdtempSync(join(tmpdir(), 'gitops-sandbox-serve-'));
  const kubeconfig = opts.kubeconfigFlag === false ? join(work, 'sandbox.kubeconfig') : join(work, 'kubeconfig');
  const kcArgs = opts.kubeconfigFlag === false ? [] : ['--kubeconfig', kubeconfig];
  const proc = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'sandbox', 'serve', ...kcArgs, ...args], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((done) => proc.once('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`sandbox serve did not start:\n${out}`)), 60000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && out.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        done(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', () => {
      clearTimeout(timer);
      fail(new Error(`sandbox serve exited:\n${out}`));
    });
  });
  let stopped: Promise<number | null> | undefined;
  return {
    url,
    dir: work,
    kubeconfig,
    proc,
    output: () => out,
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!stopped) {
        if (proc.exitCode === null) proc.kill(signal);
        const force = setTimeout(() => proc.kill('SIGKILL'), 15000);
        stopped = exited.finally(() => {
          clearTimeout(force);
          if (!dir) rmSync(work, { recursive: true, force: true });
        });
      }
      return stopped;
    },
  };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl against a served sandbox, with its own discovery cache. */
export function kubectl(s: Served, args: string[], input?: string, timeoutMs = 60000): Promise<Run> {
  return new Promise((done) => {
    const child = execFile('kubectl', ['--kubeconfig', s.kubeconfig, '--cache-dir', join(s.dir, 'cache'), ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code as number) : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) {
      child.stdin!.end(input);
    }
  });
}
