/** Builders for plan tests: small objects, tracked live copies, and a compact view of the task list. */
import { planSync, type Plan, type PlanInput, type PlanTask } from '../../src/engine/plan/index.ts';
import type { KubeObject } from '../../src/engine/kube/index.ts';

export const APP = 'shop';
export const NS = 'shop';

export function obj(apiVersion: string, kind: string, name: string, opts: { ns?: string | null; wave?: number | string; ann?: Record<string, string>; spec?: unknown; extra?: Record<string, unknown> } = {}): KubeObject {
  const annotations: Record<string, string> = { ...(opts.ann ?? {}) };
  if (opts.wave !== undefined) annotations['argocd.argoproj.io/sync-wave'] = String(opts.wave);
  const metadata: KubeObject['metadata'] = { name };
  if (opts.ns !== null) metadata.namespace = opts.ns ?? NS;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { apiVersion, kind, metadata, ...(opts.spec !== undefined ? { spec: opts.spec } : {}), ...(opts.extra ?? {}) };
}

export const cm = (name: string, opts: Parameters<typeof obj>[3] = {}) => obj('v1', 'ConfigMap', name, { ...opts, extra: { data: { k: name }, ...(opts.extra ?? {}) } });

export function deploy(name: string, opts: Parameters<typeof obj>[3] & { paused?: boolean } = {}): KubeObject {
  return obj('apps/v1', 'Deployment', name, { ...opts, spec: { replicas: 1, ...(opts.paused ? { paused: true } : {}), template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
}

export function hook(kind: 'Job' | 'Pod' | 'ConfigMap', name: string, type: string, opts: { policy?: string; generateName?: boolean; wave?: number; ann?: Record<string, string> } = {}): KubeObject {
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'v1';
  const ann: Record<string, string> = { 'argocd.argoproj.io/hook': type, ...(opts.ann ?? {}) };
  if (opts.policy) ann['argocd.argoproj.io/hook-delete-policy'] = opts.policy;
  const o = obj(apiVersion, kind, name, { ann, wave: opts.wave, spec: kind === 'ConfigMap' ? undefined : { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
  if (opts.generateName) {
    o.metadata.generateName = name;
    delete o.metadata.name;
  }
  return o;
}

/** A live copy as Argo CD would have left it: tracked to the app (annotation method), with a uid. */
export function tracked(o: KubeObject, app = APP, destNs = NS): KubeObject {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  const ns = o.metadata.namespace || destNs;
  return {
    ...structuredClone(o),
    metadata: {
      ...structuredClone(o.metadata),
      uid: `uid-${o.kind}-${o.metadata.name}`,
      annotations: { ...(o.metadata.annotations ?? {}), 'argocd.argoproj.io/tracking-id': `${app}:${group}/${o.kind}:${ns}/${o.metadata.name}` },
    },
  };
}

export function plan(input: Partial<PlanInput> & { desired: KubeObject[] }): Plan {
  return planSync({
    app: { name: APP, destinationNamespace: NS, ...(input.app ?? {}) },
    revision: 'abcdef0123456789',
    startedAt: new Date(1_700_000_000_000),
    ...input,
  });
}

/** `phase/wave Kind/name action` per task, the compact form the assertions read. */
export function lines(p: Plan): string[] {
  return p.tasks.map((t) => line(t));
}

export function line(t: PlanTask): string {
  return `${t.phase}/${t.wave} ${t.kind}/${t.name} ${t.action}`;
}

export function task(p: Plan, name: string, kind?: string): PlanTask {
  const t = p.tasks.find((x) => x.name === name && (!kind || x.kind === kind));
  if (!t) throw new Error(`no task ${kind ?? ''}/${name} in ${lines(p).join(' | ')}`);
  return t;
}

export function codes(p: Plan): string[] {
  return p.warnings.map((w) => w.code);
}
