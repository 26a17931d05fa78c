// What CI can do, the editor can: placeholder values asked for and remembered (secret ones in
// SecretStorage), errors in the editor's words that count what a run applied, the view following a
// batch file by file, a readable rollback log, a way to connect from the view, and supamigrate.json's
// rules under the editor's setting. Real function (Deno) and PostgreSQL.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  api, type Api, codeOf, confirming, openMigration, recordMessages, removeMigrations, scriptUri, stub, testEnv, until, viewState, viewStates,
  waitForDiagnostics, workspaceDir,
} from "./helpers";

const FILES = ["060_admins.sql", "061_vault_check.sql", "062_admins_again.sql", "063_ok.sql", "rollback/063_ok.sql", "064_bad.sql", "065_config.sql"];

/** Runs `fn` with input boxes answered by `answers` (keyed by the box's title; a missing key: cancelled). */
async function answeringInputs<T>(answers: Record<string, string>, fn: () => Thenable<T>): Promise<{ result: T; asked: vscode.InputBoxOptions[] }> {
  const asked: vscode.InputBoxOptions[] = [];
  const restore = stub(vscode.window, "showInputBox", (async (options?: vscode.InputBoxOptions) => {
    asked.push(options ?? {});
    return answers[options?.title ?? ""];
  }) as typeof vscode.window.showInputBox);
  try {
    return { result: await fn(), asked };
  } finally {
    restore();
  }
}

