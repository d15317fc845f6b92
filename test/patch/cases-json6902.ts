/** JSON 6902 cases, each run through `kubectl kustomize` and through our code. */
import type { Case, Target } from './harness.ts';

const cm = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  labels:
    app.kubernetes.io/name: web
    a~b: tilde
data:
  a: "1"
  b: two
  empty: ""
  nothing: null
list: [x, y, z]
nested:
  deep:
    values: [1, 2.5, true, "s"]
big: 12345678901234567890
million: 1000000
`;

const T: Target = { kind: 'ConfigMap', name: 'cm' };
const json = (ops: unknown[], legacy = false) => ({ json: JSON.stringify(ops, null, 1), target: T, legacy });
const yamlOps = (text: string, legacy = false) => ({ json: text, target: T, legacy });
const c = (...patches: Case['patches']): Case => ({ resources: cm, patches });

export const JSON6902_CASES: Record<string, Case> = {
  'add to an object, into a list by index, and appended with -': c(
    json([
      { op: 'add', path: '/data/c', value: 'three' },
      { op: 'add', path: '/list/1', value: 'inserted' },
      { op: 'add', path: '/list/-', value: { k: [1, null, 'v'] } },
      { op: 'add', path: '/list/0', value: 0 },
    ]),
  ),
  'add replaces an existing key': c(json([{ op: 'add', path: '/data/a', value: 42 }])),
  'negative indexes count from the end': c(
    json([
      { op: 'add', path: '/list/-1', value: 'before-last-or-end' },
      { op: 'replace', path: '/list/-2', value: 'R' },
      { op: 'remove', path: '/list/-1' },
    ]),
  ),
  'remove a key, a list element and a nested list': c(
    json([
      { op: 'remove', path: '/data/b' },
      { op: 'remove', path: '/list/0' },
      { op: 'remove', path: '/nested/deep/values' },
    ]),
  ),
  'replace a scalar, a list element, a whole map; replace of a missing key adds it': c(
    json([
      { op: 'replace', path: '/data/a', value: 'one' },
      { op: 'replace', path: '/list/2', value: ['a', 'b'] },
      { op: 'replace', path: '/nested', value: { flat: true } },
      { op: 'replace', path: '/data/new', value: 'added by replace' },
    ]),
  ),
  'move within an object and between lists and maps': c(
    json([
      { op: 'move', from: '/data/b', path: '/data/bb' },
      { op: 'move', from: '/list/0', path: '/nested/first' },
      { op: 'move', from: '/data/a', path: '/list/-' },
    ]),
  ),
  'copy a value, and copy from a missing key writes null': c(
    json([
      { op: 'copy', from: '/data', path: '/dataCopy' },
      { op: 'copy', from: '/list/1', path: '/list/0' },
      { op: 'copy', from: '/data/missing', path: '/data/copied' },
    ]),
  ),
  'test that passes lets the rest run (strings, numbers, objects, arrays, null for a missing key)': c(
    json([
      { op: 'test', path: '/data/a', value: '1' },
      { op: 'test', path: '/million', value: 1000000 },
      { op: 'test', path: '/nested/deep', value: { values: [1, 2.5, true, 's'] } },
      { op: 'test', path: '/list', value: ['x', 'y', 'z'] },
      { op: 'test', path: '/data/missing', value: null },
      { op: 'test', path: '/data/nothing', value: null },
      { op: 'add', path: '/data/tested', value: 'yes' },
    ]),
  ),
  '~1 and ~0 escape slash and tilde in keys': c(
    json([
      { op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'api' },
      { op: 'add', path: '/metadata/labels/a~0b', value: 'changed' },
      { op: 'add', path: '/metadata/annotations', value: { 'x/y~z': 'v' } },
      { op: 'test', path: '/metadata/annotations/x~1y~0z', value: 'v' },
    ]),
  ),
  'a path without a leading slash loses its first segment': c(json([{ op: 'add', path: 'data/zzz', value: 'top level' }])),
  'a whole-document replace with a scalar is ignored': c(json([{ op: 'replace', path: '', value: 5 }, { op: 'add', path: '/data/after', value: 'x' }])),
  'YAML operation lists use YAML 1.1 scalars (on, yes, 0777, 1e3, ~)': c(
    yamlOps(`- op: add
  path: /data/on
  value: on
