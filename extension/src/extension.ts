/**
 * Entry point: builds the context, registers commands, diagnostics, quick fixes, the Migrations view
 * and the status bar, and lints the migrations folder. A failed activation is shown to the user.
 */
import * as vscode from "vscode";
import { SupamigrateCodeActions } from "./code-actions.ts";
import { registerCommands } from "./commands.ts";
import { Ctx } from "./ctx.ts";
import { DEPLOYED_SCHEME, DeployedDocuments } from "./drift-commands.ts";
import { MigrationsView } from "./migrations-view.ts";
import { StatusBar } from "./status-bar.ts";

/** What `activate` returns: for tests and other extensions. */
export interface SupamigrateApi {
  /** Milliseconds from activate() to the first published diagnostics. */
  readonly activationMs: number;
  /** Resolves once the deploy state has been read (or found unknown) and the folder re-linted with it. */
  readonly ready: Promise<void>;
  readonly ctx: Ctx;
  readonly view: MigrationsView;
  readonly statusBar: StatusBar;
}

export async function activate(context: vscode.ExtensionContext): Promise<SupamigrateApi> {
  const started = performance.now();
  try {
    return await start(context, started);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`Supamigrate failed to start: ${message}`);
    throw error;
  }
}

async function start(context: vscode.ExtensionContext, started: number): Promise<SupamigrateApi> {
  const ctx = new Ctx(context);
  const view = new MigrationsView(ctx);
  const statusBar = new StatusBar(ctx);
  context.subscriptions.push(
    ctx,
    view,
    statusBar,
    ...registerCommands(ctx),
    vscode.window.registerTreeDataProvider("supamigrate.migrations", view),
    vscode.workspace.registerTextDocumentContentProvider(DEPLOYED_SCHEME, new DeployedDocuments(ctx)),
    vscode.languages.registerCodeActionsProvider(
      [{ language: "sql" }, { pattern: "**/*.sql" }],
      new SupamigrateCodeActions(ctx.publisher, (uri) => ctx.projectFor(uri)),
      SupamigrateCodeActions.metadata,
    ),
    ...watchDocuments(ctx),
  );
  void vscode.commands.executeCommand("setContext", "supamigrate.active", true);
  await ctx.loadWorkspace();
  const activationMs = performance.now() - started;
  ctx.log(`activated in ${activationMs.toFixed(0)} ms (${ctx.allProjects().map((p) => `${p.folder.name}: ${p.listing().length} files`).join(", ")})`);
  updateEditorContext(ctx);
  const ready = Promise.all(ctx.allProjects().map((p) => ctx.refreshStatus(p))).then(() => statusBar.update());
  return { activationMs, ready, ctx, view, statusBar };
}

function updateEditorContext(ctx: Ctx): void {
  const uri = vscode.window.activeTextEditor?.document.uri;
  void vscode.commands.executeCommand("setContext", "supamigrate.isMigration", Boolean(uri && ctx.projectFor(uri)));
}

function watchDocuments(ctx: Ctx): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher("**/*.sql");
  // The project's configuration (found walking up; its migrationsDir and rules): read the projects anew.
  const configWatcher = vscode.workspace.createFileSystemWatcher("**/supamigrate.json");
  const configChanged = async () => {
    await ctx.loadWorkspace();
    await Promise.all(ctx.allProjects().map((p) => ctx.refreshStatus(p)));
  };
  // What an editor holds (opened, edited, saved) and what is on disk (changed by anything else, or
  // an editor closed without saving) go to the lint, which decides what to lint and when.
  const fromEditor = (doc: vscode.TextDocument, kind: "saved" | "unsaved") => ctx.lint.update(doc.uri, doc.getText(), kind);
  const fromDisk = (uri: vscode.Uri) => ctx.lint.reload(uri);
  return [
    watcher,
    configWatcher,
    configWatcher.onDidCreate(configChanged),
    configWatcher.onDidChange(configChanged),
    configWatcher.onDidDelete(configChanged),
    watcher.onDidCreate(fromDisk),
    watcher.onDidChange(fromDisk),
    watcher.onDidDelete(fromDisk),
    // Opened: what was read from disk, also of a file the watcher has not reported yet (just created).
    vscode.workspace.onDidOpenTextDocument((doc) => fromEditor(doc, "saved")),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return; // only the dirty flag changed
      ctx.failures.delete(e.document.uri); // its line numbers no longer hold
      fromEditor(e.document, "unsaved");
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => fromEditor(doc, "saved")),
    vscode.workspace.onDidCloseTextDocument((doc) => fromDisk(doc.uri)),
    vscode.window.onDidChangeActiveTextEditor(() => updateEditorContext(ctx)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("supamigrate.migrationsDir")) {
        await ctx.loadWorkspace();
        await Promise.all(ctx.allProjects().map((p) => ctx.refreshStatus(p)));
      } else if (["functionUrl", "projectUrl", "anonKey"].some((name) => e.affectsConfiguration(`supamigrate.${name}`))) {
        await Promise.all(ctx.allProjects().map((p) => ctx.refreshStatus(p)));
      } else if (e.affectsConfiguration("supamigrate.rules")) {
        await Promise.all(ctx.allProjects().map((p) => ctx.lint.lintNow(p)));
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => ctx.loadWorkspace()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => Promise.all(ctx.allProjects().map((p) => ctx.refreshStatus(p)))),
  ];
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
