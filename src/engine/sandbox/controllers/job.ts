/**
 * The Job controller: runs up to `parallelism` pods until `completions` succeed, retries failures with the Job
 * back-off until `backoffLimit` is exceeded, honours activeDeadlineSeconds, suspend and ttlSecondsAfterFinished,
 * and writes the terminal conditions (SuccessCriteriaMet then Complete, FailureTarget then Failed) as Kubernetes
 * 1.32 does.
 */
import { isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import { isTerminating, podPhase } from './kubelet.ts';
import { isReady, podFromTemplate } from './pods.ts';
import { conditionsOf, setCondition, type Controller, type ControllerContext, type Key } from './runtime.ts';

function restarts(p: JsonObject): number {
  const cs = isObject(p.status) && Array.isArray(p.status.containerStatuses) ? p.status.containerStatuses : [];
  return cs.reduce<number>((n, c) => n + (isObject(c) ? Number(c.restartCount ?? 0) : 0), 0);
}

export function jobFinished(job: JsonObject): 'Complete' | 'Failed' | undefined {
  for (const c of conditionsOf(job)) if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  return undefined;
}

export class JobController implements Controller {
  name = 'job';
  kinds = ['batch/Job'];
  owns = ['/Pod'];

  reconcile(ctx: ControllerContext, key: Key): void {
    const job = ctx.get('batch/Job', key.namespace, key.name);
    if (!job || metaOf(job).deletionTimestamp) return;
    const spec = isObject(job.spec) ? job.spec : {};
    const prev = isObject(job.status) ? job.status : {};
    const now = ctx.now();
    const nowS = ctx.nowString();
    const pods = ctx.owned(job, '/Pod');
    const finished = jobFinished(job);
    if (finished) {
      const ttl = spec.ttlSecondsAfterFinished;
      if (typeof ttl === 'number') {
        const doneAt = Date.parse(String(prev.completionTime ?? conditionsOf(job).find((c) => c.type === finished)?.lastTransitionTime ?? nowS));
        const due = doneAt + ttl * 1000;
        if (now >= due) ctx.delete('batch/Job', key.namespace, key.name, 'Background');
        else ctx.requeue(this, key, due - now);
      }
      return;
    }
    let conds = conditionsOf(job);
    const status: JsonObject = {};
    if (spec.suspend === true) {
      for (const p of pods) if (!isTerminating(p) && !['Succeeded', 'Failed'].includes(podPhase(p))) ctx.delete('/Pod', key.namespace, String(metaOf(p).name));
      conds = setCondition(conds, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, nowS, { probeTime: true });
      ctx.setStatus('batch/Job', job, { ...prev, conditions: conds as Json[], active: 0, ready: 0, terminating: 0 });
      return;
    }
    if (conds.some((c) => c.type === 'Suspended' && c.status === 'True'))
      conds = setCondition(conds, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, nowS, { probeTime: true });
    const startTime = typeof prev.startTime === 'string' ? prev.startTime : nowS;
    const onFailure = isObject(spec.template) && isObject(spec.template.spec) && spec.template.spec.restartPolicy === 'OnFailure';
    const succeeded = pods.filter((p) => podPhase(p) === 'Succeeded').length;
    const failedPods = pods.filter((p) => podPhase(p) === 'Failed').length;
    const failed = failedPods + (onFailure ? pods.reduce((n, p) => n + restarts(p), 0) : 0);
    const active = pods.filter((p) => !isTerminating(p) && !['Succeeded', 'Failed'].includes(podPhase(p)));
    const completions = typeof spec.completions === 'number' ? spec.completions : undefined;
    const parallelism = typeof spec.parallelism === 'number' ? spec.parallelism : 1;
    const backoffLimit = typeof spec.backoffLimit === 'number' ? spec.backoffLimit : 6;
    const deadline = typeof spec.activeDeadlineSeconds === 'number' ? Date.parse(startTime) + spec.activeDeadlineSeconds * 1000 : undefined;
    let failure: { reason: string; message: string } | undefined;
    if (failed > backoffLimit) failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (deadline !== undefined && now >= deadline) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    const done = completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0;
    if (failure) {
      for (const p of active) ctx.delete('/Pod', key.namespace, String(metaOf(p).name));
      conds = setCondition(conds, { type: 'FailureTarget', status: 'True', ...failure }, nowS, { probeTime: true });
      conds = setCondition(conds, { type: 'Failed', status: 'True', ...failure }, nowS, { probeTime: true });
    } else if (done) {
      conds = setCondition(conds, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, nowS, { probeTime: true });
      conds = setCondition(conds, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, nowS, { probeTime: true });
      status.completionTime = nowS;
    } else {
      const remaining = completions !== undefined ? completions - succeeded : 1;
      const want = Math.min(parallelism, remaining) - active.length;
      // Failed pods are replaced after the Job back-off: 10 s doubling per failure, at most 6 minutes.
      const lastFailure = Math.max(0, ...pods.filter((p) => podPhase(p) === 'Failed').map((p) => finishedAt(p)));
      const backoff = failedPods ? Math.min(10000 * 2 ** (failedPods - 1), 360000) : 0;
      if (want > 0) {
        if (lastFailure && now < lastFailure + backoff) ctx.requeue(this, key, lastFailure + backoff - now);
        else for (let i = 0; i < want; i++) ctx.create('/Pod', podFromTemplate(ctx, 'batch/Job', job, isObject(spec.template) ? spec.template : {}, { generateName: `${key.name}-` }));
      }
      if (deadline !== undefined) ctx.requeue(this, key, deadline - now);
    }
    const livePods = ctx.owned(job, '/Pod');
    const liveActive = livePods.filter((p) => !isTerminating(p) && !['Succeeded', 'Failed'].includes(podPhase(p)));
    const out: JsonObject = {};
    if (conds.length) out.conditions = conds as Json[];
    out.startTime = startTime;
    if (status.completionTime) out.completionTime = status.completionTime;
    if (!failure && !done && liveActive.length) out.active = liveActive.length;
    if (succeeded) out.succeeded = succeeded;
    if (failed) out.failed = failed;
    out.terminating = livePods.filter(isTerminating).length;
    out.ready = failure || done ? 0 : liveActive.filter(isReady).length;
    out.uncountedTerminatedPods = {};
    ctx.setStatus('batch/Job', job, out);
    if (typeof spec.ttlSecondsAfterFinished === 'number' && (failure || done)) ctx.requeue(this, key, spec.ttlSecondsAfterFinished * 1000);
  }
}

function finishedAt(p: JsonObject): number {
  const cs = isObject(p.status) && Array.isArray(p.status.containerStatuses) ? p.status.containerStatuses : [];
  let t = 0;
  for (const c of cs) {
    const term = isObject(c) && isObject(c.state) && isObject(c.state.terminated) ? c.state.terminated : undefined;
    if (term) t = Math.max(t, Date.parse(String(term.finishedAt)) || 0);
  }
  return t || Date.parse(String(metaOf(p).creationTimestamp)) || 0;
}
