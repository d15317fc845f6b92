import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverApps } from '../src/engine/apps/index.ts';
import { openView } from '../src/engine/source/index.ts';
import { diffAppLive, diffAppsLive, staticLiveSource, stopJq, FLUX_NAME_LABEL, FLUX_NAMESPACE_LABEL, TRACKING_ANNOTATION } from '../src/engine/diff/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

after(() => stopJq());

const owner = (name: string, ns = 'flux-system'): Record<string, string> => ({ [FLUX_NAME_LABEL]: name, [FLUX_NAMESPACE_LABEL]: ns });
const cm = (name: string, labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'podinfo', labels, ...(Object.keys(annotations).length ? { annotations } : {}) },
  data: { k: 'v' },
});

/** The deploy-repo fixture copied out, so that its Flux paths resolve from its own root. */
function fixtureRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gs-diff-flux-'));
  cpSync('test-fixtures/deploy-repo', dir, { recursive: true });
  return dir;
}

test('FLX-7 FLX-8 a Flux Kustomization is paired with live objects by its owner labels, not by Argo CD tracking', async (t) => {
  const dir = fixtureRepo();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { view } = await openView(dir);
  const found = await discoverApps(view, {});
  const ks = found.apps.find((a) => a.kind === 'Kustomization' && a.name === 'apps');
  assert.ok(ks?.render?.ok, 'the fixture Kustomization renders');
  // What kustomize-controller left in the cluster: every rendered object with its owner labels, one drifted.
  const live: KubeObject[] = ks.render.objects.map((o) => {
    const l = structuredClone(o);
    l.metadata = { ...l.metadata, labels: { ...(l.metadata.labels ?? {}), ...owner('apps') } };
    if (l.kind === 'Deployment') (l.spec as { replicas?: number }).replicas = 7;
    return l;
  });
  live.push(
    cm('stale', owner('apps')),
    cm('kept-by-annotation', owner('apps'), { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }),
    cm('other-kustomization', owner('infrastructure')),
    // Argo CD tracking that names an app called "apps": not Flux's, so never a prune candidate here.
    cm('argo-tracked', {}, { [TRACKING_ANNOTATION]: 'apps:/ConfigMap:podinfo/argo-tracked' }),
  );
  const r = await diffAppsLive({ view, source: staticLiveSource(live), app: 'apps' });
  assert.deepEqual(r.errors, []);
  const app = r.apps.find((a) => a.name === 'apps')!;
  const changes = app.objects.map((o) => `${o.kind}/${o.name} ${o.change}`).sort();
  const deploy = ks.render.objects.find((o) => o.kind === 'Deployment')!.metadata.name;
  const expected = ks.render.objects.map((o) => `${o.kind}/${o.metadata.name} ${o.kind === 'Deployment' ? 'changed' : 'unchanged'}`);
  assert.deepEqual(changes, [...expected, 'ConfigMap/stale prune'].sort());
  const d = app.objects.find((o) => o.kind === 'Deployment' && o.name === deploy)!;
  assert.deepEqual(d.fields, ['/spec/replicas']);
  assert.equal(d.mode, 'server-side-apply', 'Flux applies server-side');
  assert.equal(app.status, 'OutOfSync');
});

test('FLX-8 with prune off nothing is listed for garbage collection; desired objects get the owner labels, so labels never differ', async () => {
  const flux = { name: 'apps', namespace: 'flux-system', prune: false };
  const target = cm('settings', {});
  const live = [cm('settings', owner('apps')), cm('stale', owner('apps'))];
  const r = await diffAppLive({ name: 'apps', appNamespace: 'flux-system', destNamespace: 'podinfo', flux }, [target], staticLiveSource(live));
  assert.deepEqual(r.objects.map((o) => `${o.name} ${o.change}`), ['settings unchanged']);
  assert.equal(r.status, 'Synced');
  const pruning = await diffAppLive({ name: 'apps', appNamespace: 'flux-system', destNamespace: 'podinfo', flux: { ...flux, prune: true } }, [target], staticLiveSource(live));
  assert.deepEqual(pruning.objects.map((o) => `${o.name} ${o.change}`), ['settings unchanged', 'stale prune']);
  // The same labels under another Kustomization namespace belong to another Kustomization.
  const elsewhere = await diffAppLive({ name: 'apps', appNamespace: 'team-a', destNamespace: 'podinfo', flux: { name: 'apps', namespace: 'team-a', prune: true } }, [], staticLiveSource(live));
  assert.deepEqual(elsewhere.objects, []);
});
