import * as vscode from 'vscode';
import { FEATURES } from './engine/features.ts';

/**
 * The Applications view: the repo's Argo CD apps (app-of-apps as a tree, ApplicationSets with their generated apps)
 * and Flux Kustomizations in dependency order. Until the apps engine is in the build it stays empty and the view's
 * welcome text says why.
 */
export class AppsTree implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;

  refresh(): void {
    this.emitter.fire();
  }

  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }

  getChildren(): vscode.TreeItem[] {
    if (!FEATURES.apps) return [];
    return [];
  }
}
