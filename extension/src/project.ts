/**
 * One workspace folder's migrations: the folder's files (disk, overlaid with open editors' text), what
 * the function says is deployed (written by function-connection.ts), and the last apply failure. Plain
 * state: linting lives in lint-service.ts, publishing in diagnostics.ts.
 */
import * as vscode from "vscode";
import { collectMigrations, type MigrationFile, type MigrationFolder } from "../../shared/migrations/index.ts";
import type { DeployedResponse, MigrationFailure, StatusResponse } from "../../shared/protocol/types.ts";
import { Config } from "./config.ts";
import type { AppliedState } from "./function-connection.ts";
import { decodeSqlBytes } from "../../shared/lint/decode.ts";
import type { LintListedFile } from "../../shared/lint/engine.ts";
import type { SeveritySetting } from "../../shared/lint/types.ts";
import { readListing, resolveProject } from "../../shared/project/index.ts";
import { UserError } from "./user-error.ts";
import { workspaceFileSystem } from "./workspace-file-system.ts";

/** What the project's supamigrate.json said (shared/project's walk up from the workspace folder). */
export interface ProjectFile {
  readonly rules: Readonly<Record<string, SeveritySetting>>;
  /** Why the file was ignored (invalid JSON, an unknown rule id…); empty when it was read. */
  readonly errors: readonly string[];
}

const NO_PROJECT_FILE: ProjectFile = { rules: {}, errors: [] };

export class MigrationProject {
  /**
   * Relative path in the migrations folder → current text (open editors win over disk), and for a file
   * that is not UTF-8 on disk, why (it is linted as such and never applied).
   */
  private readonly files = new Map<string, { readonly text: string; readonly decodeError: string | null }>();
  appliedState: AppliedState = { kind: "unknown", reason: "not fetched yet" };
  /** Deployed texts read with `POST deployed` (drifted files only), by name, with the checksum they were read for. */
  private readonly deployed = new Map<string, { readonly checksum: string; readonly sql: string | null }>();
  /** The last failed apply in this folder (shown in the view and as a diagnostic). */
  lastFailure: MigrationFailure | null = null;

  constructor(readonly folder: vscode.WorkspaceFolder, readonly dir: string, readonly projectFile: ProjectFile = NO_PROJECT_FILE) {}

  /**
   * The folder's project: its migrations folder from the settings, else supamigrate.json (found walking up
   * from the workspace folder), else scripts/ or supabase/migrations/ — as the CLI finds it. The file's
   * rules are kept for the lint (Config merges the setting over them); a file that does not validate is
   * reported in `projectFile.errors` and ignored.
   */
  static async open(folder: vscode.WorkspaceFolder): Promise<MigrationProject> {
    const root = folder.uri.path.replace(/\/+$/, "");
    const setting = new Config(folder).migrationsDirSetting;
    const resolved = await resolveProject(workspaceFileSystem(folder.uri), root, { migrationsDir: setting });
    if (!resolved.ok) return new MigrationProject(folder, setting ?? "scripts", { rules: {}, errors: resolved.errors });
    const { migrationsDir: dir, rules } = resolved.project;
    return new MigrationProject(folder, dir.startsWith(`${root}/`) ? dir.slice(root.length + 1) : dir, { rules, errors: [] });
  }

  /** The settings, over supamigrate.json's lint settings. */
  get config(): Config {
    return new Config(this.folder, this.projectFile.rules);
  }

