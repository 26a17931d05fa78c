// Sign In / Sign Out: supabase-js auth in the real extension host (code-server), against a STAND-IN
// for Supabase Auth (launch.mts starts it: password and refresh grants, email OTP, JWKS; it forwards
// /functions/v1/* to the REAL function in Deno on a real PostgreSQL, which verifies the tokens).
// The session lives in SecretStorage; every call carries the user's access token, not a shared secret.
import * as assert from "assert";
import * as vscode from "vscode";
import { api, type Api, openMigration, removeMigrations, scriptUri, stub, testEnv } from "./helpers";

interface Recorded { method: string; path: string; apikey: string | null; bearer: string | null; region: string | null }
interface StoredSession { access_token: string; refresh_token: string; user: { id: string; email: string } }

const ADMIN_ID = "00000000-0000-4000-8000-0000000000a1";
const MIGRATION = "090_signed_in.sql";

suite("sign-in: Supabase users through supabase-js (stand-in Auth, real function + PostgreSQL)", function () {
  this.timeout(90_000);
  const env = testEnv();
  let a: Api;
  let sql: { unsafe(q: string): Promise<Array<Record<string, unknown>>>; end(): Promise<void> };
  const sessionKey = () => `supamigrate.auth.session:${env!.projectUrl}`;
  const standIn = async <T>(path: string): Promise<T> => (await (await fetch(`${env!.projectUrl}${path}`)).json()) as T;
  const stored = async (): Promise<StoredSession | null> => {
    const text = await a.ctx.extension.secrets.get(sessionKey());
    return text ? (JSON.parse(text) as StoredSession) : null;
  };

  /** Runs `fn` with the quick pick answered by `pick` and input boxes by `inputs`, in order. */
  async function answering<T>(pick: string, inputs: Array<string | (() => Promise<string>)>, fn: () => Thenable<T>) {
    const asked: vscode.InputBoxOptions[] = [];
    const restorePick = stub(vscode.window, "showQuickPick", (async (items: readonly vscode.QuickPickItem[]) =>
      (await items).find((i) => i.label === pick)) as unknown as typeof vscode.window.showQuickPick);
    const restoreInput = stub(vscode.window, "showInputBox", (async (options?: vscode.InputBoxOptions) => {
      asked.push(options ?? {});
      const next = inputs.shift();
      return typeof next === "function" ? await next() : next;
    }) as typeof vscode.window.showInputBox);
    try {
      return { result: await fn(), asked };
    } finally {
      restorePick();
      restoreInput();
    }
  }

  async function confirmingAndCatching<T>(fn: () => Thenable<T>): Promise<{ result: T; errors: string[] }> {
    const errors: string[] = [];
    const restoreWarn = stub(vscode.window, "showWarningMessage", (async (_m: string, _o: unknown, ...items: string[]) => items[0]) as typeof vscode.window.showWarningMessage);
    const restoreError = stub(vscode.window, "showErrorMessage", (async (message: string) => {
      errors.push(message);
      return undefined;
    }) as typeof vscode.window.showErrorMessage);
    try {
      return { result: await fn(), errors };
    } finally {
      restoreWarn();
      restoreError();
    }
  }

  suiteSetup(async function () {
    if (!env?.projectUrl || !env.anonKey) {
      console.log("SKIPPED sign-in suite: no stand-in project in .supamigrate-test.json (run through npm run test:extension)");
      this.skip();
    }
    a = await api();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const postgres = require("postgres");
    sql = postgres(env!.dbUrl, { max: 1, onnotice: () => {} });
    const config = vscode.workspace.getConfiguration("supamigrate");
    await config.update("projectUrl", env!.projectUrl, vscode.ConfigurationTarget.Workspace);
    await config.update("anonKey", env!.anonKey, vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    if (!env?.projectUrl) return;
    await fetch(`${env.projectUrl}/__stand-in/expires-in?seconds=3600`);
    await vscode.commands.executeCommand("supamigrate.signOut");
    const config = vscode.workspace.getConfiguration("supamigrate");
    await config.update("projectUrl", undefined, vscode.ConfigurationTarget.Workspace);
    await config.update("anonKey", undefined, vscode.ConfigurationTarget.Workspace);
    await removeMigrations(MIGRATION);
    await sql?.end();
  });

  test("Sign In with email + password: the session goes to SecretStorage; Show Status calls the function with the user's token", async () => {
    const { result, asked } = await answering("Email and password", ["admin@example.com", "admin-password-1"], () =>
      vscode.commands.executeCommand<{ email: string; userId: string }>("supamigrate.signIn"));
    assert.deepStrictEqual(result, { email: "admin@example.com", userId: ADMIN_ID });
    assert.strictEqual(asked.length, 2);
    assert.strictEqual(asked[1].password, true, "the password box hides what is typed");
    const session = await stored();
    assert.ok(session, "the session is in SecretStorage");
    assert.strictEqual(session.user.email, "admin@example.com");
    assert.match(session.access_token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);

    const before = (await standIn<Recorded[]>("/__stand-in/requests")).length;
    const status = await vscode.commands.executeCommand<{ summary: string }>("supamigrate.showStatus");
    assert.match(status.summary, /\d+ applied, \d+ pending, 0 drifted/);
    const calls = (await standIn<Recorded[]>("/__stand-in/requests")).slice(before).filter((r) => r.path.startsWith("/functions/"));
    assert.ok(calls.length >= 1);
    for (const call of calls) {
      assert.strictEqual(call.path, "/functions/v1/supamigrate/status");
      assert.strictEqual(call.apikey, env!.anonKey, "supabase-js sends the apikey header");
      assert.strictEqual(call.bearer, session.access_token, "the call carries the user's access token");
      assert.notStrictEqual(call.bearer, env!.token);
      assert.strictEqual(call.region, null, "no region asked for unless set");
    }

    // supamigrate.functionRegion goes through supabase-js's functions.invoke too.
    const config = vscode.workspace.getConfiguration("supamigrate");
    await config.update("functionRegion", "eu-central-1", vscode.ConfigurationTarget.Workspace);
    try {
      const mark = (await standIn<Recorded[]>("/__stand-in/requests")).length;
      await vscode.commands.executeCommand("supamigrate.showStatus");
      const pinned = (await standIn<Recorded[]>("/__stand-in/requests")).slice(mark).filter((r) => r.path.startsWith("/functions/"));
      assert.ok(pinned.length >= 1);
      assert.deepStrictEqual(new Set(pinned.map((r) => r.region)), new Set(["eu-central-1"]));
    } finally {
      await config.update("functionRegion", undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test("Sign Out clears SecretStorage and ends the session; a non-admin signed in with an emailed code is refused (403)", async () => {
    const signedOut = (await stored())!.access_token;
    assert.strictEqual(await vscode.commands.executeCommand("supamigrate.signOut"), true);
    assert.strictEqual(await stored(), null);
    // The signed-out token is refused by the function at once, not when it expires.
    const afterSignOut = await fetch(`${env!.projectUrl}/functions/v1/supamigrate/status`, { headers: { apikey: env!.anonKey!, authorization: `Bearer ${signedOut}` } });
    assert.strictEqual(afterSignOut.status, 401);

    const code = async () => (await standIn<{ code: string }>("/__stand-in/code?email=dev%40example.com")).code;
    const { result } = await answering("Email one-time code", ["dev@example.com", code], () =>
      vscode.commands.executeCommand<{ email: string }>("supamigrate.signIn"));
    assert.strictEqual(result.email, "dev@example.com");
    assert.strictEqual((await stored())?.user.email, "dev@example.com");

    await openMigration(MIGRATION, "create table if not exists public.signed_in (id int);\nalter table public.signed_in enable row level security;\n");
    const { result: outcome, errors } = await confirmingAndCatching(() =>
      vscode.commands.executeCommand<{ error?: string }>("supamigrate.applyMigration", scriptUri(MIGRATION)));
    // status and plan show who applied what, so they are for admins too: the first call is refused.
    assert.match(outcome.error ?? "", /dev@example\.com is signed in but is not a migration admin; status needs app_metadata\.role = "admin"/);
    assert.strictEqual(errors.length, 1);
    const rows = await sql.unsafe(`select name from supamigrate.migrations where name = '${MIGRATION}'`);
    assert.strictEqual(rows.length, 0);
  });

  test("an admin applies: applied_by is the verified user; supabase-js refreshes an expiring session and stores it back", async () => {
    await vscode.commands.executeCommand("supamigrate.signOut");
    await fetch(`${env!.projectUrl}/__stand-in/expires-in?seconds=60`); // inside supabase-js's refresh margin
    await answering("Email and password", ["admin@example.com", "admin-password-1"], () => vscode.commands.executeCommand("supamigrate.signIn"));
    const first = await stored();
    assert.ok(first);
    const before = (await standIn<Recorded[]>("/__stand-in/requests")).length;

    const { result } = await confirmingAndCatching(() =>
      vscode.commands.executeCommand<{ applied: string[]; failed: unknown }>("supamigrate.applyMigration", scriptUri(MIGRATION)));
    assert.ok(result.applied.includes(MIGRATION), JSON.stringify(result));
    assert.strictEqual(result.failed, null);
    const [row] = await sql.unsafe(`select applied_by from supamigrate.migrations where name = '${MIGRATION}'`);
    assert.match(String(row.applied_by), new RegExp(`^user:${ADMIN_ID} admin@example\\.com \\(client: .+ \\(vscode\\)\\)$`));

    const since = (await standIn<Recorded[]>("/__stand-in/requests")).slice(before);
    assert.ok(since.some((r) => r.path === "/auth/v1/token?grant_type=refresh_token"), "supabase-js refreshed the session");
    const apply = since.find((r) => r.path === "/functions/v1/supamigrate/apply");
    assert.ok(apply && apply.bearer && apply.bearer !== first.access_token, "apply carried a refreshed access token");
    const latest = await stored();
    assert.ok(latest && latest.refresh_token !== first.refresh_token, "the refreshed session was stored back in SecretStorage");
  });
});
