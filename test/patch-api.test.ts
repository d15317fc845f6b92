/**
 * The Kubernetes API flavour of patches. Each case states the result apimachinery's documented behaviour gives
 * (worked out by hand), and, when kubectl is here, also checks that `kubectl patch --local` (the same apimachinery
 * code, offline) agrees.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyJsonPatch,
  applyMergePatch,
  createMergePatch,
  createThreeWayMergePatch,
  createTwoWayMergePatch,
  PatchError,
  strategicMergePatch,
} from '../src/engine/patch/index.ts';
import { kubectlMissing } from './patch/harness.ts';

type PatchType = 'strategic' | 'merge' | 'json';

/** `kubectl patch --local`: apimachinery's patch code on a file, no server involved. */
function kubectlPatch(obj: unknown, type: PatchType, patch: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'patch-api-'));
  try {
    writeFileSync(join(dir, 'obj.json'), JSON.stringify(obj));
    const r = spawnSync('kubectl', ['patch', '--local', '-f', join(dir, 'obj.json'), '--type', type, '-p', JSON.stringify(patch), '-o', 'json'], { encoding: 'utf8' });
    if (r.status !== 0) return { ok: false, error: r.stderr.trim() };
    return { ok: true, value: JSON.parse(r.stdout) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const deploy = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', ...metadata },
  spec,
});
const pod = (podSpec: Record<string, unknown>) => deploy({ template: { spec: podSpec } });
const patchPod = (podSpec: Record<string, unknown>) => ({ spec: { template: { spec: podSpec } } });
const c = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: `${name}:1`, ...extra });

interface ApiCase {
  obj: Record<string, unknown>;
  patch: unknown;
  type?: PatchType;
  /** The expected result, or an error message fragment. */
  expect: unknown;
}

