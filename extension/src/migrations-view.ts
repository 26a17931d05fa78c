/** The Migrations tree in the explorer: each migration with its state; a folder level in multi-root workspaces. */
import * as vscode from "vscode";
import type { Ctx } from "./ctx.ts";
import { forEditor } from "./editor-messages.ts";
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

/** What the view offers while a folder's deploy state is unknown (the view's welcome shows only when it is empty). */
export type ConnectAction = "status" | "signIn" | "setToken" | "settings";

export type Node = { readonly project: MigrationProject; readonly state?: MigrationState; readonly action?: ConnectAction };

/**
 * While the deploy state is unknown: why (click to try again), then the ways to connect — Sign In when
 * the project URL and key are set, Set Token always, the settings when no URL is set at all.
 */
export function connectActions(project: MigrationProject): ConnectAction[] {
  if (project.appliedState.kind !== "unknown") return [];
  const { projectUrl, anonKey, functionUrl } = project.config;
  return [
    "status",
    ...(projectUrl && anonKey ? ["signIn" as const] : []),
    "setToken",
    ...(!functionUrl && !(projectUrl && anonKey) ? ["settings" as const] : []),
  ];
}

function actionItem(action: ConnectAction, project: MigrationProject): vscode.TreeItem {
  const reason = project.appliedState.kind === "unknown" ? forEditor(project.appliedState.reason) : "";
  const items: Record<ConnectAction, { label: string; icon: string; command: vscode.Command; tooltip: string }> = {
    status: {
      label: "Deploy state unknown",
      icon: "info",
      command: { command: "supamigrate.showStatus", title: "Show Status", arguments: [project.folder.uri] },
      tooltip: `${reason}. Click to read the function's status again.`,
    },
    signIn: {
      label: "Sign In…",
      icon: "account",
      command: { command: "supamigrate.signIn", title: "Sign In", arguments: [project.folder.uri] },
      tooltip: "Sign in as a user of the Supabase project (supamigrate.projectUrl).",
    },
    setToken: {
      label: "Set Token…",
      icon: "key",
      command: { command: "supamigrate.setToken", title: "Set Token" },
      tooltip: "Paste the function's SUPAMIGRATE_TOKEN (kept in SecretStorage).",
    },
    settings: {
      label: "Set the Function URL…",
      icon: "gear",
      command: { command: "workbench.action.openSettings", title: "Open Settings", arguments: ["supamigrate."] },
      tooltip: "Set supamigrate.functionUrl, or supamigrate.projectUrl and supamigrate.anonKey.",
    },
  };
  const spec = items[action];
  const item = new vscode.TreeItem(spec.label, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(spec.icon);
  item.command = spec.command;
  item.tooltip = spec.tooltip;
  item.contextValue = `connect.${action}`;
  if (action === "status") item.description = reason;
  return item;
}

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
    if (node?.state || node?.action) return [];
    const projects = this.ctx.allProjects().filter((p) => p.listing().length > 0 || p.status());
    if (!node && projects.length > 1) return projects.map((project) => ({ project }));
    const project = node?.project ?? projects[0];
    if (!project) return [];
    return [
      ...connectActions(project).map((action) => ({ project, action })),
      ...(await migrationStates(project)).map((state) => ({ project, state })),
    ];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.action) return actionItem(node.action, node.project);
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
