/**
 * helmCharts with `--enable-helm`, as `kubectl kustomize --enable-helm` (kustomize v5.5.0) inflates them.
 *
 * No helm can be installed on the team machines, so most tests check our contract with helm, not helm itself: a
 * small stand-in script (`--helm-command`) records every argv it gets and prints a fixed manifest. kustomize runs
 * the same script, so we compare with it: the same helm calls (paths aside: both hand helm temporary copies), the
 * same values, and the same rendered bytes once the stream went through the kustomization. One test runs the real
 * helm when there is one on PATH and skips, saying why, when there is none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isGitOpsError } from '../src/engine/errors/index.ts';
import { Renderer } from '../src/engine/render/index.ts';
import { openView } from '../src/engine/source/index.ts';
import { findHelm } from '../src/engine/render/helm.ts';
import { MemoryView } from './helpers/memory-view.ts';

const FIXTURE = join(import.meta.dirname, '..', 'test-fixtures', 'helm', 'app');
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.mjs');

const MANIFEST = `---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: storefront-web
spec:
  selector:
    app: storefront-web
  ports:
    - port: 8443
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront-web
  labels:
    app: storefront-web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: storefront-web
  template:
    metadata:
      labels:
        app: storefront-web
    spec:
      containers:
        - name: web
          image: "nginx:1.2.3"
`;

/** A stand-in for helm: logs each call's argv (and the values files and Chart.yaml it was handed), prints MANIFEST. */
function fakeHelm(): { command: string; log: string; calls: () => string[][]; values: () => unknown[]; charts: () => string[]; reset: () => void; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gs-fake-helm-'));
  const log = join(dir, 'log');
  mkdirSync(log);
  const command = join(dir, 'helm');
  writeFileSync(
    command,
    [
      '#!/bin/sh',
      `LOG='${log}'`,
      'printf "%s\\n" "$@" >> "$LOG/argv"; echo "==" >> "$LOG/argv"',
      'if [ "$1" = version ]; then echo "v3.14.4+g81c902a"; exit 0; fi',
      'prev=""',
      'for a in "$@"; do',
      '  if [ "$prev" = "-f" ]; then cat "$a" >> "$LOG/values"; echo "---" >> "$LOG/values"; fi',
      '  if [ -f "$a/Chart.yaml" ]; then cat "$a/Chart.yaml" >> "$LOG/charts"; fi',
      '  prev="$a"',
      'done',
      "cat <<'YAML'",
      MANIFEST.trimEnd(),
      'YAML',
      '',
    ].join('\n'),
  );
  chmodSync(command, 0o755);
  const read = (f: string) => (existsSync(join(log, f)) ? readFileSync(join(log, f), 'utf8') : '');
  return {
    command,
    log,
    calls: () => read('argv').split('==\n').filter((c) => c !== '').map((c) => c.replace(/\n$/, '').split('\n')),
    values: () => read('values').split('---\n').filter((v) => v.trim() !== '').map((v) => parseYaml(v)),
    charts: () => read('charts').split('apiVersion:').filter((c) => c !== ''),
    reset: () => {
      rmSync(log, { recursive: true, force: true });
      mkdirSync(log);
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Absolute paths differ run to run (temporary copies); what helm is told stays comparable by file name. */
function normalizeArgv(call: string[]): string[] {
  return call.map((a) => (a.startsWith('/') ? `<path>/${a.slice(a.lastIndexOf('/') + 1)}` : a));
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, env: env ?? process.env }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0, stdout, stderr });
    });
  });
}

async function kubectlAvailable(): Promise<boolean> {
  return (await run('kubectl', ['version', '--client'])).code === 0;
}

async function renderFixture(opts: { enableHelm?: boolean; helmCommand?: string }): Promise<string> {
  const { view, rel } = await openView(FIXTURE);
  return (await new Renderer().render(view, rel, opts)).text;
}

async function renderError(files: Record<string, string>, opts: { enableHelm?: boolean; helmCommand?: string }): Promise<string> {
  try {
    await new Renderer().render(new MemoryView(files), '', opts);
  } catch (e) {
    assert.ok(isGitOpsError(e), String(e));
    return e.toString();
  }
  assert.fail('rendered, but it should have been refused');
}

const CHART = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'charts/web/values.yaml': 'replicaCount: 1\nimage:\n  repository: nginx\n  tag: "1.0.0"\nservice:\n  port: 80\n',
  'charts/web/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
};

