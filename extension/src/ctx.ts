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
  /** The deployment report Apply Pending showed last (text), and its panel while open. */
  lastPlan: string | undefined;
  planPanel: vscode.WebviewPanel | undefined;
  /** A dry run's rollback round-trip findings, on the rollback files (replaced by the next dry run). */
  readonly roundTrips = vscode.languages.createDiagnosticCollection("supamigrate-rollback-round-trip");
  readonly publisher: DiagnosticsPublisher;
  readonly lint: LintService<MigrationProject, vscode.Uri>;
  readonly connection: FunctionConnection<Auth>;
  private readonly projects = new Map<string, MigrationProject>();
  /** Folder, file and deployed checksum whose deployed text was asked for (asked once; an answer is in the project). */
  private readonly deployedAsked = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a project's files, deploy state or failure changed (the view and status bar listen). */
  readonly onDidChange = this.changed.event;

  constructor(readonly extension: vscode.ExtensionContext) {
    const log = (line: string) => this.log(line);
    this.publisher = new DiagnosticsPublisher();
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
      drifted: (project, names) => void this.readDeployed(project, names),
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
    this.deployedAsked.clear(); // the new projects have read no deployed text yet
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const project = await MigrationProject.open(folder);
      if (project.projectFile.errors.length) {
        const errors = project.projectFile.errors.join("\n");
        this.log(`${folder.name}: supamigrate.json is ignored until it is fixed:\n${errors}`);
        void vscode.window.showWarningMessage(`Supamigrate: supamigrate.json is ignored until it is fixed (the lint uses the default settings): ${errors}`);
      }
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

  /**
   * Reads the deployed text of drifted files (`POST deployed`) into the project, once per file and
   * deployed checksum, and lints again with it. Quiet: without it the drift is shown on line 1.
   */
  async readDeployed(project: MigrationProject, names: readonly string[]): Promise<void> {
    const checksums = project.appliedChecksums();
    const wanted = names.filter((name) => {
      const key = `${project.folder.uri.toString()}\u0000${name}\u0000${checksums?.get(name)}`;
      if (!checksums?.has(name) || this.deployedAsked.has(key)) return false;
      this.deployedAsked.add(key);
      return true;
    });
    if (!wanted.length) return;
    try {
      const { files } = await (await this.connection.client(project)).deployed({ names: wanted });
      project.rememberDeployed(files);
      const unrecorded = files.filter((f) => f.sql === null).map((f) => f.name);
      if (unrecorded.length) this.log(`deployed text not recorded for ${unrecorded.join(", ")} (applied before tracking schema 4, or baselined)`);
      if (files.some((f) => f.sql !== null)) await this.lint.lintNow(project);
    } catch (error) {
      this.log(`could not read the deployed text of ${wanted.join(", ")}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The text `name` had when it was applied (read now if need be); a UserError when the function does not have it. */
  async deployedText(project: MigrationProject, name: string): Promise<string> {
    if (!project.deployedKnown(name)) {
      if (!project.appliedChecksums()?.has(name)) throw new UserError(`${name} is not applied (or the deploy state is unknown: run “Supamigrate: Show Status”).`);
      const { files } = await (await this.connection.client(project)).deployed({ names: [name] });
      project.rememberDeployed(files);
    }
    const text = project.deployedText(name);
    if (text === undefined) {
      throw new UserError(`The function has no deployed text for ${name}: it was applied before the tracking table kept each file's SQL (schema 4), or baselined. Restore it from version control instead.`);
    }
    return text;
  }

  dispose(): void {
    this.lint.dispose();
    this.connection.auth.dispose();
    this.publisher.dispose();
    this.failures.dispose();
    this.roundTrips.dispose();
    this.output.dispose();
    this.changed.dispose();
  }
}
