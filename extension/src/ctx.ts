/**
 * The extension's shared state, handed to every command factory: the projects (one per workspace
 * folder), the diagnostics publisher, the output channel, the token and the lint scheduling.
 */
import * as vscode from "vscode";
import { createClient, type FunctionClient, isRegionName } from "../../shared/client/index.ts";
import { createSupabaseFunctionClient, functionsUrl } from "../../shared/client/supabase.ts";
import { Auth } from "./auth.ts";
import { DiagnosticsPublisher } from "./diagnostics.ts";
import { lintMigrations } from "./linter.ts";
import { MigrationProject } from "./project.ts";

export const TOKEN_KEY = "supamigrate.token";
/** Edits closer together than this are linted once, after the last one; a lone edit is linted at once. */
export const LINT_DEBOUNCE_MS = 150;

/** An error whose message is for the user as is (no stack, no "internal error"). */
export class UserError extends Error {}

interface LintSchedule {
  timer?: ReturnType<typeof setTimeout>;
  lastRun: number;
  running?: Promise<void>;
  again: boolean;
}

export class Ctx implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel("Supamigrate");
  readonly publisher: DiagnosticsPublisher;
  readonly failures = vscode.languages.createDiagnosticCollection("supamigrate-apply");
  private readonly projects = new Map<string, MigrationProject>();
  private readonly schedules = new Map<MigrationProject, LintSchedule>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a project's files, deploy state or failure changed (the view and status bar listen). */
  readonly onDidChange = this.changed.event;
  /** Engine time of the last lint, for tests and the log. */
  lastLintMs = 0;
  /** Signed-in users' sessions (supabase-js, kept in SecretStorage). */
  readonly auth: Auth;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.publisher = new DiagnosticsPublisher(extension.extensionUri);
    this.auth = new Auth(extension.secrets, (line) => this.log(line));
  }

  log(line: string): void {
    this.output.appendLine(`[${new Date().toISOString()}] ${line}`);
  }

  allProjects(): MigrationProject[] {
    return [...this.projects.values()];
  }

  /** (Re)creates the projects of the current workspace folders, reads them and lints them. */
  async loadWorkspace(): Promise<void> {
    for (const project of this.projects.values()) this.publisher.clear(project);
    this.projects.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const project = MigrationProject.forFolder(folder);
      await project.load();
      this.projects.set(folder.uri.toString(), project);
    }
    await Promise.all(this.allProjects().map((p) => this.lintNow(p)));
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

  /** Lints at once when the last lint is older than the debounce window, else once after the burst. */
  scheduleLint(project: MigrationProject): void {
    const schedule = this.schedule(project);
    if (schedule.timer) clearTimeout(schedule.timer);
    const idle = !schedule.running && performance.now() - schedule.lastRun >= LINT_DEBOUNCE_MS;
    if (idle) {
      schedule.timer = undefined;
      void this.lintNow(project);
      return;
    }
    schedule.timer = setTimeout(() => {
      schedule.timer = undefined;
      void this.lintNow(project);
    }, LINT_DEBOUNCE_MS);
  }

  /** Lints the whole project now and publishes; a request during a run runs once more afterwards. */
  async lintNow(project: MigrationProject): Promise<void> {
    const schedule = this.schedule(project);
    if (schedule.running) {
      schedule.again = true;
      return schedule.running;
    }
    schedule.running = (async () => {
      do {
        schedule.again = false;
        schedule.lastRun = performance.now();
        try {
          const run = await lintMigrations(project);
          this.lastLintMs = run.ms;
          this.publisher.publish(project, run.findings);
        } catch (error) {
          this.log(`lint failed in ${project.folder.name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        }
      } while (schedule.again);
    })();
    try {
      await schedule.running;
    } finally {
      schedule.running = undefined;
      schedule.lastRun = performance.now();
    }
  }

  private schedule(project: MigrationProject): LintSchedule {
    let schedule = this.schedules.get(project);
    if (!schedule) this.schedules.set(project, (schedule = { lastRun: -Infinity, again: false }));
    return schedule;
  }

  async token(): Promise<string | undefined> {
    return await this.extension.secrets.get(TOKEN_KEY);
  }

  /** Where the project's function is, for messages: the functions URL through the project, else functionUrl. */
  target(project: MigrationProject): string | null {
    const { projectUrl, anonKey, functionUrl } = project.config;
    return projectUrl && anonKey ? functionsUrl(projectUrl) : functionUrl;
  }

  /**
   * A client for the project's function; a UserError says what is missing. With
   * supamigrate.projectUrl + anonKey: through supabase-js, as the signed-in user (else with the
   * stored token); otherwise the plain supamigrate.functionUrl path with the stored token.
   */
  async client(project: MigrationProject): Promise<FunctionClient> {
    const { projectUrl, anonKey, functionRegion: region } = project.config;
    if (region !== null && !isRegionName(region)) {
      throw new UserError("supamigrate.functionRegion must be a Supabase region like eu-central-1 (your database's), or empty.");
    }
    if (projectUrl && anonKey) {
      const supabase = await this.auth.client(projectUrl, anonKey);
      if (await this.auth.current(projectUrl, anonKey)) return createSupabaseFunctionClient({ supabase, projectUrl, session: true, region });
      const token = await this.token();
      if (token) return createSupabaseFunctionClient({ supabase, projectUrl, token, region });
      throw new UserError("Not signed in: run “Supamigrate: Sign In” (or “Supamigrate: Set Token” for a machine token).");
    }
    if (projectUrl && !project.config.functionUrl) throw new UserError("Set supamigrate.anonKey (the project's publishable key) to go with supamigrate.projectUrl.");
    const url = project.config.functionUrl;
    if (!url) throw new UserError("Set supamigrate.functionUrl to the function's base URL (…/functions/v1/supamigrate) first.");
    const token = await this.token();
    if (!token) throw new UserError("No token yet: run “Supamigrate: Set Token” first.");
    return createClient({ url, token, region });
  }

  /** Reads the function's status into the project (quietly when `quiet`), then re-lints with it. */
  async refreshStatus(project: MigrationProject, quiet = true): Promise<void> {
    const url = this.target(project);
    const missing = await this.missingSetup(project);
    if (missing) {
      project.deploy = { kind: "unknown", reason: missing };
      if (!quiet) await this.client(project); // throws the UserError that says what to do
    } else {
      try {
        const status = await (await this.client(project)).status();
        project.deploy = { kind: "known", status, fetchedAt: new Date() };
        this.log(`status of ${url}: ${status.applied.length} applied${status.lock ? `, locked by ${status.lock.holder}` : ""}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        project.deploy = { kind: "unknown", reason: message };
        this.log(`status of ${url} failed: ${message}`);
        if (!quiet) throw new UserError(message);
      }
    }
    await this.lintNow(project);
    this.changed.fire();
  }

  /** Why the function cannot be called yet, or null when it can. */
  private async missingSetup(project: MigrationProject): Promise<string | null> {
    const { projectUrl, anonKey, functionUrl } = project.config;
    if (projectUrl && anonKey) {
      if (await this.auth.current(projectUrl, anonKey).catch(() => null)) return null;
      return (await this.token()) ? null : "not signed in";
    }
    if (!functionUrl) return projectUrl ? "supamigrate.anonKey is not set" : "supamigrate.functionUrl is not set";
    return (await this.token()) ? null : "no token set";
  }

  fireChanged(): void {
    this.changed.fire();
  }

  dispose(): void {
    for (const schedule of this.schedules.values()) if (schedule.timer) clearTimeout(schedule.timer);
    this.publisher.dispose();
    this.auth.dispose();
    this.failures.dispose();
    this.output.dispose();
    this.changed.dispose();
  }
}
