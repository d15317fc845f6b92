/**
 * A PR-shaped change: a branch of three commits touching a kustomize base, an overlay and an ApplicationSet, diffed
 * with `--all --base main` semantics (every app, merge-base with main). Kustomize renders come from the real
 * `kubectl kustomize` (v5.5.0) until the project's renderer is on main; the test is skipped without kubectl.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ScratchRepo } from './helpers/git.ts';
import { diffAppsRevisions, diffMarkdown, stopJq } from '../src/engine/diff/index.ts';
import { GitRevisionView, WorktreeView, mergeBase, type FileView } from '../src/engine/source/index.ts';
import type { KustomizeRenderer } from '../src/engine/apps/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';
import { runCli } from '../src/cli/run.ts';
import { commands } from '../src/cli/commands/index.ts';

after(() => stopJq());

async function cliJson(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['diff', ...args], commands, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, signal: new AbortController().signal, cwd });
  return { code, out, err };
}

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const REPO_URL = 'https://git.example.com/platform/deploy.git';

const files = (image: string, devLevel: string, envs: string[]): Record<string, string> => ({
  'apps/guestbook/base/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n',
  'apps/guestbook/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook
spec:
  selector:
    matchLabels: {app: guestbook}
  template:
    metadata:
      labels: {app: guestbook}
    spec:
      containers:
      - name: web
        image: ${image}
        envFrom:
        - configMapRef: {name: guestbook-config}
`,
  'apps/guestbook/base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: guestbook\nspec:\n  selector: {app: guestbook}\n  ports:\n  - port: 80\n',
  ...Object.fromEntries(
    envs.map((env) => [
      `apps/guestbook/overlays/${env}/kustomization.yaml`,
      `resources:\n- ../../base\nconfigMapGenerator:\n- name: guestbook-config\n  literals:\n  - LEVEL=${env === 'dev' ? devLevel : 'info'}\n`,
    ]),
  ),
  'argocd/guestbook.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
  namespace: argocd
spec:
  generators:
  - list:
      elements:
${envs.map((e) => `      - env: ${e}`).join('\n')}
  template:
    metadata:
      name: 'guestbook-{{env}}'
    spec:
      project: default
      source:
        repoURL: ${REPO_URL}
        targetRevision: HEAD
        path: 'apps/guestbook/overlays/{{env}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: 'guestbook-{{env}}'
`,
  'argocd/tools.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: tools
  namespace: argocd
spec:
  project: default
  source:
    repoURL: ${REPO_URL}
    targetRevision: HEAD
    path: apps/tools
  destination:
    server: https://kubernetes.default.svc
    namespace: tools
`,
  'apps/tools/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tools\ndata:\n  a: "1"\n',
});

/** `kubectl kustomize` over the view's tree: the working tree in place, a revision extracted with git archive. */
function kubectlRenderer(repoDir: string, scratch: string): KustomizeRenderer {
  const extracted = new Map<string, string>();
  const rootOf = (view: FileView): string => {
    if (!view.commit) return view.root;
    let dir = extracted.get(view.commit);
    if (!dir) {
      dir = join(scratch, view.commit);
      execFileSync('mkdir', ['-p', dir]);
      execFileSync('sh', ['-c', `git -C "${repoDir}" archive ${view.commit} | tar -x -C "${dir}"`]);
      extracted.set(view.commit, dir);
    }
    return dir;
  };
  return async (view, dir) => {
    const text = execFileSync('kubectl', ['kustomize', join(rootOf(view), dir)], { encoding: 'utf8' });
    return parseAllDocuments(text).map((d) => ({ object: d.toJS() as KubeObject })).filter((r) => r.object);
  };
}

