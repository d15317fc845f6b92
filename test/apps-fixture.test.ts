/**
 * The fixture deploy repo end to end: every app Argo CD and Flux would see, where it comes from, where it goes,
 * and what it renders (kustomize through the project renderer, compared app by app with the real `kubectl kustomize`
 * at the end; directory sources through our own reader).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { openView, OverlayView } from '../src/engine/source/index.ts';
import { discoverApps, type AppEntry, type AppsResult } from '../src/engine/apps/index.ts';
import type { KubeObject as KubeObjectLike } from '../src/engine/kube/index.ts';
import { deployRepo, kubectlAvailable, kubectlRenderer } from './helpers/apps-fixture.ts';
import type { ScratchRepo } from './helpers/git.ts';

const noKubectl = kubectlAvailable();

function byName(r: AppsResult, name: string): AppEntry {
  const a = r.apps.find((x) => x.name === name);
  assert.ok(a, `app ${name} is listed`);
  return a;
}

function obj(a: AppEntry, kind: string, name: string): KubeObjectLike {
  const o = a.render?.objects.find((x) => x.kind === kind && x.metadata?.name === name);
  assert.ok(o, `${a.name} renders ${kind}/${name}; it renders ${a.render?.objects.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')}`);
  return o as KubeObjectLike;
}

describe('the fixture deploy repo', () => {
  let repo: ScratchRepo;
  let r: AppsResult;
  before(async () => {
    repo = deployRepo();
    const { view } = await openView(repo.dir);
    r = await discoverApps(view); // the project renderer, as the CLI and the extension render
  });
  after(() => repo?.cleanup());

  test('lists every app in tree order with its kind, generator and parent (APP tree, SET-4, SET-6)', () => {
    const rows = r.apps.map((a) => [a.kind, a.name, a.generatedBy ?? '', a.parent ?? '']);
    assert.deepEqual(rows, [
      ['Application', 'root-prod', '', ''],
      ['Application', 'cert-manager', '', 'root-prod'],
      ['Application', 'guestbook-preview', '', 'root-prod'],
      ['Application', 'billing', '', 'root-prod'],
      ['Application', 'platform-prod', '', 'root-prod'],
      ['Application', 'podinfo-staging-eu-west', 'podinfo-regions', 'root-prod'],
      ['Application', 'podinfo-staging-us-east', 'podinfo-regions', 'root-prod'],
      ['Application', 'podinfo-prod-eu-west', 'podinfo-regions', 'root-prod'],
      ['Application', 'podinfo-prod-us-east', 'podinfo-regions', 'root-prod'],
      ['Application', 'guestbook-prod', 'services-prod', 'root-prod'],
      ['Application', 'podinfo-prod', 'services-prod', 'root-prod'],
      ['Kustomization', 'flux-system', '', ''],
      ['Kustomization', 'infrastructure', '', 'flux-system'],
      ['Kustomization', 'apps', '', 'flux-system'],
    ]);
    assert.deepEqual(r.roots, ['Application/argocd/root-prod', 'Kustomization/flux-system/flux-system']);
    assert.deepEqual(r.errors, []);
  });

  test('generated apps carry the paths and destinations their generators produced (SET-1, SET-4, SET-5, SET-6)', () => {
    const rows = r.apps.map((a) => [a.name, a.source.path, a.destination.server ?? '', a.destination.namespace ?? '']);
    assert.deepEqual(rows, [
      ['root-prod', 'clusters/prod/apps', 'https://kubernetes.default.svc', 'argocd'],
      ['cert-manager', '', 'https://kubernetes.default.svc', 'cert-manager'],
      ['guestbook-preview', 'apps/guestbook/overlays/dev', 'https://kubernetes.default.svc', 'guestbook-preview'],
      ['billing', 'deploy/prod', 'https://kubernetes.default.svc', 'billing'],
      ['platform-prod', 'platform', 'https://kubernetes.default.svc', 'platform'],
      ['podinfo-staging-eu-west', 'apps/podinfo/overlays/staging', 'https://eu-west.k8s.example.com:6443', 'podinfo'],
      ['podinfo-staging-us-east', 'apps/podinfo/overlays/staging', 'https://us-east.k8s.example.com:6443', 'podinfo'],
      ['podinfo-prod-eu-west', 'apps/podinfo/overlays/prod', 'https://eu-west.k8s.example.com:6443', 'podinfo'],
      ['podinfo-prod-us-east', 'apps/podinfo/overlays/prod', 'https://us-east.k8s.example.com:6443', 'podinfo'],
      ['guestbook-prod', 'apps/guestbook/overlays/prod', 'https://kubernetes.default.svc', 'guestbook'],
      ['podinfo-prod', 'apps/podinfo/overlays/prod', 'https://kubernetes.default.svc', 'podinfo'],
      ['flux-system', './flux/clusters/prod', 'https://kubernetes.default.svc', ''],
      ['infrastructure', './flux/infrastructure', 'https://kubernetes.default.svc', ''],
      ['apps', './flux/apps/prod', 'https://kubernetes.default.svc', 'podinfo'],
    ]);
    const gb = byName(r, 'guestbook-prod');
    assert.equal(gb.manifest.metadata.namespace, 'argocd', 'SET-8: the app namespace is the ApplicationSet namespace');
    assert.deepEqual(gb.manifest.metadata.finalizers, ['resources-finalizer.argocd.argoproj.io'], 'SET-8: the resources finalizer is added');
    assert.deepEqual(gb.manifest.metadata.labels, { team: 'GUESTBOOK' }, 'sprig upper in goTemplate');
    assert.equal(gb.definedIn.file, 'clusters/prod/apps/services-appset.yaml');
  });

  test('every app renders what its controller would, with the destination namespace defaulted (ORD-7)', () => {
    const counts = Object.fromEntries(r.apps.map((a) => [a.name, a.render?.ok ? a.render.objects.length : a.external ? 'external' : 'failed']));
    assert.deepEqual(counts, {
      'root-prod': 6,
      'cert-manager': 'external',
      'guestbook-preview': 2,
      billing: 'external',
      'platform-prod': 4,
      'podinfo-staging-eu-west': 2,
      'podinfo-staging-us-east': 2,
      'podinfo-prod-eu-west': 2,
      'podinfo-prod-us-east': 2,
      'guestbook-prod': 2,
      'podinfo-prod': 2,
      'flux-system': 5,
      infrastructure: 2,
      apps: 5,
    });
    const dep = obj(byName(r, 'guestbook-prod'), 'Deployment', 'guestbook-ui');
    assert.equal(dep.metadata.namespace, 'guestbook');
    assert.equal((dep.spec as { replicas: number }).replicas, 3);
    const staging = obj(byName(r, 'podinfo-staging-eu-west'), 'Deployment', 'podinfo') as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
    assert.equal(staging.spec.template.spec.containers[0]!.image, 'ghcr.io/stefanprodan/podinfo:6.6.0');
  });

  test('Argo CD kustomize options are applied on top of the overlay (namePrefix, images, commonLabels)', () => {
    const a = byName(r, 'guestbook-preview');
    const dep = obj(a, 'Deployment', 'preview-guestbook-ui') as KubeObjectLike & { spec: { selector: { matchLabels: Record<string, string> }; template: { spec: { containers: { image: string }[] } } } };
    assert.equal(dep.metadata.namespace, 'guestbook-preview');
    assert.equal(dep.spec.template.spec.containers[0]!.image, 'gcr.io/heptio-images/ks-guestbook-demo:0.4');
    assert.equal(dep.metadata.labels?.env, 'preview');
    assert.equal(dep.spec.selector.matchLabels.env, 'preview', 'commonLabels reach selectors');
    obj(a, 'Service', 'preview-guestbook-ui');
    assert.equal(a.revisionNote, 'targets feature/preview; showing branch main');
  });

  test('a directory source reads plain YAML and JSON recursively and honours exclude', () => {
    const a = byName(r, 'platform-prod');
    const names = a.render!.objects.map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
    assert.deepEqual(names, ['Namespace//guestbook', 'Namespace//podinfo', 'ResourceQuota/platform/team-quota', 'ConfigMap/platform/platform-settings']);
  });

  test('apps of other repositories are listed as external with the reason and not rendered', () => {
    const cm = byName(r, 'cert-manager');
    assert.equal(cm.external, true);
    assert.match(cm.externalReason!, /Helm chart cert-manager from the Helm repository https:\/\/charts\.jetstack\.io/);
    const billing = byName(r, 'billing');
    assert.equal(billing.external, true);
    assert.match(billing.externalReason!, /billing-deploy\.git is another repository/);
    assert.equal(billing.render?.objects.length, 0);
  });

  test('Flux: dependency order, the generated root kustomization and postBuild substitution (FLX-1, FLX-2, FLX-5, FLX-6)', () => {
    assert.deepEqual(r.fluxOrder, ['Kustomization/flux-system/flux-system', 'Kustomization/flux-system/infrastructure', 'Kustomization/flux-system/apps']);
    const root = byName(r, 'flux-system');
    assert.deepEqual(root.render!.objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort(), [
      'ConfigMap/cluster-vars',
      'GitRepository/flux-system',
      'Kustomization/apps',
      'Kustomization/flux-system',
      'Kustomization/infrastructure',
    ]);
    const apps = byName(r, 'apps');
    for (const o of apps.render!.objects) assert.equal(o.metadata?.namespace, 'podinfo', `${o.kind}/${o.metadata?.name} is in the targetNamespace`);
    const ing = obj(apps, 'Ingress', 'podinfo') as KubeObjectLike & { spec: { rules: { host: string }[] } };
    assert.equal(ing.spec.rules[0]!.host, 'podinfo.prod.example.com');
    assert.equal(ing.metadata.annotations?.cluster, 'prod-eu');
    assert.deepEqual(obj(apps, 'ConfigMap', 'podinfo-settings').data, { region: 'eu', owner: 'platform' });
    assert.deepEqual(obj(apps, 'ConfigMap', 'podinfo-script').data, { 'run.sh': 'echo ${HOME}' }, 'substitution disabled by annotation');
    const dep = obj(apps, 'Deployment', 'podinfo') as unknown as { spec: { replicas: number } };
    assert.equal(dep.spec.replicas, 2);
    assert.deepEqual(apps.flux?.dependsOn, [{ name: 'infrastructure', namespace: 'flux-system' }]);
    assert.equal(byName(r, 'infrastructure').syncPolicy.timeout, '5m');
    assert.equal(apps.syncPolicy.timeout, '9m30s', 'FLX-3: timeout defaults to interval - 30s');
  });
});

describe('discovery reads the view it is given', () => {
  test('the working tree, unsaved buffers and a git revision each show their own apps', async (t) => {
    const repo = deployRepo();
    t.after(() => repo.cleanup());
    // An uncommitted new service with a prod overlay joins the git directory generator's apps.
    mkdirSync(join(repo.dir, 'apps/redis/overlays/prod'), { recursive: true });
    writeFileSync(join(repo.dir, 'apps/redis/overlays/prod/kustomization.yaml'), 'resources:\n- cm.yaml\n');
    writeFileSync(join(repo.dir, 'apps/redis/overlays/prod/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\n');
    // Kustomize output does not matter here; directory sources (the root app) still render for real.
    const renderer = async () => [];
    const wt = await discoverApps((await openView(repo.dir)).view, { renderer });
    assert.ok(wt.apps.some((a) => a.name === 'redis-prod' && a.generatedBy === 'services-prod'));
    const head = await discoverApps((await openView(repo.dir, { rev: 'HEAD' })).view, { renderer, rev: 'HEAD' });
    assert.ok(!head.apps.some((a) => a.name === 'redis-prod'), 'HEAD does not have the uncommitted overlay');
    const { view } = await openView(repo.dir, { rev: 'HEAD' });
    const buffers = new OverlayView(view, {
      'clusters/prod/apps/extra.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: extra\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://github.com/example/deploy-repo\n    path: platform/namespaces\n  destination:\n    server: https://kubernetes.default.svc\n',
    });
    const typed = await discoverApps(buffers, { renderer, rev: 'HEAD' });
    const extra = typed.apps.find((a) => a.name === 'extra');
    assert.ok(extra, 'an unsaved new Application file is found');
    assert.equal(extra.parent, 'root-prod', 'and the root app renders it');
    assert.equal(extra.render?.objects.length, 2);
  });
});

describe('the project renderer and kubectl kustomize give every fixture app the same objects', { skip: noKubectl }, () => {
  test('each rendered app, object by object', async (t) => {
    const repo = deployRepo();
    t.after(() => repo.cleanup());
    const { view } = await openView(repo.dir);
    const ours = await discoverApps(view, {});
    const theirs = await discoverApps(view, { renderer: kubectlRenderer() });
    assert.deepEqual(ours.errors, []);
    assert.deepEqual(ours.apps.map((a) => a.id), theirs.apps.map((a) => a.id));
    for (let i = 0; i < ours.apps.length; i++) {
      const a = ours.apps[i]!;
      assert.deepEqual(a.render?.objects, theirs.apps[i]!.render?.objects, `${a.name} renders the same objects`);
    }
  });
});
