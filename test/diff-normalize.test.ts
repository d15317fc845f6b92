import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  diffResource,
  parseArgocdCm,
  maskSecretPair,
  canonicalQuantity,
  globMatch,
  stopJq,
  respectIgnoreDifferences,
  type IgnoreRule,
} from '../src/engine/diff/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

after(() => stopJq());

const deploy = (over: Record<string, unknown> = {}, container: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27', ...container }] },
    },
  },
  ...over,
});

const withLive = (obj: KubeObject, extra: (o: any) => void): KubeObject => {
  const c = JSON.parse(JSON.stringify(obj));
  c.metadata.uid = 'u-1';
  c.metadata.resourceVersion = '42';
  c.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
  extra(c);
  return c;
};

test('DIF-1 remarshal canonicalises resource quantities of built-in kinds (0.5 = 500m, 1Gi = 1024Mi)', async () => {
  const t = deploy({}, { resources: { requests: { cpu: 0.5, memory: '1Gi' }, limits: { cpu: '1000m' } } });
  const l = withLive(deploy({}, { resources: { requests: { cpu: '500m', memory: '1024Mi' }, limits: { cpu: '1' } } }), () => {});
  const d = await diffResource(t, l);
  assert.equal(d.modified, false);
  assert.equal(d.diff, '');
  const changed = await diffResource(deploy({}, { resources: { requests: { cpu: '0.6' } } }), l);
  assert.equal(changed.modified, true);
  assert.ok(changed.fields.some((f) => f.includes('/resources/requests/cpu')), changed.fields.join(','));
});

test('DIF-1 quantity canonical forms match resource.Quantity.String()', () => {
  const cases: [unknown, string][] = [
    ['0.5', '500m'], ['1000m', '1'], ['1500m', '1500m'], ['1.5', '1500m'], ['2000000', '2M'], ['1Ki', '1Ki'],
    ['1024', '1024'], ['1536Mi', '1536Mi'], ['1.5Gi', '1536Mi'], ['0.5Ki', '512'], ['1e3', '1e3'], ['1E6', '1e6'],
    ['100n', '100n'], ['0.1n', '1n'], ['-0.5', '-500m'], [0, '0'], ['0Mi', '0'], [2, '2'], ['10G', '10G'], ['1000k', '1M'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, `${input}`);
  assert.equal(canonicalQuantity('abc'), 'abc');
});

test('DIF-1 creates are Modified with live null; prune candidates are not Modified', async () => {
  const c = await diffResource(deploy(), null);
  assert.equal(c.modified, true);
  assert.equal(c.mode, 'create');
  assert.equal(c.normalizedLive, null);
  assert.deepEqual(c.fields, ['']);
  const p = await diffResource(null, withLive(deploy(), () => {}));
  assert.equal(p.modified, false);
  assert.equal(p.predictedLive, null);
  assert.match(p.diff, /^-kind: Deployment$/m);
});

test('DIF-2 two-way: live-only fields (status, uid, defaults) never show, and removals from git are invisible', async () => {
  const l = withLive(deploy(), (o) => {
    o.status = { replicas: 2 };
    o.metadata.labels.team = 'a';
    o.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    o.spec.template.spec.containers[0].terminationMessagePath = '/dev/termination-log';
    o.spec.template.spec.dnsPolicy = 'ClusterFirst';
  });
  const d = await diffResource(deploy(), l);
  assert.equal(d.mode, 'two-way');
  assert.equal(d.modified, false, d.diff);
});

test('DIF-2 three-way: a field removed from git shows when it is in last-applied', async () => {
  const applied = deploy();
  (applied.metadata.labels as Record<string, string>).team = 'a';
  const l = withLive(applied, (o) => {
    o.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied) };
  });
  const d = await diffResource(deploy(), l);
  assert.equal(d.mode, 'three-way');
  assert.equal(d.modified, true);
  assert.deepEqual(d.fields.filter((f) => f.startsWith('/metadata/labels')), ['/metadata/labels/team']);
  assert.match(d.diff, /^-    team: a$/m);
});

