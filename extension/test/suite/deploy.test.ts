// Set Token, Apply against the real function (Deno) and a real PostgreSQL, drift, failure, rollback.
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as vscode from "vscode";
import {
  api, type Api, brief, codeOf, confirming, openMigration, recordMessages, removeMigrations, scriptUri, stub, testEnv, viewState, viewStates, waitForDiagnostics,
} from "./helpers";

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
    assert.strictEqual(await a.ctx.connection.token(), env!.token);
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

  test("Dry Run puts a rollback's round-trip finding on the rollback file, at its line", async () => {
    fs.writeFileSync(scriptUri("004_add_tags.sql").fsPath, "alter table public.profiles add column if not exists tags text[];\ncreate index if not exists profiles_tags_idx on public.profiles (tags);\n");
    fs.writeFileSync(scriptUri("rollback/004_add_tags.sql").fsPath, "-- forgets the index's column\ndrop index if exists public.profiles_tags_idx;\n");
    try {
      const dry = await vscode.commands.executeCommand<{ applied: string[]; failed: unknown }>("supamigrate.dryRun");
      assert.deepStrictEqual([dry.applied, dry.failed], [["003_create_notes.sql", "004_add_tags.sql"], null]);
      const found = vscode.languages.getDiagnostics(scriptUri("rollback/004_add_tags.sql")).filter((d) => d.source === "supamigrate dry run");
      assert.deepStrictEqual(found.map((d) => [d.code, d.message, d.range.start.line]), [
        ["rollback-incomplete", "rollback/004_add_tags.sql leaves public.profiles.tags behind", 0],
      ]);
    } finally {
      await removeMigrations("004_add_tags.sql", "rollback/004_add_tags.sql");
    }
  });

  test("Dry Run changes nothing; Apply Pending applies the rest; Show Status sums up", async () => {
    const dry = await vscode.commands.executeCommand<{ applied: string[]; failed: unknown }>("supamigrate.dryRun");
    assert.deepStrictEqual([dry.applied, dry.failed], [["003_create_notes.sql"], null]);
    const count = async () => (await sql.unsafe("select count(*)::int as n from supamigrate.migrations"))[0].n;
    assert.strictEqual(await count(), 2);
    // Apply Pending shows the deployment plan, then asks.
    const { result: pending, asked } = await confirming(() => vscode.commands.executeCommand<{ applied: string[] }>("supamigrate.applyPending"));
    assert.deepStrictEqual(pending.applied, ["003_create_notes.sql"]);
    assert.strictEqual(asked.length, 1);
    assert.match(asked[0], /^Apply 1 pending migration\(s\) to .+\?\nThe deployment plan finds nothing blocking: see the panel beside the editor\.\n003_create_notes\.sql$/);
    const plan = a.ctx.lastPlan ?? "";
    assert.match(plan, /^Deployment plan for .+: 1 pending file\n✓ No deployed file edited or deleted\n/);
    assert.match(plan, /\n003_create_notes\.sql\n {2}rollback: present \(not round-tripped: run with --dry-run\)\n/);
    assert.strictEqual(await count(), 3);
    const status = await vscode.commands.executeCommand<{ summary: string }>("supamigrate.showStatus");
    assert.strictEqual(status.summary, "3 applied, 0 pending, 0 drifted");
    assert.strictEqual(a.statusBar.item.text, "$(database) up to date");
  });

  test("New Migration writes the next number and its rollback from the template, opens both, and lints clean", async () => {
    const created = await vscode.commands.executeCommand<{ created: string[]; notes: string[] }>(
      "supamigrate.newMigration", scriptUri("001_create_profiles.sql"), "add_tags");
    const file = scriptUri("004_add_tags.sql");
    const rollback = scriptUri("rollback/004_add_tags.sql");
    try {
      assert.deepStrictEqual(created, { created: [file.fsPath, rollback.fsPath], notes: [] });
      assert.strictEqual(fs.readFileSync(file.fsPath, "utf8").split("\n")[0], "-- 004_add_tags.sql");
      // The rollback is derived from the template (shared/schema/rollback), not a skeleton to fill in.
      assert.match(fs.readFileSync(rollback.fsPath, "utf8"), /drop table if exists public\.tags;/);
      assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, file.fsPath);
      const open = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === "file").map((e) => e.document.uri.fsPath).sort();
      assert.deepStrictEqual(open, [file.fsPath, rollback.fsPath].sort());
      // The template follows the guidelines: nothing to warn about, as the CLI's `new` test checks for lint.
      assert.deepStrictEqual((await waitForDiagnostics(file, (d) => d.length === 0)).map(brief), []);
      assert.strictEqual(await viewState(a, "004_add_tags.sql"), "pending: pending");
      // A second New Migration with that name takes the next number; it never overwrites.
      const again = await vscode.commands.executeCommand<{ created: string[] }>("supamigrate.newMigration", file, "add_tags");
      assert.deepStrictEqual(again.created, [scriptUri("005_add_tags.sql").fsPath, scriptUri("rollback/005_add_tags.sql").fsPath]);
    } finally {
      await removeMigrations("004_add_tags.sql", "rollback/004_add_tags.sql", "005_add_tags.sql", "rollback/005_add_tags.sql");
    }
  });

  test("Baseline into a tracked database asks, records only the file run by hand, then has nothing to do", async () => {
    // As if pasted into the SQL Editor: the table exists, supamigrate knows nothing of it.
    await sql.unsafe("create table public.tags (id bigint primary key)");
    fs.writeFileSync(scriptUri("004_create_tags.sql").fsPath, "create table if not exists public.tags (id bigint primary key);\n");
    try {
      const { result, asked } = await confirming(() =>
        vscode.commands.executeCommand<{ recorded: string[] }>("supamigrate.baseline", scriptUri("004_create_tags.sql")));
      assert.strictEqual(asked.length, 1);
      assert.match(asked[0], /^3 file\(s\) are already tracked\. Record the other 1 as applied without running them\?/);
      assert.deepStrictEqual(result.recorded, ["004_create_tags.sql"], JSON.stringify(result));
      const rows = await sql.unsafe("select name, baselined, source from supamigrate.migrations where name = '004_create_tags.sql'");
      assert.deepStrictEqual(rows.map((r) => ({ ...r })), [{ name: "004_create_tags.sql", baselined: true, source: "baseline" }]);
      assert.match(await viewState(a, "004_create_tags.sql"), /^applied: applied /);
      // Everything tracked now: nothing to ask, nothing recorded.
      const again = await confirming(() => vscode.commands.executeCommand<{ recorded: string[] }>("supamigrate.baseline"));
      assert.deepStrictEqual([again.asked, again.result.recorded], [[], []]);
    } finally {
      // Leave the database as the suites after this one expect it: three applied files, no drift.
      await sql.unsafe("delete from supamigrate.migrations where name = '004_create_tags.sql'");
      await sql.unsafe("drop table if exists public.tags");
      await removeMigrations("004_create_tags.sql");
    }
  });

  test("a file deleted from disk just before Apply Pending is not applied from memory", async () => {
    fs.writeFileSync(scriptUri("005_create_gone.sql").fsPath, "create table if not exists public.gone (id bigint primary key);\n");
    assert.strictEqual(await viewState(a, "005_create_gone.sql"), "pending: pending");
    fs.unlinkSync(scriptUri("005_create_gone.sql").fsPath);
    const { result } = await confirming(() => vscode.commands.executeCommand<{ applied: string[] }>("supamigrate.applyPending"));
    assert.deepStrictEqual(result.applied ?? [], [], JSON.stringify(result));
    assert.strictEqual((await sql.unsafe("select name from supamigrate.migrations where name = '005_create_gone.sql'")).length, 0);
  });

  test("a file that is not UTF-8 on disk is never applied: Apply Pending refuses, naming it, and sends nothing", async () => {
    // "caf\xe9": Latin-1 bytes, which a loose decoder would have sent as a replacement character.
    fs.writeFileSync(scriptUri("006_latin1.sql").fsPath, Buffer.from([...Buffer.from("select 'caf"), 0xe9, ...Buffer.from("';\n")]));
    try {
      for (const until = Date.now() + 10_000; Date.now() < until && !(await viewStates(a))["006_latin1.sql"]; await new Promise((resolve) => setTimeout(resolve, 50)));
      const { messages: errors, restore } = recordMessages("showErrorMessage");
      try {
        const { result } = await confirming(() => vscode.commands.executeCommand<{ applied?: string[]; error?: string }>("supamigrate.applyPending"));
        assert.deepStrictEqual(result.applied ?? [], [], JSON.stringify(result));
        assert.match(result.error ?? errors.join("\n"), /006_latin1\.sql: the file is not valid UTF-8 text \(first bad byte at offset 11\)[\s\S]*Nothing was sent\./);
      } finally {
        restore();
      }
      assert.strictEqual((await sql.unsafe("select name from supamigrate.migrations where name = '006_latin1.sql'")).length, 0);
    } finally {
      await removeMigrations("006_latin1.sql");
    }
  });

  test("a run's warnings are shown once it is over: a late 002 after 003 is applied, with out-of-order", async () => {
    fs.writeFileSync(scriptUri("002_create_labels.sql").fsPath, "create table if not exists public.labels (id bigint primary key);\n");
    // The project follows the folder through a watcher: wait until it has the new file and has dropped
    // the one the test before removed, so that applyPending sees exactly what is on disk.
    // (004 may stay listed as deployed and missing locally: its tracking row went behind the view's back.)
    for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const states = await viewStates(a);
      if (states["002_create_labels.sql"]?.startsWith("pending") && !states["004_create_tags.sql"]?.startsWith("pending")) break;
    }
    const { messages: shown, restore } = recordMessages("showWarningMessage");
    try {
      const result = await vscode.commands.executeCommand<{ applied: string[] }>("supamigrate.applyPending");
      assert.deepStrictEqual(result.applied, ["002_create_labels.sql"], JSON.stringify(result));
      assert.strictEqual(shown.length, 1, JSON.stringify(shown));
      assert.match(shown[0], /^Supamigrate: 002_create_labels\.sql sorts before 003_create_notes\.sql, which is already applied \(a late duplicate number from parallel work\?\)\./);
    } finally {
      restore();
      await sql.unsafe("delete from supamigrate.migrations where name = '002_create_labels.sql'");
      await sql.unsafe("drop table if exists public.labels");
      await removeMigrations("002_create_labels.sql");
    }
  });

  test("with supamigrate.functionRegion set, calls ask Supabase for that region (x-region); a malformed one is refused", async () => {
    // A stand-in for Supabase's gateway, which is what reads the header (the function itself ignores it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const http = require("http") as typeof import("http");
    const regions: Array<string | undefined> = [];
    const gateway = http.createServer((req, res) => {
      regions.push(req.headers["x-region"] as string | undefined);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ applied: [], lock: null }));
    });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    const port = (gateway.address() as import("net").AddressInfo).port;
    const config = () => vscode.workspace.getConfiguration("supamigrate");
    const functionUrl = config().inspect<string>("functionUrl")?.workspaceValue;
    try {
      // The region first: changing functionUrl re-reads the status at once, and that call must carry it.
      await config().update("functionRegion", "eu-central-1", vscode.ConfigurationTarget.Workspace);
      await config().update("functionUrl", `http://127.0.0.1:${port}/functions/v1/supamigrate`, vscode.ConfigurationTarget.Workspace);
      const status = await vscode.commands.executeCommand<{ summary: string }>("supamigrate.showStatus");
      assert.match(status.summary, /^0 applied, /);
      assert.ok(regions.length >= 1, "the stand-in was called");
      assert.deepStrictEqual(new Set(regions), new Set(["eu-central-1"]));

      await config().update("functionRegion", "somewhere", vscode.ConfigurationTarget.Workspace);
      const sent = regions.length;
      const refused = await vscode.commands.executeCommand("supamigrate.showStatus");
      assert.deepStrictEqual(refused, { error: "supamigrate.functionRegion must be a Supabase region like eu-central-1 (your database's), or empty." });
      assert.strictEqual(regions.length, sent, "nothing was sent");
    } finally {
      await config().update("functionUrl", functionUrl, vscode.ConfigurationTarget.Workspace);
      await config().update("functionRegion", undefined, vscode.ConfigurationTarget.Workspace);
      gateway.close();
    }
  });
});
