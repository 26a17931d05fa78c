/**
 * What every command factory is handed: the projects (one per workspace folder) and the services
 * wired to VS Code — the lint (lint-service.ts) publishing through the diagnostics publisher, the
 * function connection (function-connection.ts) with its token and sign-in sessions in SecretStorage —
 * plus the output channel and the apply failures. It holds and wires; the work is in those modules.
 */
import * as vscode from "vscode";
import { Auth } from "./auth.ts";
import { DiagnosticsPublisher } from "./diagnostics.ts";
import { FunctionConnection } from "./function-connection.ts";
import { LintService } from "./lint-service.ts";
import { MigrationProject } from "./project.ts";
import { UserError } from "./user-error.ts";

export class Ctx implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel("Supamigrate");
  /** Failed applies at their line (the lint's diagnostics are the publisher's). */
  readonly failures = vscode.languages.createDiagnosticCollection("supamigrate-apply");
  readonly publisher: DiagnosticsPublisher;
  readonly lint: LintService<MigrationProject, vscode.Uri>;
  readonly connection: FunctionConnection<Auth>;
  private readonly projects = new Map<string, MigrationProject>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a project's files, deploy state or failure changed (the view and status bar listen). */
  readonly onDidChange = this.changed.event;

  constructor(readonly extension: vscode.ExtensionContext) {
    const log = (line: string) => this.log(line);
    this.publisher = new DiagnosticsPublisher(extension.extensionUri);
    this.lint = new LintService({
      workspace: {
        locate: (uri) => {
          const project = this.projectFor(uri);
          const relativePath = project?.relativePath(uri);
          return project && relativePath ? { folder: project, relativePath } : undefined;
        },
        isDirty: (uri) => vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.toString() === uri.toString()),
      },
      sink: this.publisher,
      log,
      announce: () => this.changed.fire(),
    });
    this.connection = new FunctionConnection({ secrets: extension.secrets, auth: new Auth(extension.secrets, log), log });
  }

  log(line: string): void {
    this.output.appendLine(`[${new Date().toISOString()}] ${line}`);
  }

  allProjects(): MigrationProject[] {
    return [...this.projects.values()];
  }

  /** (Re)creates the projects of the current workspace folders, reads them and lints them. */
  async loadWorkspace(): Promise<void> {
    for (const project of this.projects.values()) this.lint.forget(project);
    this.projects.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const project = await MigrationProject.open(folder);
      await project.load();
      this.projects.set(folder.uri.toString(), project);
    }
    await Promise.all(this.allProjects().map((p) => this.lint.lintNow(p)));
    this.changed.fire();
  }

  /** The project whose migrations folder holds `uri`. */
  projectFor(uri: vscode.Uri): MigrationProject | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const project = folder && this.projects.get(folder.uri.toString());
    return project && project.relativePath(uri) ? project : undefined;
  }

  /** The project for a command: the active editor's folder, else the only (or first) folder with migrations. */
  async pickProject(uri?: vscode.Uri): Promise<MigrationProject> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const folder = target && vscode.workspace.getWorkspaceFolder(target);
    const direct = folder && this.projects.get(folder.uri.toString());
    if (direct) return direct;
    const withFiles = this.allProjects().filter((p) => p.listing().length > 0);
    if (withFiles.length <= 1) {
      const only = withFiles[0] ?? this.allProjects()[0];
      if (!only) throw new UserError("Open a folder with a migrations folder first.");
      return only;
    }
    const picked = await vscode.window.showQuickPick(withFiles.map((p) => ({ label: p.folder.name, project: p })), {
      placeHolder: "Which workspace folder's migrations?",
    });
    if (!picked) throw new UserError("");
    return picked.project;
  }

  /**
   * Reads the function's status into the project (quietly when `quiet`; otherwise a failure is thrown
   * before anything else happens), re-lints with it (no-edit-after-deploy) and tells the view.
   */
  async refreshStatus(project: MigrationProject, quiet = true): Promise<void> {
    await this.connection.refreshStatus(project, quiet);
    await this.lint.lintNow(project);
    this.changed.fire();
  }

  dispose(): void {
    this.lint.dispose();
    this.connection.auth.dispose();
    this.publisher.dispose();
    this.failures.dispose();
    this.output.dispose();
    this.changed.dispose();
  }
}
