// `supamigrate apply/status/verify/rollback` end to end: the CLI process → the served function (real
// Deno, the real engine) → a real PostgreSQL 15.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { freePort, type PostgresServer, startPostgres } from "../support/postgres.ts";
import { waitUntil } from "../support/wait-until.ts";
import { INTERRUPTED_DIRECT_RUN, INTERRUPTED_FUNCTION_RUN } from "../../cli/interrupt.ts";
import { lines, makeProject, runCli, serveFunction, type ServedFunction, SMALL_SET, SMALL_SET_APPLIED } from "./support/cli.ts";

let pg: PostgresServer;
const cleanups: Array<() => Promise<void> | void> = [];

before(async () => {
  pg = await startPostgres();
});
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await pg?.stop();
});

async function fixture(files = SMALL_SET, env?: Record<string, string>): Promise<{ cwd: string; fn: ServedFunction; dbUrl: string }> {
  const dbUrl = await pg.createDatabase();
  const fn = await serveFunction(dbUrl, env);
  const cwd = makeProject(files);
  cleanups.push(() => fn.serve.stop(), () => rmSync(cwd, { recursive: true, force: true }));
  return { cwd, fn, dbUrl };
}

async function tracked(dbUrl: string): Promise<string[]> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    return (await sql`select name from supamigrate.migrations order by name`).map((row) => row.name as string);
  } finally {
    await sql.end();
  }
}

test("apply, a second apply that skips everything, status, verify, rollback", async () => {
  const { cwd, fn, dbUrl } = await fixture();
  const env = { ...fn.env, GITHUB_ACTOR: "octocat", GITHUB_SHA: "a".repeat(40) };

  const dry = await runCli(["apply", "--dry-run"], { cwd, env });
  assert.equal(dry.status, 0);
  assert.deepEqual(lines(dry.stdout), [
    "✓ 001_create_teams.sql  <t> (dry run)",
    "✓ 002_create_members.sql  <t> (dry run)",
    "✓ 003_create_team_sizes.sql  <t> (dry run)",
    "Dry run: would apply 3, skipped 0 (already applied), failed 0 — <t>; nothing was committed",
  ]);

  const first = await runCli(["apply"], { cwd, env });
  assert.equal(first.stderr, "");
  assert.equal(first.status, 0);
  assert.deepEqual(lines(first.stdout), SMALL_SET_APPLIED);
  assert.deepEqual(await tracked(dbUrl), ["001_create_teams.sql", "002_create_members.sql", "003_create_team_sizes.sql"]);

  const second = await runCli(["apply"], { cwd, env });
  assert.equal(second.status, 0);
  assert.deepEqual(lines(second.stdout), ["Applied 0, skipped 3 (already applied), failed 0 — <t>"]);

  const status = await runCli(["status"], { cwd, env });
  assert.equal(status.status, 0);
  const table = lines(status.stdout);
  // applied_by is the verified identity (the function's SUPAMIGRATE_TOKEN is named "default"), the CLI's actor kept as extra info
  assert.equal(table[0], "name                       applied at            by                               duration");
  assert.match(table[1], /^001_create_teams\.sql {7}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ  token:default \(client: octocat\)  <t>$/);
  assert.equal(table.length, 5);
  assert.equal(table[4], "3 applied, 0 pending, 0 drifted (compared with scripts/)");

  const json = await runCli(["status", "--format", "json"], { cwd, env });
  const parsed = JSON.parse(json.stdout);
  assert.deepEqual(parsed.applied.map((row: { name: string }) => row.name), ["001_create_teams.sql", "002_create_members.sql", "003_create_team_sizes.sql"]);
  assert.equal(parsed.applied[0].gitSha, "a".repeat(40));
  assert.deepEqual(parsed.local, { pending: [], drifted: [], missing: [] });

  const verify = await runCli(["verify"], { cwd, env });
  assert.equal(verify.status, 0);
  assert.match(lines(verify.stdout)[0], /^Event log: 4 chained events, head [0-9a-f]{64}\.$/);
  assert.equal(lines(verify.stdout)[1], "Verified: 3 deployed files match scripts/ (0 pending).");

  const dryRollback = await runCli(["rollback", "--steps", "2", "--dry-run"], { cwd, env });
  assert.equal(dryRollback.status, 0);
  assert.deepEqual(lines(dryRollback.stdout), [
    "✓ 003_create_team_sizes.sql  <t> (dry run) rolled back",
    "✓ 002_create_members.sql  <t> (dry run) rolled back",
    "Dry run: would roll back 2, failed 0 — <t>; nothing was committed",
  ]);
  assert.equal((await tracked(dbUrl)).length, 3);

  const rollback = await runCli(["rollback"], { cwd, env });
  assert.equal(rollback.status, 0);
  assert.deepEqual(lines(rollback.stdout), ["✓ 003_create_team_sizes.sql  <t> rolled back", "Rolled back 1, failed 0 — <t>"]);
  assert.deepEqual(await tracked(dbUrl), ["001_create_teams.sql", "002_create_members.sql"]);

  const to = await runCli(["rollback", "--to", "001_create_teams.sql"], { cwd, env });
  assert.equal(to.status, 0);
  assert.deepEqual(lines(to.stdout), ["✓ 002_create_members.sql  <t> rolled back", "Rolled back 1, failed 0 — <t>"]);
  assert.deepEqual(await tracked(dbUrl), ["001_create_teams.sql"]);

  const both = await runCli(["rollback", "--steps", "1", "--to", "001_create_teams.sql"], { cwd, env });
  assert.equal(both.status, 2);
  assert.equal(both.stderr, "supamigrate rollback: give either --steps N or --to NAME, not both.\n");
});