test('PR-shaped change: base, overlay and ApplicationSet touched on a branch give the expected per-app summary', async (t) => {
  if (!hasKubectl()) {
    t.skip('kubectl not found: the kustomize renders of this test come from kubectl kustomize');
    return;
  }
  const repo = new ScratchRepo();
  const scratch = mkdtempSync(join(tmpdir(), 'gs-pr-'));
  try {
    repo.git('remote', 'add', 'origin', REPO_URL);
    repo.write(files('nginx:1.27', 'info', ['dev', 'prod']));
    repo.commit('main: guestbook dev and prod, tools');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write(files('nginx:1.28', 'info', ['dev', 'prod']));
    repo.commit('base: nginx 1.28');
    repo.write(files('nginx:1.28', 'debug', ['dev', 'prod']));
    repo.commit('dev overlay: debug logging');
    repo.write(files('nginx:1.28', 'debug', ['dev', 'prod', 'staging']));
    repo.commit('appset: add staging');

    const base = await mergeBase(repo.dir, 'HEAD', 'main');
    const result = await diffAppsRevisions({
      before: await GitRevisionView.open(repo.dir, base),
      after: new WorktreeView(repo.dir),
      renderer: kubectlRenderer(repo.dir, scratch),
    });
    assert.deepEqual(result.errors, []);
    const summary = Object.fromEntries(
      result.apps.map((a) => [a.name, a.objects.map((o) => `${o.change} ${o.kind}/${o.name}${o.previousName ? ` (was ${o.previousName})` : ''}`)]),
    );
    // The generated names, as kustomize itself hashes them.
    const cm = (level: string) => {
      const d = mkdtempSync(join(scratch, 'cm-'));
      writeFileSync(join(d, 'kustomization.yaml'), `configMapGenerator:\n- name: guestbook-config\n  literals:\n  - LEVEL=${level}\n`);
      return /name: (guestbook-config-\w+)/.exec(execFileSync('kubectl', ['kustomize', d], { encoding: 'utf8' }))![1]!;
    };
    const devOld = cm('info');
    const devNew = cm('debug');
    assert.deepEqual(summary, {
      'guestbook-dev': ['changed Deployment/guestbook', `renamed ConfigMap/${devNew} (was ${devOld})`],
      'guestbook-prod': ['changed Deployment/guestbook'],
      'guestbook-staging': [`added ConfigMap/${devOld}`, 'added Service/guestbook', 'added Deployment/guestbook'],
      tools: [],
    });
    const dev = result.apps.find((a) => a.name === 'guestbook-dev')!;
    assert.deepEqual(dev.objects[0]!.fields, ['/spec/template/spec/containers/0/envFrom/0/configMapRef/name', '/spec/template/spec/containers/0/image']);
    assert.match(dev.objects[0]!.diff, /^-        image: nginx:1\.27$/m);
    assert.match(dev.objects[0]!.diff, /^\+        image: nginx:1\.28$/m);
    // The same branch through the CLI, rendered by the project's kustomize renderer: the same answer.
    const cliOut = await cliJson(['--all', '--base', 'main', '--json'], repo.dir);
    assert.equal(cliOut.code, 1, cliOut.err);
    const cliSummary = Object.fromEntries(
      JSON.parse(cliOut.out).apps.map((a: any) => [a.name, a.objects.map((o: any) => `${o.change} ${o.kind}/${o.name}`)]),
    );
    assert.deepEqual(cliSummary, Object.fromEntries(result.apps.map((a) => [a.name, a.objects.map((o) => `${o.change} ${o.kind}/${o.name}`)])));
    assert.deepEqual(JSON.parse(cliOut.out).apps.map((a: any) => a.objects.map((o: any) => o.diff)), result.apps.map((a) => a.objects.map((o) => o.diff)));
    const md = diffMarkdown(result.apps);
    assert.match(md, /\| guestbook-dev \| 0 \| 0 \| 1 \| 1 \| 0 \|/);
    assert.match(md, /\| guestbook-staging \| 3 \| 0 \| 0 \| 0 \| 0 \|/);
    assert.match(md, /\| tools \| 0 \| 0 \| 0 \| 0 \| 0 \|/);
  } finally {
    repo.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }
});
