/**
 * The sync preview: what Argo CD would do, task by task, for an Application's desired objects against a cluster.
 * It follows the controller's CompareAppState (sync status, health) and gitops-engine's getSyncTasks / Sync (task
 * list, waves, health gating), so a reviewer sees the order, the hooks and what each leaves behind.
 */
import { aggregateAppHealth, HealthChecker, type HealthStatus } from '../health/index.ts';
import { argocd, builtinKind, gvkOf, objectKey, keyString, type KubeObject, type ObjectKey, type SyncPhase } from '../kube/index.ts';
import { isModified as defaultIsModified } from './modified.ts';
import { appOptions, optionsInForce, pruneOption, type AppOptions } from './options.ts';
import { kindRank } from './kind-order.ts';
import { keyOf, managedLiveObjects, normalizeTargets, reconcile, type Reconciled } from './reconcile.ts';
import { crdGroupKind, crdKinds, scopeResolver } from './scope.ts';
import { applyPruneLast, cached, hookTarget, isPrune, mirrorPruneWaves, sortTasks, taskObj, taskWave, type Work } from './tasks.ts';
import { isCrd, isSelfReferenced, trackingFor, type Tracking } from './tracking.ts';
import type { Plan, PlanAction, PlanInput, PlanResource, PlanTask, PlanWarning, PlanWave } from './types.ts';

function describe(o: KubeObject): string {
  const ns = o.metadata?.namespace;
  return ns ? `${o.kind}/${ns}/${o.metadata?.name ?? ''}` : `${o.kind}/${o.metadata?.name ?? ''}`;
}

function keyOfTask(w: Work): ObjectKey {
  const o = taskObj(w);
  const g = gvkOf(o);
  return { group: g.group, kind: g.kind, namespace: w.displayNamespace, name: o.metadata.name ?? '' };
}

/** Whether a desired object will be Suspended once applied (a paused Deployment, a suspended Job). */
function desiredSuspension(o: KubeObject | undefined): string | undefined {
  if (!o) return undefined;
  const g = gvkOf(o);
  const spec = o.spec as { paused?: unknown; suspend?: unknown } | undefined;
  if (g.group === 'apps' && g.kind === 'Deployment' && spec?.paused === true) return 'spec.paused is true';
  if (g.group === 'batch' && g.kind === 'Job' && spec?.suspend === true) return 'spec.suspend is true';
  return undefined;
}

/** HOOK-5 in words. */
function deleteWhen(policies: argocd.HookDeletePolicy[], generated: boolean): string {
  const parts: string[] = [];
  if (policies.includes('HookSucceeded')) parts.push('when the whole sync operation succeeds (not when the hook finishes)');
  if (policies.includes('HookFailed')) parts.push('when the sync operation fails');
  if (policies.includes('BeforeHookCreation')) {
    const otherwise = parts.length > 0 ? 'otherwise ' : '';
    parts.push(
      generated
        ? `${otherwise}never: generateName gives it a new name on every sync, so copies pile up`
        : `${otherwise}before the next sync creates it again${parts.length > 0 ? '' : '; it stays in the cluster until then'}`,
    );
  }
  return parts.join('; ');
}

/**
 * Builds the plan. Pure and synchronous: the health checker (with any Lua VM) is made by the caller; without one
 * only the built-in checks run.
 */
export function planSync(input: PlanInput): Plan {
  return planPrepared(input, preparePairs(input));
}

/** Steps 1–2 of a plan, shared with the asynchronous diff pass: normalised targets, managed live set, pairs. */
export interface PreparedPairs {
  norm: ReturnType<typeof normalizeTargets>;
  managed: ReturnType<typeof managedLiveObjects>;
  rec: ReturnType<typeof reconcile>;
  scopeOf: ReturnType<typeof scopeResolver>;
  tracking: Tracking;
}