test("verify exits 1 and names a deployed file edited locally, one deleted locally, and an event changed in the log", async () => {
  const { cwd, fn, dbUrl } = await fixture();
  assert.equal((await runCli(["apply"], { cwd, env: fn.env })).status, 0);
  writeFileSync(join(cwd, "scripts/002_create_members.sql"), `${SMALL_SET["002_create_members.sql"]}-- edited after deploy\n`);
  const edited = await runCli(["verify"], { cwd, env: fn.env });
  assert.equal(edited.status, 1);
  const out = lines(edited.stdout);
  assert.match(out[0], /^drift: scripts\/002_create_members\.sql was edited after it was deployed \(deployed checksum [0-9a-f]{12}, local [0-9a-f]{12}\): restore the deployed text and put the change in a new migration\.$/);
  assert.equal(out.at(-1), "Verify failed: 1 of 3 deployed files drifted.");

  // apply refuses too (409 drift): exit 1, nothing applied
  const apply = await runCli(["apply"], { cwd, env: fn.env });
  assert.equal(apply.status, 1);
  assert.match(apply.stderr, /^supamigrate apply: 1 applied file differs from the deployed version: 002_create_members\.sql/);

  writeFileSync(join(cwd, "scripts/002_create_members.sql"), SMALL_SET["002_create_members.sql"]);
  unlinkSync(join(cwd, "scripts/001_create_teams.sql"));
  const deleted = await runCli(["verify"], { cwd, env: fn.env });
  assert.equal(deleted.status, 1);
  assert.deepEqual(lines(deleted.stdout).filter((line) => !line.startsWith("Event log:")), [
    "drift: scripts/001_create_teams.sql was deployed but is missing locally: restore it (e.g. `git checkout <deployed commit> -- scripts/001_create_teams.sql`); a deployed migration is never deleted or renamed.",
    "Verify failed: 1 of 3 deployed files drifted.",
  ]);
  // apply refuses the deleted file as drift too, where it used to exit 0 and say nothing.
  const applyDeleted = await runCli(["apply"], { cwd, env: fn.env });
  assert.equal(applyDeleted.status, 1);
  assert.match(applyDeleted.stderr, /1 applied file is missing from the request \(deleted or renamed locally\): 001_create_teams\.sql/);

  // An event rewritten with the append-only trigger disabled (as a migration, the table's owner, could).
  writeFileSync(join(cwd, "scripts/001_create_teams.sql"), SMALL_SET["001_create_teams.sql"]);
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`alter table supamigrate.events disable trigger events_append_only;
      update supamigrate.events set actor = 'someone-else' where event = 'applied' and name = '002_create_members.sql';
      alter table supamigrate.events enable trigger events_append_only`);
    const [{ id }] = await sql`select id::int from supamigrate.events where actor = 'someone-else'`;
    const tampered = await runCli(["verify"], { cwd, env: fn.env });
    assert.equal(tampered.status, 1);
    assert.equal(lines(tampered.stdout)[0], `drift: supamigrate.events #${id} does not match its hash: it was changed after it was written. ` +
      "The event log is the audit trail of every apply and rollback: find who changed it (a migration runs as the table's owner), and keep the log as it is.");
  } finally {
    await sql.end();
  }
});