test('real helm: our render equals `kubectl kustomize --enable-helm` on a local chart', async (t) => {
  const helm = findHelm('helm');
  if (!helm) return t.skip('helm not found on PATH: cannot compare a real chart inflation with `kubectl kustomize --enable-helm`');
  if (!(await kubectlAvailable())) return t.skip('kubectl not found: cannot compare with kustomize');
  const want = await run('kubectl', ['kustomize', '--enable-helm', FIXTURE]);
  assert.equal(want.code, 0, want.stderr);
  assert.equal(await renderFixture({ enableHelm: true }), want.stdout);
});

test('contract with helm (stand-in script, not helm itself): the same helm calls and values as kubectl kustomize --enable-helm --helm-command, and the same output bytes', async (t) => {
  const fake = fakeHelm();
  try {
    const ours = await renderFixture({ enableHelm: true, helmCommand: fake.command });
    const ourCalls = fake.calls().map(normalizeArgv);
    const ourValues = fake.values();
    const ourCharts = fake.charts();
    assert.deepEqual(ourCalls, [
      ['version', '-c', '--short'],
      [
        'template', 'storefront', '<path>/web', '--namespace', 'shop',
        '-f', '<path>/web-kustomize-values.yaml', '-f', '<path>/values-prod.yaml',
        '--api-versions', 'monitoring.coreos.com/v1', '--kube-version', '1.29.0', '--include-crds', '--skip-tests',
      ],
    ]);
    // valuesInline overrides the chart's values.yaml (valuesMerge defaults to override); the extra file comes as is.
    assert.deepEqual(ourValues, [{ replicaCount: 3, image: { repository: 'nginx', tag: '1.2.3' }, service: { port: 80 } }, { service: { port: 8443 } }]);
    assert.equal(ourCharts.length, 1, 'helm was handed the chart folder with its Chart.yaml');
    // The printed manifest went through the kustomization: namespace, labels, the JSON patch, and the plain resource.
    assert.match(ours, /kind: Deployment\nmetadata:\n  labels:\n    app: storefront-web\n    team: payments\n  name: storefront-web\n  namespace: shop\n/);
    assert.match(ours, /template:\n    metadata:\n      annotations:\n        patched-by: kustomize\n/);
    assert.match(ours, /kind: Service\nmetadata:\n  labels:\n    team: payments\n  name: storefront-web\n  namespace: shop\n/);
    assert.match(ours, /kind: ConfigMap\nmetadata:\n  labels:\n    team: payments\n  name: extra\n  namespace: shop\n/);

    if (!(await kubectlAvailable())) return t.skip('kubectl not found: checked our helm calls, but cannot compare them with kustomize');
    fake.reset();
    const want = await run('kubectl', ['kustomize', '--enable-helm', '--helm-command', fake.command, FIXTURE]);
    assert.equal(want.code, 0, want.stderr);
    assert.deepEqual(ourCalls, fake.calls().map(normalizeArgv));
    assert.deepEqual(ourValues, fake.values());
    assert.equal(ours, want.stdout);
  } finally {
    fake.done();
  }
});