const SMP: Record<string, ApiCase> = {
  'containers merge by name: patch elements in patch order, the rest where they were': {
    obj: pod({ containers: [c('a'), c('b')] }),
    patch: patchPod({ containers: [c('c'), { name: 'a', image: 'x' }] }),
    expect: pod({ containers: [c('c'), { name: 'a', image: 'x' }, c('b')] }),
  },
  'env merges by name; $patch: delete removes an element; a new element goes before the kept ones': {
    obj: pod({ containers: [c('a', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })] }),
    patch: patchPod({ containers: [{ name: 'a', env: [{ name: 'B', $patch: 'delete' }, { name: 'C', value: '3' }] }] }),
    expect: pod({ containers: [c('a', { env: [{ name: 'C', value: '3' }, { name: 'A', value: '1' }] })] }),
  },
  'list $patch: replace keeps only the patch elements': {
    obj: pod({ containers: [c('a'), c('b')] }),
    patch: patchPod({ containers: [{ $patch: 'replace' }, c('z')] }),
    expect: pod({ containers: [c('z')] }),
  },
  'map $patch: replace replaces, $patch: delete empties the map': {
    obj: pod({ containers: [c('a')], securityContext: { runAsUser: 1, fsGroup: 2 }, dnsConfig: { nameservers: ['1.1.1.1'] } }),
    patch: patchPod({ securityContext: { $patch: 'replace', runAsNonRoot: true }, dnsConfig: { $patch: 'delete' } }),
    expect: pod({ containers: [c('a')], securityContext: { runAsNonRoot: true }, dnsConfig: {} }),
  },
  'null deletes a field; null for a missing field adds nothing; a new map loses its nulls and directives': {
    obj: deploy({ replicas: 2, paused: false }),
    patch: { spec: { paused: null, minReadySeconds: null, strategy: { type: 'Recreate', rollingUpdate: null }, selector: { $patch: 'delete' } } },
    expect: deploy({ replicas: 2, strategy: { type: 'Recreate' } }),
  },
  '$setElementOrder reorders a merged list': {
    obj: pod({ containers: [c('a'), c('b'), c('c')] }),
    patch: patchPod({ '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'y' }] }),
    expect: pod({ containers: [c('c'), { name: 'a', image: 'y' }, c('b')] }),
  },
  '$retainKeys drops the keys it does not list (Deployment strategy)': {
    obj: deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } }),
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    expect: deploy({ strategy: { type: 'Recreate' } }),
  },
  '$deleteFromPrimitiveList removes values; primitive merge lists are unions, patch values first': {
    obj: deploy({}, { finalizers: ['a', 'b', 'c'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], finalizers: ['d', 'a'] } },
    expect: deploy({}, { finalizers: ['d', 'a', 'c'] }),
  },
  'lists without a merge strategy are replaced (args, tolerations)': {
    obj: pod({ containers: [c('a', { args: ['x', 'y'] })], tolerations: [{ key: 'k', operator: 'Exists' }] }),
    patch: patchPod({ containers: [{ name: 'a', args: ['z'] }], tolerations: [] }),
    expect: pod({ containers: [c('a', { args: ['z'] })], tolerations: [] }),
  },
  'Service ports merge by port alone: the first port 80 takes the change': {
    obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }] } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9 }] } },
    expect: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 9 }, { port: 80, protocol: 'UDP' }] } },
  },
  'volumes merge by name and retain keys per element': {
    obj: pod({ containers: [c('a')], volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', configMap: { name: 'cm' } }] }),
    patch: patchPod({ volumes: [{ name: 'v', $retainKeys: ['name', 'secret'], secret: { secretName: 's' } }] }),
    expect: pod({ containers: [c('a')], volumes: [{ name: 'v', secret: { secretName: 's' } }, { name: 'w', configMap: { name: 'cm' } }] }),
  },
  'a value of another type replaces': {
    obj: deploy({ template: { metadata: { labels: { a: 'b' } } } }),
    patch: { spec: { template: { metadata: { labels: ['x'] } } } },
    expect: deploy({ template: { metadata: { labels: ['x'] } } }),
  },
  'labels and annotations merge as maps': {
    obj: deploy({}, { labels: { a: '1', b: '2' } }),
    patch: { metadata: { labels: { b: null, c: '3' }, annotations: { n: 'v' } } },
    expect: deploy({}, { labels: { a: '1', c: '3' }, annotations: { n: 'v' } }),
  },
  'CronJob job template containers merge': {
    obj: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [c('a'), c('b')] } } } } } },
    patch: { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } } } },
    expect: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [c('a'), { name: 'b', image: 'b:2' }] } } } } } },
  },
  'list $patch: merge is refused': {
    obj: pod({ containers: [c('a')] }),
    patch: patchPod({ containers: [{ $patch: 'merge' }] }),
    expect: new PatchError('merging lists cannot yet be specified in the patch'),
  },
  'an element without the merge key is refused': {
    obj: pod({ containers: [c('a')] }),
    patch: patchPod({ containers: [{ image: 'x' }] }),
    expect: new PatchError('does not contain declared merge key: name'),
  },
  'an unknown map directive is refused': {
    obj: pod({ containers: [c('a')], securityContext: { runAsUser: 1 } }),
    patch: patchPod({ securityContext: { $patch: 'frob' } }),
    expect: new PatchError('unknown patch type: frob'),
  },
};

const MERGE: Record<string, ApiCase> = {
  'merge patch: nulls delete, objects merge, lists replace, new objects lose nulls': {
    obj: deploy({ replicas: 1, template: { spec: { containers: [c('a'), c('b')] } } }, { labels: { a: '1' } }),
    patch: { metadata: { labels: { a: null, b: '2' }, annotations: { x: 'y', z: null } }, spec: { replicas: null, template: { spec: { containers: [c('z')] } } } },
    type: 'merge',
    expect: deploy({ template: { spec: { containers: [c('z')] } } }, { labels: { b: '2' }, annotations: { x: 'y' } }),
  },
};

