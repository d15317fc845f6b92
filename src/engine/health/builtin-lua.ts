/**
 * HLT-12: the kinds Argo CD (not gitops-engine) ships Lua health checks for, re-implemented from the reference's
 * description: batch CronJob, apiextensions.k8s.io CustomResourceDefinition and policy PodDisruptionBudget (any
 * version). Argo runs them with gopher-lua, so the Lua semantics that decide outcomes are kept: nil fields, string
 * comparison of timestamps, and the runtime errors a malformed object raises (then Unknown with that error).
 */
import { gvkOf, type GVK, type KubeObject } from '../kube/index.ts';
import { HealthCheckError, type HealthStatus } from './types.ts';

/** A Lua value as decoded from JSON: null and undefined are both nil. */
type LuaValue = unknown;

function luaType(v: LuaValue): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'object') return 'table';
  return typeof v;
}

function isNil(v: LuaValue): boolean {
  return v === undefined || v === null;
}

/** `v.key` as gopher-lua evaluates it; indexing nil, a number or a boolean is a runtime error. */
function index(v: LuaValue, key: string, line: number): LuaValue {
  if (v && typeof v === 'object' && !Array.isArray(v)) return (v as Record<string, unknown>)[key];
  if (Array.isArray(v)) return undefined;
  // Strings have the string library as metatable in these scripts (built-ins run with the open libraries).
  if (typeof v === 'string') return undefined;
  throw new HealthCheckError(`<string>:${line}: attempt to index a non-table object(${luaType(v)}) with key '${key}'`);
}

function concat(prefix: string, v: LuaValue, line: number): string {
  if (typeof v === 'string') return prefix + v;
  if (typeof v === 'number') return prefix + luaNumberString(v);
  throw new HealthCheckError(`<string>:${line}: cannot perform concat operation between string and ${luaType(v)}`);
}

/** gopher-lua prints numbers with `%.14g`. */
function luaNumberString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  return String(Number(n.toPrecision(14)));
}

/** Lua's `#` / table.getn on a decoded JSON value. */
function length(v: LuaValue, line: number, fn = ''): number {
  if (Array.isArray(v)) return v.length;
  if (v && typeof v === 'object') return 0;
  if (typeof v === 'string' && !fn) return Buffer.byteLength(v);
  if (fn) throw new HealthCheckError(`<string>:${line}: bad argument #1 to ${fn} (table expected, got ${luaType(v)})`);
  throw new HealthCheckError(`<string>:${line}: attempt to get length of a ${luaType(v)} value`);
}

/** Lua `<` between two values: numbers numerically, strings byte-wise, anything else an error. */
function lessThan(a: LuaValue, b: LuaValue, line: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
  throw new HealthCheckError(`<string>:${line}: attempt to compare ${luaType(a)} with ${luaType(b)}`);
}

/** Elements a Lua `ipairs`/`pairs` loop over a decoded JSON list visits (a JSON object has no array part). */
function elements(v: LuaValue, line: number, fn: string): LuaValue[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') return fn === 'pairs' ? Object.values(v) : [];
  throw new HealthCheckError(`<string>:${line}: bad argument #1 to ${fn} (table expected, got ${luaType(v)})`);
}

function cronJobHealth(obj: KubeObject): HealthStatus {
  if (index(index(obj, 'spec', 3), 'suspend', 3) === true) {
    // Healthy on purpose (argo-cd#24428), not Suspended.
    return { status: 'Healthy', message: 'CronJob is Suspended' };
  }
  const status = index(obj, 'status', 11);
  if (!isNil(status)) {
    const lastSchedule = index(status, 'lastScheduleTime', 12);
    if (!isNil(lastSchedule)) {
      const lastSuccess = index(status, 'lastSuccessfulTime', 15);
      if (isNil(lastSuccess)) return { status: 'Healthy', message: 'The CronJob never completed successfully. It may not be healthy' };
      const active = index(status, 'active', 27);
      if (!isNil(active) && length(active, 27, 'getn') > 0) {
        return { status: 'Healthy', message: 'The job is running. Its last execution may not have been successful' };
      }
      // Timestamps compared as strings, as the script does.
      if (lessThan(lastSuccess, lastSchedule, 35)) return { status: 'Degraded', message: 'CronJob has not completed its last execution successfully' };
      return { status: 'Healthy', message: 'CronJob has completed its last execution successfully' };
    }
    return { status: 'Healthy', message: 'CronJob has not been scheduled yet' };
  }
  return { status: 'Progressing', message: 'Waiting for CronJob' };
}