test('contract with helm (stand-in script): chart read from a view that is not on disk, legacy helmChartInflationGenerator and chartHome', async () => {
  const fake = fakeHelm();
  try {
    const files = {
      'kustomization.yaml': 'helmGlobals:\n  chartHome: vendor\nhelmCharts:\n- name: web\n  valuesMerge: replace\n  valuesInline:\n    only: inline\n  nameTemplate: x\n  skipHooks: true\n  debug: true\n',
      ...Object.fromEntries(Object.entries(CHART).map(([k, v]) => [k.replace(/^charts\//, 'vendor/'), v])),
    };
    const r = await new Renderer().render(new MemoryView(files), '', { enableHelm: true, helmCommand: fake.command });
    assert.equal(r.resources.length, 2);
    assert.deepEqual(fake.calls().map(normalizeArgv)[1], ['template', '--generate-name', '<path>/web', '--name-template', 'x', '-f', '<path>/web-kustomize-values.yaml', '--no-hooks', '--debug']);
    assert.deepEqual(fake.values(), [{ only: 'inline' }]);
    assert.equal(fake.charts().length, 1);

    fake.reset();
    const legacy = { ...CHART, 'kustomization.yaml': 'helmChartInflationGenerator:\n- chartName: web\n  releaseName: old\n' };
    await new Renderer().render(new MemoryView(legacy), '', { enableHelm: true, helmCommand: fake.command });
    assert.deepEqual(fake.calls().map(normalizeArgv)[1], ['template', 'old', '<path>/web', '-f', '<path>/web-kustomize-values.yaml']);
    assert.deepEqual(fake.values(), [{ replicaCount: 1, image: { repository: 'nginx', tag: '1.0.0' }, service: { port: 80 } }]);

    fake.reset();
    const builtin = {
      ...CHART,
      'kustomization.yaml': 'generators:\n- |-\n  apiVersion: builtin\n  kind: HelmChartInflationGenerator\n  metadata:\n    name: h\n  name: web\n  releaseName: gen\n  namespace: ns1\n',
    };
    const g = await new Renderer().render(new MemoryView(builtin), '', { enableHelm: true, helmCommand: fake.command });
    assert.deepEqual(fake.calls().map(normalizeArgv)[1], ['template', 'gen', '<path>/web', '--namespace', 'ns1', '-f', '<path>/web-kustomize-values.yaml']);
    assert.deepEqual(g.resources.map((x) => x.id.kind), ['Service', 'Deployment']);
  } finally {
    fake.done();
  }
});

test('provenance: objects helm made are located at their helmCharts entry', async () => {
  const fake = fakeHelm();
  try {
    const files = { ...CHART, 'kustomization.yaml': 'namespace: a\nhelmCharts:\n- name: web\n  releaseName: storefront\n' };
    const r = await new Renderer().render(new MemoryView(files), '', { enableHelm: true, helmCommand: fake.command, provenance: true });
    const dep = r.resources.find((x) => x.id.kind === 'Deployment')!;
    assert.deepEqual(dep.node.origin, { file: 'kustomization.yaml', line: 3, column: 3 });
    assert.equal(dep.source, 'kustomization.yaml');
  } finally {
    fake.done();
  }
});

test('without --enable-helm, helmCharts is refused as kubectl kustomize refuses it', async () => {
  const msg = await renderError({ ...CHART, 'kustomization.yaml': 'resources: []\nhelmCharts:\n- name: web\n' }, {});
  assert.match(msg, /^kustomization\.yaml:3:3: helmCharts: kustomize inflates charts only with --enable-helm/);
  const gen = await renderError({ ...CHART, 'kustomization.yaml': 'generators:\n- |-\n  apiVersion: builtin\n  kind: HelmChartInflationGenerator\n  metadata:\n    name: h\n  name: web\n' }, {});
  assert.match(gen, /^kustomization\.yaml:3:3: generators: builtin HelmChartInflationGenerator inflates Helm charts, which `kubectl kustomize` refuses without --enable-helm/);
});

test('with --enable-helm and no helm on PATH: "helm not found on PATH" at the helmCharts entry', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'gs-no-helm-'));
  const saved = process.env.PATH;
  process.env.PATH = empty;
  try {
    const msg = await renderError({ ...CHART, 'kustomization.yaml': 'resources: []\nhelmCharts:\n- name: web\n' }, { enableHelm: true });
    assert.match(msg, /^kustomization\.yaml:3:3: helm not found on PATH/);
  } finally {
    process.env.PATH = saved;
    rmSync(empty, { recursive: true, force: true });
  }
  const missing = await renderError({ ...CHART, 'kustomization.yaml': 'helmCharts:\n- name: web\n' }, { enableHelm: true, helmCommand: '/nonexistent/helm' });
  assert.match(missing, /^kustomization\.yaml:2:3: helm command \/nonexistent\/helm not found/);
});

test('with --enable-helm: a chart that would need downloading is "remote, not available offline"; a missing local one is located', async () => {
  const fake = fakeHelm();
  try {
    const remote = await renderError(
      { 'kustomization.yaml': 'helmCharts:\n- name: redis\n  repo: https://charts.example.com\n  version: 1.2.3\n' },
      { enableHelm: true, helmCommand: fake.command },
    );
    assert.match(remote, /^kustomization\.yaml:2:3: helm chart redis 1\.2\.3 from https:\/\/charts\.example\.com: remote, not available offline/);
    const local = await renderError({ 'kustomization.yaml': 'helmCharts:\n- name: nowhere\n' }, { enableHelm: true, helmCommand: fake.command });
    assert.match(local, /^kustomization\.yaml:2:3: helmCharts: no repo specified for pull, no chart found at charts\/nowhere/);
    const merge = await renderError({ ...CHART, 'kustomization.yaml': 'helmCharts:\n- name: web\n  valuesMerge: deep\n' }, { enableHelm: true, helmCommand: fake.command });
    assert.match(merge, /^kustomization\.yaml:3:16: helmCharts: valuesMerge must be one of \[merge override replace\]/);
    assert.deepEqual(fake.calls(), [], 'helm is not run for an entry that cannot be inflated');
  } finally {
    fake.done();
  }
});

test('CLI: render --enable-helm --helm-command runs the given helm; without --enable-helm the error stays', async () => {
  const fake = fakeHelm();
  try {
    const ok = await run(process.execPath, [CLI, 'render', FIXTURE, '--enable-helm', '--helm-command', fake.command]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /name: storefront-web\n  namespace: shop/);
    const off = await run(process.execPath, [CLI, 'render', FIXTURE]);
    assert.equal(off.code, 1);
    assert.match(off.stderr, /kustomization\.yaml:9:5: helmCharts: kustomize inflates charts only with --enable-helm/);
    const noHelm = await run(process.execPath, [CLI, 'render', FIXTURE, '--enable-helm'], { ...process.env, PATH: [join(tmpdir(), 'gs-nothing-here')].join(delimiter) });
    assert.equal(noHelm.code, 1);
    assert.match(noHelm.stderr, /kustomization\.yaml:9:5: helm not found on PATH/);
    const usage = await run(process.execPath, [CLI, 'render', FIXTURE, '--helm-command', fake.command]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--helm-command goes with --enable-helm/);
  } finally {
    fake.done();
  }
});

test('extension engine: render.enableHelm is honoured only in a trusted workspace', async () => {
  const fake = fakeHelm();
  try {
    const api = await import('../src/extension/engine/api.ts');
    const kustomize = { enableHelm: true, helmCommand: fake.command };
    const untrusted = await api.render({ kind: 'overlay', dir: FIXTURE }, { kustomize, trusted: false });
    assert.equal(untrusted.ok, false);
    assert.match(untrusted.ok ? '' : untrusted.problem.message, /--enable-helm/);
    const off = await api.render({ kind: 'overlay', dir: FIXTURE }, { kustomize: { enableHelm: false, helmCommand: fake.command }, trusted: true });
    assert.equal(off.ok, false);
    assert.deepEqual(fake.calls(), [], 'helm never ran');
    const on = await api.render({ kind: 'overlay', dir: FIXTURE }, { kustomize, trusted: true });
    assert.ok(on.ok, on.ok ? '' : on.problem.message);
    assert.match(on.ok ? on.text : '', /name: storefront-web\n  namespace: shop/);
  } finally {
    fake.done();
  }
});

test('contract with helm (stand-in script): valuesMerge merge/override/replace hand helm the same values as kustomize', async (t) => {
  if (!(await kubectlAvailable())) return t.skip('kubectl not found: cannot compare with kustomize');
  const fake = fakeHelm();
  const dir = mkdtempSync(join(tmpdir(), 'gs-helm-merge-'));
  try {
    for (const [p, text] of Object.entries(CHART)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), p.endsWith('values.yaml') ? 'replicaCount: 1\nimage:\n  repository: nginx\n  tag: "1.0.0"\n  pullPolicy: Always\nports: [80, 81]\nextra: keep\n' : text);
    }
    for (const mode of ['merge', 'override', 'replace']) {
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        `helmCharts:\n- name: web\n  releaseName: r\n  valuesMerge: ${mode}\n  valuesInline:\n    replicaCount: 5\n    image:\n      tag: "2.0"\n    ports: [9090]\n    extra: null\n    added: {a: 1}\n`,
      );
      fake.reset();
      const { view, rel } = await openView(dir);
      await new Renderer().render(view, rel, { enableHelm: true, helmCommand: fake.command });
      const ours = fake.values();
      fake.reset();
      const want = await run('kubectl', ['kustomize', '--enable-helm', '--helm-command', fake.command, dir]);
      assert.equal(want.code, 0, want.stderr);
      assert.deepEqual(ours, fake.values(), `valuesMerge: ${mode}`);
    }
  } finally {
    fake.done();
    rmSync(dir, { recursive: true, force: true });
  }
});
