/// <reference types="mocha" />
/**
 * Inside the extension host, against the e2e fixture deploy repo (test/e2e/fixture-repo, opened as the workspace):
 * the commands and providers as VS Code itself calls them. Edits are made in unsaved buffers and reverted.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXT_ID = 'gitops-sandbox.gitops-sandbox';
const OVERLAY_DIR = 'apps/shop/overlays/prod';

interface Stats {
  activationMs: number;
  features: Record<string, boolean>;
  renders: { ms: number; ok: boolean }[];
}

function root(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f.uri.fsPath;
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function stats(): Promise<Stats> {
  return (await vscode.commands.executeCommand('gitopsSandbox.internal.stats')) as Stats;
}

async function openOverlay(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(join(root(), OVERLAY_DIR, 'kustomization.yaml'));
  return vscode.window.showTextDocument(doc);
}

async function revert(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

suite('GitOps Sandbox in the extension host', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, `${EXT_ID} is installed`);
    await openOverlay();
    await waitFor('activation', () => ext.isActive);
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('activation is cheap and does not load the engine', async () => {
    const s = await stats();
    assert.equal(typeof s.activationMs, 'number');
    const out = process.env.GITOPS_SANDBOX_E2E_OUT;
    if (out) writeFileSync(join(out, 'host-metrics.json'), `${JSON.stringify({ activationMs: s.activationMs }, null, 2)}\n`);
  });

  test('CodeLens on a kustomization file: Render, Diff vs HEAD, Diff vs base, Preview sync, Sync…', async () => {
    const editor = await openOverlay();
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10);
      return l?.length ? l : undefined;
    });
    const titles = lenses.map((l) => l.command?.title);
    assert.deepEqual(titles, ['Render', 'Diff vs HEAD', 'Diff vs base', 'Preview sync', 'Sync…']);
    assert.equal(lenses[0]!.range.start.line, 1, 'on the kind: line');
  });

  test('no CodeLens on a plain manifest', async () => {
    const doc = await vscode.workspace.openTextDocument(join(root(), 'apps/shop/base/service.yaml'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    assert.equal(lenses?.length ?? 0, 0);
  });

  test('a YAML error is a diagnostic on its line, and fixing it clears it', async () => {
    const editor = await openOverlay();
    const line = editor.document.lineAt(10); // `    newTag: 1.0.1`
    assert.match(line.text, /newTag: 1\.0\.1/);
    await editor.edit((e) => e.insert(line.range.end, ': broken'));
    const diags = await waitFor('a diagnostic', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source?.startsWith('gitops-sandbox'));
      return d.length ? d : undefined;
    });
    assert.equal(diags[0]!.range.start.line, 10, diags[0]!.message);
    assert.equal(diags[0]!.severity, vscode.DiagnosticSeverity.Error);
    await editor.edit((e) => e.delete(new vscode.Range(10, line.text.length, 10, line.text.length + ': broken'.length)));
    await waitFor('the diagnostic to clear', () => vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source?.startsWith('gitops-sandbox')).length === 0);
    await revert(editor);
  });

  test('Render opens a read-only rendered document of the overlay', async () => {
    const dir = join(root(), OVERLAY_DIR);
    await vscode.commands.executeCommand('gitopsSandbox.render', { target: { kind: 'overlay', dir } });
    const editor = await waitFor('the rendered view', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.scheme === 'gitops-sandbox' ? e : undefined;
    });
    assert.equal(editor.document.uri.path, `${dir}.rendered.yaml`);
    assert.equal(editor.document.languageId, 'yaml');
    const text = editor.document.getText();
    const s = await stats();
    if (!s.features.render) {
      assert.match(text, /not available in this build/);
      return;
    }
    assert.ok(!text.includes('e2e-canary'), 'no Secret value in the view');
    const kubectl = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    if (kubectl.error || kubectl.status !== 0) {
      assert.match(text, /image: registry\.example\.com\/shop:1\.0\.1/);
      return;
    }
    // Equal to kubectl kustomize, Secret data masked.
    const expected = kubectl.stdout.replace(/^(  DB_PASSWORD: ).*$/m, '$1++++++++');
    assert.equal(text, expected);
  });

  test('Diff vs HEAD opens a diff editor: HEAD on the left, the working tree on the right', async () => {
    const dir = join(root(), OVERLAY_DIR);
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root(), encoding: 'utf8' }).stdout.trim();
    await vscode.commands.executeCommand('gitopsSandbox.diffHead', { target: { kind: 'overlay', dir } });
    const tab = await waitFor('a diff tab', () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputTextDiff ? t : undefined;
    });
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'gitops-sandbox');
    assert.equal(new URLSearchParams(input.original.query).get('rev'), head);
    assert.equal(new URLSearchParams(input.modified.query).get('rev'), null);
    assert.match(tab.label, /HEAD .*↔ working tree/);
  });

  test('Diff vs base compares with the merge-base of HEAD and the base branch (origin/HEAD)', async () => {
    const dir = join(root(), OVERLAY_DIR);
    const git = (...args: string[]) => spawnSync('git', args, { cwd: root(), encoding: 'utf8' }).stdout.trim();
    const base = git('merge-base', 'HEAD', 'origin/main');
    await vscode.commands.executeCommand('gitopsSandbox.diffBase', { target: { kind: 'overlay', dir } });
    const tab = await waitFor('a diff tab', () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputTextDiff && t.label.includes('merge-base') ? t : undefined;
    });
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(new URLSearchParams(input.original.query).get('rev'), base);
    assert.match(tab.label, /merge-base with origin\/main/);
  });

  test('Diff All Apps writes a PR-style report of every app, Secret values masked', async function () {
    const s = await stats();
    if (!s.features.diff || !s.features.apps) this.skip();
    const source = await openOverlay();
    await source.edit((e) => e.replace(source.document.lineAt(7).range, '    count: 4'));
    await vscode.commands.executeCommand('gitopsSandbox.diffAllApps');
    const report = await waitFor('the report', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'gitops-sandbox-report' && d.getText().includes('every app')));
    const text = report.getText();
    assert.match(text, /\| shop-prod \| 0 \| 0 \| 1 \| 0 \| 0 \|/);
    assert.match(text, /\| platform \| 0 \| 0 \| 0 \| 0 \| 0 \|/);
    assert.match(text, /-  replicas: 3\n\+  replicas: 4/);
    assert.ok(!text.includes('e2e-canary') && !text.includes(Buffer.from('e2e-canary-prod-51d2e8').toString('base64')));
    await revert(source);
  });

  test('Preview sync opens the sync preview webview for the overlay', async () => {
    const dir = join(root(), OVERLAY_DIR);
    await vscode.commands.executeCommand('gitopsSandbox.previewSync', { target: { kind: 'overlay', dir } });
    const tab = await waitFor('a sync preview tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('gitopsSandbox.plan')),
    );
    assert.equal(tab.label, `Sync preview: ${OVERLAY_DIR}`);
  });

  test('the sync preview puts the plan warnings on the lines that wrote the objects (HOOK-5 delete policy warning)', async () => {
    const dir = join(root(), OVERLAY_DIR);
    await vscode.commands.executeCommand('gitopsSandbox.previewSync', { target: { kind: 'overlay', dir } });
    const smoke = vscode.Uri.file(join(root(), 'apps/shop/base/smoke-test.yaml'));
    const d = await waitFor('the plan warning on smoke-test.yaml', () => {
      const found = vscode.languages.getDiagnostics(smoke).filter((x) => x.source === 'gitops-sandbox' && x.code === 'hook-job-without-before-hook-creation');
      return found.length ? found : undefined;
    });
    assert.equal(d[0]!.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(d[0]!.range.start.line, 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the warning to go with the preview', () => vscode.languages.getDiagnostics(smoke).every((x) => x.code !== 'hook-job-without-before-hook-creation'));
  });

  test('CodeLens on an Argo CD Application document', async () => {
    const doc = await vscode.workspace.openTextDocument(join(root(), 'argocd/platform.yaml'));
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
      return l?.length ? l : undefined;
    });
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Render', 'Diff vs HEAD', 'Diff vs base', 'Preview sync', 'Sync…']);
    assert.deepEqual(lenses[0]!.command?.arguments, [{ app: 'platform', file: doc.uri.fsPath }]);
  });

  test('Render of an app shows what its controller renders (directory source, ORD-7 namespace defaulting)', async () => {
    const file = join(root(), 'argocd/platform.yaml');
    await vscode.commands.executeCommand('gitopsSandbox.render', { app: 'platform', file });
    const editor = await waitFor('the rendered app view', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.scheme === 'gitops-sandbox' ? e : undefined;
    });
    assert.equal(editor.document.uri.path, `${root()}/platform.app.yaml`);
    const text = editor.document.getText();
    assert.match(text, /image: registry\.example\.com\/gateway:2\.4\.0/);
    // The objects carry no namespace in git; Argo CD puts them in the destination namespace.
    assert.equal((text.match(/^ {2}namespace: platform$/gm) ?? []).length, 5, text);
  });

  test('Preview sync of an app opens its sync preview', async () => {
    await vscode.commands.executeCommand('gitopsSandbox.previewSync', { app: 'platform', file: join(root(), 'argocd/platform.yaml') });
    const tab = await waitFor('a sync preview tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes('platform')),
    );
    assert.equal(tab.label, 'Sync preview: app platform');
  });

  test('Sync… to the embedded sandbox: the plan panel shows each task outcome (ORD-11, HOOK-5); a second sync changes nothing', async function () {
    this.timeout(60000);
    const dir = join(root(), OVERLAY_DIR);
    await vscode.commands.executeCommand('gitopsSandbox.resetSandbox');
    type Row = { kind: string; name: string; action: string; hook?: unknown; outcome?: { status?: string; phase: string; message: string } };
    type View = { sync?: { phase: string; target: string; applied: number }; phases: { phase: string; waves: { wave: number; rows: Row[] }[] }[] };
    const rows = (v: View) => v.phases.flatMap((p) => p.waves.flatMap((w) => w.rows));
    const first = (await vscode.commands.executeCommand('gitopsSandbox.sync', { target: { kind: 'overlay', dir } }, { to: 'sandbox' })) as View;
    assert.equal(first.sync?.phase, 'Succeeded');
    assert.equal(first.sync?.target, 'the embedded sandbox');
    assert.deepEqual(
      first.phases.map((p) => `${p.phase}:${p.waves.map((w) => w.wave).join(',')}`),
      ['PreSync:0', 'Sync:0,1,2', 'PostSync:0'],
    );
    for (const r of rows(first)) assert.equal(`${r.kind}/${r.name} ${r.outcome?.status} ${r.outcome?.phase}`, `${r.kind}/${r.name} Synced Succeeded`);
    assert.ok(!JSON.stringify(first).includes('e2e-canary'), 'no Secret value in the view');
    const tab = await waitFor('the sync panel', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith('Sync:')),
    );
    assert.equal(tab.label, `Sync: ${OVERLAY_DIR}`);
    const second = (await vscode.commands.executeCommand('gitopsSandbox.sync', { target: { kind: 'overlay', dir } }, { to: 'sandbox' })) as View;
    assert.equal(second.sync?.phase, 'Succeeded');
    const changed = rows(second).filter((r) => !r.hook && r.kind !== 'Namespace' && r.action !== 'unchanged');
    assert.deepEqual(changed.map((r) => `${r.kind}/${r.name} ${r.action}`), []);
  });

  test('Sync… of an app follows its sync policy: CreateNamespace=true, prune from automated (OPT-, ORD-14)', async function () {
    this.timeout(60000);
    const view = (await vscode.commands.executeCommand('gitopsSandbox.sync', { app: 'platform', file: join(root(), 'argocd/platform.yaml') }, { to: 'sandbox', dryRun: true })) as {
      sync?: { phase: string; dryRun: boolean };
      prune: boolean;
      options: string[];
    };
    assert.equal(view.sync?.phase, 'Succeeded');
    assert.equal(view.sync?.dryRun, true);
    assert.equal(view.prune, true);
    assert.ok(view.options.includes('CreateNamespace=true'), view.options.join(','));
  });

  test('the Applications view lists the Argo CD apps; its Render and Sync… actions act on the app', async function () {
    this.timeout(60000);
    type Node = { label: string; description?: string; contextValue?: string; item: unknown; children: Node[] };
    const tree = (await vscode.commands.executeCommand('gitopsSandbox.internal.appsTree')) as Node[];
    const argo = tree.find((n) => n.label === 'Argo CD');
    assert.ok(argo, `top level: ${tree.map((n) => n.label).join(', ')}`);
    assert.deepEqual(argo.children.map((n) => n.label).sort(), ['platform', 'shop-prod']);
    const shop = argo.children.find((n) => n.label === 'shop-prod')!;
    assert.equal(shop.contextValue, 'app renderable');
    assert.match(shop.description ?? '', /apps\/shop\/overlays\/prod/);
    // The inline Render action passes the tree item itself.
    await vscode.commands.executeCommand('gitopsSandbox.render', shop.item);
    const view = await waitFor('the rendered app', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'gitops-sandbox' && d.uri.path.endsWith('/shop-prod.app.yaml')));
    assert.match(view.getText(), /namespace: shop-prod/);
    assert.ok(!view.getText().includes('e2e-canary'));
    // So does its context menu's Sync… (the preset stands in for the picker).
    const synced = (await vscode.commands.executeCommand('gitopsSandbox.sync', shop.item, { to: 'sandbox', dryRun: true })) as { app: string; sync?: { phase: string } };
    assert.equal(synced.app, 'shop-prod');
    assert.equal(synced.sync?.phase, 'Succeeded');
  });

  test('the rendered view follows unsaved edits', async function () {
    const s = await stats();
    if (!s.features.render) this.skip();
    const dir = join(root(), OVERLAY_DIR);
    const source = await openOverlay();
    await vscode.commands.executeCommand('gitopsSandbox.render', { target: { kind: 'overlay', dir } });
    const view = await waitFor('the rendered view', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'gitops-sandbox'));
    assert.match(view.getText(), /replicas: 3/);
    const line = source.document.lineAt(7); // `    count: 3`
    await source.edit((e) => e.replace(line.range, '    count: 7'));
    await waitFor('the view to show replicas: 7', () => /replicas: 7/.test(view.getText()));
    await revert(source);
    await waitFor('the view to show replicas: 3 again', () => /replicas: 3/.test(view.getText()));
  });
});

suite('Provenance in the extension host', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('hover and Go to Definition on a rendered image lead to the overlay images entry', async function () {
    if (!(await stats()).features.provenance) this.skip();
    const dir = join(root(), OVERLAY_DIR);
    await vscode.commands.executeCommand('gitopsSandbox.render', { target: { kind: 'overlay', dir } });
    const view = await waitFor('the rendered view', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'gitops-sandbox' && d.getText().includes('image:')));
    const line = view.getText().split('\n').findIndex((l) => l.includes('image: registry.example.com/shop:1.0.1'));
    assert.ok(line >= 0);
    const pos = new vscode.Position(line, 8);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', view.uri, pos);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /containers\[name=shop\]\.image/);
    assert.match(text, /images/);
    assert.match(text, /apps\/shop\/overlays\/prod\/kustomization\.yaml:10/);
    assert.match(text, /apps\/shop\/base\/deployment\.yaml:19/);
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', view.uri, pos);
    const def = defs[0]!;
    const uri = 'uri' in def ? def.uri : def.targetUri;
    const range = 'range' in def ? def.range : def.targetRange;
    assert.equal(uri.fsPath, join(dir, 'kustomization.yaml'));
    assert.equal(range.start.line, 9);
  });

  test('a hover in a source file says which overlays and fields the line affects', async function () {
    if (!(await stats()).features.provenance) this.skip();
    const doc = await vscode.workspace.openTextDocument(join(root(), 'apps/shop/base/deployment.yaml'));
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('image: registry.example.com/shop:1.0.0'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 12));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /This line affects 3 overlays, 3 fields/);
    assert.match(text, /apps\/shop\/overlays\/staging: Deployment shop-staging\/staging-shop/);
  });
});
