/** The Migrations tree in the explorer: each migration with its state; a folder level in multi-root workspaces. */
import * as vscode from "vscode";
import type { Ctx } from "./ctx.ts";
import type { MigrationProject } from "./project.ts";
import { type MigrationState, migrationStates, type StateKind } from "./states.ts";

const ICONS: Record<StateKind, vscode.ThemeIcon> = {
  applied: new vscode.ThemeIcon("pass", new vscode.ThemeColor("testing.iconPassed")),
  pending: new vscode.ThemeIcon("circle-large-outline"),
  drifted: new vscode.ThemeIcon("warning", new vscode.ThemeColor("problemsWarningIcon.foreground")),
  failed: new vscode.ThemeIcon("error", new vscode.ThemeColor("problemsErrorIcon.foreground")),
  missing: new vscode.ThemeIcon("question"),
  unknown: new vscode.ThemeIcon("circle-large-outline"),
};

export type Node = { readonly project: MigrationProject; readonly state?: MigrationState };

export function describe(state: MigrationState): string {
  switch (state.kind) {
    case "applied":
      return `applied ${new Date(state.applied!.appliedAt).toLocaleString()} by ${state.applied!.appliedBy ?? "unknown"}`;
    case "drifted":
      return "drifted: changed after deploy";
    case "failed":
      return `failed: ${state.failure!.code} at line ${state.failure!.line}`;
    case "missing":
      return "deployed, missing locally";
    case "pending":
      return "pending";
    default:
      return "";
  }
}

export class MigrationsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    this.subscription = ctx.onDidChange(() => this.changed.fire(undefined));
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.state) return [];
    const projects = this.ctx.allProjects().filter((p) => p.listing().length > 0 || p.status());
    if (!node && projects.length > 1) return projects.map((project) => ({ project }));
    const project = node?.project ?? projects[0];
    if (!project) return [];
    return (await migrationStates(project)).map((state) => ({ project, state }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (!node.state) {
      const item = new vscode.TreeItem(node.project.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.description = node.project.appliedState.kind === "unknown" ? `status unknown: ${node.project.appliedState.reason}` : undefined;
      return item;
    }
    const { state, project } = node;
    const item = new vscode.TreeItem(state.name, vscode.TreeItemCollapsibleState.None);
    item.description = describe(state);
    item.iconPath = ICONS[state.kind];
    item.contextValue = `migration.${state.kind}`;
    item.tooltip = state.failure ? `${state.failure.code}: ${state.failure.message}` : `${state.name}: ${item.description || state.kind}`;
    if (state.kind !== "missing") {
      item.resourceUri = project.uriOfReported(state.path);
      item.command = { command: "vscode.open", title: "Open", arguments: [item.resourceUri] };
    }
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