test('DIF-2 strategic merge pairs containers and ports by key; custom resources merge against live reduced to git keys', async () => {
  const t = deploy({}, { ports: [{ containerPort: 80 }] });
  const l = withLive(t, (o) => {
    o.spec.template.spec.containers[0].ports[0].protocol = 'TCP';
  });
  assert.equal((await diffResource(t, l)).modified, false);
  const reordered = withLive(deploy({}, {}), (o) => {
    o.spec.template.spec.containers.push({ name: 'sidecar', image: 'envoy' });
  });
  const two = deploy();
  (two.spec as any).template.spec.containers = [{ name: 'sidecar', image: 'envoy' }, { name: 'app', image: 'nginx:1.27' }];
  assert.equal((await diffResource(two, reordered)).modified, true, 'the target order wins ($setElementOrder)');
  const cr = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'prod' }, spec: { items: [{ name: 'a' }] } } as KubeObject;
  const defaulted = withLive(cr, (o) => (o.spec.items[0].defaulted = true));
  assert.equal((await diffResource(cr, defaulted)).modified, false, 'live-only keys inside list items are reduced away');
  const extra = withLive(cr, (o) => o.spec.items.push({ name: 'b' }));
  const d = await diffResource(cr, extra);
  assert.equal(d.modified, true, 'live items past the end of the git list show');
  assert.deepEqual(d.fields, ['/spec/items/1']);
});