const JSONP: Record<string, ApiCase> = {
  'json patch: add, replace, remove, move, copy, test': {
    obj: deploy({ replicas: 1, template: { spec: { containers: [c('a')] } } }),
    patch: [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/spec/template/spec/containers/-', value: c('b') },
      { op: 'copy', from: '/spec/template/spec/containers/0/image', path: '/metadata/annotations' },
      { op: 'move', from: '/metadata/annotations', path: '/metadata/labels' },
      { op: 'remove', path: '/spec/template/spec/containers/0' },
    ],
    type: 'json',
    expect: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: 'a:1' }, spec: { replicas: 3, template: { spec: { containers: [c('b')] } } } },
  },
  'json patch: a failing test stops the patch': {
    obj: deploy({ replicas: 1 }),
    patch: [{ op: 'test', path: '/spec/replicas', value: 2 }],
    type: 'json',
    expect: new PatchError('testing value /spec/replicas failed: test failed'),
  },
};

function ours(k: ApiCase): unknown {
  const gvk = { apiVersion: String(k.obj.apiVersion), kind: String(k.obj.kind) };
  switch (k.type ?? 'strategic') {
    case 'strategic':
      return strategicMergePatch(k.obj, k.patch, gvk);
    case 'merge':
      return applyMergePatch(k.obj, k.patch);
    case 'json':
      return applyJsonPatch(k.obj, k.patch);
  }
}

for (const [name, k] of Object.entries({ ...SMP, ...MERGE, ...JSONP })) {
  test(`API patch: ${name}`, (t) => {
    if (k.expect instanceof PatchError) {
      assert.throws(() => ours(k), (e: unknown) => e instanceof PatchError && e.message.includes(k.expect instanceof Error ? k.expect.message : ''));
    } else {
      assert.deepEqual(ours(k), k.expect);
    }
    const missing = kubectlMissing();
    if (missing) return t.skip(`kubectl cross-check skipped: ${missing}`);
    const real = kubectlPatch(k.obj, k.type ?? 'strategic', k.patch);
    if (k.expect instanceof PatchError) {
      assert.equal(real.ok, false, 'kubectl patch --local fails too');
      if (!real.ok) assert.ok(real.error.includes(k.expect.message), `kubectl says: ${real.error}`);
    } else {
      assert.ok(real.ok, real.ok ? '' : real.error);
      if (real.ok) assert.deepEqual(real.value, k.expect, 'kubectl patch --local agrees');
    }
  });
}

test('strategic merge of a custom resource is refused (the API server answers 415); the inputs are left alone', () => {
  assert.throws(() => strategicMergePatch({ a: 1 }, { a: 2 }, { apiVersion: 'example.com/v1', kind: 'Widget' }), (e: unknown) => e instanceof PatchError && e.code === 'unsupported');
  const obj = pod({ containers: [c('a')] });
  const before = JSON.stringify(obj);
  strategicMergePatch(obj, patchPod({ containers: [c('b')] }), { apiVersion: 'apps/v1', kind: 'Deployment' });
  assert.equal(JSON.stringify(obj), before);
});

const gvk = { apiVersion: 'apps/v1', kind: 'Deployment' };

test('DIF-2 three-way: a field removed from desired and present in last-applied is deleted; a field only live has is kept', () => {
  const original = deploy({ replicas: 2, minReadySeconds: 5, template: { spec: { containers: [c('a'), c('b')] } } });
  const modified = deploy({ replicas: 3, template: { spec: { containers: [c('a')] } } });
  const current = deploy({ replicas: 2, minReadySeconds: 5, progressDeadlineSeconds: 600, template: { spec: { containers: [c('a', { imagePullPolicy: 'Always' }), c('b'), c('live-only')] } } });
  const { type, patch } = createThreeWayMergePatch(original, modified, current, gvk);
  assert.equal(type, 'strategic');
  assert.deepEqual(patch, {
    spec: {
      replicas: 3,
      minReadySeconds: null,
      template: { spec: { containers: [{ name: 'b', $patch: 'delete' }], '$setElementOrder/containers': [{ name: 'a' }] } },
    },
  });
  const result = strategicMergePatch(current, patch, gvk);
  assert.deepEqual(result, deploy({ replicas: 3, progressDeadlineSeconds: 600, template: { spec: { containers: [c('a', { imagePullPolicy: 'Always' }), c('live-only')] } } }));
});

