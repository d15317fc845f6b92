/** HLT-2: one object's health, in Argo CD's evaluation order. */
import { argocd, gvkOf, type KubeObject } from '../kube/index.ts';
import { builtinLuaHealth } from './builtin-lua.ts';
import { goHealth, hasGoHealthCheck } from './builtin-go.ts';
import { loadLuaVm, type LuaVm } from './lua-vm.ts';
import { chooseHealthScript, hasLuaScripts, type HealthOverrides } from './overrides.ts';
import type { HealthStatus } from './types.ts';

/**
 * Judges health with a fixed set of overrides. Create it with `HealthChecker.create` (which loads the Lua VM only
 * when an override carries a script); `health()` is then synchronous.
 */
export class HealthChecker {
  readonly overrides: HealthOverrides;
  private readonly vm: LuaVm | undefined;

  private constructor(overrides: HealthOverrides, vm: LuaVm | undefined) {
    this.overrides = overrides;
    this.vm = vm;
  }

  static async create(overrides?: HealthOverrides): Promise<HealthChecker> {
    const o = overrides ?? new Map();
    return new HealthChecker(o, hasLuaScripts(o) ? await loadLuaVm() : undefined);
  }

  /** A checker with no custom scripts: built-in checks only, no Lua VM. */
  static builtin(): HealthChecker {
    return new HealthChecker(new Map(), undefined);
  }

  /** Whether any check (override script, built-in script, Go check) judges this object's kind. */
  hasCheck(obj: KubeObject): boolean {
    const gvk = gvkOf(obj);
    return chooseHealthScript(obj, this.overrides, gvk) !== undefined || hasGoHealthCheck(obj, gvk);
  }

  /**
   * The object's health, or undefined when Argo has no check for it (HLT-2 step 4): such objects are left out of
   * app health and, as hooks, succeed at once (HOOK-6).
   */
  health(obj: KubeObject): HealthStatus | undefined {
    // 1. Being deleted (and not held by the hook finalizer).
    if (obj.metadata?.deletionTimestamp && !argocd.hasHookFinalizer(obj)) return { status: 'Progressing', message: 'Pending deletion' };
    // 2. A Lua script: an argocd-cm override beats everything, then Argo's built-in scripts.
    const gvk = gvkOf(obj);
    const choice = chooseHealthScript(obj, this.overrides, gvk);
    if (choice?.source === 'override') {
      if (!this.vm) throw new Error('HealthChecker: the Lua VM is not loaded (use HealthChecker.create)');
      const result = this.vm.runHealthScript(choice.script, obj, choice.useOpenLibs);
      return gvk.group === '' && gvk.kind === 'Secret' ? maskSecretValues(result, obj) : result;
    }
    if (choice?.source === 'builtin') return builtinLuaHealth(obj, gvk);
    // 3. gitops-engine's Go checks.
    return goHealth(obj, gvk);
  }
}

/** One-off convenience: the health of an object under these overrides. */
export async function resourceHealth(obj: KubeObject, overrides?: HealthOverrides): Promise<HealthStatus | undefined> {
  return (await HealthChecker.create(overrides)).health(obj);
}

/**
 * A custom check on a Secret sees its values (as in Argo CD), but whatever it puts in the message must not carry
 * them out of the engine: every data / stringData value, encoded or decoded, is masked.
 */
function maskSecretValues(h: HealthStatus, secret: KubeObject): HealthStatus {
  if (!h.message) return h;
  const values = new Set<string>();
  for (const field of ['data', 'stringData'] as const) {
    const m = secret[field];
    if (!m || typeof m !== 'object') continue;
    for (const v of Object.values(m as Record<string, unknown>)) {
      if (typeof v !== 'string' || v === '') continue;
      values.add(v);
      if (field === 'data') {
        const decoded = Buffer.from(v, 'base64').toString('utf8');
        if (decoded) values.add(decoded);
      }
    }
  }
  let message = h.message;
  // Longest first, so a value that contains another is masked whole.
  for (const v of [...values].sort((a, b) => b.length - a.length)) message = message.split(v).join('********');
  return { ...h, message };
}
