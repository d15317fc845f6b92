import * as vscode from 'vscode';
import { dirtyBuffers } from './buffers.ts';
import type { AppNode, AppsTreeData } from './engine/api.ts';
import { engine } from './engine-loader.ts';
import { log } from './log.ts';
import type { Diagnostics } from './diagnostics.ts';
import { settings } from './settings.ts';
import type { TargetArg } from './targets.ts';

type Item =
  | { type: 'app'; app: AppNode; data: AppsTreeData }
  | { type: 'appset'; name: string; ids: string[]; data: AppsTreeData }
  | { type: 'group'; label: string; ids: string[]; data: AppsTreeData }
  | { type: 'errors'; data: AppsTreeData }
  | { type: 'error'; message: string; file: string; line: number };

export interface TreeSnapshot {
  label: string;
  description?: string;
  contextValue?: string;
  item: unknown;
  children: TreeSnapshot[];
}

/** What the view's inline actions and context menu pass to commands. */
export function itemTarget(item: Item, data: AppsTreeData): TargetArg {
  if (item.type === 'app') return { target: { kind: 'app', repo: data.root, name: item.app.id } };
  if (item.type === 'appset') return { target: { kind: 'app', repo: data.root, name: item.name } };
  return undefined;
}

/**
 * The Applications view: Argo CD apps as the user thinks of them (app-of-apps as a tree, ApplicationSets with the apps
 * they generate), then Flux Kustomizations in dependency order; each app opens where it is written, and renders,
 * diffs or previews its sync from the inline actions. Refreshed as files change (debounced) and on demand.
 */
export class AppsTree implements vscode.TreeDataProvider<Item>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Item | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private data: AppsTreeData | undefined;
  private loading: Promise<AppsTreeData | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly diagnostics: Diagnostics) {}

  /** Reloads now (the Refresh button) or after a quiet second (typing). */
  refresh(delayMs = 0): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.data = undefined;
      this.loading = undefined;
      this.emitter.fire(undefined);
    }, delayMs);
  }

  private load(): Promise<AppsTreeData | undefined> {
    this.loading ??= (async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) return undefined;
      const t0 = performance.now();
      try {
        const data = await engine().listApps(folder.uri.fsPath, { buffers: dirtyBuffers(), kustomize: settings.kustomize(), trusted: settings.trusted() });
        log.info(`found ${data.apps.length} apps (${data.errors.length} errors) in ${(performance.now() - t0).toFixed(1)} ms`);
        this.diagnostics.set(
          'apps',
          data.errors.map((e) => ({ message: e.message, file: e.source.file, line: e.source.line, severity: 'error', source: 'apps' })),
        );
        this.data = data;
        return data;
      } catch (err) {
        log.error(`listing apps failed: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    })();
    return this.loading;
  }

  async getChildren(item?: Item): Promise<Item[]> {
    const data = this.data ?? (await this.load());
    if (!data) return [];
    const byId = new Map(data.apps.map((a) => [a.id, a]));
    const appItems = (ids: string[], grouped: boolean): Item[] => {
      const out: Item[] = [];
      for (const id of ids) {
        const app = byId.get(id);
        if (!app) continue;
        const last = out[out.length - 1];
        if (!grouped && app.generatedBy) {
          if (last?.type === 'appset' && last.name === app.generatedBy) last.ids.push(id);
          else out.push({ type: 'appset', name: app.generatedBy, ids: [id], data });
        } else out.push({ type: 'app', app, data });
      }
      return out;
    };
    if (!item) {
      const top: Item[] = [];
      if (data.argoRoots.length) top.push({ type: 'group', label: 'Argo CD', ids: data.argoRoots, data });
      if (data.fluxRoots.length) top.push({ type: 'group', label: 'Flux (dependency order)', ids: data.fluxRoots, data });
      if (data.errors.length) top.push({ type: 'errors', data });
      return top;
    }
    if (item.type === 'group') return appItems(item.ids, false);
    if (item.type === 'appset') return appItems(item.ids, true);
    if (item.type === 'app') return appItems(item.app.children, false);
    if (item.type === 'errors') return data.errors.map((e) => ({ type: 'error', message: e.message, file: e.source.file, line: e.source.line }));
    return [];
  }

  getTreeItem(item: Item): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (item.type) {
      case 'group': {
        const t = new vscode.TreeItem(item.label, C.Expanded);
        t.description = `${item.ids.length}`;
        return t;
      }
      case 'appset': {
        const t = new vscode.TreeItem(`ApplicationSet ${item.name}`, C.Expanded);
        t.description = `${item.ids.length} app${item.ids.length === 1 ? '' : 's'}`;
        t.contextValue = 'appset renderable';
        t.iconPath = new vscode.ThemeIcon('symbol-array');
        return t;
      }
      case 'app': {
        const a = item.app;
        const t = new vscode.TreeItem(a.name, a.children.length ? C.Expanded : C.None);
        t.id = a.id;
        t.description = `${a.source} → ${a.destination}`;
        const tip = new vscode.MarkdownString();
        tip.appendMarkdown(`**${a.kind} ${a.namespace ? `${a.namespace}/` : ''}${a.name}**\n\n`);
        tip.appendMarkdown(`- source: \`${a.source}\`\n- destination: \`${a.destination}\`\n- sync: ${a.sync}\n- render: ${a.statusText}`);
        if (a.revisionNote) tip.appendMarkdown(`\n- note: ${a.revisionNote}`);
        for (const w of a.warnings) tip.appendMarkdown(`\n- warning: ${w}`);
        t.tooltip = tip;
        t.iconPath = new vscode.ThemeIcon(
          a.status === 'error' ? 'error' : a.external ? 'cloud' : a.kind === 'Kustomization' ? 'layers' : 'package',
          a.status === 'error' ? new vscode.ThemeColor('errorForeground') : undefined,
        );
        t.contextValue = a.external ? 'app external' : 'app renderable';
        t.command = {
          command: 'vscode.open',
          title: 'Open definition',
          arguments: [vscode.Uri.file(a.definedIn.file), { selection: new vscode.Range(a.definedIn.line - 1, 0, a.definedIn.line - 1, 0) }],
        };
        return t;
      }
      case 'errors': {
        const t = new vscode.TreeItem(`Problems (${item.data.errors.length})`, C.Collapsed);
        t.iconPath = new vscode.ThemeIcon('warning');
        return t;
      }
      case 'error': {
        const t = new vscode.TreeItem(item.message, C.None);
        t.description = `${vscode.workspace.asRelativePath(item.file, false)}:${item.line}`;
        t.iconPath = new vscode.ThemeIcon('error');
        t.command = {
          command: 'vscode.open',
          title: 'Open',
          arguments: [vscode.Uri.file(item.file), { selection: new vscode.Range(item.line - 1, 0, item.line - 1, 0) }],
        };
        return t;
      }
    }
  }

  /** The tree as the view shows it (labels, descriptions, context values), each node with the item its actions get. */
  async snapshot(item?: Item, depth = 0): Promise<TreeSnapshot[]> {
    if (depth > 4) return [];
    const out: TreeSnapshot[] = [];
    for (const child of await this.getChildren(item)) {
      const t = this.getTreeItem(child);
      const label = typeof t.label === 'string' ? t.label : (t.label?.label ?? '');
      out.push({
        label,
        description: typeof t.description === 'string' ? t.description : undefined,
        contextValue: t.contextValue,
        item: child,
        children: await this.snapshot(child, depth + 1),
      });
    }
    return out;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.emitter.dispose();
  }
}