export function preparePairs(input: PlanInput): PreparedPairs {
  const destNs = input.app.destinationNamespace ?? '';
  const tracking = trackingFor(input.app, input.tracking);
  const live = input.live ?? [];
  const scopeOf = scopeResolver([...input.desired, ...live], input.isNamespaced);
  const norm = normalizeTargets(input.desired, destNs, scopeOf, tracking);
  const managed = managedLiveObjects(live, norm.targets, tracking);
  const rec = reconcile(norm.targets, managed.byKey, destNs, scopeOf);
  return { norm, managed, rec, scopeOf, tracking };
}

export function planPrepared(input: PlanInput, prepared: PreparedPairs): Plan {
  const { app } = input;
  const destNs = app.destinationNamespace ?? '';
  const opts = appOptions(app.syncOptions);
  const { tracking, scopeOf, norm, managed, rec } = prepared;
  const checker = input.health ?? HealthChecker.builtin();
  const isModified = input.isModified ?? defaultIsModified;
  const haveCluster = input.live !== undefined;
  const live = input.live ?? [];
  const prune = input.prune ?? app.automated?.prune ?? false;
  const skipHooks = !!(input.selfHeal || input.applyStrategy || (input.resources && input.resources.length > 0));
  const startedAt = input.startedAt ?? new Date();
  const revision = input.revision ?? '';
  const warnings: PlanWarning[] = [];
  let failure: string | undefined;

  // 1. Targets as the controller normalises them.
  warnings.push(...norm.warnings);
  for (const o of input.desired) {
    const w = argocd.annotation(o, argocd.ANNOTATION_SYNC_WAVE);
    if (w !== undefined && argocd.goAtoi(w) === undefined) {
      warnings.push({
        code: 'invalid-sync-wave',
        message: `${describe(o)}: sync-wave "${w}" is not an integer Argo CD accepts, so the wave is ${argocd.syncWave(o)} (ORD-3)`,
        object: objectKey(o),
      });
    }
  }

  // 2. The managed live set and the pairing.
  for (const s of managed.shared) {
    const qualified = app.namespace ? `${app.namespace}/${app.name}` : app.name;
    const message = `${s.live.kind}/${s.live.metadata.name ?? ''} is part of applications ${qualified} and ${s.otherApp.replace(/_/g, '/')}`;
    warnings.push({ code: 'shared-resource', message, object: objectKey(s.live) });
    if (opts.failOnSharedResource && !failure) failure = `Shared resource found: ${message}`;
  }
  for (const h of rec.ignoredHooks) {
    warnings.push({
      code: 'hook-ignored',
      message: `${describe(h)} is a hook with no sync-phase type (${argocd.annotation(h, argocd.ANNOTATION_HOOK) ?? argocd.annotation(h, argocd.HELM_HOOK)}): it is never applied, diffed or pruned (HOOK-3)`,
      object: objectKey(h),
    });
  }

  // 3. Sync status per resource (CompareAppState) and health.
  const modified = new Map<Reconciled, boolean>();
  const resources: PlanResource[] = [];
  let outOfSync = false;
  const selfRef = new Map<Reconciled, boolean>();
  for (const pair of rec.pairs) {
    const obj = (pair.live ?? pair.target)!;
    const g = gvkOf(obj);
    const self = isSelfReferenced(pair.live, pair.target, tracking);
    selfRef.set(pair, self);
    const isHookObj = argocd.isHook(obj) || argocd.isDeleteHookOfType(obj, 'PreDelete') || argocd.isDeleteHookOfType(obj, 'PostDelete');
    const mod = pair.target && pair.live ? isModified(pair.target, pair.live) : false;
    modified.set(pair, mod);
    const managedNs =
      !!pair.target && !pair.live && pair.target.kind === 'Namespace' && pair.target.metadata.name === destNs && !!app.managedNamespaceMetadata;
    let status: PlanResource['status'];
    if (isHookObj || argocd.isIgnoredHook(obj) || (pair.target && argocd.isSkipped(pair.target)) || !self) status = undefined;
    else if (!managedNs && (mod || !pair.target || !pair.live)) {
      status = 'OutOfSync';
      const needsPruning = !pair.target && !!pair.live;
      if (!needsPruning || !argocd.annotationCSV(obj, argocd.ANNOTATION_COMPARE_OPTIONS).includes('IgnoreExtraneous')) outOfSync = true;
    } else status = 'Synced';
    resources.push({
      group: g.group,
      version: g.version,
      kind: g.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
      status,
      hook: isHookObj,
      requiresPruning: !pair.target && !!pair.live && self,
      syncWave: pair.target ? argocd.syncWave(pair.target) : argocd.syncWave(obj),
    });
  }
  const appHealth = aggregateAppHealth(
    rec.pairs.map((p) => ({ key: objectKey((p.live ?? p.target)!), target: p.target, live: p.live })),
    checker,
    { app: { name: app.name, namespace: app.namespace ?? '' } },
  );
  appHealth.resources.forEach((r, i) => {
    if (r.health) resources[i]!.health = r.health;
  });
  const healthOfLive = new Map<KubeObject, HealthStatus | undefined>();
  rec.pairs.forEach((p, i) => {
    if (!p.live) return;
    const judged = appHealth.resources[i]!.health;
    healthOfLive.set(p.live, judged ?? (checker.hasCheck(p.live) ? checker.health(p.live) : undefined));
  });

  // 4. Tasks (getSyncTasks).
  const selection = input.resources?.length ? new Set(input.resources.map(keyString)) : undefined;
  // AUTO-5: self-heal names the resources that are not Synced by group, kind and name only, so a Synced namesake in
  // another namespace is synced with them (SyncOperationResource has no namespace).
  const notSynced = new Set(resources.filter((r) => r.status !== 'Synced').map((r) => `${r.group}/${r.kind}/${r.name}`));
  const works: Work[] = [];
  rec.pairs.forEach((pair) => {
    // getSyncTasks looks at the target first (CompareAppState looks at live first).
    const obj = (pair.target ?? pair.live)!;
    if (selection && !selection.has(keyOf(obj)) && !(pair.target && (argocd.isDeleteHookOfType(pair.target, 'PreDelete') || argocd.isDeleteHookOfType(pair.target, 'PostDelete')))) return;
    if (input.selfHeal) {
      const g = gvkOf(obj);
      if (!notSynced.has(`${g.group}/${g.kind}/${obj.metadata.name ?? ''}`)) return;
    }
    if (!selfRef.get(pair)) return;
    if (argocd.isHook(obj)) return;
    for (const phase of argocd.syncPhasesOf(obj)) {
      works.push({
        phase,
        target: pair.target,
        live: pair.live,
        pair,
        hook: false,
        displayNamespace: obj.metadata.namespace ?? '',
        generatedName: false,
        namespaceCreation: false,
        skipDryRun: false,
      });
    }
  });
  if (!skipHooks) {
    for (const h of rec.hooks) {
      for (const phase of argocd.syncPhasesOf(h)) {
        const { target, generated } = hookTarget(h, phase, revision, startedAt);
        works.push({ phase, target, hook: true, displayNamespace: h.metadata.namespace ?? '', generatedName: generated, namespaceCreation: false, skipDryRun: false });
      }
    }
  }
  // Argo sets the destination namespace on every target without one, cluster-scoped or not (ORD-7).
  for (const w of works) {
    if (w.target && !w.target.metadata.namespace) w.target = { ...w.target, metadata: { ...w.target.metadata, namespace: destNs } };
  }
  // OPT-1: CreateNamespace. Only non-hook targets are looked at (a quirk of the controller).
  if (opts.createNamespace && destNs) {
    const declared = rec.pairs.some((p) => p.target && p.target.kind === 'Namespace' && gvkOf(p.target).group === '' && p.target.metadata.name === destNs);
    if (!declared) {
      const liveNs = live.find((o) => o.kind === 'Namespace' && gvkOf(o).group === '' && o.metadata?.name === destNs);
      if (!liveNs || app.managedNamespaceMetadata) {
        const meta: KubeObject['metadata'] = { name: destNs };
        if (app.managedNamespaceMetadata) {
          if (app.managedNamespaceMetadata.labels) meta.labels = { ...app.managedNamespaceMetadata.labels };
          meta.annotations = { ...(app.managedNamespaceMetadata.annotations ?? {}), [argocd.ANNOTATION_SYNC_OPTIONS]: 'ServerSideApply=true' };
        }
        works.push({
          phase: 'PreSync',
          target: { apiVersion: 'v1', kind: 'Namespace', metadata: meta },
          live: liveNs,
          hook: false,
          displayNamespace: '',
          generatedName: false,
          namespaceCreation: true,
          skipDryRun: false,
        });
      }
    }
  }
  // Hooks and the namespace find their live copy among the managed resources.
  const managedByName = new Map<string, { key: ObjectKey; live?: KubeObject }[]>();
  for (const p of rec.pairs) {
    const key = objectKey((p.live ?? p.target)!);
    const k = `${key.group}/${key.kind}/${key.name}`;
    const list = managedByName.get(k);
    if (list) list.push({ key, live: p.live });
    else managedByName.set(k, [{ key, live: p.live }]);
  }
  for (const w of works) {
    if (!w.target || w.live) continue;
    const g = gvkOf(w.target);
    const found = managedByName
      .get(`${g.group}/${g.kind}/${w.target.metadata.name ?? ''}`)
      ?.find((m) => m.key.namespace === '' || m.key.namespace === w.target!.metadata.namespace);
    if (found?.live) w.live = found.live;
  }
  // Discovery (ORD-14, OPT-8): kinds the cluster does not serve.
  if (haveCluster) {
    const liveCrds = crdKinds(live);
    const targetCrds = crdKinds([...norm.targets]);
    const served = input.isServedKind ?? ((group: string, kind: string) => !!builtinKind(group, kind) || liveCrds.has(`${group}/${kind}`));
    const invalid: string[] = [];
    for (const w of works) {
      const g = gvkOf(taskObj(w));
      if (served(g.group, g.kind)) continue;
      const skip = opts.skipDryRunOnMissingResource || (w.target && argocd.hasSyncOption(w.target, 'SkipDryRunOnMissingResource=true')) || targetCrds.has(`${g.group}/${g.kind}`);
      if (skip) w.skipDryRun = true;
      else invalid.push(`failed to discover server resources for group version ${g.group ? `${g.group}/${g.version}` : g.version}: the server could not find the requested resource`);
    }
    if (invalid.length > 0 && !failure) failure = `one or more synchronization tasks are not valid: ${[...new Set(invalid)].sort().join('; ')}`;
  }
  // Waves of prune tasks (ORD-9, ORD-10), then the order (ORD-4, ORD-6).
  mirrorPruneWaves(works);
  applyPruneLast(works, opts.pruneLast);
  // Inside a wave Argo prunes first, then deletes hooks marked BeforeHookCreation, then applies (ORD-11): list them so.
  const sorted = executionOrder(sortTasks(works));

  // 5. Actions and how each task is written.
  const tasks: PlanTask[] = sorted.map((w) => toTask(w, { opts, prune, pruneConfirmed: !!input.pruneConfirmed, modified, isModified, healthOfLive, checker }));

  // 6. Health gating (ORD-12).
  const multiStep = sorted.length > 0 && (sorted[0]!.phase !== sorted[sorted.length - 1]!.phase || taskWave(sorted[0]!) !== taskWave(sorted[sorted.length - 1]!));
  const pending = tasks.map((t, i) => i).filter((i) => tasks[i]!.phase !== 'SyncFail' && tasks[i]!.action !== 'skip');
  const waves: PlanWave[] = [];
  const waveOf = new Map<string, PlanWave>();
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    const k = `${t.phase}/${t.wave}`;
    let w = waveOf.get(k);
    if (!w) {
      w = { phase: t.phase, wave: t.wave, tasks: [], final: false, healthGated: false, waitsForDeletion: false, delayAfter: false };
      waveOf.set(k, w);
      waves.push(w);
    }
    w.tasks.push(i);
  }
  const lastPending = pending.length > 0 ? tasks[pending[pending.length - 1]!]! : undefined;
  for (const w of waves) {
    const runnable = w.tasks.filter((i) => tasks[i]!.action !== 'skip');
    w.final = !!lastPending && w.phase === lastPending.phase && w.wave === lastPending.wave;
    const hasHook = runnable.some((i) => !!tasks[i]!.hook);
    for (const i of runnable) {
      const t = tasks[i]!;
      const target = sorted[i]!.target;
      if (t.hook) t.healthGated = !!target && checker.hasCheck(target);
      else if (t.method !== 'delete' && t.method !== 'none') t.healthGated = multiStep && (!w.final || hasHook) && !!target && checker.hasCheck(target);
      if (t.action === 'prune') w.waitsForDeletion = true;
    }
    w.healthGated = runnable.some((i) => tasks[i]!.healthGated);
    w.delayAfter = w.phase !== 'SyncFail' && !w.final && runnable.length > 0;
  }

  // 7. Warnings a reviewer needs.
  warnings.push(...reviewWarnings({ tasks, sorted, waves, multiStep, prune, checker, healthOfLive, norm, skipHooks, input }));
  if (norm.hasPreDeleteHooks || norm.hasPostDeleteHooks) {
    const kinds = [norm.hasPreDeleteHooks ? 'PreDelete' : '', norm.hasPostDeleteHooks ? 'PostDelete' : ''].filter(Boolean).join(' and ');
    warnings.push({ code: 'delete-hooks', message: `${kinds} hooks are left out of syncs; they run only when the Application is deleted, and Argo CD adds finalizers for them (HOOK-9)` });
  }
  for (const o of input.desired) {
    if (!argocd.isHook(o) && argocd.isSkipped(o)) {
      warnings.push({ code: 'skipped-resource', message: `${describe(o)} has hook Skip: it is never applied, pruned, or counted in sync status and health (HOOK-2)`, object: objectKey(o) });
    }
  }

  const appFinalizers: string[] = [];
  if (norm.hasPreDeleteHooks) appFinalizers.push('pre-delete-finalizer.argocd.argoproj.io', 'pre-delete-finalizer.argocd.argoproj.io/cleanup');
  if (norm.hasPostDeleteHooks) appFinalizers.push('post-delete-finalizer.argocd.argoproj.io', 'post-delete-finalizer.argocd.argoproj.io/cleanup');

  return {
    app: app.name,
    options: optionsInForce(opts),
    tasks,
    waves,
    warnings,
    resources,
    syncStatus: outOfSync ? 'OutOfSync' : 'Synced',
    health: appHealth,
    multiStep,
    prune,
    prunePropagationPolicy: opts.prunePropagationPolicy,
    skipHooks,
    appFinalizers,
    ...(failure ? { failure } : {}),
  };
}