test('DIF-2 three-way without last-applied: removals are invisible, changes still apply', () => {
  const modified = deploy({ replicas: 3 });
  const current = deploy({ replicas: 1, paused: true });
  const { patch } = createThreeWayMergePatch(undefined, modified, current, gvk);
  assert.deepEqual(patch, { spec: { replicas: 3 } });
});

test('DIF-2 three-way for a custom resource is a JSON merge patch with the same rules', () => {
  const g = { apiVersion: 'example.com/v1', kind: 'Widget' };
  const original = { spec: { a: 1, b: 2, list: [1, 2] } };
  const modified = { spec: { a: 1, list: [1] } };
  const current = { spec: { a: 5, b: 2, live: true, list: [1, 2] } };
  const { type, patch } = createThreeWayMergePatch(original, modified, current, g);
  assert.equal(type, 'merge');
  assert.deepEqual(patch, { spec: { a: 1, b: null, list: [1] } });
  assert.deepEqual(applyMergePatch(current, patch), { spec: { a: 1, live: true, list: [1] } });
});

test('two-way patches carry deletions, order and retainKeys directives, and apply back to the target', () => {
  const original = deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }, template: { spec: { containers: [c('a'), c('b')] } } }, { finalizers: ['x', 'y'] });
  const modified = deploy({ strategy: { type: 'Recreate' }, template: { spec: { containers: [c('b'), c('a', { image: 'a:2' })] } } }, { finalizers: ['y'] });
  const patch = createTwoWayMergePatch(original, modified, gvk);
  assert.deepEqual(patch, {
    metadata: { '$deleteFromPrimitiveList/finalizers': ['x'], '$setElementOrder/finalizers': ['y'] },
    spec: {
      strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
      template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'a', image: 'a:2' }] } },
    },
  });
  assert.deepEqual(strategicMergePatch(original, patch, gvk), modified);
});

test('JSON merge patch between two documents', () => {
  assert.deepEqual(createMergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { a: 1, b: { c: 4 }, e: [1, 2], f: null }), { b: { c: 4, d: null }, e: [1, 2], f: null });
});

test('three-way patches apply through kubectl patch --local the same way', (t) => {
  const missing = kubectlMissing();
  if (missing) return t.skip(missing);
  const original = pod({ containers: [c('a', { env: [{ name: 'X', value: '1' }] }), c('b')], volumes: [{ name: 'v', emptyDir: {} }] });
  const modified = pod({ containers: [c('b', { ports: [{ containerPort: 80 }] }), c('a')], volumes: [{ name: 'v', secret: { secretName: 's' } }] });
  const current = pod({ containers: [c('a', { env: [{ name: 'X', value: '1' }, { name: 'LIVE', value: 'l' }] }), c('b'), c('injected')], volumes: [{ name: 'v', emptyDir: {} }], nodeName: 'n1' });
  const { patch } = createThreeWayMergePatch(original, modified, current, gvk);
  const real = kubectlPatch(current, 'strategic', patch);
  assert.ok(real.ok, real.ok ? '' : real.error);
  const mine = strategicMergePatch(current, patch, gvk);
  if (real.ok) assert.deepEqual(mine, real.value);
  assert.deepEqual(mine, pod({
    // env was in last-applied and is not desired: the whole field goes, live additions included.
    containers: [c('b', { ports: [{ containerPort: 80 }] }), c('a'), c('injected')],
    volumes: [{ name: 'v', secret: { secretName: 's' } }],
    nodeName: 'n1',
  }));
});
