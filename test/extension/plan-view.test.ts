import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/engine/kube/index.ts';
import { planSync } from '../../src/engine/plan/index.ts';
import { planView } from '../../src/extension/engine/plan-view.ts';

const OVERLAY = fileURLToPath(new URL('../e2e/fixture-repo/apps/shop/overlays/prod', import.meta.url));

function rendered(t: { skip: (m: string) => void }): KubeObject[] | undefined {
  const r = spawnSync('kubectl', ['kustomize', OVERLAY], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    t.skip(`kubectl kustomize not available: ${r.error?.message ?? r.stderr}`);
    return undefined;
  }
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as KubeObject);
}

test('the sync preview groups tasks by phase, then wave, in execution order, with hook policies in words', (t) => {
  const desired = rendered(t);
  if (!desired) return;
  const plan = planSync({ app: { name: 'shop-prod', destinationNamespace: 'shop-prod' }, desired });
  const view = planView(plan, { title: 'Sync preview: prod', against: 'an empty cluster', sourceOf: () => undefined });
  assert.deepEqual(
    view.phases.map((p) => `${p.phase}:${p.waves.map((w) => w.wave).join(',')}`),
    ['PreSync:0', 'Sync:0,1,2', 'PostSync:0'],
  );
  const rows = view.phases.flatMap((p) => p.waves.flatMap((w) => w.rows.map((r) => `${p.phase}/${w.wave} ${r.action} ${r.kind}/${r.name}`)));
  assert.ok(rows.includes('PreSync/0 hook Job/db-migrate'), rows.join('\n'));
  assert.ok(rows.includes('Sync/1 create Deployment/shop'), rows.join('\n'));
  assert.ok(rows.includes('Sync/2 create Service/shop'), rows.join('\n'));
  assert.ok(rows.includes('PostSync/0 hook Job/smoke-test'), rows.join('\n'));
  const migrate = view.phases[0]!.waves[0]!.rows.find((r) => r.name === 'db-migrate')!;
  assert.deepEqual(migrate.hook?.deletePolicies, ['BeforeHookCreation']);
  assert.ok(migrate.hook?.deleteWhen);
  assert.equal(view.counts.hook, 2);
  // The last wave is flagged so the page can say it is not health-waited unless it holds hooks (ORD-12).
  assert.equal(view.phases.at(-1)!.waves.at(-1)!.final, true);
});

test('only plain fields reach the webview: no object bodies, so no Secret data', (t) => {
  const desired = rendered(t);
  if (!desired) return;
  const plan = planSync({ app: { name: 'shop-prod', destinationNamespace: 'shop-prod' }, desired });
  const json = JSON.stringify(planView(plan, { title: 'x', against: 'y', sourceOf: (k) => ({ file: `/repo/${k.kind}.yaml`, line: 3 }) }));
  assert.ok(!json.includes(Buffer.from('e2e-canary-prod-51d2e8').toString('base64')));
  assert.ok(!json.includes('e2e-canary'));
  assert.ok(json.includes('"source":{"file":"/repo/Deployment.yaml","line":3}'));
});
