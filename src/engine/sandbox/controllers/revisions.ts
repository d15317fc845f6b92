/** ControllerRevisions for StatefulSets and DaemonSets: one per pod template, named `<owner>-<hash>`. */
import { canonical, clone, isObject, type JsonObject } from '../json.ts';
import { fnv32a } from '../names.ts';
import { metaOf } from '../store.ts';
import type { ControllerContext } from './runtime.ts';

export function revisionHash(template: unknown): string {
  const h = fnv32a(canonical(template)).toString(16);
  return h.padStart(8, '0').slice(0, 10);
}

/** The revision for the owner's current template (created if missing), and all its revisions. */
export function syncRevisions(ctx: ControllerContext, ownerKind: string, owner: JsonObject, template: unknown): { current: JsonObject | undefined; name: string; all: JsonObject[] } {
  const md = metaOf(owner);
  const hash = revisionHash(template);
  const name = `${String(md.name)}-${hash}`;
  let all = ctx.owned(owner, 'apps/ControllerRevision');
  let current = all.find((r) => metaOf(r).name === name);
  if (!current) {
    const next = Math.max(0, ...all.map((r) => Number(r.revision ?? 0))) + 1;
    const tplLabels = isObject(template) && isObject(template.metadata) && isObject(template.metadata.labels) ? template.metadata.labels : {};
    current = ctx.create('apps/ControllerRevision', {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name, namespace: md.namespace as string, labels: { ...clone(tplLabels), 'controller.kubernetes.io/hash': hash }, ownerReferences: [ctx.ownerRef(ownerKind, owner)] },
      data: { spec: { template: { ...(clone(template) as JsonObject), $patch: 'replace' } } },
      revision: next,
    });
    all = ctx.owned(owner, 'apps/ControllerRevision');
  }
  return { current, name, all };
}

/** Deletes revisions beyond the history limit that no pod uses. */
export function pruneRevisions(ctx: ControllerContext, all: JsonObject[], inUse: Set<string>, limit: number): void {
  const idle = all.filter((r) => !inUse.has(String(metaOf(r).name))).sort((a, b) => Number(a.revision ?? 0) - Number(b.revision ?? 0));
  for (const r of idle.slice(0, Math.max(0, idle.length - limit))) ctx.delete('apps/ControllerRevision', metaOf(r).namespace as string, String(metaOf(r).name));
}
