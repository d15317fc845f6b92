/** Container images of a workload, as Argo CD lists them in a resource result (GetResourceImages). */
import type { KubeObject } from '../kube/index.ts';

type PodSpec = { containers?: { image?: unknown }[]; initContainers?: { image?: unknown }[] };

function podSpecOf(o: KubeObject): PodSpec | undefined {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  if (o.kind === 'Pod') return spec as PodSpec;
  if (o.kind === 'CronJob') return ((spec.jobTemplate as { spec?: { template?: { spec?: PodSpec } } } | undefined)?.spec?.template?.spec);
  return (spec.template as { spec?: PodSpec } | undefined)?.spec;
}

export function imagesOf(o: KubeObject | undefined): string[] {
  if (!o) return [];
  const ps = podSpecOf(o);
  if (!ps) return [];
  const out: string[] = [];
  for (const c of [...(ps.initContainers ?? []), ...(ps.containers ?? [])]) if (typeof c?.image === 'string' && !out.includes(c.image)) out.push(c.image);
  return out;
}
