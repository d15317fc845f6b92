/**
 * `diff --app` against a sandbox state: the Application's own ignoreDifferences and the repo's argocd-cm
 * (system-level ignoreDifferences, sensitive annotations) are both honoured, end to end through the CLI.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';
import { stopJq } from '../src/engine/diff/index.ts';
import { Sandbox } from '../src/engine/sandbox/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';
import { ScratchRepo } from './helpers/git.ts';

after(() => stopJq());

const TOKEN = 'annotation-canary-41d9';

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd });
  return { code, out, err };
}

test('DIF-5 DIF-7 DIF-9 diff --app honours the Application\'s ignoreDifferences and the repo argocd-cm (system rules, sensitive annotations)', async (t) => {
  const repo = new ScratchRepo();
  t.after(() => repo.cleanup());
  repo.git('remote', 'add', 'origin', 'https://github.com/example/deploy.git');
  repo.write({
    'argocd/argocd-cm.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: argocd-cm, namespace: argocd}',
      'data:',
      '  resource.customizations.ignoreDifferences.apps_Deployment: |',
      '    jsonPointers: [/spec/replicas]',
      '  resource.sensitive.mask.annotations: example.com/token',
      '',
    ].join('\n'),
    'argocd/shop.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: shop, namespace: argocd}',
      'spec:',
      '  project: default',
      '  source: {repoURL: https://github.com/example/deploy.git, path: apps/shop, targetRevision: main}',
      '  destination: {server: https://kubernetes.default.svc, namespace: shop}',
      '  ignoreDifferences:',
      '  - kind: ConfigMap',
      '    jqPathExpressions: [.data.generated]',
      '',
    ].join('\n'),
    'apps/shop/deploy.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  replicas: 2',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec: {containers: [{name: web, image: "nginx:1.27"}]}',
      '',
    ].join('\n'),
    'apps/shop/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: {mode: prod, generated: from-git}\n',
    // Sensitive annotations are masked on Secrets, as Argo CD masks them (only Secrets go through its masking).
    'apps/shop/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\n  annotations: {example.com/token: ${TOKEN}}\ndata: {key: dmFsdWU=}\n`,
  });
  repo.commit('shop');
  // Live: replicas changed by an autoscaler, the generated key rewritten by a controller, and a real drift.
  const sb = new Sandbox({ seed: 1 });
  sb.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, { fieldManager: 'x' });
  const track = (o: KubeObject, g = ''): KubeObject => {
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'argocd.argoproj.io/tracking-id': `shop:${g}/${o.kind}:shop/${o.metadata.name}` };
    return o;
  };
  sb.apply(
    track(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 9, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } },
      'apps',
    ),
    { fieldManager: 'argocd-controller' },
  );
  sb.apply(track({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'debug', generated: 'by-controller' } }), { fieldManager: 'argocd-controller' });
  sb.apply(track({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api', namespace: 'shop', annotations: { 'example.com/token': 'live-token-value' } }, data: { key: 'dmFsdWU=' } }), { fieldManager: 'argocd-controller' });
  await sb.save(join(repo.dir, 'state.json'));

  const r = await cli(['diff', '--app', 'shop', '--cluster', 'sandbox:state.json', '--json'], repo.dir);
  assert.equal(r.code, 1, r.err);
  const objects = (JSON.parse(r.out) as { apps: { objects: { kind: string; name: string; change: string; fields: string[] }[] }[] }).apps[0]!.objects;
  assert.deepEqual(
    objects.map((o) => [o.kind, o.name, o.change, o.fields]),
    [
      ['ConfigMap', 'settings', 'changed', ['/data/mode']],
      ['Secret', 'api', 'changed', ['/metadata/annotations/example.com~1token']],
    ],
    'replicas (argocd-cm) and data.generated (the Application) are ignored; the Deployment is unchanged',
  );
  for (const out of [r.out, (await cli(['diff', '--app', 'shop', '--cluster', 'sandbox:state.json'], repo.dir)).out]) {
    assert.ok(!out.includes(TOKEN) && !out.includes('live-token-value'), 'sensitive annotations are masked');
  }

  // DIF-4: the controller default from argocd-cmd-params-cm turns on the server-side diff; the text says how each
  // object was compared.
  const textBefore = (await cli(['diff', '--app', 'shop', '--cluster', 'sandbox:state.json'], repo.dir)).out;
  assert.match(textBefore, /^~ ConfigMap\/shop\/settings: changed \/data\/mode$/m);
  repo.write({ 'argocd/params.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cmd-params-cm, namespace: argocd}\ndata:\n  controller.diff.server.side: "true"\n' });
  const ssd = await cli(['diff', '--app', 'shop', '--cluster', 'sandbox:state.json'], repo.dir);
  assert.equal(ssd.code, 1, ssd.err);
  assert.match(ssd.out, /^~ ConfigMap\/shop\/settings: changed \/data\/mode \(server-side diff\)$/m);
  assert.ok(!ssd.out.includes(TOKEN) && !ssd.out.includes('live-token-value'));
});
