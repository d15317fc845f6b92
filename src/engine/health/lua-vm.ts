/**
 * A real Lua VM (wasmoon: Lua 5.4 compiled to WebAssembly) for custom health checks (HLT-13). The module is loaded
 * lazily, the first time an argocd-cm actually carries a script, and one engine is reused for every run.
 *
 * Runs are synchronous: the chunk is loaded and called on the engine's main thread with `runSync`, and every value it
 * leaves is popped (wasmoon's async `doString` leaves results on the main stack and corrupts memory after a few dozen
 * calls). The 1 s timeout is enforced inside Lua by a count hook (see lua-runner.lua.ts), so a runaway script cannot
 * block the process. The object is handed over as a Lua table constructor, so it is a plain Lua table exactly like
 * gopher-lua's decoded value (JSON null becomes nil, arrays are 1-based).
 */
import type { KubeObject } from '../kube/index.ts';
import { LUA_RUNNER } from './lua-runner.lua.ts';
import type { HealthStatus } from './types.ts';

interface WasmoonEngine {
  global: {
    getTop(): number;
    setTop(index: number): void;
    loadString(code: string, name?: string): void;
    runSync(argCount?: number): unknown[];
  };
}

/** Argo CD's Lua timeout. */
export const LUA_TIMEOUT_MS = 1000;

let vmPromise: Promise<LuaVm> | undefined;

/** The shared VM, created on first use. */
export function loadLuaVm(): Promise<LuaVm> {
  if (!vmPromise) {
    vmPromise = LuaVm.create().catch((err) => {
      vmPromise = undefined;
      throw err;
    });
  }
  return vmPromise;
}

/** The VM if it is already loaded (lets synchronous callers use it without awaiting). */
let loadedVm: LuaVm | undefined;
export function loadedLuaVm(): LuaVm | undefined {
  return loadedVm;
}

export class LuaVm {
  private constructor(private engine: WasmoonEngine) {}

  static async create(): Promise<LuaVm> {
    const { LuaFactory } = await import('wasmoon');
    // No host environment variables reach the VM.
    const factory = new LuaFactory(undefined, {});
    const engine = (await factory.createEngine({ openStandardLibs: true, injectObjects: false, enableProxy: false })) as unknown as WasmoonEngine;
    const vm = new LuaVm(engine);
    vm.exec(LUA_RUNNER);
    loadedVm = vm;
    return vm;
  }

  private exec(code: string): unknown[] {
    const g = this.engine.global;
    const top = g.getTop();
    try {
      g.loadString(code);
      return [...g.runSync()];
    } finally {
      g.setTop(top);
    }
  }

  /**
   * Runs a health script against an object. Script errors, timeouts and malformed results come back as Unknown
   * with the message, exactly where Argo reports Unknown; nil and empty results come back with status ''.
   */
  runHealthScript(script: string, obj: KubeObject, useOpenLibs: boolean, timeoutMs = LUA_TIMEOUT_MS): HealthStatus {
    let out: unknown[];
    try {
      const chunk = `return __gs_health(${luaString(script)}, ${luaValue(obj, 0)}, ${useOpenLibs ? 'true' : 'false'}, ${timeoutMs / 1000})`;
      out = this.exec(chunk);
    } catch (err) {
      // A failure of the VM itself (out of memory, a too-deep object): report it and start afresh next time.
      vmPromise = undefined;
      loadedVm = undefined;
      return { status: 'Unknown', message: `Lua health check failed: ${(err as Error).message.split('\n')[0]}` };
    }
    const [kind, a, b] = out as [string, string | undefined, string | undefined];
    switch (kind) {
      case 'ok':
        return { status: a as HealthStatus['status'], message: b ?? '' };
      case 'empty':
        return { status: '', message: '' };
      case 'invalid':
        return { status: 'Unknown', message: 'Lua returned an invalid health status' };
      default:
        return { status: 'Unknown', message: a ?? 'Lua health check failed' };
    }
  }
}

/** A Lua string literal: quotes, backslashes and control characters escaped; other characters stay UTF-8. */
export function luaString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += `\\${String(c).padStart(3, '0')}`;
    else out += s[i];
  }
  return out + '"';
}

function luaNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? 'math.huge' : n < 0 ? '-math.huge' : '(0/0)';
  // gopher-lua numbers are float64; make sure Lua 5.4 reads a float, not an integer that might overflow.
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** A JSON value as a Lua expression; JSON null (and undefined) become nil. */
function luaValue(v: unknown, depth: number): string {
  if (depth > 180) throw new Error('object nests too deeply for the Lua VM');
  if (v === null || v === undefined) return 'nil';
  switch (typeof v) {
    case 'string':
      return luaString(v);
    case 'number':
      return luaNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `${v.toString()}.0`;
    case 'object': {
      // gopher-lua's Append skips nil, so a JSON null inside a list closes the gap.
      if (Array.isArray(v)) return `{${v.filter((x) => x !== null && x !== undefined).map((x) => luaValue(x, depth + 1)).join(',')}}`;
      const parts: string[] = [];
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === null || x === undefined) continue;
        parts.push(`[${luaString(k)}]=${luaValue(x, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return 'nil';
  }
}
