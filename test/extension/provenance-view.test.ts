import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emitDocumentsWithMap, parseYamlDocuments, type YNode } from '../../src/engine/yaml/index.ts';
import { fieldAtLine, fieldsFromLine, formatPath, relatedLines } from '../../src/extension/engine/provenance-view.ts';

const SOURCE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: shop-prod
spec:
  template:
    spec:
      containers:
        - name: shop
          image: registry.example.com/shop:1.0.0
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  PASSWORD: Y2FuYXJ5
`;

function docs(): YNode[] {
  const d = parseYamlDocuments(SOURCE, 'apps/shop/base/all.yaml').map((x) => x.node!);
  // What the images transformer records on the node it changes.
  const image = (((d[0] as any).entries[3].value.entries[0].value.entries[0].value.entries[0].value.items[0]).entries[1].value);
  image.value = 'registry.example.com/shop:1.0.1';
  image.history = [{ op: 'images', detail: 'newTag: 1.0.1', at: { file: 'apps/shop/overlays/prod/kustomization.yaml', line: 10, column: 5 } }];
  const password = (d[1] as any).entries[3].value.entries[0].value;
  password.history = [{ op: 'secretGenerator', detail: 'literal PASSWORD=canary', at: { file: 'apps/shop/overlays/prod/kustomization.yaml', line: 14, column: 9 } }];
  return d;
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

test('the field on a rendered line: path with named list items, value, origin, and the change that set it', () => {
  const d = docs();
  const { text, lines } = emitDocumentsWithMap(d);
  const f = fieldAtLine(lines, d, lineOf(text, 'image:'), '/repo')!;
  assert.equal(f.path, 'spec.template.spec.containers[name=shop].image');
  assert.equal(f.object, 'Deployment shop-prod/shop');
  assert.equal(f.value, 'registry.example.com/shop:1.0.1');
  assert.deepEqual(f.origin, { file: '/repo/apps/shop/base/all.yaml', line: 11 });
  assert.deepEqual(f.history, [{ op: 'images', detail: 'newTag: 1.0.1', at: { file: '/repo/apps/shop/overlays/prod/kustomization.yaml', line: 10 } }]);
  assert.deepEqual(f.setBy, { file: '/repo/apps/shop/overlays/prod/kustomization.yaml', line: 10 });
});

test('a field nobody changed was set where it was written', () => {
  const d = docs();
  const { text, lines } = emitDocumentsWithMap(d);
  const f = fieldAtLine(lines, d, lineOf(text, 'namespace: shop-prod'), '/repo')!;
  assert.equal(f.path, 'metadata.namespace');
  assert.deepEqual(f.setBy, { file: '/repo/apps/shop/base/all.yaml', line: 5 });
  assert.equal(fieldAtLine(lines, d, lineOf(text, '---'), '/repo'), undefined);
});

test('Secret data: no value and no detail that could quote it, but still where it came from', () => {
  const d = docs();
  const { text, lines } = emitDocumentsWithMap(d);
  const f = fieldAtLine(lines, d, lineOf(text, 'PASSWORD'), '/repo')!;
  assert.equal(f.secret, true);
  assert.equal(f.value, undefined);
  assert.ok(!JSON.stringify(f).includes('canary'));
  assert.ok(!JSON.stringify(f).includes('Y2FuYXJ5'));
  assert.deepEqual(f.setBy, { file: '/repo/apps/shop/overlays/prod/kustomization.yaml', line: 14 });
});

test('this line affects: the fields a source line wrote or changed', () => {
  const d = docs();
  assert.deepEqual(fieldsFromLine(d, '/repo', '/repo/apps/shop/overlays/prod/kustomization.yaml', 10, '/repo/apps/shop/overlays/prod'), [
    { overlay: '/repo/apps/shop/overlays/prod', object: 'Deployment shop-prod/shop', path: 'spec.template.spec.containers[name=shop].image', how: 'images' },
  ]);
  const written = fieldsFromLine(d, '/repo', '/repo/apps/shop/base/all.yaml', 4, 'o');
  assert.deepEqual(written.map((f) => f.path), ['metadata.name']);
  assert.equal(formatPath(d[0], ['spec', 'template']), 'spec.template');
});

test('a hover on a line inside a list entry counts the entry, where transformations are recorded', () => {
  const text = 'images:\n  - name: registry.example.com/shop\n    newTag: 1.0.1\nreplicas:\n  - name: shop\n    count: 3\n';
  assert.deepEqual(relatedLines(text, 3), [3, 2]);
  assert.deepEqual(relatedLines(text, 2), [2]);
  assert.deepEqual(relatedLines(text, 1), [1]);
  assert.deepEqual(relatedLines(text, 6), [6, 5]);
});