suite("editor parity: placeholders, messages, view, rollback log, project config (real function + PostgreSQL)", function () {
  this.timeout(90_000);
  const env = testEnv();
  let a: Api;
  let sql: { unsafe(q: string): Promise<Array<Record<string, unknown>>>; end(): Promise<void> };
  const folder = () => vscode.workspace.workspaceFolders![0].uri.toString();
  const tracked = async (name: string) => (await sql.unsafe(`select name from supamigrate.migrations where name = '${name}'`)).length === 1;

  suiteSetup(async function () {
    if (!env) {
      console.log("SKIPPED editor parity suite: no .supamigrate-test.json (run through npm run test:extension)");
      this.skip();
    }
    a = await api();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const postgres = require("postgres");
    sql = postgres(env!.dbUrl, { max: 1, onnotice: () => {} });
    await a.ctx.connection.storeToken(env!.token);
    await vscode.commands.executeCommand("supamigrate.showStatus");
  });

  suiteTeardown(async () => {
    if (!env) return;
    await vscode.commands.executeCommand("supamigrate.forgetPlaceholders");
    await sql.unsafe("delete from supamigrate.migrations where name in ('060_admins.sql', '061_vault_check.sql', '062_admins_again.sql', '063_ok.sql', '064_bad.sql')");
    await sql.unsafe("drop table if exists public.admins, public.vault_check, public.ok_table");
    await removeMigrations(...FILES);
    fs.rmSync(path.join(workspaceDir(), "supamigrate.json"), { force: true });
    await vscode.commands.executeCommand("supamigrate.showStatus");
    await sql?.end();
  });

  test("Apply Pending asks for each placeholder once (a secret one hidden, in SecretStorage), the view follows file by file, the toast counts", async () => {
    fs.writeFileSync(scriptUri("060_admins.sql").fsPath,
      "create table if not exists public.admins (email text primary key);\nalter table public.admins enable row level security;\n" +
        "insert into public.admins (email) values ('${admin_email}') on conflict do nothing;\n");
    fs.writeFileSync(scriptUri("061_vault_check.sql").fsPath,
      "create table if not exists public.vault_check (k text);\nalter table public.vault_check enable row level security;\n" +
        "insert into public.vault_check (k) values ('${service_role_key}');\n");
    await until("both files pending in the view", async () => {
      const states = await viewStates(a);
      return states["060_admins.sql"] === "pending: pending" && states["061_vault_check.sql"] === "pending: pending";
    });
    // Every time the view is told to refresh, what it shows (read at once, before the next file can run).
    const snapshots: Array<Promise<Record<string, string>>> = [];
    const listening = a.view.onDidChangeTreeData!(() => snapshots.push(viewStates(a)));
    const info = recordMessages("showInformationMessage");
    let outcome;
    try {
      outcome = await answeringInputs(
        { "Supamigrate: value for ${admin_email}": "ops@example.com", "Supamigrate: value for ${service_role_key}": "sk-test-123" },
        () => confirming(() => vscode.commands.executeCommand<{ applied: string[]; failed: unknown }>("supamigrate.applyPending")).then((r) => r.result),
      );
    } finally {
      listening.dispose();
      info.restore();
    }
    const { result, asked } = outcome;
    assert.deepStrictEqual(result.applied, ["060_admins.sql", "061_vault_check.sql"], JSON.stringify(result));
    assert.deepStrictEqual(asked.map((o) => [o.title, o.password ?? false]), [
      ["Supamigrate: value for ${admin_email}", false],
      ["Supamigrate: value for ${service_role_key}", true],
    ]);
    assert.match(asked[0].prompt ?? "", /^060_admins\.sql uses \$\{admin_email\}\. The value is pasted into the SQL as written and remembered for this workspace/);
    assert.strictEqual(await Promise.resolve(asked[0].validateInput?.("it's")), `The value contains "'", which could change the SQL around it: it is pasted into the SQL as written. Quote it in the SQL ('\${name}'), not here.`);
    assert.deepStrictEqual((await sql.unsafe("select email from public.admins")).map((r) => r.email), ["ops@example.com"]);
    assert.deepStrictEqual((await sql.unsafe("select k from public.vault_check")).map((r) => r.k), ["sk-test-123"]);
    // Plain values in the workspace's state, secret ones only in SecretStorage.
    const state = a.ctx.extension.workspaceState;
    assert.deepStrictEqual(state.get(`supamigrate.placeholders:${folder()}`), { admin_email: "ops@example.com" });
    assert.strictEqual(await a.ctx.extension.secrets.get(`supamigrate.placeholder:${folder()}:service_role_key`), "sk-test-123");
    assert.ok(!JSON.stringify(state.keys().map((k) => state.get(k))).includes("sk-test-123"), "the secret is not in the workspace state");
    assert.deepStrictEqual(info.messages, ["Supamigrate: applied 2 migration(s)."]);
    // Between the two files, the view already showed 060 applied and 061 still pending.
    const seen = await Promise.all(snapshots);
    assert.ok(
      seen.some((s) => s["060_admins.sql"]?.startsWith("applied") && s["061_vault_check.sql"] === "pending: pending"),
      `the view never showed 060 applied before 061: ${JSON.stringify(seen.map((s) => [s["060_admins.sql"], s["061_vault_check.sql"]]))}`,
    );
  });

  test("remembered values are not asked again (Dry Run sends them too); Forget Placeholder Values clears them, plain and secret", async () => {
    fs.writeFileSync(scriptUri("062_admins_again.sql").fsPath, "insert into public.admins (email) values ('${admin_email}') on conflict do nothing;\n");
    await until("062 pending in the view", async () => (await viewStates(a))["062_admins_again.sql"] === "pending: pending");
    const { result: dry, asked } = await answeringInputs({}, () =>
      vscode.commands.executeCommand<{ applied: string[]; failed: unknown }>("supamigrate.dryRun"));
    assert.deepStrictEqual([dry.applied, dry.failed, asked.length], [["062_admins_again.sql"], null, 0], JSON.stringify(dry));
    assert.strictEqual(await tracked("062_admins_again.sql"), false, "a dry run records nothing");

    const forgotten = await vscode.commands.executeCommand<string[]>("supamigrate.forgetPlaceholders");
    assert.deepStrictEqual(forgotten, ["admin_email", "service_role_key"]);
    assert.strictEqual(a.ctx.extension.workspaceState.get(`supamigrate.placeholders:${folder()}`), undefined);
    assert.strictEqual(await a.ctx.extension.secrets.get(`supamigrate.placeholder:${folder()}:service_role_key`), undefined);
  });

  test("a cancelled question sends nothing and names the missing value in the editor's words (no --set)", async () => {
    const errors = recordMessages("showErrorMessage");
    let outcome;
    try {
      outcome = await answeringInputs({}, () => confirming(() => vscode.commands.executeCommand<{ applied?: string[]; error?: string }>("supamigrate.applyPending")).then((r) => r.result));
    } finally {
      errors.restore();
    }
    const { result, asked } = outcome;
    assert.strictEqual(asked.length, 1);
    const message = "${admin_email} has no value (062_admins_again.sql uses it), so nothing was sent. Run the command again and enter the value when asked.";
    assert.deepStrictEqual(result, { error: message });
    assert.deepStrictEqual(errors.messages, [`Supamigrate: ${message}`]);
    assert.strictEqual(await tracked("062_admins_again.sql"), false);
    await removeMigrations("062_admins_again.sql");
  });

  test("a refusal after files were applied: the toast counts what the run applied (not \"Nothing was applied\")", async () => {
    fs.mkdirSync(path.dirname(scriptUri("rollback/063_ok.sql").fsPath), { recursive: true });
    fs.writeFileSync(scriptUri("063_ok.sql").fsPath, "create table if not exists public.ok_table (id int);\nalter table public.ok_table enable row level security;\n");
    fs.writeFileSync(scriptUri("rollback/063_ok.sql").fsPath, "drop table if exists public.ok_table;\n");
    fs.writeFileSync(scriptUri("064_bad.sql").fsPath, "selec 1;\n");
    await until("063 and 064 pending in the view", async () => {
      const states = await viewStates(a);
      return states["063_ok.sql"] === "pending: pending" && states["064_bad.sql"] === "pending: pending" && !states["062_admins_again.sql"];
    });
    const errors = recordMessages("showErrorMessage");
    let result;
    try {
      result = await confirming(() => vscode.commands.executeCommand<{ applied: string[]; failed: unknown; error?: string }>("supamigrate.applyPending")).then((r) => r.result);
    } finally {
      errors.restore();
    }
    assert.deepStrictEqual(result.applied, ["063_ok.sql"], JSON.stringify(result));
    assert.strictEqual(errors.messages.length, 1, JSON.stringify(errors.messages));
    assert.match(errors.messages[0], /^Supamigrate: applied 1 migration\(s\) \(063_ok\.sql\), then 064_bad\.sql was not applied: 064_bad\.sql:1:1: syntax error at or near "selec"\. .*\(the Problems panel shows every error\)/);
    assert.doesNotMatch(errors.messages[0], /Nothing was applied|supamigrate lint/);
    assert.strictEqual(await tracked("063_ok.sql"), true);
    await removeMigrations("064_bad.sql");
  });

  test("Roll Back Last logs readable lines, not JSON", async () => {
    const lines: string[] = [];
    const restore = stub(a.ctx, "log", (line: string) => void lines.push(line));
    try {
      const { asked } = await confirming(() => vscode.commands.executeCommand("supamigrate.rollbackLast"));
      assert.match(asked[0], /^Roll back 063_ok\.sql\?/);
    } finally {
      restore();
    }
    // (Status reads and a per-file start line may come in between: left out.)
    const rollbackLines = lines.filter((l) => !l.startsWith("status of ") && l !== "  063_ok.sql …").map((l) => l.replace(/\d+ ms$/, "N ms"));
    assert.deepStrictEqual(rollbackLines, [
      "rollback 063_ok.sql",
      "to roll back: 063_ok.sql",
      "  063_ok.sql rolled back in N ms",
      "rollback done: rolled back 063_ok.sql",
    ]);
    assert.strictEqual(await tracked("063_ok.sql"), false);
    await removeMigrations("063_ok.sql", "rollback/063_ok.sql");
  });

  test("while the deploy state is unknown, the Migrations view offers Set Token and the settings (its welcome is hidden by the files)", async () => {
    const config = () => vscode.workspace.getConfiguration("supamigrate");
    const functionUrl = config().inspect<string>("functionUrl")?.workspaceValue;
    const actions = async () => {
      const nodes = (await a.view.getChildren(undefined)) as Array<{ action?: string }>;
      return Promise.all(nodes.filter((n) => n.action).map(async (n) => {
        const item = await a.view.getTreeItem(n);
        return { label: item.label, description: item.description, command: item.command?.command };
      }));
    };
    try {
      await config().update("functionUrl", "", vscode.ConfigurationTarget.Workspace);
      await until("the connect actions", async () => (await actions()).length > 0);
      assert.deepStrictEqual(await actions(), [
        { label: "Deploy state unknown", description: "supamigrate.functionUrl is not set", command: "supamigrate.showStatus" },
        { label: "Set Token…", description: undefined, command: "supamigrate.setToken" },
        { label: "Set the Function URL…", description: undefined, command: "workbench.action.openSettings" },
      ]);
      assert.strictEqual((await viewStates(a))["001_create_profiles.sql"], "unknown", "the migrations are listed below them");
    } finally {
      await config().update("functionUrl", functionUrl, vscode.ConfigurationTarget.Workspace);
    }
    await until("the deploy state known again", async () => (await actions()).length === 0);
    assert.match(await viewState(a, "001_create_profiles.sql"), /^applied: /);
  });

  test("supamigrate.json's rules apply in the editor; the supamigrate.rules setting overrides them rule by rule", async () => {
    const configFile = path.join(workspaceDir(), "supamigrate.json");
    const settings = vscode.workspace.getConfiguration("supamigrate");
    const editor = await openMigration("065_config.sql", "create schema app;\n");
    const uri = editor.document.uri;
    const severity = (d: vscode.Diagnostic[]) => d.filter((x) => codeOf(x) === "require-if-not-exists").map((x) => vscode.DiagnosticSeverity[x.severity]);
    await waitForDiagnostics(uri, (d) => severity(d).join() === "Warning");
    try {
      fs.writeFileSync(configFile, JSON.stringify({ rules: { "require-if-not-exists": "error", "duplicate-number": "off" } }));
      await waitForDiagnostics(uri, (d) => severity(d).join() === "Error");
      await settings.update("rules", { "require-if-not-exists": "info" }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, (d) => severity(d).join() === "Information");
      await settings.update("rules", { "rls-not-enabled": "error" }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, (d) => severity(d).join() === "Error"); // the setting names another rule: the file's value holds
      await settings.update("rules", undefined, vscode.ConfigurationTarget.Workspace);

      // A file that does not validate is ignored (defaults), and the editor says why.
      const warnings = recordMessages("showWarningMessage");
      try {
        fs.writeFileSync(configFile, JSON.stringify({ rules: { "require-if-not-exist": "error" } }));
        await waitForDiagnostics(uri, (d) => severity(d).join() === "Warning");
        await until("the warning about supamigrate.json", () => warnings.messages.length > 0);
      } finally {
        warnings.restore();
      }
      assert.match(warnings.messages[0], /^Supamigrate: supamigrate\.json is ignored until it is fixed \(the lint uses the default settings\): supamigrate\.json: unknown rule id "require-if-not-exist"/);
    } finally {
      await settings.update("rules", undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(configFile, { force: true });
    }
    await waitForDiagnostics(uri, (d) => severity(d).join() === "Warning");
  });
});
