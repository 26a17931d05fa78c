/**
 * One workspace folder's migrations: the folder's files (disk, overlaid with open editors' text), what
 * the function says is deployed (written by function-connection.ts), and the last apply failure. Plain
 * state: linting lives in lint-service.ts, publishing in diagnostics.ts.
 */
import * as vscode from "vscode";
import { collectMigrations, type MigrationFile, type MigrationFolder } from "../../shared/migrations/index.ts";
import type { MigrationFailure, StatusResponse } from "../../shared/protocol/types.ts";
import { Config } from "./config.ts";
import type { DeployState } from "./function-connection.ts";
import { readMigrationsFolder, readText } from "./workspace-files.ts";

export class MigrationProject {
  /** Relative path in the migrations folder → current text (open editors win over disk). */
  private readonly files = new Map<string, string>();
  deploy: DeployState = { kind: "unknown", reason: "not fetched yet" };
  /** The last failed apply in this folder (shown in the view and as a diagnostic). */
  lastFailure: MigrationFailure | null = null;

  constructor(readonly folder: vscode.WorkspaceFolder, readonly dir: string) {}

  static forFolder(folder: vscode.WorkspaceFolder): MigrationProject {
    return new MigrationProject(folder, new Config(folder).migrationsDir);
  }

  get config(): Config {
    return new Config(this.folder);
  }

  get dirUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.folder.uri, this.dir);
  }

  /** Reads the folder from disk, then lays the open editors' unsaved text over it (when linting as you type). */
  async load(): Promise<void> {
    const disk = await readMigrationsFolder(this.dirUri);
    this.files.clear();
    for (const [path, text] of disk) this.files.set(path, text);
    for (const doc of vscode.workspace.textDocuments) {
      const rel = this.relativePath(doc.uri);
      if (rel && doc.isDirty && this.config.lintOn === "type") this.files.set(rel, doc.getText());
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
    return this.files.get(relativePath) === text;
  }

  setText(relativePath: string, text: string): void {
    this.files.set(relativePath, text);
  }

  /** Re-reads one file from disk (after a save elsewhere, or when an editor closes unsaved). */
  async reload(relativePath: string): Promise<void> {
    const text = await readText(vscode.Uri.joinPath(this.dirUri, relativePath));
    if (text === null) this.files.delete(relativePath);
    else this.files.set(relativePath, text);
  }

  delete(relativePath: string): void {
    this.files.delete(relativePath);
  }

  listing(): { relativePath: string; text: string }[] {
    return [...this.files].map(([relativePath, text]) => ({ relativePath, text }));
  }

  migrations(): MigrationFolder {
    return collectMigrations(this.dir, this.listing());
  }

  migration(name: string): MigrationFile | undefined {
    return this.migrations().migrations.find((m) => m.name === name);
  }

  /** Deployed file name → checksum, or null when the deploy state is unknown. */
  deployed(): Map<string, string> | null {
    if (this.deploy.kind !== "known") return null;
    return new Map(this.deploy.status.applied.map((a) => [a.name, a.checksum]));
  }

  status(): StatusResponse | null {
    return this.deploy.kind === "known" ? this.deploy.status : null;
  }
}
