/**
 * kubectl (the real client) against `gitops-sandbox sandbox serve`: what a user types works as on a real cluster.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { kubectl, kubectlMissing, serve, type Served } from './sandbox/serve.ts';

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: shop
data:
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
  - port: 80
`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, default: 3}
`;

const CR = `apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: shop}
spec: {}
`;

describe('kubectl against sandbox serve', () => {
  let s: Served | undefined;
  let skip: string | undefined;
  const k = (args: string[], input?: string) => kubectl(s!, args, input);

  before(async () => {
    skip = await kubectlMissing();
    if (skip) return;
    s = await serve(['--port', '0', '--speed', '20']);
  });
  after(async () => {
    await s?.stop();
  });

  it('serves discovery: api-resources lists built-in kinds with short names and scope, and version is 1.32', async (t) => {
    if (skip) return t.skip(skip);
    const r = await k(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(r.stdout, /^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false\s+CustomResourceDefinition$/m);
    const v = await k(['version', '-o', 'json']);
    assert.equal(JSON.parse(v.stdout).serverVersion.minor, '32');
    const nodes = await k(['get', 'nodes']);
    assert.match(nodes.stdout, /^sandbox-node-1\s+Ready\s+control-plane\s+\S+\s+v1\.32\.0$/m);
  });

  it('applies a multi-kind manifest client-side; get -o yaml shows the fields a real API server fills in', async (t) => {
    if (skip) return t.skip(skip);
    const r = await k(['apply', '-f', '-'], MANIFEST);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'namespace/shop created\nconfigmap/web-config created\ndeployment.apps/web created\nservice/web created\n');
    const y = await k(['-n', 'shop', 'get', 'deployment', 'web', '-o', 'yaml']);
    for (const line of ['  generation: 1', '  progressDeadlineSeconds: 600', '      creationTimestamp: null', '        imagePullPolicy: IfNotPresent', '          protocol: TCP', '        terminationMessagePolicy: File', '  revisionHistoryLimit: 10', 'kubectl.kubernetes.io/last-applied-configuration'])
      assert.ok(y.stdout.includes(line), `expected ${JSON.stringify(line)} in:\n${y.stdout}`);
    assert.match(y.stdout, /^  uid: [0-9a-f-]{36}$/m);
    assert.match(y.stdout, /^  resourceVersion: "\d+"$/m);
    const again = await k(['apply', '-f', '-'], MANIFEST);
    assert.equal(again.stdout, 'namespace/shop unchanged\nconfigmap/web-config unchanged\ndeployment.apps/web unchanged\nservice/web unchanged\n');
  });

  it('waits for condition Available on the rolled-out Deployment', async (t) => {
    if (skip) return t.skip(skip);
    const r = await k(['-n', 'shop', 'wait', '--for=condition=Available', 'deployment/web', '--timeout=60s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'deployment.apps/web condition met');
    const all = await k(['-n', 'shop', 'get', 'deploy,rs,pods', '-o', 'name']);
    assert.equal(all.stdout.split('\n').filter((l) => l.startsWith('pod/')).length, 2);
  });

  it('diffs a change (exit 1) and nothing after it is applied (exit 0)', async (t) => {
    if (skip) return t.skip(skip);
    const changed = MANIFEST.replace('greeting: hello', 'greeting: bonjour');
    const d = await k(['diff', '-f', '-'], changed);
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stdout, /^-  greeting: hello$/m);
    assert.match(d.stdout, /^\+  greeting: bonjour$/m);
    assert.ok(!d.stdout.includes('kind: Deployment'), 'unchanged objects are not in the diff');
    await k(['apply', '-f', '-'], changed);
    const none = await k(['diff', '-f', '-'], changed);
    assert.equal(none.code, 0, none.stdout + none.stderr);
  });

  it('applies server-side: conflicts with another field manager until --force-conflicts', async (t) => {
    if (skip) return t.skip(skip);
    const ssa = await k(['apply', '--server-side', '-f', '-'], MANIFEST.replace('greeting: hello', 'greeting: bonjour'));
    assert.equal(ssa.code, 0, ssa.stderr);
    assert.match(ssa.stdout, /deployment\.apps\/web serverside-applied/);
    const scaled = MANIFEST.replace('replicas: 2', 'replicas: 3');
    const c = await k(['apply', '--server-side', '--field-manager=team-b', '-f', '-'], scaled);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/);
    const f = await k(['apply', '--server-side', '--field-manager=team-b', '--force-conflicts', '-f', '-'], scaled);
    assert.equal(f.code, 0, f.stderr);
    const mf = await k(['-n', 'shop', 'get', 'deploy', 'web', '--show-managed-fields', '-o', 'json']);
    const managers = JSON.parse(mf.stdout).metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`);
    assert.ok(managers.includes('team-b/Apply') && managers.includes('kubectl/Apply'), managers.join(' '));
  });

  it('scales, and patches with each patch type', async (t) => {
    if (skip) return t.skip(skip);
    const sc = await k(['-n', 'shop', 'scale', 'deployment', 'web', '--replicas=4']);
    assert.equal(sc.stdout.trim(), 'deployment.apps/web scaled');
    const get = async (path: string) => (await k(['-n', 'shop', 'get', 'deploy', 'web', '-o', `jsonpath={${path}}`])).stdout;
    assert.equal(await get('.spec.replicas'), '4');
    assert.equal((await k(['-n', 'shop', 'patch', 'deploy', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"front"}}}'])).code, 0);
    assert.equal(await get('.metadata.labels.tier'), 'front');
    assert.equal((await k(['-n', 'shop', 'patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]'])).code, 0);
    assert.equal(await get('.spec.replicas'), '2');
    const smp = await k(['-n', 'shop', 'patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}']);
    assert.equal(smp.code, 0, smp.stderr);
    assert.equal(await get('.spec.template.spec.containers[*].name'), 'sidecar nginx', 'a strategic merge patch adds a container by name (patch items first, as apimachinery orders them)');
    const bad = await k(['-n', 'shop', 'patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"remove","path":"/spec/nothing"}]']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The request is invalid: .*nothing/);
  });

  it('shows an update to a watching kubectl get --watch', async (t) => {
    if (skip) return t.skip(skip);
    const child = spawn('kubectl', ['--kubeconfig', s!.kubeconfig, '--cache-dir', join(s!.dir, 'cache'), '-n', 'shop', 'get', 'configmap', 'web-config', '--watch', '-o', 'jsonpath={.data.greeting}{"\\n"}'], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const waitFor = (re: RegExp) =>
      new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`watch output was ${JSON.stringify(out)}`)), 30000);
        const check = () => {
          if (re.test(out)) {
            clearTimeout(timer);
            child.stdout.off('data', check);
            done();
          }
        };
        child.stdout.on('data', check);
        check();
      });
    await waitFor(/^hello\n/);
    await k(['-n', 'shop', 'patch', 'configmap', 'web-config', '--type=merge', '-p', '{"data":{"greeting":"watched"}}']);
    await waitFor(/watched\n/);
  });

  it('deletes with each cascade mode: orphan keeps the ReplicaSet, background and foreground remove everything', async (t) => {
    if (skip) return t.skip(skip);
    const names = async () => (await k(['-n', 'shop', 'get', 'deploy,rs,pods', '-o', 'name'])).stdout.split('\n').filter(Boolean);
    const o = await k(['-n', 'shop', 'delete', 'deployment', 'web', '--cascade=orphan']);
    assert.equal(o.code, 0, o.stderr);
    let left = await names();
    assert.ok(!left.includes('deployment.apps/web'));
    assert.ok(left.some((n) => n.startsWith('replicaset.apps/web-')), left.join(' '));
    await k(['-n', 'shop', 'delete', 'rs', '--all', '--cascade=orphan']);
    await k(['-n', 'shop', 'delete', 'pods', '--all', '--wait=true']);
    await k(['apply', '-f', '-'], MANIFEST);
    await k(['-n', 'shop', 'wait', '--for=condition=Available', 'deployment/web', '--timeout=60s']);
    const fg = await k(['-n', 'shop', 'delete', 'deployment', 'web', '--cascade=foreground']);
    assert.equal(fg.code, 0, fg.stderr);
    left = await names();
    assert.deepEqual(left.filter((n) => !n.startsWith('pod/')), [], 'foreground: the Deployment is gone only after its ReplicaSets');
    await k(['apply', '-f', '-'], MANIFEST);
    await k(['-n', 'shop', 'wait', '--for=condition=Available', 'deployment/web', '--timeout=60s']);
    const bg = await k(['-n', 'shop', 'delete', 'deployment', 'web', '--cascade=background']);
    assert.equal(bg.code, 0, bg.stderr);
    const w = await k(['-n', 'shop', 'wait', '--for=delete', 'pod', '-l', 'app=web', '--timeout=60s']);
    assert.ok(w.code === 0 || /no matching resources found/.test(w.stderr), w.stderr);
    assert.deepEqual(await names(), []);
  });

  it('refuses a custom resource before its CRD, then serves it once the CRD is established', async (t) => {
    if (skip) return t.skip(skip);
    const early = await k(['apply', '-f', '-'], CR);
    assert.equal(early.code, 1);
    assert.match(early.stderr, /no matches for kind "Widget" in version "example\.com\/v1"/);
    assert.equal((await k(['apply', '-f', '-'], CRD)).code, 0);
    const est = await k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']);
    assert.equal(est.code, 0, est.stderr);
    const r = await k(['apply', '-f', '-'], CR);
    assert.equal(r.code, 0, r.stderr);
    const list = await k(['-n', 'shop', 'get', 'wd']);
    assert.match(list.stdout, /^NAME\s+SIZE\nw1\s+3\n$/, 'declared printer columns replace the default AGE');
    const ex = await k(['explain', 'widgets.spec']);
    assert.match(ex.stdout, /size\s+<integer>/);
    const unknown = await k(['apply', '-f', '-'], CR.replace('spec: {}', 'spec: {colour: red}'));
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown field "spec\.colour"/);
  });

  it('refuses a misspelt field of a built-in kind, as strict validation does', async (t) => {
    if (skip) return t.skip(skip);
    const r = await k(['apply', '-f', '-'], MANIFEST.replace('replicas: 2', 'replica: 2'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.replica"/);
  });
});