test("a failing migration: exit 1, the failure at its file and line, and a GitHub annotation there", async () => {
  const files = {
    "001_create_teams.sql": SMALL_SET["001_create_teams.sql"],
    "002_add_column.sql": "-- adds a column\n\nalter table public.team add column motto text;\n",
  };
  const { cwd, fn, dbUrl } = await fixture(files);
  const result = await runCli(["apply", "--format", "github"], { cwd, env: fn.env });
  assert.equal(result.status, 1);
  assert.deepEqual(lines(result.stdout), [
    "✓ 001_create_teams.sql  <t>",
    "✗ 002_add_column.sql  <t>",
    '  scripts/002_add_column.sql:3:1: error 42P01: relation "public.team" does not exist',
    '::error file=scripts/002_add_column.sql,line=3,col=1,title=42P01::relation "public.team" does not exist',
    "Applied 1, skipped 0 (already applied), failed 1 (002_add_column.sql) — <t>",
  ]);
  assert.deepEqual(await tracked(dbUrl), ["001_create_teams.sql"]);
});

test("apply resumes by itself when the function stops for its time budget", async () => {
  const { cwd, fn, dbUrl } = await fixture(SMALL_SET, { SUPAMIGRATE_TIME_BUDGET_MS: "1" });
  const result = await runCli(["apply"], { cwd, env: fn.env });
  assert.equal(result.stderr, "");
  assert.equal(result.status, 0);
  assert.deepEqual(lines(result.stdout), [
    "✓ 001_create_teams.sql  <t>",
    "… the function stopped for its time budget; resuming (call 2)",
    "✓ 002_create_members.sql  <t>",
    "… the function stopped for its time budget; resuming (call 3)",
    "✓ 003_create_team_sizes.sql  <t>",
    "Applied 3, skipped 0 (already applied), failed 0 — <t> in 3 calls (resumed after the function's time budget)",
  ]);
  assert.equal((await tracked(dbUrl)).length, 3);
});

test("apply whose output nobody reads (`| head`) still applies every file, over several calls, and exits 0", async () => {
  const { cwd, fn, dbUrl } = await fixture(SMALL_SET, { SUPAMIGRATE_TIME_BUDGET_MS: "1" });
  const result = await runCli(["apply"], { cwd, env: fn.env, readerLeaves: true });
  assert.equal(result.stderr, "");
  assert.equal(result.status, 0);
  assert.deepEqual(await tracked(dbUrl), ["001_create_teams.sql", "002_create_members.sql", "003_create_team_sizes.sql"]);
});

/** A quick file, one that takes two seconds, a quick one: Ctrl-C comes while the second runs. */
const SLOW_MIDDLE: Record<string, string> = {
  "001_first.sql": "create table if not exists public.first (id int primary key);\n",
  "002_slow.sql": "select pg_sleep(2);\n",
  "003_last.sql": "create table if not exists public.last (id int primary key);\n",
};
const ALL_THREE = ["001_first.sql", "002_slow.sql", "003_last.sql"];

test("Ctrl-C during an apply through the function: exit 130, and it says (rightly) that the function finishes the call", async () => {
  const { cwd, fn, dbUrl } = await fixture(SLOW_MIDDLE);
  const result = await runCli(["apply"], { cwd, env: fn.env, interruptWhen: /✓ 001_first\.sql/ });
  assert.equal(result.status, 130);
  assert.equal(result.stderr, `supamigrate apply: interrupted (SIGINT). ${INTERRUPTED_FUNCTION_RUN}\n`);
  assert.deepEqual(lines(result.stdout), ["✓ 001_first.sql  <t>"]);
  // What the message promises: the function goes on without the CLI and records every file of the call.
  assert.ok(await waitUntil(async () => (await tracked(dbUrl)).length === 3, 15_000) >= 0, "the function did not finish the call");
  assert.deepEqual(await tracked(dbUrl), ALL_THREE);
});

