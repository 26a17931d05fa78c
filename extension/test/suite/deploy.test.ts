// Set Token, Apply against the real function (Deno) and a real PostgreSQL, drift, failure, rollback.
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as vscode from "vscode";
import { api, type Api, brief, codeOf, openMigration, removeMigrations, scriptUri, stub, testEnv, waitForDiagnostics } from "./helpers";

interface TreeNode { state?: { name: string; kind: string } }

async function viewStates(a: Api): Promise<Record<string, string>> {
  const nodes = (await a.view.getChildren(undefined)) as TreeNode[];
  const states: Record<string, string> = {};
  for (const node of nodes) {
    if (!node.state) continue;
    const item = await a.view.getTreeItem(node);
    states[node.state.name] = `${node.state.kind}${item.description ? `: ${item.description}` : ""}`;
  }
  return states;
}

/** Runs `fn` while modal warnings are answered with their first button; returns what was asked. */
async function confirming<T>(fn: () => Thenable<T>): Promise<{ result: T; asked: string[] }> {
  const asked: string[] = [];
  const restore = stub(vscode.window, "showWarningMessage", (async (message: string, options: vscode.MessageOptions, ...items: string[]) => {
    asked.push(`${message}\n${options?.detail ?? ""}`);
    return items[0];
  }) as typeof vscode.window.showWarningMessage);
  try {
    return { result: await fn(), asked };
  } finally {
    restore();
  }
}

