/**
 * Rendering at a git revision, the working tree and unsaved buffers go through the same engine: `--rev HEAD`
 * renders the committed files, the working tree the edited ones, and unsaved buffers win over both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { render, Renderer } from '../src/engine/render/index.ts';
import { openView, OverlayView } from '../src/engine/source/index.ts';
import { ScratchRepo } from './helpers/git.ts';

const KUST = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources:
  - deployment.yaml
images:
  - name: example/shop
    newTag: "1.0"
configMapGenerator:
  - name: settings
    literals:
      - LEVEL=info
`;

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
        - name: shop
          image: example/shop:0.9
          envFrom:
            - configMapRef:
                name: settings
`;

function setup(): ScratchRepo {
  const repo = new ScratchRepo('gs-render-rev-');
  repo.write({ 'apps/shop/kustomization.yaml': KUST, 'apps/shop/deployment.yaml': DEPLOY });
  repo.commit('shop at 1.0');
  repo.write({
    'apps/shop/kustomization.yaml': KUST.replace('newTag: "1.0"', 'newTag: "2.0"'),
    'apps/shop/deployment.yaml': DEPLOY.replace('replicas: 1', 'replicas: 4'),
  });
  return repo;
}

test('--rev HEAD renders the committed files, the working tree the edited ones', async (t) => {
  const repo = setup();
  t.after(() => repo.cleanup());
  const dir = join(repo.dir, 'apps/shop');

  const head = await openView(dir, { rev: 'HEAD' });
  const committed = await render(head.view, head.rel);
  assert.match(committed.text, /image: example\/shop:1\.0/);
  assert.match(committed.text, /replicas: 1\n/);

  const wt = await openView(dir);
  const edited = await render(wt.view, wt.rel);
  assert.match(edited.text, /image: example\/shop:2\.0/);
  assert.match(edited.text, /replicas: 4\n/);
  assert.equal(head.rel, 'apps/shop');
  assert.equal(wt.rel, 'apps/shop');
});

test('unsaved buffers win over the working tree and over a revision', async (t) => {
  const repo = setup();
  t.after(() => repo.cleanup());
  const dir = join(repo.dir, 'apps/shop');
  const buffers = { [join(dir, 'deployment.yaml')]: DEPLOY.replace('replicas: 1', 'replicas: 9') };

  const overWorktree = await openView(dir, { buffers });
  const a = await render(overWorktree.view, overWorktree.rel);
  assert.match(a.text, /replicas: 9\n/, 'the buffer wins over the edited file on disk');
  assert.match(a.text, /example\/shop:2\.0/, 'files without a buffer come from the working tree');

  const overHead = await openView(dir, { rev: 'HEAD', buffers });
  const b = await render(overHead.view, overHead.rel);
  assert.match(b.text, /replicas: 9\n/, 'the buffer wins over the committed file');
  assert.match(b.text, /example\/shop:1\.0/, 'files without a buffer come from the revision');
});

test('a kustomization edited in a buffer renders as edited (how apps apply Argo CD kustomize options)', async (t) => {
  const repo = setup();
  t.after(() => repo.cleanup());
  const { view, rel } = await openView(join(repo.dir, 'apps/shop'));
  const edited = KUST.replace('namespace: shop', 'namespace: shop-preview\nnamePrefix: pr-42-');
  const r = await render(new OverlayView(view, { 'apps/shop/kustomization.yaml': edited }), rel);
  assert.match(r.text, /name: pr-42-shop\n/);
  assert.match(r.text, /namespace: shop-preview\n/);
  // The generated ConfigMap's reference followed the rename.
  const cm = r.resources.find((x) => x.id.kind === 'ConfigMap')!;
  assert.match(cm.id.name, /^pr-42-settings-[a-z0-9]{10}$/);
  assert.match(r.text, new RegExp(`name: ${cm.id.name}\\n`));
});

test('a Renderer re-renders after an edit and sees it (content-keyed caches)', async (t) => {
  const repo = setup();
  t.after(() => repo.cleanup());
  repo.write({
    'apps/shop-overlay/kustomization.yaml': 'resources:\n  - ../shop\nnamePrefix: o-\n',
  });
  const renderer = new Renderer();
  const { view } = await openView(repo.dir);
  const first = await renderer.render(view, 'apps/shop-overlay');
  const again = await renderer.render(view, 'apps/shop-overlay');
  const third = await renderer.render(view, 'apps/shop-overlay');
  assert.equal(again.text, first.text);
  assert.equal(third.text, first.text);
  repo.write({ 'apps/shop/deployment.yaml': DEPLOY.replace('replicas: 1', 'replicas: 7') });
  const changed = await renderer.render(view, 'apps/shop-overlay');
  assert.match(changed.text, /replicas: 7\n/, 'an edit inside the (cached) base is seen');
  repo.remove('apps/shop/deployment.yaml');
  await assert.rejects(renderer.render(view, 'apps/shop-overlay'), /deployment\.yaml not found/);
});
