/**
 * The plan with Argo CD's own comparison deciding "modified" (the diff engine's normalised pipeline, DIF-1..10):
 * what sync status, `update` vs `unchanged` and ApplyOutOfSyncOnly use. The diff is asynchronous, so the pairs are
 * made first, diffed, and the plan is then built on the answers.
 */
import { isModified as diffIsModified, isModifiedServerSide, respectIgnoreDifferences, type DiffOptions } from '../diff/index.ts';
import type { KubeObject } from '../kube/index.ts';
import { isModified as approximate } from './modified.ts';
import { planPrepared, preparePairs } from './plan.ts';
import type { Plan, PlanInput } from './types.ts';

export interface PlanDiffOptions {
  /** The Application's spec.ignoreDifferences and the argocd-cm system settings (see the diff engine). */
  diff?: Omit<DiffOptions, 'serverSideApply' | 'label'>;
  /** The controller compares server-side by default (`--server-side-diff-enabled`); the app's compare-options decide first. */
  serverSideDiff?: boolean;
}

/** DIF-4: the app's compare-options `ServerSideDiff=true|false`, else the controller default. */
function usesServerSideDiff(compareOptions: string | undefined, controllerDefault: boolean): { enabled: boolean; includeMutationWebhook: boolean } {
  const o = (compareOptions ?? '').split(',').map((x) => x.trim());
  const enabled = o.includes('ServerSideDiff=true') ? true : o.includes('ServerSideDiff=false') ? false : controllerDefault;
  return { enabled, includeMutationWebhook: o.includes('IncludeMutationWebhook=true') };
}

export async function planSyncWithDiff(input: PlanInput, opts: PlanDiffOptions = {}): Promise<Plan> {
  const prepared = preparePairs(input);
  const serverSideApply = (input.app.syncOptions ?? []).includes('ServerSideApply=true');
  const ssd = usesServerSideDiff(input.app.compareOptions, opts.serverSideDiff ?? false);
  const modified = new Map<KubeObject, boolean>();
  const pairs = prepared.rec.pairs.filter((p) => p.target && p.live);
  // In batches: the diff may run jq in a worker, and thousands of pending promises help nobody.
  for (let i = 0; i < pairs.length; i += 64) {
    const batch = pairs.slice(i, i + 64);
    // Only the decision is needed: isModified skips the masking and the YAML text that diffResource builds.
    const results = await Promise.all(
      batch.map(async (p) => {
        const byServer = ssd.enabled ? isModifiedServerSide(p.target!, p.live!, { ...opts.diff, includeMutationWebhook: ssd.includeMutationWebhook }) : undefined;
        return byServer ?? diffIsModified(p.target!, p.live!, { ...opts.diff, serverSideApply });
      }),
    );
    batch.forEach((p, j) => modified.set(p.live!, results[j]!));
  }
  const plan = planPrepared({ ...input, isModified: (t, l) => modified.get(l) ?? approximate(t, l) }, prepared);
  // OPT-10: what the sync applies keeps live's values of the ignored fields, so the sync does not undo them.
  if ((input.app.syncOptions ?? []).includes('RespectIgnoreDifferences=true')) {
    for (const t of plan.tasks) {
      if (!t.target || !t.live || t.hook) continue;
      t.target = respectIgnoreDifferences(t.target as never, t.live as never, opts.diff?.ignoreDifferences ?? [], opts.diff?.system) as unknown as KubeObject;
    }
  }
  return plan;
}
