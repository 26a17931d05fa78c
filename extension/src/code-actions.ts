/**
 * Quick fixes for supamigrate diagnostics, tied to them through `diagnostic.code`: the finding's own
 * fixes (text edits, or a rollback file to create and open) and "Suppress <rule> for this statement" —
 * except for a drifted file (no-edit-after-deploy), where a suppression would be one more edit and the
 * apply refuses the file anyway: there, with the deployed text known, "Compare with deployed version",
 * "Restore deployed version" and "Move my change into a new migration" (drift-commands.ts).
 */
import * as vscode from "vscode";
import type { Finding, Fix } from "../../shared/lint/types.ts";
import { loadParser, parseSql } from "../../shared/sql/index.ts";
import { type DiagnosticsPublisher, SOURCE, toRange } from "./diagnostics.ts";
import type { MigrationProject } from "./project.ts";

export const SUPPRESS_PREFIX = "-- supamigrate-ignore";

export class SupamigrateCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly publisher: DiagnosticsPublisher,
    private readonly projectFor: (uri: vscode.Uri) => MigrationProject | undefined,
  ) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const project = this.projectFor(doc.uri);
    if (!project) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== SOURCE) continue;
      const finding = this.publisher.findingFor(doc.uri, diagnostic);
      if (!finding) continue;
      for (const fix of finding.fixes ?? []) actions.push(fixAction(fix, doc, diagnostic, project));
      if (finding.rule === DRIFT_RULE) actions.push(...driftActions(doc, diagnostic, project));
      else actions.push(await suppressAction(finding, doc, diagnostic));
    }
    return actions;
  }
}

const DRIFT_RULE = "no-edit-after-deploy";

/** For an edited deployed file whose deployed text was read: compare, restore, move the change out. */
function driftActions(doc: vscode.TextDocument, diagnostic: vscode.Diagnostic, project: MigrationProject): vscode.CodeAction[] {
  const name = project.relativePath(doc.uri);
  const deployed = name ? project.deployedText(name) : undefined;
  if (deployed === undefined) return [];
  const action = (title: string) => {
    const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    a.diagnostics = [diagnostic];
    return a;
  };
  const compare = action("Compare with deployed version");
  compare.command = { command: "supamigrate.compareWithDeployed", title: compare.title, arguments: [doc.uri] };
  const restore = action("Restore deployed version");
  restore.isPreferred = true;
  restore.edit = new vscode.WorkspaceEdit();
  restore.edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), deployed);
  const move = action("Move my change into a new migration");
  move.command = { command: "supamigrate.moveChangeToNewMigration", title: move.title, arguments: [doc.uri] };
  return [compare, restore, move];
}

function fixAction(fix: Fix, doc: vscode.TextDocument, diagnostic: vscode.Diagnostic, project: MigrationProject): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = true;
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits ?? []) edit.replace(doc.uri, toRange(e.range), e.newText);
  if (fix.createFile) {
    const uri = project.uriOfReported(fix.createFile.path);
    // Create, then insert (rather than `contents`): the edit survives every round trip the same way,
    // and the new file opens with its text for the user to review and save.
    edit.createFile(uri, { ignoreIfExists: true });
    edit.insert(uri, new vscode.Position(0, 0), fix.createFile.text);
    action.command = { command: "vscode.open", title: "Open the new file", arguments: [uri] };
  }
  action.edit = edit;
  return action;
}

/** Inserts `-- supamigrate-ignore <rule>` on the line before the finding's statement, with its indentation. */
async function suppressAction(finding: Finding, doc: vscode.TextDocument, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction> {
  const action = new vscode.CodeAction(`Suppress ${finding.rule} for this statement`, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  const line = await statementStartLine(doc, diagnostic.range.start);
  const indent = /^\s*/.exec(doc.lineAt(line).text)![0];
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, new vscode.Position(line, 0), `${indent}${SUPPRESS_PREFIX} ${finding.rule}\n`);
  action.edit = edit;
  return action;
}

/** The line where the statement holding `position` starts (comments before it excluded). */
async function statementStartLine(doc: vscode.TextDocument, position: vscode.Position): Promise<number> {
  await loadParser();
  const offset = doc.offsetAt(position);
  const statement = parseSql(doc.getText()).statements.find((s) => s.start <= offset && offset <= s.end);
  return statement ? doc.positionAt(statement.start).line : position.line;
}
