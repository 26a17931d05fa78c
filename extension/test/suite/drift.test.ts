// An edited deployed file in the editor: the drift at the first changed line (the function's stored SQL
// read with POST deployed), no suppression offered, and the quick fixes Compare (a diff against the SQL
// stored at apply time), Restore and Move. Real function (Deno) and PostgreSQL; runs after the deploy
// suite, which leaves 001–003 applied.
import * as assert from "assert";
import * as fs from "fs";
import * as vscode from "vscode";
import { api, brief, codeOf, openMigration, removeMigrations, runQuickFix, scriptUri, stub, testEnv, until, viewState, waitForDiagnostics } from "./helpers";

const NAME = "001_create_profiles.sql";
const drift = (d: vscode.Diagnostic) => codeOf(d) === "no-edit-after-deploy";

suite("drift in the editor: the changed line, compare, restore, move (real function + PostgreSQL)", function () {
  this.timeout(90_000);
  const env = testEnv();
  let original: string;
  let sql: { unsafe(q: string): Promise<Array<Record<string, unknown>>>; end(): Promise<void> };

  suiteSetup(async function () {
    if (!env) {
      console.log("SKIPPED drift suite: no .supamigrate-test.json (run through npm run test:extension)");
      this.skip();
    }
    const a = await api();
    await a.ctx.connection.storeToken(env!.token);
    await vscode.commands.executeCommand("supamigrate.showStatus");
    original = fs.readFileSync(scriptUri(NAME).fsPath, "utf8");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const postgres = require("postgres");
    sql = postgres(env!.dbUrl, { max: 1, onnotice: () => {} });
  });

  suiteTeardown(async () => {
    if (!env) return;
    await removeMigrations("004_add_avatar_url.sql");
    fs.writeFileSync(scriptUri(NAME).fsPath, original);
    await sql?.end();
  });

  async function drifted(line: number): Promise<vscode.Diagnostic> {
    const diagnostics = await waitForDiagnostics(scriptUri(NAME), (d) => d.some((x) => drift(x) && x.range.start.line === line));
    return diagnostics.find(drift)!;
  }

  test("an edit is shown at its first changed line, with compare, restore and move — and no suppression", async () => {
    const editor = await openMigration(NAME, original);
    await editor.edit((b) => b.insert(new vscode.Position(4, 0), "  , avatar_url text\n"));
    const diagnostic = await drifted(4);
    assert.deepStrictEqual(brief(diagnostic).range, [4, 0, 4, 19]);
    assert.match(diagnostic.message, /^001_create_profiles\.sql was edited after it was deployed \(deployed checksum [0-9a-f]{12}, local [0-9a-f]{12}\); restore the deployed version/);
    // The workbench hands the provider its markers, which follow the extension host's diagnostics a moment later.
    let actions: vscode.CodeAction[] = [];
    await until("quick fixes for the drift", async () => {
      actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        "vscode.executeCodeActionProvider", editor.document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value,
      );
      return actions.length > 0;
    });
    // (VS Code lists the preferred fix, Restore, first.)
    assert.deepStrictEqual(actions.map((a) => a.title), ["Restore deployed version", "Compare with deployed version", "Move my change into a new migration"]);
  });

  test("Compare with deployed version: a diff of the SQL stored at apply time and the edited file", async () => {
    const uri = scriptUri(NAME);
    await runQuickFix(uri, await drifted(4), "Compare with deployed version");
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputTextDiff, `the active tab is not a diff: ${JSON.stringify(input)}`);
    assert.strictEqual(input.original.scheme, "supamigrate-deployed");
    assert.strictEqual(input.modified.toString(), uri.toString());
    const deployed = await vscode.workspace.openTextDocument(input.original);
    const [row] = await sql.unsafe(`select sql from supamigrate.migrations where name = '${NAME}'`);
    assert.strictEqual(row.sql, original, "the tracking table kept the text as applied");
    assert.strictEqual(deployed.getText(), original);
    assert.match(deployed.getText(), /display_name text\n\);/);
    await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
  });

  test("Restore deployed version puts the deployed text back; the drift goes", async () => {
    const uri = scriptUri(NAME);
    await runQuickFix(uri, await drifted(4), "Restore deployed version");
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
    assert.strictEqual(doc.getText(), original);
    await waitForDiagnostics(uri, (d) => !d.some(drift));
    await doc.save();
  });

  test("Move my change into a new migration: the added line goes to the next number, the file gets its deployed text back", async () => {
    const editor = await openMigration(NAME, original);
    const uri = editor.document.uri;
    await editor.edit((b) => b.insert(new vscode.Position(6, 0), "alter table public.profiles add column if not exists avatar_url text;\n"));
    await editor.document.save();
    const diagnostic = await drifted(6);
    const asked: vscode.InputBoxOptions[] = [];
    const restore = stub(vscode.window, "showInputBox", (async (options?: vscode.InputBoxOptions) => {
      asked.push(options ?? {});
      return "add_avatar_url";
    }) as typeof vscode.window.showInputBox);
    try {
      await runQuickFix(uri, diagnostic, "Move my change into a new migration");
    } finally {
      restore();
    }
    assert.strictEqual(asked[0]?.value, "change_create_profiles");
    const moved = scriptUri("004_add_avatar_url.sql");
    assert.strictEqual(fs.readFileSync(moved.fsPath, "utf8"), [
      "-- 004_add_avatar_url.sql",
      `-- Moved from ${NAME}, which was edited after it was deployed (${NAME} is restored to its deployed text).`,
      "-- These are the lines that edit added or changed, as they were: check that they run on their own",
      "-- (a column added inside a CREATE TABLE must become ALTER TABLE … ADD COLUMN IF NOT EXISTS here).",
      "",
      "alter table public.profiles add column if not exists avatar_url text;",
      "",
    ].join("\n"));
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), moved.toString(), "the new migration is opened");
    assert.strictEqual(fs.readFileSync(uri.fsPath, "utf8"), original, "the file is restored and saved");
    await waitForDiagnostics(uri, (d) => !d.some(drift));
    const a = await api();
    assert.strictEqual(await viewState(a, "004_add_avatar_url.sql"), "pending: pending");
    assert.match(await viewState(a, NAME), /^applied: /);
  });
});
