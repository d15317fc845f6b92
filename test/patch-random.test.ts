/**
 * Generated cases (fixed seeds) run through kubectl and through our code: strategic merges in kustomize's flavour
 * (containers with and without names, env directives, multi-key ports, nulls, quoted scalars) and JSON 6902
 * operation lists (valid and failing). Equal results, or the same error text for JSON 6902.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { kubectlMissing, kubectlOutcome, ourOutcome, type Case } from './patch/harness.ts';

function rng(seed: number) {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const pick = <T>(a: T[]): T => a[Math.floor(next() * a.length)]!;
  const sub = <T>(a: T[]): T[] => a.filter(() => next() < 0.5).sort(() => next() - 0.5);
  return { next, pick, sub };
}

function smpCase(seed: number): Case {
  const { next, sub } = rng(seed);
  const names = ['a', 'b', 'c', 'd'];
  const container = (n: string | undefined, forPatch: boolean) => {
    const c: Record<string, unknown> = {};
    if (n !== undefined) c.name = n;
    if (next() < 0.8) c.image = `${n}:${Math.floor(next() * 3)}`;
    if (next() < 0.4) c.env = sub(names).map((e) => (forPatch && next() < 0.2 ? { name: e.toUpperCase(), $patch: 'delete' } : { name: e.toUpperCase(), value: String(Math.floor(next() * 3)) }));
    if (next() < 0.3) c.args = sub(['x', 'y']);
    if (next() < 0.4) c.ports = sub([80, 443]).map((p) => (next() < 0.5 ? { containerPort: p } : { containerPort: p, protocol: next() < 0.5 ? 'TCP' : 'UDP' }));
    if (forPatch && next() < 0.1) c.image = null;
    if (forPatch && next() < 0.1) c.$patch = next() < 0.5 ? 'delete' : 'replace';
    return c;
  };
  const res = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'w', finalizers: sub(['f1', 'f2']) },
    spec: { replicas: next() < 0.5 ? 1 : '1', template: { spec: { containers: sub(names).map((n) => container(next() < 0.05 ? undefined : n, false)) } } },
  };
  const cs: Record<string, unknown>[] = sub(names).map((n) => container(next() < 0.05 ? undefined : n, true));
  if (next() < 0.1) cs.unshift({ $patch: next() < 0.5 ? 'replace' : 'delete' });
  const patch: Record<string, any> = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' }, spec: { template: { spec: { containers: cs } } } };
  if (next() < 0.3) patch.metadata.finalizers = sub(['f1', 'f3']);
  if (next() < 0.3) patch.spec.replicas = next() < 0.5 ? 3 : null;
  return { resources: stringify(res), patches: [{ smp: stringify(patch) }] };
}

function jsonCase(seed: number): Case {
  const { next, pick } = rng(seed);
  const paths = ['/data/a', '/data/b', '/data/zz', '/list/0', '/list/1', '/list/-', '/list/5', '/list/-1', '/list/-4', '/nested/deep', '/nested/deep/values/1', '/nested', '/data', 'data/a', '/', '', '/list/x', '/nothing/x', '/data/nul', '/data/nul/x'];
  const values = [1, 'str', null, true, { k: 'v' }, [1, 2], 1.5, '', { n: null }];
  const ops = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
    const op = pick(['add', 'remove', 'replace', 'move', 'copy', 'test']);
    const o: Record<string, unknown> = { op, path: pick(paths) };
    if (op === 'move' || op === 'copy') o.from = pick(paths);
    if (op !== 'remove' && op !== 'move' && op !== 'copy') o.value = pick(values);
    return o;
  });
  const resources = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: "1"\n  b: two\n  nul: null\nlist: [x, y, z]\nnested:\n  deep:\n    values: [1, 2.5, true]\n';
  return { resources, patches: [{ json: next() < 0.5 ? stringify(ops) : JSON.stringify(ops), target: { kind: 'ConfigMap', name: 'cm' } }] };
}

const summary = (o: ReturnType<typeof ourOutcome>) => (o.ok ? Object.fromEntries(o.objects) : { error: o.error });

test('generated strategic merge patches give what kubectl kustomize gives', (t) => {
  const missing = kubectlMissing();
  if (missing) return t.skip(missing);
  for (let seed = 100; seed < 112; seed++) {
    const c = smpCase(seed);
    const real = kubectlOutcome(c);
    const ours = ourOutcome(c);
    assert.equal(ours.ok, real.ok, `seed ${seed}: ${real.ok ? '' : real.error} / ${ours.ok ? '' : ours.error}`);
    if (real.ok && ours.ok) assert.deepEqual(summary(ours), summary(real), `seed ${seed}`);
  }
});

test('generated JSON 6902 operation lists give what kubectl kustomize gives, errors included', (t) => {
  const missing = kubectlMissing();
  if (missing) return t.skip(missing);
  for (let seed = 200; seed < 212; seed++) {
    const c = jsonCase(seed);
    assert.deepEqual(summary(ourOutcome(c)), summary(kubectlOutcome(c)), `seed ${seed}`);
  }
});
