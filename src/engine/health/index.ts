/**
 * Health as Argo CD judges it (HLT-1..HLT-14): gitops-engine's built-in checks, the Lua checks Argo CD ships for
 * CronJob, CRD and PodDisruptionBudget (re-implemented), custom Lua checks from an argocd-cm run in a real Lua VM,
 * and the application-level aggregation.
 */
export { HEALTH_ORDER, isWorse, isHealthStatusCode, type HealthStatus, type HealthStatusCode } from './types.ts';
export { HealthChecker, resourceHealth } from './resource-health.ts';
export { goHealth, hasGoHealthCheck } from './builtin-go.ts';
export { builtinLuaHealth } from './builtin-lua.ts';
export {
  parseHealthOverrides,
  chooseHealthScript,
  configMapKey,
  hasLuaScripts,
  type HealthOverride,
  type HealthOverrides,
  type ScriptChoice,
  type ConfigMapSource,
} from './overrides.ts';
export { readArgoCdConfigMap, findArgoCdConfigMap, type ArgoCdConfigMap } from './argocd-cm.ts';
export { aggregateAppHealth, formatHealthCauses, type AppHealth, type AppHealthOptions, type ManagedResource, type ResourceHealthResult } from './app-health.ts';
export { loadLuaVm, LUA_TIMEOUT_MS } from './lua-vm.ts';
export { globMatch } from './glob.ts';