- op: add
  path: /data/yes
  value: yes
- op: add
  path: /data/octal
  value: 0777
- op: add
  path: /data/float
  value: 1e3
- op: add
  path: /data/tilde
  value: ~
- op: add
  path: /data/quoted
  value: "on"
- op: add
  path: /data/date
  value: 2024-01-02
`),
  ),
  'patchesJson6902 from a YAML file and from a JSON file': c(
    yamlOps('- op: replace\n  path: /data/a\n  value: legacy\n', true),
    { ...json([{ op: 'add', path: '/data/j', value: 'json' }], true) },
  ),
  'any JSON patch round-trips numbers through float64': c(json([{ op: 'add', path: '/data/touch', value: 'x' }])),
  'test compares numbers by their JSON text': c({ json: '[{"op": "test", "path": "/million", "value": 1000000}]', target: T }),
};

JSON6902_CASES['a strategic merge after a JSON 6902 patch sees the values as kustomize re-read them'] = {
  resources: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: '2'
  paused:
  minReadySeconds: ~
  extra:
    quoted: 'nginx'
    double: "7"
    block: |
      text
`,
  patches: [
    { json: '[{"op": "add", "path": "/metadata/labels", "value": {"a": "b"}}]', target: { kind: 'Deployment', name: 'web' } },
    { smp: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  extra:\n    quoted: 5\n    double: 8\n    block: 9\n' },
  ],
};

export const JSON6902_ERROR_CASES: Record<string, Case> = {
  'add under a missing parent': c(json([{ op: 'add', path: '/data/b/c', value: 1 }])),
  'add past the end of a list': c(json([{ op: 'add', path: '/list/5', value: 1 }])),
  'add with a bad list index': c(json([{ op: 'add', path: '/list/x', value: 1 }])),
  'add with a too negative index': c(json([{ op: 'add', path: '/list/-9', value: 1 }])),
  'add without a path': c(json([{ op: 'add', value: 1 }])),
  'add at the document root': c(json([{ op: 'add', path: '', value: 1 }])),
  'remove a missing key': c(json([{ op: 'remove', path: '/data/zz' }])),
  'remove past the end of a list': c(json([{ op: 'remove', path: '/list/3' }])),
  'remove with a bad index': c(json([{ op: 'remove', path: '/list/x' }])),
  'remove under a missing parent': c(json([{ op: 'remove', path: '/nope/x' }])),
  'replace past the end of a list': c(json([{ op: 'replace', path: '/list/3', value: 1 }])),
  'replace under a missing parent': c(json([{ op: 'replace', path: '/nope/x', value: 1 }])),
  'replace with a path that is not a string': c(json([{ op: 'replace', path: 5, value: 1 }])),
  'move from a missing key': c(json([{ op: 'move', from: '/data/zz', path: '/data/b' }])),
  'move without from': c(json([{ op: 'move', path: '/data/b' }])),
  'move to a missing parent': c(json([{ op: 'move', from: '/data/a', path: '/nope/x' }])),
  'copy from a missing parent': c(json([{ op: 'copy', from: '/nope/x', path: '/data/b' }])),
  'copy to a bad index': c(json([{ op: 'copy', from: '/data/a', path: '/list/9' }])),
  'test of a different value': c(json([{ op: 'test', path: '/data/a', value: '2' }])),
  'test of a number written differently (1e6)': c({ json: '[{"op": "test", "path": "/million", "value": 1e6}]', target: T }),
  'test of a number written differently (1000000.0)': c({ json: '[{"op": "test", "path": "/million", "value": 1000000.0}]', target: T }),
  'test of a missing key against a value': c(json([{ op: 'test', path: '/data/zz', value: 'x' }])),
  'test under a missing parent': c(json([{ op: 'test', path: '/nope/x', value: 'x' }])),
  'an unknown op': c(json([{ op: 'frob', path: '/data/a' }])),
  'an operation without op': c(json([{ path: '/data/a' }])),
};