test("Ctrl-C during an apply with --db-url: exit 130, and it says (rightly) that the running file is rolled back", async () => {
  const dbUrl = await pg.createDatabase();
  const cwd = makeProject(SLOW_MIDDLE);
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const result = await runCli(["apply", "--db-url", dbUrl], { cwd, interruptWhen: /✓ 001_first\.sql/ });
  assert.equal(result.status, 130);
  assert.equal(result.stderr, `supamigrate apply: interrupted (SIGINT). ${INTERRUPTED_DIRECT_RUN}\n`);
  // Postgres notices the closed connection within client_connection_check_interval (1 s) and ends the file.
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const ended = await waitUntil(async () => (await sql`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and query like '%pg_sleep(2)%' and pid <> pg_backend_pid()`)[0].n === 0, 15_000);
    assert.ok(ended >= 0, "the interrupted file's session is still running");
    assert.equal((await sql`select to_regclass('public.last') as t`)[0].t, null);
  } finally {
    await sql.end();
  }
  assert.deepEqual(await tracked(dbUrl), ["001_first.sql"]);
});

test("--format json: the events as NDJSON and one combined done line", async () => {
  const { cwd, fn } = await fixture();
  const result = await runCli(["apply", "--format", "json", "--to", "002_create_members.sql"], { cwd, env: fn.env });
  assert.equal(result.status, 0);
  const events = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(events.map((e) => e.event), ["start", "migration-start", "applied", "migration-start", "applied", "done"]);
  assert.deepEqual(events[0], { event: "start", pending: ["001_create_teams.sql", "002_create_members.sql"], dryRun: false });
  const done = events.at(-1);
  assert.deepEqual({ ...done, durationMs: 0 }, {
    event: "done", applied: ["001_create_teams.sql", "002_create_members.sql"], failed: null, stoppedBy: null,
    rounds: 1, skipped: [], dryRun: false, durationMs: 0,
  });
});

test("a wrong token: exit 3 (not authorized), a message that says what to fix, and the token never printed", async () => {
  const { cwd, fn } = await fixture();
  const wrong = "wrong-token-0123456789abcdefghijklmnop";
  for (const args of [["status"], ["apply"], ["verify"]]) {
    const result = await runCli(args, { cwd, env: { ...fn.env, SUPAMIGRATE_TOKEN: wrong } });
    assert.equal(result.status, 3, args.join(" "));
    assert.match(result.stderr, new RegExp(`^supamigrate ${args[0]}: SUPAMIGRATE_TOKEN is missing or wrong: .* refused the call \\(401\\) — the token is wrong\\.`));
    for (const output of [result.stdout, result.stderr]) {
      assert.ok(!output.includes(wrong));
      assert.ok(!output.includes(fn.env.SUPAMIGRATE_TOKEN));
    }
  }
  const missing = await runCli(["status"], { cwd, env: { SUPAMIGRATE_URL: fn.env.SUPAMIGRATE_URL } });
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /the token is missing \(SUPAMIGRATE_TOKEN is not set\)/);
});

test("an unreachable URL or no URL at all: exit 2 with what to check", async () => {
  const cwd = makeProject(SMALL_SET);
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${await freePort()}/functions/v1/supamigrate`;
  const result = await runCli(["status", "--url", url], { cwd, env: { SUPAMIGRATE_TOKEN: "x".repeat(40) } });
  assert.equal(result.status, 2);
  assert.equal(
    result.stderr,
    `supamigrate status: could not reach ${url} (ECONNREFUSED) after 3 attempts: is the function deployed / is \`supamigrate serve\` running? Check --url or SUPAMIGRATE_URL and your network.\n`,
  );
  const none = await runCli(["apply"], { cwd });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^supamigrate apply: no function URL: pass --url https:\/\/<project-ref>\.supabase\.co\/functions\/v1\/supamigrate or set SUPAMIGRATE_URL/);
  const noDir = await runCli(["apply", "--dir", "nope", "--url", url], { cwd });
  assert.equal(noDir.status, 2);
  assert.equal(noDir.stderr, "supamigrate apply: no migrations folder at nope: run from the project root, pass --dir <folder>, or set \"migrationsDir\" in supamigrate.json.\n");
});