function executionOrder(sorted: Work[]): Work[] {
  const out: Work[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    const phase = sorted[i]!.phase;
    const wave = taskWave(sorted[i]!);
    while (j < sorted.length && sorted[j]!.phase === phase && taskWave(sorted[j]!) === wave) j++;
    const group = sorted.slice(i, j);
    out.push(...group.filter(isPrune), ...group.filter((w) => !isPrune(w)));
    i = j;
  }
  return out;
}

interface TaskContext {
  opts: AppOptions;
  prune: boolean;
  pruneConfirmed: boolean;
  modified: Map<Reconciled, boolean>;
  isModified: (t: KubeObject, l: KubeObject) => boolean;
  healthOfLive: Map<KubeObject, HealthStatus | undefined>;
  checker: HealthChecker;
}

function toTask(w: Work, c: TaskContext): PlanTask {
  const o = taskObj(w);
  const g = gvkOf(o);
  const declaredWave = cached(w).declaredWave;
  const wave = taskWave(w);
  const options: string[] = [];
  let action: PlanAction;
  let actionDetail: string | undefined;
  let method: PlanTask['method'];
  let hook: PlanTask['hook'];

  if (isPrune(w)) {
    const live = w.live!;
    const pruneValue = pruneOption(live, c.opts);
    options.push(`PrunePropagationPolicy=${c.opts.prunePropagationPolicy}`);
    if (w.waveReason === 'prune-last') options.push('PruneLast=true');
    if (pruneValue !== undefined) options.push(`Prune=${pruneValue}`);
    method = 'delete';
    if (pruneValue === 'confirm' && !c.pruneConfirmed) {
      action = 'needs-confirmation';
      actionDetail = `waiting for pruning confirmation of ${g.group}/${g.kind}/${live.metadata.name ?? ''}: the whole wave waits until the app's argocd.argoproj.io/deletion-approved is set (OPT-12)`;
    } else if (!c.prune) {
      action = 'prune-skipped';
      actionDetail = 'ignored (requires pruning)';
      method = 'none';
    } else if (pruneValue === 'false') {
      action = 'prune-skipped';
      actionDetail = 'ignored (no prune)';
      method = 'none';
    } else {
      action = 'prune';
      actionDetail = live.metadata.deletionTimestamp ? 'pruned (already being deleted)' : `pruned (${c.opts.prunePropagationPolicy} propagation)`;
    }
  } else {
    const target = w.target!;
    const t = argocd.annotationCSV(target, argocd.ANNOTATION_SYNC_OPTIONS);
    const l = w.live ? argocd.annotationCSV(w.live, argocd.ANNOTATION_SYNC_OPTIONS) : [];
    const replace = c.opts.replace || t.includes('Replace=true') || l.includes('Replace=true');
    const force = t.includes('Force=true') || l.includes('Force=true');
    const ssa = !t.includes('ServerSideApply=false') && (c.opts.serverSideApply || t.includes('ServerSideApply=true'));
    const validate = c.opts.validate && !t.includes('Validate=false');
    if (replace) {
      options.push('Replace=true');
      if (!w.live) method = 'create';
      else if (isCrd(target) || target.kind === 'Namespace') method = 'update';
      else method = force ? 'replace-force' : 'replace';
    } else method = ssa ? 'server-side-apply' : 'apply';
    if (ssa && !replace) options.push('ServerSideApply=true');
    if (force) options.push('Force=true');
    if (!validate) options.push('Validate=false');
    if (w.skipDryRun) options.push('SkipDryRunOnMissingResource=true');
    if (w.namespaceCreation) options.push('CreateNamespace=true');
    if (w.hook) {
      const policies = argocd.hookDeletePolicies(o);
      const liveExists = !!w.live;
      hook = {
        types: argocd.hookTypes(o).filter((t) => t !== 'Skip'),
        deletePolicies: policies,
        deleteWhen: deleteWhen(policies, w.generatedName),
        generatedName: w.generatedName,
        liveExists,
      };
      if (liveExists && policies.includes('BeforeHookCreation')) {
        action = 'hook-recreate';
        actionDetail = 'the copy left by an earlier sync is deleted first, then the hook is created (BeforeHookCreation)';
      } else {
        action = 'hook';
        if (liveExists) actionDetail = 'a copy from an earlier sync exists and is re-applied in place (no BeforeHookCreation)';
      }
    } else if (!w.live) {
      action = 'create';
      if (w.namespaceCreation) actionDetail = 'CreateNamespace=true: created before the dry-run';
    } else {
      const pair = w.pair as Reconciled | undefined;
      const mod = pair ? (c.modified.get(pair) ?? c.isModified(pair.target!, w.live)) : c.isModified(target, w.live);
      if (mod || w.namespaceCreation) action = 'update';
      else if (c.opts.applyOutOfSyncOnly) {
        action = 'skip';
        actionDetail = 'in sync, not applied (ApplyOutOfSyncOnly=true)';
        method = 'none';
      } else action = 'unchanged';
    }
  }
  if (c.opts.applyOutOfSyncOnly && !isPrune(w)) options.push('ApplyOutOfSyncOnly=true');
  const task: PlanTask = {
    phase: w.phase,
    wave,
    declaredWave,
    kindRank: cached(w).rank,
    group: g.group,
    version: g.version,
    kind: g.kind,
    namespace: w.displayNamespace,
    name: o.metadata.name ?? '',
    action,
    healthGated: false,
    options,
    method,
    skipDryRun: w.skipDryRun,
  };
  // Optional fields only when set (the JSON and the tests read their absence).
  if (w.waveReason && (wave !== declaredWave || w.waveReason === 'prune-last')) task.waveReason = w.waveReason;
  if (actionDetail) task.actionDetail = actionDetail;
  if (hook) task.hook = hook;
  if (w.target) task.target = w.target;
  if (w.live) task.live = w.live;
  if (w.live) {
    const h = c.healthOfLive.has(w.live) ? c.healthOfLive.get(w.live) : c.checker.health(w.live);
    if (h) task.health = h;
  }
  return task;
}