test('DIF-3 server-side apply diff removes fields argocd-controller applied before and git dropped', async () => {
  const t = deploy({ metadata: { name: 'web', namespace: 'prod', labels: { app: 'web' }, annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' } } });
  const l = withLive(t, (o) => {
    o.metadata.labels.old = 'x';
    o.metadata.labels.other = 'kept';
    o.metadata.managedFields = [
      { manager: 'argocd-controller', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:old': {} } } } },
      { manager: 'someone', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:other': {} } } } },
    ];
  });
  const d = await diffResource(t, l);
  assert.equal(d.mode, 'server-side-apply');
  assert.equal(d.modified, true);
  assert.deepEqual(d.fields, ['/metadata/labels/old']);
});

test('DIF-5 jsonPointers: matching by group/kind glob, name and namespace; missing paths are skipped', async () => {
  const t = deploy();
  const l = withLive(deploy({ spec: { ...(deploy().spec as object), replicas: 5 } }), () => {});
  const rule = (r: Partial<IgnoreRule>): IgnoreRule[] => [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas', '/does/not/exist'], ...r }];
  assert.equal((await diffResource(t, l, { ignoreDifferences: rule({}) })).modified, false);
  assert.equal((await diffResource(t, l, { ignoreDifferences: rule({ group: '*', kind: 'Deploy*' }) })).modified, false);
  assert.equal((await diffResource(t, l, { ignoreDifferences: rule({ group: '' }) })).modified, true, 'group "" matches only the core group');
  assert.equal((await diffResource(t, l, { ignoreDifferences: rule({ name: 'other' }) })).modified, true);
  assert.equal((await diffResource(t, l, { ignoreDifferences: rule({ namespace: 'prod', name: 'web' }) })).modified, false);
  assert.equal((await diffResource(t, l)).modified, true);
});

test('DIF-5 jqPathExpressions run through real jq; a failing expression is skipped with a warning', async () => {
  const t = deploy();
  const l = withLive(deploy({}, { image: 'nginx:1.28' }), () => {});
  const jq = (e: string): IgnoreRule[] => [{ group: 'apps', kind: 'Deployment', jqPathExpressions: [e] }];
  const ok = await diffResource(t, l, { ignoreDifferences: jq('.spec.template.spec.containers[] | select(.name == "app") | .image') });
  assert.equal(ok.modified, false);
  const bad = await diffResource(t, l, { ignoreDifferences: jq('.spec.template.spec.containers[] | select(.name == ') });
  assert.equal(bad.modified, true);
  assert.ok(bad.warnings.some((w) => /jqPathExpression .* failed/.test(w)), bad.warnings.join('\n'));
  // jq-only syntax (not JSON path): a real jq is behind this.
  const real = await diffResource(t, l, { ignoreDifferences: jq('.spec.template.spec.containers[] | select(.image | test("^nginx:")) | .image') });
  assert.equal(real.modified, false);
});

test('DIF-6 managedFieldsManagers drops fields a trusted manager owns that differ; core kinds keyed plain Kind are not found (quirk)', async () => {
  const t = deploy();
  const l = withLive(deploy({ spec: { ...(deploy().spec as object), replicas: 7 } }), (o) => {
    o.metadata.managedFields = [{ manager: 'hpa-controller', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  });
  assert.equal((await diffResource(t, l)).modified, true);
  assert.equal((await diffResource(t, l, { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', managedFieldsManagers: ['hpa-controller'] }] })).modified, false);
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'prod' }, spec: { ports: [{ port: 80 }], type: 'ClusterIP' } } as KubeObject;
  const svcLive = withLive(svc, (o) => {
    o.spec.type = 'NodePort';
    o.metadata.managedFields = [{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:type': {} } } }];
  });
  const plain = parseArgocdCm({ 'resource.customizations.ignoreDifferences.Service': 'managedFieldsManagers: [m]' });
  assert.equal((await diffResource(svc, svcLive, { system: plain })).modified, true, 'plain Kind key is not looked up for managers');
  const all = parseArgocdCm({ 'resource.customizations.ignoreDifferences.all': 'managedFieldsManagers: [m]' });
  assert.equal((await diffResource(svc, svcLive, { system: all })).modified, false);
});

test('DIF-7 argocd-cm: per-kind overrides, status ignored for all kinds by default, knownTypeFields', async () => {
  const t = deploy();
  const l = withLive(deploy({ spec: { ...(deploy().spec as object), replicas: 5 } }), () => {});
  const cm = parseArgocdCm({ 'resource.customizations.ignoreDifferences.apps_Deployment': 'jsonPointers:\n- /spec/replicas\n' });
  assert.equal((await diffResource(t, l, { system: cm })).modified, false);

  const cr = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { a: 1 }, status: { phase: 'Old' } } as KubeObject;
  const crLive = withLive(cr, (o) => (o.status.phase = 'Ready'));
  assert.equal((await diffResource(cr, crLive)).modified, false, 'status ignored by default (v3)');
  const none = parseArgocdCm({ 'resource.compareoptions': 'ignoreResourceStatusField: none' });
  assert.equal((await diffResource(cr, crLive, { system: none })).modified, true);
  const crdOnly = parseArgocdCm({ 'resource.compareoptions': 'ignoreResourceStatusField: crd' });
  assert.equal((await diffResource(cr, crLive, { system: crdOnly })).modified, true);

  const w = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { resources: { requests: { cpu: 0.5 } }, timeout: '90s' } } as KubeObject;
  const wLive = withLive(w, (o) => {
    o.spec.resources.requests.cpu = '500m';
    o.spec.timeout = '1m30s';
  });
  assert.equal((await diffResource(w, wLive)).modified, true);
  const known = parseArgocdCm({
    'resource.customizations.knownTypeFields.example.com_Widget': '- field: spec.resources\n  type: core/v1/ResourceRequirements\n- field: spec.timeout\n  type: meta/v1/Duration\n',
  });
  assert.equal((await diffResource(w, wLive, { system: known })).modified, false);
});

test('DIF-8 aggregated roles lose their rules when ignoreAggregatedRoles is set; rules: [] equals none', async () => {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] }, rules: [] } as KubeObject;
  const live = withLive(role, (o) => (o.rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]));
  assert.equal((await diffResource(role, live)).modified, true);
  const cm = parseArgocdCm({ 'resource.compareoptions': 'ignoreAggregatedRoles: true' });
  assert.equal((await diffResource(role, live, { system: cm })).modified, false);
  const empty = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'x' }, rules: [] } as KubeObject;
  assert.equal((await diffResource(empty, withLive(empty, (o) => delete o.rules))).modified, false);
});

test('DIF-9 masks: same value same mask, different values 8/12/16 per key, stringData folded into data', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const target = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 'one', b: 'same' } };
  const live = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: b64('two'), b: b64('same'), c: b64('x') } };
  const m = maskSecretPair(target, live);
  assert.deepEqual(m.target!.data, { a: '++++++++', b: '++++++++' });
  assert.deepEqual(m.live!.data, { a: '++++++++++++', b: '++++++++', c: '++++++++' });
  assert.equal(m.target!.stringData, undefined);
  const text = JSON.stringify(m);
  for (const v of ['one', 'two', 'same', b64('one'), b64('two'), b64('same')]) assert.ok(!text.includes(v), v);
});

