/**
 * "Supamigrate: New Migration" (the next numbered file from the guidelines' template, plus its rollback,
 * both opened) and "Supamigrate: Baseline" (compare the folder with the live database, show the report,
 * record the files as applied after confirmation). docs/adoption.md.
 */
import * as vscode from "vscode";
import { migrationTemplate, rollbackTemplate } from "../../shared/migrations/new-migration.ts";
import { FunctionCallError } from "../../shared/client/index.ts";
import { rollbacksForNewMigrations } from "../../shared/schema/rollback/folder.ts";
import type { BaselineFileReport, BaselineRequest } from "../../shared/protocol/adoption.ts";
import { applyMeta } from "./apply.ts";
import type { Ctx } from "./ctx.ts";
import { migrationPayloads } from "../../shared/protocol/payloads.ts";
import { nextMigrationIn, validateDescription } from "./next-migration.ts";
import { UserError } from "./user-error.ts";

type Factory = (ctx: Ctx) => (...args: never[]) => Promise<unknown>;

function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  return vscode.window.activeTextEditor?.document.uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

const newMigration: Factory = (ctx) => async (arg?: unknown, presetName?: string) => {
  const project = await ctx.pickProject(targetUri(arg));
  const name = (presetName ?? await vscode.window.showInputBox({
    title: "Supamigrate: New Migration",
    prompt: "What the migration does (letters, digits, '_' and '-'), e.g. add_invoices_table",
    ignoreFocusOut: true,
    validateInput: validateDescription,
  }))?.trim();
  if (!name) return null;
  const next = await nextMigrationIn(project.dirUri, name);
  const file = vscode.Uri.joinPath(project.dirUri, next.fileName);
  const rollback = vscode.Uri.joinPath(project.dirUri, "rollback", next.fileName);
  for (const uri of [file, rollback]) {
    if (await exists(uri)) throw new UserError(`${vscode.workspace.asRelativePath(uri)} already exists; not overwriting it.`);
  }
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(project.dirUri, "rollback"));
  const text = migrationTemplate(next.fileName, name);
  // The rollback derived from the template, after the folder's migrations (as `supamigrate new --rollback` does).
  await project.load();
  const derived = (await rollbacksForNewMigrations(project.migrations()))(next.fileName, text);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
  await vscode.workspace.fs.writeFile(rollback, new TextEncoder().encode(derived ?? rollbackTemplate(next.fileName)));
  for (const note of next.notes) ctx.log(note);
  await vscode.window.showTextDocument(rollback, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  await vscode.window.showTextDocument(file, { preview: false, viewColumn: vscode.ViewColumn.One });
  return { created: [file.fsPath, rollback.fsPath], notes: next.notes };
};

function reportLines(files: readonly BaselineFileReport[]): string[] {
  return files.flatMap((f) =>
    f.status === "mismatch" ? f.problems.map((p) => `MISMATCH ${f.name}: ${p}`)
    : f.status === "unchecked" ? [`unchecked ${f.name}: declares nothing checkable`]
    : f.status === "tracked" ? [`tracked ${f.name}: already recorded`]
    : [`ok ${f.name} (${f.checked} objects found)`]
  );
}

const baseline: Factory = (ctx) => async (arg?: unknown) => {
  if (!vscode.workspace.isTrusted) throw new UserError("Baseline needs a trusted workspace (Workspaces: Manage Workspace Trust).");
  const project = await ctx.pickProject(targetUri(arg));
  await project.load();
  const migrations = migrationPayloads(project.migrations().migrations);
  if (!migrations.length) throw new UserError(`There are no migrations in ${project.dir}/ to baseline.`);
  const client = await ctx.connection.client(project);
  const request: BaselineRequest = { migrations, meta: applyMeta() };
  const dry = await client.baseline({ ...request, dryRun: true });
  ctx.output.show(true);
  ctx.log(`baseline comparison of ${project.dir}/ with ${ctx.connection.target(project)}:`);
  for (const line of reportLines(dry.files)) ctx.log(`  ${line}`);
  const tracked = dry.files.filter((f) => f.status === "tracked").length;
  const toRecord = dry.files.length - tracked;
  if (toRecord === 0) {
    void vscode.window.showInformationMessage(`Supamigrate: nothing to baseline; all ${tracked} file(s) in ${project.dir}/ are already tracked.`);
    return { recorded: [], report: dry };
  }
  const mismatched = dry.mismatched.length;
  const go = mismatched ? "Record Anyway (force)" : `Record ${toRecord} Files`;
  const answer = await vscode.window.showWarningMessage(
    mismatched
      ? `${mismatched} file(s) declare objects the database does not have (see the Supamigrate output). Record all ${toRecord} files as applied anyway?`
      : tracked
      ? `${tracked} file(s) are already tracked. Record the other ${toRecord} as applied without running them?`
      : `Record ${toRecord} file(s) as applied without running them?`,
    { modal: true, detail: "Only for files that were already run by hand (e.g. in the SQL Editor). Nothing is executed." },
    go,
  );
  if (answer !== go) return { recorded: [], report: dry };
  try {
    // The function refuses a baseline into a tracking table that has rows, or over mismatches, unless
    // forced; forced, it records only the files not tracked yet. The question above said which.
    const done = await client.baseline({ ...request, force: mismatched > 0 || tracked > 0 });
    ctx.log(`baselined: ${done.recorded.join(", ") || "nothing"}`);
    await ctx.refreshStatus(project, false);
    void vscode.window.showInformationMessage(`Supamigrate: baselined ${done.recorded.length} file(s).`);
    return { recorded: done.recorded, report: done };
  } catch (error) {
    if (error instanceof FunctionCallError) throw new UserError(error.message);
    throw error;
  }
};

export const adoptionCommands: Record<string, Factory> = {
  "supamigrate.newMigration": newMigration,
  "supamigrate.baseline": baseline,
};