suite("deploy: token, apply, drift, failure, rollback (real function + PostgreSQL)", function () {
  this.timeout(90_000);
  const env = testEnv();
  let a: Api;
  let sql: { unsafe(q: string): Promise<Array<Record<string, unknown>>>; end(): Promise<void> };

  suiteSetup(async function () {
    if (!env) {
      console.log("SKIPPED deploy suite: no .supamigrate-test.json (run through npm run test:extension)");
      this.skip();
    }
    a = await api();
    // postgres.js from the repository's node_modules (the test runs in the extension host, Node).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const postgres = require("postgres");
    sql = postgres(env!.dbUrl, { max: 1, onnotice: () => {} });
  });
  suiteTeardown(async () => {
    await removeMigrations("004_broken.sql");
    await sql?.end();
  });

  test("Set Token asks with a password box and stores the token in SecretStorage", async () => {
    let options: vscode.InputBoxOptions | undefined;
    const restore = stub(vscode.window, "showInputBox", (async (o?: vscode.InputBoxOptions) => {
      options = o;
      return env!.token;
    }) as typeof vscode.window.showInputBox);
    try {
      assert.strictEqual(await vscode.commands.executeCommand("supamigrate.setToken"), true);
    } finally {
      restore();
    }
    assert.strictEqual(options?.password, true);
    assert.strictEqual(await a.ctx.token(), env!.token);
    const settings = JSON.stringify(vscode.workspace.getConfiguration("supamigrate"));
    assert.ok(!settings.includes(env!.token), "the token must not be in settings");
    assert.deepStrictEqual(await viewStates(a), {
      "001_create_profiles.sql": "pending: pending",
      "002_add_bio.sql": "pending: pending",
      "003_create_notes.sql": "pending: pending",
    });
  });

  test("Apply Migration on 002 lists the earlier pending 001, applies both in order, and records them", async () => {
    await openMigration("002_add_bio.sql", fs.readFileSync(scriptUri("002_add_bio.sql").fsPath, "utf8"));
    const { result, asked } = await confirming(() => vscode.commands.executeCommand<{ applied: string[] }>("supamigrate.applyMigration"));
    assert.deepStrictEqual(asked, ["1 earlier migration(s) are pending and must run first, in order:\n001_create_profiles.sql\nthen 002_add_bio.sql"]);
    assert.deepStrictEqual(result.applied, ["001_create_profiles.sql", "002_add_bio.sql"]);
    const rows = await sql.unsafe("select name, checksum from supamigrate.migrations order by name");
    const checksum = (name: string) =>
      crypto.createHash("sha256").update(fs.readFileSync(scriptUri(name).fsPath, "utf8").replace(/\r\n/g, "\n")).digest("hex");
    assert.deepStrictEqual(rows.map((r) => ({ ...r })), [
      { name: "001_create_profiles.sql", checksum: checksum("001_create_profiles.sql") },
      { name: "002_add_bio.sql", checksum: checksum("002_add_bio.sql") },
    ]);
    const columns = await sql.unsafe("select column_name from information_schema.columns where table_name = 'profiles' order by ordinal_position");
    assert.deepStrictEqual(columns.map((c) => c.column_name), ["id", "display_name", "bio"]);
    const states = await viewStates(a);
    assert.match(states["001_create_profiles.sql"], /^applied: applied .+ by .+/);
    assert.match(states["002_add_bio.sql"], /^applied: applied /);
    assert.strictEqual(states["003_create_notes.sql"], "pending: pending");
    assert.strictEqual(a.statusBar.item.text, "$(database) 1 pending");
  });

  test("editing a deployed file is flagged as you type (no-edit-after-deploy)", async () => {
    const editor = await openMigration("001_create_profiles.sql", fs.readFileSync(scriptUri("001_create_profiles.sql").fsPath, "utf8"));
    const uri = editor.document.uri;
    await editor.edit((b) => b.insert(new vscode.Position(4, 0), "  , avatar_url text\n"));
    const diagnostics = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === "no-edit-after-deploy"));
    const drift = diagnostics.filter((x) => codeOf(x) === "no-edit-after-deploy").map(brief);
    assert.strictEqual(drift.length, 1, JSON.stringify(drift));
    assert.strictEqual(drift[0].severity, "Error");
    await vscode.commands.executeCommand("undo");
    await waitForDiagnostics(uri, (d) => !d.some((x) => codeOf(x) === "no-edit-after-deploy"));
    await vscode.commands.executeCommand("workbench.action.files.revert");
  });

  test("a failing migration shows as a diagnostic at the failing line, with the SQLSTATE as code", async () => {
    await openMigration("004_broken.sql", "-- adds a column to a table that does not exist\n\nalter table public.nope add column x int;\n");
    const { result } = await confirming(() => vscode.commands.executeCommand<{ applied: string[]; failed: { code: string } | null }>("supamigrate.applyMigration"));
    assert.deepStrictEqual(result.applied, ["003_create_notes.sql"]);
    assert.strictEqual(result.failed?.code, "42P01");
    const uri = scriptUri("004_broken.sql");
    const failure = vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === "42P01");
    assert.strictEqual(failure.length, 1);
    assert.strictEqual(failure[0].range.start.line, 2);
    assert.strictEqual(failure[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(failure[0].message, /nope/);
    const rows = await sql.unsafe("select name from supamigrate.migrations order by name");
    assert.deepStrictEqual(rows.map((r) => r.name), ["001_create_profiles.sql", "002_add_bio.sql", "003_create_notes.sql"]);
    assert.match((await viewStates(a))["004_broken.sql"], /^failed: failed: 42P01 at line 3/);
  });

  test("Roll Back Last asks first, then runs 003's rollback and removes its row", async () => {
    await removeMigrations("004_broken.sql");
    const { asked } = await confirming(() => vscode.commands.executeCommand("supamigrate.rollbackLast"));
    assert.strictEqual(asked.length, 1);
    assert.match(asked[0], /^Roll back 003_create_notes\.sql\?/);
    const rows = await sql.unsafe("select name from supamigrate.migrations order by name");
    assert.deepStrictEqual(rows.map((r) => r.name), ["001_create_profiles.sql", "002_add_bio.sql"]);
    const notes = await sql.unsafe("select to_regclass('public.notes') as t");
    assert.strictEqual(notes[0].t, null);
    assert.strictEqual((await viewStates(a))["003_create_notes.sql"], "pending: pending");
  });

  test("Dry Run changes nothing; Apply Pending applies the rest; Show Status sums up", async () => {
    const dry = await vscode.commands.executeCommand<{ applied: string[]; failed: unknown }>("supamigrate.dryRun");
    assert.deepStrictEqual([dry.applied, dry.failed], [["003_create_notes.sql"], null]);
    const count = async () => (await sql.unsafe("select count(*)::int as n from supamigrate.migrations"))[0].n;
    assert.strictEqual(await count(), 2);
    const pending = await vscode.commands.executeCommand<{ applied: string[] }>("supamigrate.applyPending");
    assert.deepStrictEqual(pending.applied, ["003_create_notes.sql"]);
    assert.strictEqual(await count(), 3);
    const status = await vscode.commands.executeCommand<{ summary: string }>("supamigrate.showStatus");
    assert.strictEqual(status.summary, "3 applied, 0 pending, 0 drifted");
    assert.strictEqual(a.statusBar.item.text, "$(database) up to date");
  });
});