test('DIF-9 the last-applied annotation is re-serialised masked, or replaced whole when it does not parse', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const applied = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { p: b64('old-canary') } };
  const live = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied), note: 'n' } }, data: { p: b64('live-canary') } };
  const target = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { p: b64('new-canary') } };
  const m = maskSecretPair(target, live, new Set(['note']));
  const last = JSON.parse((m.live!.metadata as any).annotations['kubectl.kubernetes.io/last-applied-configuration']);
  assert.equal(last.data.p, '++++++++++++++++');
  assert.equal((m.live!.metadata as any).annotations.note, '++++++++');
  const broken = { ...live, metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"p":"' + b64('x') } } };
  const mb = maskSecretPair(target, broken);
  assert.equal((mb.live!.metadata as any).annotations['kubectl.kubernetes.io/last-applied-configuration'], '++++++++');
});

test('DIF-9 a Secret diff is decided on real values but shown masked', async () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const t = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, stringData: { password: 'canary-new-5f1c' } } as KubeObject;
  const l = withLive({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, data: { password: b64('canary-old-5f1c') } } as KubeObject, () => {});
  const d = await diffResource(t, l);
  assert.equal(d.modified, true);
  assert.deepEqual(d.fields, ['/data/password']);
  const out = JSON.stringify(d);
  for (const v of ['canary-new-5f1c', 'canary-old-5f1c', b64('canary-new-5f1c'), b64('canary-old-5f1c')]) assert.ok(!out.includes(v), v);
  assert.match(d.diff, /^-  password: "?\+{12}"?$/m);
  assert.match(d.diff, /^\+  password: "?\+{8}"?$/m);
  const same = await diffResource({ ...t, stringData: { password: 'canary-old-5f1c' } } as KubeObject, l);
  assert.equal(same.modified, false, 'stringData equals the same value in data');
});

test('DIF-9 a failing jq expression on a Secret never quotes the value', async () => {
  const t = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'canary-jq-93ad' } } as KubeObject;
  const d = await diffResource(t, withLive(t, () => {}), { ignoreDifferences: [{ kind: 'Secret', jqPathExpressions: ['.data.k | tonumber'] }] });
  assert.ok(d.warnings.length > 0);
  assert.ok(!JSON.stringify(d).includes('canary-jq-93ad'));
  assert.ok(!JSON.stringify(d).includes(Buffer.from('canary-jq-93ad').toString('base64')));
});

test('DIF-1 Endpoints default protocol TCP and subset order do not count', async () => {
  const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'n' }, subsets: [{ addresses: [{ ip: '10.0.0.2' }, { ip: '10.0.0.1' }], ports: [{ port: 80 }] }] } as KubeObject;
  const live = withLive(ep, (o) => {
    o.subsets[0].addresses.reverse();
    o.subsets[0].ports[0].protocol = 'TCP';
  });
  assert.equal((await diffResource(ep, live)).modified, false);
});

test('DIF-5 group and kind globs follow gobwas syntax', () => {
  assert.ok(globMatch('*', 'apps'));
  assert.ok(globMatch('', ''));
  assert.ok(!globMatch('', 'apps'));
  assert.ok(globMatch('*.k8s.io', 'rbac.authorization.k8s.io'));
  assert.ok(globMatch('{apps,batch}', 'batch'));
  assert.ok(globMatch('Deploy?ent', 'Deployment'));
  assert.ok(globMatch('[CD]*', 'Deployment'));
  assert.ok(!globMatch('[!CD]*', 'Deployment'));
  assert.ok(!globMatch('[', 'x'));
});

test('OPT-10 RespectIgnoreDifferences keeps live values of ignored fields in what a sync applies', async () => {
  const t = deploy();
  const l = withLive(deploy({ spec: { ...(deploy().spec as object), replicas: 9 } }), (o) => (o.status = { a: 1 }));
  const applied = await respectIgnoreDifferences(t, l, [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], parseArgocdCm(undefined));
  assert.equal((applied.spec as any).replicas, 9);
  assert.equal(applied.status, undefined);
  assert.equal((applied.spec as any).template.spec.containers[0].image, 'nginx:1.27');
});
