/**
 * The CronJob controller: creates a Job at each scheduled time (`<name>-<minutes since epoch>`), honouring
 * suspend, concurrencyPolicy and startingDeadlineSeconds, tracks active Jobs and the last schedule and success
 * times, and keeps the configured number of finished Jobs.
 */
import { clone, isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import { rfc3339 } from '../time.ts';
import { parseSchedule } from './cron.ts';
import { jobFinished } from './job.ts';
import { type Controller, type ControllerContext, type Key } from './runtime.ts';

export class CronJobController implements Controller {
  name = 'cronjob';
  kinds = ['batch/CronJob'];
  owns = ['batch/Job'];

  reconcile(ctx: ControllerContext, key: Key): void {
    const cj = ctx.get('batch/CronJob', key.namespace, key.name);
    if (!cj || metaOf(cj).deletionTimestamp) return;
    const spec = isObject(cj.spec) ? cj.spec : {};
    const prev = isObject(cj.status) ? cj.status : {};
    const now = ctx.now();
    let schedule;
    try {
      schedule = parseSchedule(String(spec.schedule ?? ''), typeof spec.timeZone === 'string' ? spec.timeZone : undefined);
    } catch (e) {
      ctx.runtime.note(`CronJob ${key.namespace}/${key.name}: unparseable schedule: ${(e as Error).message}`);
      return;
    }
    let jobs = ctx.owned(cj, 'batch/Job').filter((j) => !metaOf(j).deletionTimestamp);
    const status: JsonObject = {};
    // Last success: the newest completion among our Jobs.
    let lastSuccess = typeof prev.lastSuccessfulTime === 'string' ? Date.parse(prev.lastSuccessfulTime) : 0;
    for (const j of jobs) {
      if (jobFinished(j) === 'Complete') {
        const t = Date.parse(String((j.status as JsonObject | undefined)?.completionTime ?? ''));
        if (t > lastSuccess) lastSuccess = t;
      }
    }
    const lastSchedule = typeof prev.lastScheduleTime === 'string' ? Date.parse(prev.lastScheduleTime) : Date.parse(String(metaOf(cj).creationTimestamp));
    let scheduled = lastSchedule;
    const due = schedule.next(lastSchedule);
    if (spec.suspend !== true && due !== undefined && due <= now) {
      // The most recent missed time is the one that runs; older misses are skipped.
      let at = due;
      for (let guard = 0; guard < 1000; guard++) {
        const n = schedule.next(at);
        if (n === undefined || n > now) break;
        at = n;
      }
      const tooLate = typeof spec.startingDeadlineSeconds === 'number' && now - at > spec.startingDeadlineSeconds * 1000;
      const active = jobs.filter((j) => !jobFinished(j));
      const policy = String(spec.concurrencyPolicy ?? 'Allow');
      scheduled = at;
      if (!tooLate && !(policy === 'Forbid' && active.length)) {
        if (policy === 'Replace') for (const j of active) ctx.delete('batch/Job', key.namespace, String(metaOf(j).name), 'Background');
        const jt = isObject(spec.jobTemplate) ? spec.jobTemplate : {};
        const jmd = isObject(jt.metadata) ? clone(jt.metadata) : {};
        delete jmd.creationTimestamp;
        const name = `${key.name}-${Math.floor(at / 60000)}`;
        if (!ctx.get('batch/Job', key.namespace, name))
          ctx.create('batch/Job', {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { ...jmd, name, namespace: key.namespace as string, annotations: { ...(isObject(jmd.annotations) ? jmd.annotations : {}), 'batch.kubernetes.io/cronjob-scheduled-timestamp': rfc3339(at) }, ownerReferences: [ctx.ownerRef('batch/CronJob', cj)] },
            spec: clone(isObject(jt.spec) ? jt.spec : {}),
          });
      } else if (policy === 'Forbid' && active.length) {
        scheduled = lastSchedule;
      }
      jobs = ctx.owned(cj, 'batch/Job').filter((j) => !metaOf(j).deletionTimestamp);
    }
    // History limits.
    const keep = (state: 'Complete' | 'Failed', limit: number) => {
      const done = jobs.filter((j) => jobFinished(j) === state).sort((a, b) => String(metaOf(a).creationTimestamp).localeCompare(String(metaOf(b).creationTimestamp)));
      for (const j of done.slice(0, Math.max(0, done.length - limit))) ctx.delete('batch/Job', key.namespace, String(metaOf(j).name), 'Background');
    };
    keep('Complete', Number(spec.successfulJobsHistoryLimit ?? 3));
    keep('Failed', Number(spec.failedJobsHistoryLimit ?? 1));
    const active = ctx.owned(cj, 'batch/Job').filter((j) => !metaOf(j).deletionTimestamp && !jobFinished(j));
    if (active.length)
      status.active = active.map((j) => ({ apiVersion: 'batch/v1', kind: 'Job', name: metaOf(j).name as string, namespace: key.namespace as string, resourceVersion: metaOf(j).resourceVersion as string, uid: metaOf(j).uid as string })) as Json[];
    if (scheduled && (typeof prev.lastScheduleTime === 'string' || scheduled !== Date.parse(String(metaOf(cj).creationTimestamp)))) status.lastScheduleTime = rfc3339(scheduled);
    if (lastSuccess) status.lastSuccessfulTime = rfc3339(lastSuccess);
    ctx.setStatus('batch/CronJob', cj, status);
    const next = schedule.next(Math.max(scheduled, now - 1));
    if (next !== undefined && spec.suspend !== true) ctx.requeue(this, key, Math.max(0, next - now));
  }
}
