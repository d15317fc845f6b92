/**
 * The sync tests' fixture app: a PreSync and a PostSync hook, three waves, a Secret (a canary value) and a live
 * object to prune, plus builders for variations and a compact view of results and cluster state.
 */
import { createHash } from 'node:crypto';
import { Sandbox } from '../../src/engine/sandbox/index.ts';
import { SandboxTarget, type ClusterTarget } from '../../src/engine/cluster/index.ts';
import { syncApp, type SyncAppInput, type SyncEvent, type SyncResult } from '../../src/engine/sync/index.ts';
import type { KubeObject } from '../../src/engine/kube/index.ts';
import type { PlanApp } from '../../src/engine/plan/index.ts';

export const NS = 'shop';
export const APP: PlanApp = { name: 'shop', destinationNamespace: NS, syncOptions: ['CreateNamespace=true'] };
export const CANARY = 'canary-Sup3rS3cret-7f3a9c';
export const FAIL = 'sandbox.gitops-sandbox.dev/fail';

export function ann(wave?: number, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(wave !== undefined ? { 'argocd.argoproj.io/sync-wave': String(wave) } : {}), ...extra };
}

export function configMap(name: string, opts: { wave?: number; ann?: Record<string, string>; data?: Record<string, string> } = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, annotations: ann(opts.wave, opts.ann) }, data: opts.data ?? { key: name } };
}

export function deployment(name: string, opts: { wave?: number; paused?: boolean; image?: string; ann?: Record<string, string>; selector?: string } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, annotations: ann(opts.wave, opts.ann) },
    spec: {
      replicas: 1,
      ...(opts.paused ? { paused: true } : {}),
      selector: { matchLabels: { app: opts.selector ?? name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: opts.image ?? `registry.example/${name}:1` }] } },
    },
  };
}

export function job(name: string, hook: string, opts: { policy?: string; fail?: boolean; wave?: number; generateName?: boolean } = {}): KubeObject {
  const a: Record<string, string> = { 'argocd.argoproj.io/hook': hook };
  if (opts.policy) a['argocd.argoproj.io/hook-delete-policy'] = opts.policy;
  if (opts.wave !== undefined) a['argocd.argoproj.io/sync-wave'] = String(opts.wave);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...(opts.generateName ? { generateName: `${name}-` } : { name }), namespace: NS, annotations: a },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: opts.fail ? { annotations: { [FAIL]: 'JobFailure' } } : {},
        spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'registry.example/tools:1' }] },
      },
    },
  };
}

/** Hooks PreSync (migrate, HookSucceeded) and PostSync (smoke, default policy); waves 0, 1, 2. */
export function fixtureApp(): KubeObject[] {
  return [
    configMap('settings'),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: NS }, type: 'Opaque', data: { password: Buffer.from(CANARY).toString('base64') } },
    deployment('db', { wave: 1 }),
    deployment('web', { wave: 2 }),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS, annotations: ann(2) }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
    job('migrate', 'PreSync', { policy: 'HookSucceeded' }),
    job('smoke', 'PostSync'),
  ];
}

/** A live object tracked to the app that is no longer in git: the sync prunes it. */
export function leftover(name = 'old-settings', extra: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, annotations: { 'argocd.argoproj.io/tracking-id': `shop:/ConfigMap:${NS}/${name}`, 'argocd.argoproj.io/sync-wave': '1', ...extra } }, data: { stale: 'yes' } };
}

export function newSandbox(): Sandbox {
  return new Sandbox({ seed: 7, startTime: '2025-01-01T00:00:00Z' });
}

/** A sandbox with the app's namespace and the leftover object in it. */
export function seededSandbox(extraLive: KubeObject[] = [leftover()]): Sandbox {
  const sb = newSandbox();
  sb.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (const o of extraLive) sb.create(o);
  return sb;
}

export interface Run extends Awaited<ReturnType<typeof syncApp>> {
  events: SyncEvent[];
}

export async function runSync(target: ClusterTarget, desired: KubeObject[], opts: Partial<SyncAppInput> = {}): Promise<Run> {
  const events: SyncEvent[] = [];
  const out = await syncApp({ app: APP, desired, target, prune: true, waveDelayMs: 2000, ...opts, onEvent: (e) => {
    events.push(e);
    opts.onEvent?.(e);
  } });
  return { ...out, events };
}

export async function sandboxRun(desired: KubeObject[] = fixtureApp(), opts: Partial<SyncAppInput> & { sandbox?: Sandbox } = {}): Promise<Run & { sandbox: Sandbox; target: SandboxTarget }> {
  const sandbox = opts.sandbox ?? seededSandbox();
  const target = await SandboxTarget.open({ sandbox });
  return { ...(await runSync(target, desired, opts)), sandbox, target };
}

/** Results as comparable lines: `Sync 1 Deployment/db Synced Succeeded deployment.apps/db created`. */
export function resultLines(r: SyncResult): string[] {
  return r.resources.map((x) => `${x.syncPhase} ${x.wave} ${x.kind}/${x.name} ${x.status ?? '-'} ${x.hookPhase || '-'} ${x.message}`);
}

/** What a user would compare across clusters: kind/ns/name with labels, annotations (minus kubectl's), spec/data. */
export function stateOf(objects: KubeObject[]): string[] {
  return objects
    .filter((o) => o.metadata?.namespace === NS && ['ConfigMap', 'Secret', 'Deployment', 'Service', 'Job'].includes(o.kind))
    .map((o) => {
      const a = { ...(o.metadata.annotations ?? {}) };
      delete a['kubectl.kubernetes.io/last-applied-configuration'];
      const spec = o.spec as Record<string, unknown> | undefined;
      // Secret values are compared by digest: a failing assertion must not print them.
      const body = o.kind === 'Secret' ? { data: createHash('sha256').update(JSON.stringify(o.data ?? {})).digest('hex').slice(0, 16) } : o.kind === 'ConfigMap' ? { data: o.data } : { replicas: spec?.replicas, image: JSON.stringify((spec?.template as { spec?: { containers?: { image?: string }[] } } | undefined)?.spec?.containers?.map((c) => c.image)) };
      return `${o.kind}/${o.metadata.name} ${JSON.stringify(o.metadata.labels ?? {})} ${JSON.stringify(a)} ${JSON.stringify(body)} fin=${JSON.stringify(o.metadata.finalizers ?? [])}`;
    })
    .sort();
}