test("an empty migrations folder: exit 2, says so, and sends nothing", async () => {
  const cwd = makeProject({ "notes.txt": "not a migration" });
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  // Nothing listens at the URL: a request would end in "could not reach".
  const url = `http://127.0.0.1:${await freePort()}/functions/v1/supamigrate`;
  const result = await runCli(["apply", "--url", url], { cwd, env: { SUPAMIGRATE_TOKEN: "x".repeat(40) } });
  assert.equal(result.status, 2);
  assert.equal(result.stderr, "supamigrate apply: no migrations in scripts: it holds no NNN_name.sql files. Run from the project root or pass --dir <folder>.\n");
});

test("a file that is not UTF-8 text: exit 2 before anything is sent, with the linter's advice", async () => {
  const cwd = makeProject({ "001_ok.sql": "select 1;\n", "002_latin1.sql": Buffer.from("select 'caf\xe9';\n", "latin1") });
  const url = `http://127.0.0.1:${await freePort()}/functions/v1/supamigrate`;
  const result = await runCli(["apply", "--url", url], { cwd, env: { SUPAMIGRATE_TOKEN: "x".repeat(40) } });
  assert.equal(result.status, 2);
  assert.equal(
    result.stderr,
    "supamigrate apply: scripts/002_latin1.sql: the file is not valid UTF-8 text (first bad byte at offset 11); save it as UTF-8 " +
      '(in VS Code: "Reopen with Encoding", then "Save with Encoding" → UTF-8) so it can be linted and applied\nNothing was sent.\n',
  );
});

test("--db-url runs the same engine directly, with the same output", async () => {
  const dbUrl = await pg.createDatabase();
  const cwd = makeProject(SMALL_SET);
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const apply = await runCli(["apply", "--db-url", dbUrl], { cwd });
  assert.equal(apply.stderr, "");
  assert.equal(apply.status, 0);
  assert.deepEqual(lines(apply.stdout), SMALL_SET_APPLIED);
  assert.deepEqual(await tracked(dbUrl), ["001_create_teams.sql", "002_create_members.sql", "003_create_team_sizes.sql"]);
  const verify = await runCli(["verify", "--db-url", dbUrl], { cwd });
  assert.equal(verify.status, 0);
  const both = await runCli(["status", "--db-url", dbUrl, "--url", "http://x/functions/v1/supamigrate"], { cwd });
  assert.equal(both.status, 2);
  assert.equal(both.stderr, "supamigrate status: give either --url (the function) or --db-url (a database), not both.\n");
});

test("every command honours supamigrate.json found above the current folder: apply, status, verify use its migrationsDir", async () => {
  const dbUrl = await pg.createDatabase();
  const fn = await serveFunction(dbUrl);
  const root = makeProject({});
  cleanups.push(() => fn.serve.stop(), () => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, "db/migrations/rollback"), { recursive: true });
  for (const [name, text] of Object.entries(SMALL_SET)) writeFileSync(join(root, "db/migrations", name), text);
  writeFileSync(join(root, "supamigrate.json"), JSON.stringify({ migrationsDir: "db/migrations" }));
  const cwd = join(root, "app/src");
  mkdirSync(cwd, { recursive: true });
  const apply = await runCli(["apply"], { cwd, env: fn.env });
  assert.equal(apply.status, 0, apply.stderr);
  assert.deepEqual(lines(apply.stdout), SMALL_SET_APPLIED);
  assert.deepEqual(await tracked(dbUrl), ["001_create_teams.sql", "002_create_members.sql", "003_create_team_sizes.sql"]);
  const verify = await runCli(["verify"], { cwd, env: fn.env });
  assert.equal(verify.status, 0);
  // A folder outside the current one is shown by its absolute path, as lint shows it.
  assert.equal(lines(verify.stdout).at(-1), `Verified: 3 deployed files match ${root}/db/migrations/ (0 pending).`);
  const status = await runCli(["status", "--format", "json"], { cwd, env: fn.env });
  assert.deepEqual(JSON.parse(status.stdout).local, { pending: [], drifted: [], missing: [] });
  // Without the file, the same folder would not be found: status then only reports the function's side.
  rmSync(join(root, "supamigrate.json"));
  const apart = await runCli(["status", "--format", "json"], { cwd, env: fn.env });
  assert.equal(JSON.parse(apart.stdout).local, undefined);
});
