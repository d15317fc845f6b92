/** The `--json` shape of a plan (issue 8): tasks in execution order, app-level options, warnings. */
import type { Plan } from './types.ts';

export interface PlanJson {
  app: string;
  options: string[];
  tasks: {
    phase: string;
    wave: number;
    kindRank: number;
    group: string;
    kind: string;
    namespace: string;
    name: string;
    action: string;
    hook?: { types: string[]; deletePolicies: string[]; deleteWhen: string };
    healthGated: boolean;
  }[];
  warnings: { code: string; message: string; object?: { group: string; kind: string; namespace: string; name: string } }[];
}

export function planToJson(plan: Plan): PlanJson {
  return {
    app: plan.app,
    options: plan.options,
    tasks: plan.tasks.map((t) => ({
      phase: t.phase,
      wave: t.wave,
      kindRank: t.kindRank,
      group: t.group,
      kind: t.kind,
      namespace: t.namespace,
      name: t.name,
      action: t.action,
      ...(t.hook ? { hook: { types: t.hook.types, deletePolicies: t.hook.deletePolicies, deleteWhen: t.hook.deleteWhen } } : {}),
      healthGated: t.healthGated,
    })),
    warnings: plan.warnings.map((w) => ({
      code: w.code,
      message: w.message,
      ...(w.object ? { object: { group: w.object.group, kind: w.object.kind, namespace: w.object.namespace, name: w.object.name } } : {}),
    })),
  };
}
