// Diagnostics as you type and quick fixes, in a real VS Code.
import * as assert from "assert";
import * as fs from "fs";
import * as vscode from "vscode";
import { api, brief, codeOf, openMigration, ours, removeMigrations, runQuickFix, scriptUri, waitForDiagnostics } from "./helpers";

const HELP_SYNTAX = "Fix the statement so PostgreSQL can parse it; the other statements in the file are still checked.";

suite("lint: diagnostics and quick fixes", () => {
  suiteSetup(async () => {
    const { activationMs } = await api();
    console.log(`[measure] activation: ${activationMs.toFixed(0)} ms (activate() to first diagnostics published)`);
  });
  teardown(() => removeMigrations("900_syntax.sql", "901_schema.sql", "902_suppress.sql", "903_rules.sql", "904_save.sql", "905_drop.sql", "rollback/905_drop.sql"));

  test("the whole migrations folder is linted on activation (fixture files are clean)", async () => {
    for (const name of ["001_create_profiles.sql", "002_add_bio.sql", "003_create_notes.sql"]) {
      assert.deepStrictEqual(ours(scriptUri(name)).map(brief), [], name);
    }
  });

  test("a syntax error gets an exact diagnostic that vanishes when fixed", async () => {
    const editor = await openMigration("900_syntax.sql", "select 1;\nselec 2;\n");
    const uri = editor.document.uri;
    const diagnostics = await waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepStrictEqual(diagnostics.map(brief), [{
      range: [1, 0, 1, 8],
      severity: "Error",
      source: "supamigrate",
      code: "syntax-error",
      target: "https://github.com/supamigrate/supamigrate/blob/main/shared/lint/rules/syntax-error/README.md",
      message: `syntax error at or near "selec"\n${HELP_SYNTAX}`,
    }]);
    // The link opens the rendered page on the web: the same URL as SARIF's helpUri.
    const target = (diagnostics[0].code as { target: vscode.Uri }).target;
    assert.strictEqual(target.scheme, "https");
    await editor.edit((b) => b.insert(new vscode.Position(1, 5), "t"));
    await waitForDiagnostics(uri, (d) => d.length === 0);
  });

  test("quick fix from the rule: Add IF NOT EXISTS", async () => {
    const editor = await openMigration("901_schema.sql", "create schema app;\n");
    const uri = editor.document.uri;
    const [diagnostic] = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === "require-if-not-exists"));
    assert.deepStrictEqual(brief(diagnostic).range, [0, 0, 0, 17]);
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    await runQuickFix(uri, diagnostic, "Add IF NOT EXISTS");
    assert.strictEqual(editor.document.getText(), "create schema if not exists app;\n");
    await waitForDiagnostics(uri, (d) => d.length === 0);
  });

  test("quick fix from the rule: create the rollback file and open it; the finding goes once it runs something", async () => {
    const editor = await openMigration("905_drop.sql", "drop table public.notes;\n");
    const uri = editor.document.uri;
    const diagnostic = (await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === "require-rollback"))).find((x) => codeOf(x) === "require-rollback")!;
    assert.deepStrictEqual(brief(diagnostic).range, [0, 0, 0, 24]);
    await runQuickFix(uri, diagnostic, "Create scripts/rollback/905_drop.sql");
    const rollback = scriptUri("rollback/905_drop.sql");
    const opened = vscode.window.activeTextEditor?.document;
    assert.strictEqual(opened?.uri.toString(), rollback.toString(), "the new file is opened");
    const text = opened.getText();
    assert.match(text, /^-- rollback\/905_drop\.sql\n/);
    assert.match(text, /^-- line 1: drop table public\.notes;$/m);
    // The skeleton alone is only comments: it would undo nothing, so the finding stays, as an error that says so.
    // (The file also gets a breaking-change warning: dropping a table breaks its clients.)
    const unfilled = (await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === "require-rollback" && /has no statement to run/.test(x.message))))
      .find((x) => codeOf(x) === "require-rollback")!;
    assert.strictEqual(unfilled.severity, vscode.DiagnosticSeverity.Error);
    const fill = new vscode.WorkspaceEdit();
    fill.insert(rollback, new vscode.Position(opened.lineCount, 0), "create table if not exists public.notes (id bigint primary key);\n");
    assert.ok(await vscode.workspace.applyEdit(fill));
    await waitForDiagnostics(uri, (d) => !d.some((x) => codeOf(x) === "require-rollback"));
    await opened.save();
    assert.strictEqual(fs.readFileSync(rollback.fsPath, "utf8"), `${text}create table if not exists public.notes (id bigint primary key);\n`);
  });

  test("quick fix: suppress the rule for this statement, with its indentation", async () => {
    const editor = await openMigration("902_suppress.sql", "create schema if not exists ok;\n  create schema app2;\n");
    const uri = editor.document.uri;
    const [diagnostic] = await waitForDiagnostics(uri, (d) => d.length === 1);
    assert.deepStrictEqual(brief(diagnostic).range, [1, 2, 1, 20]);
    await runQuickFix(uri, diagnostic, "Suppress require-if-not-exists for this statement");
    assert.strictEqual(
      editor.document.getText(),
      "create schema if not exists ok;\n  -- supamigrate-ignore require-if-not-exists\n  create schema app2;\n",
    );
    await waitForDiagnostics(uri, (d) => d.length === 0);
  });

  test("supamigrate.rules overrides a rule's severity, and off silences it", async () => {
    const editor = await openMigration("903_rules.sql", "create schema app;\n");
    const uri = editor.document.uri;
    const config = vscode.workspace.getConfiguration("supamigrate");
    try {
      await config.update("rules", { "require-if-not-exists": "error" }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, (d) => d.length === 1 && d[0].severity === vscode.DiagnosticSeverity.Error);
      await config.update("rules", { "require-if-not-exists": "off" }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, (d) => d.length === 0);
    } finally {
      await config.update("rules", undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForDiagnostics(uri, (d) => d.length === 1 && d[0].severity === vscode.DiagnosticSeverity.Warning);
  });

  test("lintOn: save waits for the save", async () => {
    const editor = await openMigration("904_save.sql", "select 1;\n");
    const uri = editor.document.uri;
    const config = vscode.workspace.getConfiguration("supamigrate");
    await config.update("lintOn", "save", vscode.ConfigurationTarget.Workspace);
    try {
      // update() resolves when the settings file is written; the extension host sees the new value a
      // moment later (under load, after our edit). Wait until this host reads "save", as the extension does.
      const deadline = Date.now() + 10_000;
      while (vscode.workspace.getConfiguration("supamigrate").get("lintOn") !== "save") {
        if (Date.now() > deadline) assert.fail("lintOn never became save");
        await new Promise((r) => setTimeout(r, 50));
      }
      await waitForDiagnostics(uri, (d) => d.length === 0);
      await editor.edit((b) => b.insert(new vscode.Position(1, 0), "selec 2;\n"));
      await new Promise((r) => setTimeout(r, 600));
      assert.deepStrictEqual(ours(uri), [], "linted before the save");
      await editor.document.save();
      await waitForDiagnostics(uri, (d) => d.length === 1);
    } finally {
      await config.update("lintOn", undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
