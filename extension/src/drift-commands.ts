/**
 * A drifted migration (edited after it was applied) in the editor: its deployed text as a read-only
 * document (`supamigrate-deployed:` URIs, filled from the function's `POST deployed`), "Compare with
 * Deployed Version" (a diff of that document and the file) and "Move My Change into a New Migration"
 * (the lines the edit added or changed go into the next numbered migration; the file gets its deployed
 * text back). "Restore deployed version" is a plain quick-fix edit (code-actions.ts).
 */
import * as vscode from "vscode";
import { parseMigrationName } from "../../shared/migrations/index.ts";
import type { Ctx } from "./ctx.ts";
import { changedLines, movedMigrationText } from "./moved-change.ts";
import { nextMigrationIn, validateDescription } from "./next-migration.ts";
import type { MigrationProject } from "./project.ts";
import { UserError } from "./user-error.ts";

export const DEPLOYED_SCHEME = "supamigrate-deployed";

/** The read-only document of `file`'s deployed text (the file's own scheme kept in the query). */
export function deployedUri(file: vscode.Uri): vscode.Uri {
  return file.with({ scheme: DEPLOYED_SCHEME, query: file.scheme });
}

function fileOf(deployed: vscode.Uri): vscode.Uri {
  return deployed.with({ scheme: deployed.query || "file", query: "" });
}

export class DeployedDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly ctx: Ctx) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { project, name } = drifted(this.ctx, fileOf(uri));
    return await this.ctx.deployedText(project, name);
  }
}

/** The project and migration name of `uri`; a UserError when it is not a migration of a workspace folder. */
function drifted(ctx: Ctx, uri: vscode.Uri | undefined): { project: MigrationProject; name: string; uri: vscode.Uri } {
  const project = uri && ctx.projectFor(uri);
  const name = project && uri && project.relativePath(uri);
  if (!project || !uri || !name || name.includes("/")) throw new UserError("Open a migration that was edited after it was applied.");
  return { project, name, uri };
}

/** The file a command was run on: a URI (quick fix), a Migrations view node (its context menu), else the active editor. */
function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const node = arg as { project?: MigrationProject; state?: { path?: string } } | undefined;
  if (node?.project && node.state?.path) return node.project.uriOfReported(node.state.path);
  return vscode.window.activeTextEditor?.document.uri;
}

type Factory = (ctx: Ctx) => (...args: never[]) => Promise<unknown>;

const compareWithDeployed: Factory = (ctx) => async (arg?: unknown) => {
  const { project, name, uri } = drifted(ctx, targetUri(arg));
  await ctx.deployedText(project, name); // fails here, with its reason, rather than as an empty diff
  const original = deployedUri(uri);
  await vscode.commands.executeCommand("vscode.diff", original, uri, `${name}: deployed ↔ local`);
  return { original: original.toString(), modified: uri.toString() };
};

/** The file's text: the open editor's (unsaved edits included), else the disk's. */
async function currentText(uri: vscode.Uri): Promise<vscode.TextDocument> {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? await vscode.workspace.openTextDocument(uri);
}

const moveChangeToNewMigration: Factory = (ctx) => async (arg?: unknown, presetName?: string) => {
  const { project, name, uri } = drifted(ctx, targetUri(arg));
  const deployed = await ctx.deployedText(project, name);
  const doc = await currentText(uri);
  const changes = changedLines(deployed, doc.getText());
  if (!changes.added.length && !changes.removed.length) {
    throw new UserError(`${name} differs from its deployed text in no line (only in line endings or the final line break): use “Restore deployed version”.`);
  }
  const from = parseMigrationName(name);
  const description = (presetName ?? await vscode.window.showInputBox({
    title: "Supamigrate: Move My Change into a New Migration",
    prompt: `The new migration gets the lines your edit added or changed in ${name}; ${name} gets its deployed text back. What does the change do?`,
    value: from ? `change_${from.label.replace(/[^A-Za-z0-9_-]/g, "_")}` : "change",
    ignoreFocusOut: true,
    validateInput: validateDescription,
  }))?.trim();
  if (!description) return null;
  const next = await nextMigrationIn(project.dirUri, description);
  const file = vscode.Uri.joinPath(project.dirUri, next.fileName);
  try {
    await vscode.workspace.fs.stat(file);
    throw new UserError(`${vscode.workspace.asRelativePath(file)} already exists; not overwriting it.`);
  } catch (error) {
    if (error instanceof UserError) throw error; // (not found: go on)
  }
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(movedMigrationText(next.fileName, name, changes)));
  // The deployed text back into the file, through its document (undo works), saved so the disk agrees.
  const restore = new vscode.WorkspaceEdit();
  restore.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), deployed);
  if (!(await vscode.workspace.applyEdit(restore))) throw new UserError(`${name} could not be restored (the editor refused the edit); ${next.fileName} was created.`);
  await doc.save();
  for (const note of next.notes) ctx.log(note);
  ctx.log(`moved ${changes.added.length} added or changed line(s) of ${name} into ${next.fileName}` +
    `${changes.removed.length ? ` (${changes.removed.length} removed line(s) listed there as comments)` : ""}; ${name} restored to its deployed text`);
  await vscode.window.showTextDocument(file, { preview: false });
  return { created: file.fsPath, moved: changes.added.map((l) => l.text), removed: changes.removed.map((l) => l.text) };
};

export const driftCommands: Record<string, Factory> = {
  "supamigrate.compareWithDeployed": compareWithDeployed,
  "supamigrate.moveChangeToNewMigration": moveChangeToNewMigration,
};
