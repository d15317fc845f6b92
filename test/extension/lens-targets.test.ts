import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findLensTargets, scanDocuments } from '../../src/extension/lens-targets.ts';

test('a kustomization file gets one lens target, on its kind: line', () => {
  const text = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\n';
  assert.deepEqual(findLensTargets('kustomization.yaml', text), [{ kind: 'kustomization', line: 1 }]);
  assert.deepEqual(findLensTargets('Kustomization', 'resources: [a.yaml]\n'), [{ kind: 'kustomization', line: 0 }]);
});

test('a component is told apart from a kustomization (it is rendered only through overlays)', () => {
  const text = 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n';
  assert.deepEqual(findLensTargets('kustomization.yml', text), [{ kind: 'component', line: 1 }]);
});

test('Argo CD Applications, ApplicationSets and Flux Kustomizations in a multi-document file', () => {
  const text = [
    '# apps of the platform',
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    '  name: shop-prod   # the prod app',
    '  namespace: argocd',
    'spec: {}',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: not-an-app',
    '---',
    'kind: ApplicationSet',
    'apiVersion: argoproj.io/v1alpha1',
    'metadata:',
    '  labels:',
    '    name: not-this',
    '  name: "shops"',
    '---',
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    "  name: 'infra'",
    '---',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
  ].join('\n');
  assert.deepEqual(findLensTargets('apps.yaml', text), [
    { kind: 'Application', line: 2, name: 'shop-prod' },
    { kind: 'ApplicationSet', line: 13, name: 'shops' },
    { kind: 'FluxKustomization', line: 21, name: 'infra' },
  ]);
});

test('half-typed and odd files give no targets and do not throw', () => {
  assert.deepEqual(findLensTargets('x.yaml', ''), []);
  assert.deepEqual(findLensTargets('x.yaml', 'kind: Application\n'), []); // no apiVersion: not Argo's
  assert.deepEqual(findLensTargets('x.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Applic'), []);
  assert.deepEqual(findLensTargets('x.yaml', '---\n---\n: :\n\t- [\n'), []);
});

test('scanDocuments splits at --- lines only', () => {
  const docs = scanDocuments('a: 1\n--- # comment\nkind: X\n----\nkind: Y\n');
  assert.equal(docs.length, 2);
  assert.equal(docs[1]!.kind, 'Y'); // `----` is not a separator: the later kind: wins
});
