/** A status-bar item: pending count and drift of the migrations; click for the status. */
import * as vscode from "vscode";
import type { Ctx } from "./ctx.ts";
import { countStates, migrationStates } from "./states.ts";

export class StatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem("supamigrate.status", vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    this.item.name = "Supamigrate";
    this.item.command = "supamigrate.showStatus";
    this.subscription = ctx.onDidChange(() => void this.update());
  }

  async update(): Promise<void> {
    const projects = this.ctx.allProjects().filter((p) => p.listing().length > 0);
    if (!projects.length) return this.item.hide();
    const known = projects.filter((p) => p.status());
    if (!known.length) {
      this.item.text = "$(database) Supamigrate";
      this.item.tooltip = `Deploy state unknown: ${projects[0].appliedState.kind === "unknown" ? projects[0].appliedState.reason : ""}`;
      this.item.backgroundColor = undefined;
      return this.item.show();
    }
    const counts = countStates((await Promise.all(known.map(migrationStates))).flat());
    const drift = counts.drifted + counts.missing;
    this.item.text = drift
      ? `$(warning) ${drift} drifted · ${counts.pending} pending`
      : counts.pending || counts.failed
      ? `$(database) ${counts.pending + counts.failed} pending`
      : "$(database) up to date";
    this.item.tooltip = `Supamigrate: ${counts.applied} applied, ${counts.pending} pending, ${counts.failed} failed, ${counts.drifted} drifted, ${counts.missing} deployed but missing locally`;
    this.item.backgroundColor = drift ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