function crdHealth(obj: KubeObject): HealthStatus {
  if (!isNil(index(index(obj, 'metadata', 4), 'deletionTimestamp', 4))) return { status: 'Progressing', message: 'CRD is terminating' };
  const conditions = index(index(obj, 'status', 10), 'conditions', 10);
  if (isNil(conditions)) return { status: 'Progressing', message: 'Status conditions not found' };
  if (length(conditions, 16) === 0) return { status: 'Progressing', message: 'Status conditions not found' };
  let established = false;
  for (const c of elements(conditions, 25, 'pairs')) {
    const type = index(c, 'type', 28);
    const status = index(c, 'status', 28);
    if (type === 'Terminating' && status === 'True') {
      return { status: 'Progressing', message: concat('CRD is terminating: ', index(c, 'message', 30), 30) };
    }
    if (type === 'NamesAccepted' && status === 'False') {
      return { status: 'Degraded', message: concat('CRD names have not been accepted: ', index(c, 'message', 37), 37) };
    }
    if (type === 'NonStructuralSchema' && status === 'True') {
      return { status: 'Degraded', message: concat('Schema violations found: ', index(c, 'message', 44), 44) };
    }
    if (type === 'Established') {
      if (status === 'True') established = true;
      else if (index(c, 'reason', 53) === 'Installing') return { status: 'Progressing', message: 'CRD is being installed' };
    }
  }
  if (!established) return { status: 'Degraded', message: 'CRD is not established' };
  return { status: 'Healthy', message: 'CRD is healthy' };
}

function pdbHealth(obj: KubeObject): HealthStatus {
  let result: HealthStatus = { status: 'Progressing', message: 'Waiting for status' };
  const status = index(obj, 'status', 7);
  if (!isNil(status)) {
    const conditions = index(status, 'conditions', 8);
    if (!isNil(conditions)) {
      for (const c of elements(conditions, 9, 'ipairs')) {
        const reason = index(c, 'reason', 12);
        if (index(c, 'status', 12) === 'False' && reason !== 'InsufficientPods') {
          return { status: 'Degraded', message: concat('PodDisruptionBudget has ', reason, 14) };
        }
        result = { status: 'Healthy', message: concat('PodDisruptionBudget has ', reason, 18) };
      }
    }
  }
  return result;
}

const BUILTIN_LUA: Record<string, (obj: KubeObject) => HealthStatus> = {
  'batch/CronJob': cronJobHealth,
  'apiextensions.k8s.io/CustomResourceDefinition': crdHealth,
  'policy/PodDisruptionBudget': pdbHealth,
};

/** The override key (`group/Kind`, or `Kind` for core) of the built-in script for this object, if Argo ships one. */
export function builtinLuaKey(obj: KubeObject, gvk: GVK = gvkOf(obj)): string | undefined {
  const key = gvk.group ? `${gvk.group}/${gvk.kind}` : gvk.kind;
  return key in BUILTIN_LUA ? key : undefined;
}

/** The verdict of Argo's built-in Lua check, or undefined when it ships none for this kind. */
export function builtinLuaHealth(obj: KubeObject, gvk?: GVK): HealthStatus | undefined {
  const key = builtinLuaKey(obj, gvk);
  if (!key) return undefined;
  try {
    return BUILTIN_LUA[key]!(obj);
  } catch (err) {
    if (err instanceof HealthCheckError) return { status: 'Unknown', message: err.message };
    throw err;
  }
}