  get dirUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.folder.uri, this.dir);
  }

  /** Reads the folder from disk, then lays the open editors' unsaved text over it (when linting as you type). */
  async load(): Promise<void> {
    const disk = await readListing(workspaceFileSystem(this.folder.uri), this.dirUri.path);
    this.files.clear();
    for (const file of disk?.listing ?? []) this.files.set(file.relativePath, { text: file.text, decodeError: file.decodeError ?? null });
    for (const doc of vscode.workspace.textDocuments) {
      const rel = this.relativePath(doc.uri);
      if (rel && doc.isDirty && this.config.lintOn === "type") this.files.set(rel, { text: doc.getText(), decodeError: null });
    }
  }

  /** The path inside the migrations folder (`001_x.sql`, `rollback/001_x.sql`), or null when outside it. */
  relativePath(uri: vscode.Uri): string | null {
    if (uri.scheme !== this.folder.uri.scheme || uri.authority !== this.folder.uri.authority) return null;
    const base = this.dirUri.path.replace(/\/+$/, "") + "/";
    if (!uri.path.startsWith(base)) return null;
    const rel = uri.path.slice(base.length);
    const parts = rel.split("/");
    const ok = rel.toLowerCase().endsWith(".sql") && (parts.length === 1 || (parts.length === 2 && parts[0] === "rollback"));
    return ok ? rel : null;
  }

  /** A path as findings report it (`scripts/001_x.sql`) → its URI. */
  uriOfReported(path: string): vscode.Uri {
    return vscode.Uri.joinPath(this.folder.uri, path);
  }

  /** `scripts/001_x.sql` for `001_x.sql`. */
  reportedPath(relativePath: string): string {
    return `${this.dir}/${relativePath}`;
  }

  hasText(relativePath: string, text: string): boolean {
    return this.files.get(relativePath)?.text === text;
  }

  setText(relativePath: string, text: string): void {
    this.files.set(relativePath, { text, decodeError: null });
  }

  /** Re-reads one file from disk (after a save elsewhere, or when an editor closes unsaved). */
  async reload(relativePath: string): Promise<void> {
    const bytes = await workspaceFileSystem(this.folder.uri).readFile(vscode.Uri.joinPath(this.dirUri, relativePath).path);
    if (bytes === null) this.files.delete(relativePath);
    else {
      const { text, error } = decodeSqlBytes(bytes);
      this.files.set(relativePath, { text, decodeError: error });
    }
  }

  listing(): LintListedFile[] {
    return [...this.files].map(([relativePath, file]) => ({ relativePath, text: file.text, decodeError: file.decodeError }));
  }

  migrations(): MigrationFolder {
    return collectMigrations(this.dir, this.listing());
  }

  /**
   * The migrations, for a run: refused (a UserError naming each file) when a file is not UTF-8 on disk,
   * since its text would go out as replacement characters.
   */
  migrationsToRun(): MigrationFolder {
    const bad = [...this.files].filter(([, file]) => file.decodeError !== null);
    if (bad.length > 0) {
      throw new UserError(`${bad.map(([path, file]) => `${this.reportedPath(path)}: ${file.decodeError}`).join("\n")}\nNothing was sent.`);
    }
    return this.migrations();
  }

  migration(name: string): MigrationFile | undefined {
    return this.migrations().migrations.find((m) => m.name === name);
  }

  /** Deployed file name → checksum, or null when the deploy state is unknown. */
  appliedChecksums(): Map<string, string> | null {
    if (this.appliedState.kind !== "known") return null;
    return new Map(this.appliedState.status.applied.map((a) => [a.name, a.checksum]));
  }

  /** Keeps what `POST deployed` answered (sql null: the row was recorded before the text was kept, or baselined). */
  rememberDeployed(files: DeployedResponse["files"]): void {
    for (const file of files) this.deployed.set(file.name, { checksum: file.checksum, sql: file.sql });
  }

  /** Whether `POST deployed` was asked about `name` as deployed now (its checksum in the status). */
  deployedKnown(name: string): boolean {
    const checksum = this.appliedChecksums()?.get(name);
    return checksum !== undefined && this.deployed.get(name)?.checksum === checksum;
  }

  /** The text `name` had when it was applied, when known and still what the status says is deployed. */
  deployedText(name: string): string | undefined {
    return this.deployedKnown(name) ? this.deployed.get(name)!.sql ?? undefined : undefined;
  }

  /** Every known deployed text (for the lint: no-edit-after-deploy reports at the first changed line). */
  deployedSql(): Map<string, string> {
    const texts = new Map<string, string>();
    for (const name of this.deployed.keys()) {
      const text = this.deployedText(name);
      if (text !== undefined) texts.set(name, text);
    }
    return texts;
  }

  status(): StatusResponse | null {
    return this.appliedState.kind === "known" ? this.appliedState.status : null;
  }
}
