/**
 * Where the renderer locates a user's mistake when the parity suite cannot tell (it only knows both sides fail):
 * each case names the exact file:line:column a user should jump to, counted by hand from the texts below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGitOpsError } from '../src/engine/errors/index.ts';
import { Renderer } from '../src/engine/render/index.ts';
import { explainObject, findObject, finalSetter } from '../src/engine/provenance/index.ts';
import { MemoryView } from './helpers/memory-view.ts';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';

async function errorOf(files: Record<string, string>): Promise<string> {
  try {
    await new Renderer().render(new MemoryView(files), '');
  } catch (e) {
    assert.ok(isGitOpsError(e), String(e));
    return e.toString();
  }
  assert.fail('rendered, but kustomize refuses this');
}

test('an inline plugin config is located at its own line inside the kustomization, not at line 1 of the string', async () => {
  const kust = [
    'resources:', //                                    1
    '- cm.yaml', //                                     2
    'transformers:', //                                 3
    '- |-', //                                          4
    '  apiVersion: example.com/v1', //                  5
    '  kind: SetLabel', //                              6
    '  metadata:', //                                   7
    '    name: fn', //                                  8
    '',
  ].join('\n');
  assert.match(await errorOf({ 'kustomization.yaml': kust, 'cm.yaml': CM }), /^kustomization\.yaml:5:3: transformers: SetLabel \(example\.com\/v1\) is an external kustomize plugin/);
  const sortOrder = kust.replace('example.com/v1', 'builtin').replace('SetLabel', 'SortOrderTransformer');
  assert.match(await errorOf({ 'kustomization.yaml': sortOrder, 'cm.yaml': CM }), /^kustomization\.yaml:5:3: transformers: unable to load builtin SortOrderTransformer/);
});

test('two kustomization files in one folder: the second one is named, at line 1', async () => {
  const msg = await errorOf({ 'app/kustomization.yaml': 'resources: []\n', 'app/kustomization.yml': 'resources: []\n', 'kustomization.yaml': 'resources:\n- app\n' });
  assert.match(msg, /^app\/kustomization\.yml:1:1: found multiple kustomization files in app \(kustomization\.yaml, kustomization\.yml\)/);
});

test('IAMPolicyGenerator: the ServiceAccount it writes is located at the config fields, and a cloud other than gke is refused there', async () => {
  const kust = [
    'generators:', //                                   1
    '- |-', //                                          2
    '  apiVersion: builtin', //                         3
    '  kind: IAMPolicyGenerator', //                    4
    '  metadata:', //                                   5
    '    name: wi', //                                  6
    '  cloud: gke', //                                  7
    '  kubernetesService:', //                          8
    '    name: app', //                                 9
    '  serviceAccount:', //                             10
    '    name: gsa', //                                 11
    '    projectId: p', //                              12
    '',
  ].join('\n');
  const result = await new Renderer().render(new MemoryView({ 'kustomization.yaml': kust }), '', { provenance: true });
  assert.equal(result.text, 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    iam.gke.io/gcp-service-account: gsa@p.iam.gserviceaccount.com\n  name: app\n');
  const sa = findObject(result.resources, 'ServiceAccount/app');
  const name = explainObject(sa, { field: 'metadata.name' }).fields[0]!;
  assert.deepEqual(name.origin, { file: 'kustomization.yaml', line: 9, column: 11 });
  assert.equal(finalSetter(name).operation, 'IAMPolicyGenerator');
  const anno = explainObject(sa, { field: 'metadata.annotations[iam.gke.io/gcp-service-account]' }).fields[0]!;
  assert.deepEqual(anno.origin, { file: 'kustomization.yaml', line: 11, column: 11 });
  assert.match(await errorOf({ 'kustomization.yaml': kust.replace('cloud: gke', 'cloud: aws') }), /^kustomization\.yaml:7:10: IAMPolicyGenerator: cloud provider aws not supported yet/);
});

test('a symlinked file that points out of the kustomization folder is refused, in the working tree and at a revision; one inside is read', async (t) => {
  const { ScratchRepo } = await import('./helpers/git.ts');
  const { symlinkSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { openView } = await import('../src/engine/source/index.ts');
  const repo = new ScratchRepo('gs-render-symlink-');
  t.after(() => repo.cleanup());
  repo.write({
    'shared/cm.yaml': CM,
    'app/cm.yaml': CM.replace('name: c', 'name: inside'),
    'app/kustomization.yaml': 'resources:\n- link.yaml\n',
    'inner/kustomization.yaml': 'resources:\n- sub/link.yaml\n',
    'inner/cm.yaml': CM,
  });
  symlinkSync('../shared/cm.yaml', join(repo.dir, 'app/link.yaml'));
  repo.write({ 'inner/sub/.keep': '' });
  symlinkSync('../cm.yaml', join(repo.dir, 'inner/sub/link.yaml'));
  repo.commit('links');
  for (const rev of [undefined, 'HEAD']) {
    const { view } = await openView(repo.dir, { rev });
    await assert.rejects(
      new Renderer().render(view, 'app'),
      (e: unknown) => isGitOpsError(e) && /^app\/kustomization\.yaml:2:3: resource link\.yaml is a symlink to shared\/cm\.yaml, outside the kustomization folder app/.test(e.toString()),
      `refused at ${rev ?? 'the working tree'}`,
    );
    const ok = await new Renderer().render(view, 'inner');
    assert.match(ok.text, /name: c\n/, `a link inside the folder is read at ${rev ?? 'the working tree'}`);
  }
});