interface ReviewContext {
  tasks: PlanTask[];
  sorted: Work[];
  waves: PlanWave[];
  multiStep: boolean;
  prune: boolean;
  checker: HealthChecker;
  healthOfLive: Map<KubeObject, HealthStatus | undefined>;
  norm: ReturnType<typeof normalizeTargets>;
  skipHooks: boolean;
  input: PlanInput;
}

function reviewWarnings(r: ReviewContext): PlanWarning[] {
  const out: PlanWarning[] = [];
  const { tasks } = r;
  const keyOfT = (t: PlanTask): ObjectKey => ({ group: t.group, kind: t.kind, namespace: t.namespace, name: t.name });
  const label = (t: PlanTask) => (t.namespace ? `${t.kind}/${t.namespace}/${t.name}` : `${t.kind}/${t.name}`);

  // A Suspended object that the sync waits for never becomes Healthy (ORD-12).
  for (const w of r.waves) {
    for (const i of w.tasks) {
      const t = tasks[i]!;
      if (!t.healthGated) continue;
      const why = desiredSuspension(t.target) ?? (t.health?.status === 'Suspended' && !(t.target && (t.target.spec as { paused?: unknown } | undefined)?.paused === false) ? `it is Suspended now${t.health.message ? ` (${t.health.message})` : ''}` : undefined);
      if (!why) continue;
      const later = !w.final || r.waves.some((x) => x !== w && x.phase !== 'SyncFail' && (argocd.SYNC_PHASE_ORDER[x.phase] > argocd.SYNC_PHASE_ORDER[w.phase] || (x.phase === w.phase && x.wave > w.wave)));
      out.push({
        code: 'suspended-blocks-sync',
        message: `${label(t)} will be Suspended (${why}): Argo CD waits for it to become Healthy, so ${later ? `nothing after ${w.phase} wave ${w.wave} ever runs` : 'the sync never finishes'} (ORD-12)`,
        object: keyOfT(t),
      });
    }
  }

  // The last wave is not waited for (ORD-12).
  const final = r.waves.find((w) => w.final);
  if (final && r.multiStep && !final.tasks.some((i) => tasks[i]!.hook)) {
    const unwaited = final.tasks.filter((i) => {
      const t = tasks[i]!;
      return !t.hook && t.method !== 'delete' && t.method !== 'none' && !!t.target && r.checker.hasCheck(t.target);
    });
    if (unwaited.length > 0) {
      out.push({
        code: 'last-wave-not-waited',
        message: `the last wave (${final.phase} ${final.wave}) is applied and the sync reports success at once: ${unwaited.map((i) => label(tasks[i]!)).slice(0, 3).join(', ')}${unwaited.length > 3 ? ` and ${unwaited.length - 3} more` : ''} ${unwaited.length === 1 ? 'is' : 'are'} not waited for (ORD-12)`,
      });
    }
  }

  // Hooks (HOOK-5, HOOK-6, HOOK-7).
  for (const t of tasks) {
    if (!t.hook) continue;
    const policies = t.hook.deletePolicies;
    if (t.kind === 'Job' && t.group === 'batch' && !t.hook.generatedName && !policies.includes('BeforeHookCreation')) {
      const left = policies.includes('HookFailed') && !policies.includes('HookSucceeded') ? 'after every successful sync' : policies.includes('HookSucceeded') && !policies.includes('HookFailed') ? 'after a failed sync' : 'when the sync is interrupted';
      out.push({
        code: 'hook-job-without-before-hook-creation',
        message: `${t.phase} hook ${label(t)} has delete policy ${policies.join(',')} without BeforeHookCreation: the Job stays ${left}, and the next sync re-applies it in place, which fails because a Job's spec is immutable (HOOK-5)`,
        object: keyOfT(t),
      });
    }
    if (t.hook.liveExists && !policies.includes('BeforeHookCreation')) {
      out.push({ code: 'hook-reapplied', message: `${label(t)} exists from an earlier sync and has no BeforeHookCreation: it is re-applied in place, not recreated (HOOK-5)`, object: keyOfT(t) });
    }
    if (t.hook.generatedName && policies.length === 1 && policies[0] === 'BeforeHookCreation') {
      out.push({ code: 'hook-copies-pile-up', message: `${t.phase} hook ${label(t)} uses generateName with only BeforeHookCreation: every sync leaves a new copy behind (HOOK-5, HOOK-7)`, object: keyOfT(t) });
    }
    if (t.target && !r.checker.hasCheck(t.target) && !builtinKind(t.group, t.kind)) {
      out.push({ code: 'hook-without-health', message: `${t.phase} hook ${label(t)} has no health check: it counts as succeeded as soon as it is created (HOOK-6)`, object: keyOfT(t) });
    }
  }

  // Bubbled namespaces and CRDs (ORD-6).
  for (const t of tasks) {
    if (t.waveReason === 'namespace-first-use' || t.waveReason === 'crd-first-use') {
      out.push({
        code: 'wave-moved',
        message: `${label(t)} declares wave ${t.declaredWave} but runs in ${t.phase} wave ${t.wave}, with the first resource that uses it (ORD-6)`,
        object: keyOfT(t),
      });
    }
  }

  // Prune.
  const unpruned = tasks.filter((t) => t.action === 'prune-skipped' && t.actionDetail === 'ignored (requires pruning)');
  if (unpruned.length > 0) {
    out.push({
      code: 'prune-disabled',
      message: `${unpruned.length} resource${unpruned.length === 1 ? ' needs' : 's need'} pruning but this sync does not prune (${unpruned.map(label).slice(0, 3).join(', ')}${unpruned.length > 3 ? ', …' : ''}): ${unpruned.length === 1 ? 'it stays' : 'they stay'} OutOfSync`,
    });
  }
  for (const t of tasks) {
    if (t.action === 'needs-confirmation') out.push({ code: 'prune-needs-confirmation', message: `${label(t)} has Prune=confirm: ${t.phase} wave ${t.wave} waits until the pruning is approved (OPT-12)`, object: keyOfT(t) });
  }

  // CRDs carry no tracking (TRK-5).
  const crds = r.norm.targets.filter(isCrd);
  for (const c of crds) {
    const gk = crdGroupKind(c);
    out.push({
      code: 'crd-never-pruned',
      message: `CustomResourceDefinition ${c.metadata.name ?? ''}${gk ? ` (${gk.group}/${gk.kind})` : ''} carries no tracking: once removed from git it is never pruned, and deleting the app never deletes it (TRK-5)`,
      object: objectKey(c),
    });
  }

  if (r.skipHooks && r.norm.targets.some((o) => argocd.isHook(o) && !argocd.isIgnoredHook(o))) {
    out.push({
      code: 'hooks-skipped',
      message: r.input.selfHeal ? 'a self-heal sync applies only the resources that are not Synced, and runs no hooks (AUTO-5)' : 'a selective sync or the apply strategy runs no hooks (ORD-14)',
    });
  }
  return out;
}
