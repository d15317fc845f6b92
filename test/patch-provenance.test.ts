import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlDocuments, toPlain, type MapNode, type YNode } from '../src/engine/yaml/index.ts';
import { applyJson6902, applyStrategicMergePatch, OP_JSON6902, OP_SMP, parseJson6902 } from '../src/engine/patch/index.ts';

function parse(text: string, file: string): MapNode {
  const n = parseYamlDocuments(text, file)[0]!.node!;
  assert.equal(n.kind, 'map');
  return n as MapNode;
}

function at(n: YNode, ...path: (string | number)[]): YNode {
  let cur: YNode = n;
  for (const p of path) {
    if (typeof p === 'number') {
      assert.equal(cur.kind, 'seq');
      cur = (cur as { items: YNode[] }).items[p]!;
    } else {
      assert.equal(cur.kind, 'map', `no map at ${p}`);
      const e = (cur as MapNode).entries.find((x) => x.key.value === p);
      assert.ok(e, `no field ${p}`);
      cur = e.value;
    }
  }
  return cur;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: app:1
        env:
        - name: A
          value: "1"
        - name: B
          value: "2"
`;

const smp = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: app
        image: app:2
        env:
        - name: B
          $patch: delete
      - name: sidecar
        image: side:1
`;

test('a strategic merge patch records where it set, added and removed values', () => {
  const res = parse(deployment, 'base/deploy.yaml');
  const patch = parse(smp, 'overlay/patch.yaml');
  applyStrategicMergePatch(res, patch, { ctx: { patchFile: 'overlay/patch.yaml' } });

  const image = at(res, 'spec', 'template', 'spec', 'containers', 0, 'image');
  assert.equal((image as { value: string }).value, 'app:2');
  assert.deepEqual(image.origin, { file: 'base/deploy.yaml', line: 11, column: 16 }, 'a changed value keeps where it was written');
  assert.deepEqual(image.history, [{ op: OP_SMP, detail: 'set', at: { file: 'overlay/patch.yaml', line: 11, column: 16 } }]);

  const replicas = at(res, 'spec', 'replicas');
  assert.equal(replicas.history?.[0]?.at?.line, 6);

  const sidecar = at(res, 'spec', 'template', 'spec', 'containers', 1);
  assert.equal(toPlain(sidecar) && (toPlain(sidecar) as { name: string }).name, 'sidecar');
  assert.equal(sidecar.origin?.file, 'overlay/patch.yaml', 'an added node keeps its place in the patch');
  assert.deepEqual(sidecar.history?.map((h) => [h.op, h.detail]), [[OP_SMP, 'added']]);
  assert.deepEqual(at(sidecar, 'image').history?.map((h) => h.detail), ['added'], 'the whole added subtree is marked');

  const env = at(res, 'spec', 'template', 'spec', 'containers', 0, 'env');
  assert.deepEqual(toPlain(env), [{ name: 'A', value: '1' }]);
  assert.deepEqual(env.history?.map((h) => [h.detail, h.at?.file]), [['removed an element', 'overlay/patch.yaml']]);

  const name = at(res, 'metadata', 'name');
  assert.equal(name.history, undefined, 'setting a value to what it already was is not a change');
  assert.equal(at(res, 'kind').history, undefined);
});

test('recording can be switched off and gives the same result', () => {
  const a = parse(deployment, 'd.yaml');
  const b = parse(deployment, 'd.yaml');
  applyStrategicMergePatch(a, parse(smp, 'p.yaml'), { ctx: { patchFile: 'p.yaml' } });
  applyStrategicMergePatch(b, parse(smp, 'p.yaml'), { ctx: { patchFile: 'p.yaml', record: false } });
  assert.deepEqual(toPlain(a), toPlain(b));
  let histories = 0;
  const walk = (n: YNode) => {
    if (n.history) histories++;
    if (n.kind === 'map') n.entries.forEach((e) => walk(e.value));
    if (n.kind === 'seq') n.items.forEach(walk);
  };
  walk(b);
  assert.equal(histories, 0);
});

test('the patch given to a strategic merge is left untouched', () => {
  const patch = parse(smp, 'p.yaml');
  const before = JSON.stringify(patch);
  applyStrategicMergePatch(parse(deployment, 'd.yaml'), patch, { ctx: { patchFile: 'p.yaml' } });
  assert.equal(JSON.stringify(patch), before);
});

test('a JSON 6902 patch records each operation at the line it was written', () => {
  const res = parse(deployment, 'base/deploy.yaml');
  const text = `[
  {"op": "replace", "path": "/spec/replicas", "value": 5},
  {"op": "add", "path": "/spec/template/spec/containers/0/ports", "value": [{"containerPort": 80}]},
  {"op": "remove", "path": "/spec/template/spec/containers/0/env/1"}
]`;
  const patch = parseJson6902(text, { file: 'overlay/kustomization.yaml', line: 10, column: 5 });
  applyJson6902(res, patch, { patchFile: 'overlay/kustomization.yaml' });
  const replicas = at(res, 'spec', 'replicas');
  assert.deepEqual(replicas.origin, { file: 'base/deploy.yaml', line: 6, column: 13 });
  assert.deepEqual(replicas.history, [{ op: OP_JSON6902, detail: 'replace /spec/replicas', at: { file: 'overlay/kustomization.yaml', line: 11, column: 7 } }]);
  const ports = at(res, 'spec', 'template', 'spec', 'containers', 0, 'ports');
  assert.equal(ports.origin?.line, 12, 'an added value keeps where it was written in the patch');
  assert.deepEqual(ports.history?.map((h) => h.detail), ['added']);
  assert.deepEqual(at(ports, 0, 'containerPort').history?.map((h) => h.detail), ['added']);
  const env = at(res, 'spec', 'template', 'spec', 'containers', 0, 'env');
  assert.deepEqual(env.history?.map((h) => [h.detail, h.at?.line]), [['remove /spec/template/spec/containers/0/env/1', 13]]);
});

test('a failing JSON 6902 operation is reported at its own line', () => {
  const res = parse(deployment, 'd.yaml');
  const patch = parseJson6902('- op: add\n  path: /spec/nope/x\n  value: 1\n- op: remove\n  path: /spec/missing\n', { file: 'k.yaml', line: 20, column: 5 });
  assert.throws(
    () => applyJson6902(res, { ops: patch.ops.slice(1), format: 'yaml' }, { patchFile: 'k.yaml' }),
    (e: unknown) => {
      const err = e as { message: string; location?: { file: string; line?: number } };
      assert.equal(err.message, "error in remove for path: '/spec/missing': Unable to remove nonexistent key: missing: missing value");
      assert.deepEqual(err.location, { file: 'k.yaml', line: 23, column: 7 });
      return true;
    },
  );
});
