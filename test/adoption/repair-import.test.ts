// repair and import-history against a real PostgreSQL 15; the history is written by the real Supabase CLI (2.117.0).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { createEngine } from "../../shared/engine/index.ts";
import type { MigrationEngine } from "../../shared/engine/types.ts";
import { migrationChecksum } from "../../shared/migrations/index.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { ROOT, runCli } from "../cli/support/cli.ts";
import { applyByHand, seed } from "./support.ts";

/** The pinned Supabase CLI (package.json devDependencies; `npx supabase --version` = 2.117.0), run with cwd = a temp project. */
const SUPABASE_CLI = join(ROOT, "node_modules", ".bin", "supabase");
let pg: PostgresServer;
const closers: Array<() => Promise<unknown>> = [];

before(async () => {
  pg = await startPostgres();
});
after(async () => {
  for (const close of closers) await close().catch(() => {});
  await pg?.stop();
});

function connect(url: string): { engine: MigrationEngine; sql: postgres.Sql } {
  const engine = createEngine(postgres(url, { max: 2, onnotice: () => {} }), { defaultActor: "tester" });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  closers.push(() => engine.close(), () => sql.end());
  return { engine, sql };
}

test("repair --accept-checksum changes only the checksum and logs reason, actor, old and new checksum; --forget removes the row", async () => {
  const url = await pg.createDatabase();
  applyByHand(url);
  const { engine, sql } = connect(url);
  const files = seed();
  const baselined = await engine.baseline!({ migrations: files });
  assert.ok(baselined.ok);
  const name = "007_create_feedback_tables.sql";
  const original = files.find((f) => f.name === name)!;
  const edited = `-- reviewed: comment-only edit\n${original.sql}`;
  const before = await sql`select * from supamigrate.migrations where name = ${name}`;

  const noReason = await engine.repair!({ action: "accept-checksum", name, sql: edited, reason: "  " });
  assert.equal(!noReason.ok && noReason.rejection.code, "missing-reason");

  const repaired = await engine.repair!({ action: "accept-checksum", name, sql: edited, reason: "comment-only edit, reviewed in PR 42", meta: { actor: "bob" } });
  assert.ok(repaired.ok, JSON.stringify(repaired));
  const oldChecksum = await migrationChecksum(original.sql);
  const newChecksum = await migrationChecksum(edited);
  assert.deepEqual(repaired.result, { action: "accept-checksum", name, oldChecksum, newChecksum, actor: "bob" });
  const afterRows = await sql`select * from supamigrate.migrations where name = ${name}`;
  assert.deepEqual({ ...afterRows[0] }, { ...before[0], checksum: newChecksum, sql: edited }, "only the checksum and the deployed text changed");
  const [event] = await sql`select event, name, actor, details from supamigrate.events where event = 'repaired'`;
  assert.deepEqual({ ...event }, {
    event: "repaired", name, actor: "bob",
    details: { action: "accept-checksum", reason: "comment-only edit, reviewed in PR 42", oldChecksum, newChecksum },
  });
  const plan = await engine.plan({ migrations: files.map((f) => (f.name === name ? { ...f, sql: edited } : f)), placeholders: { admin_email: "a@b.co" } });
  assert.ok(plan.ok);
  assert.deepEqual(plan.plan.drifted, []);

  const same = await engine.repair!({ action: "accept-checksum", name, sql: edited, reason: "again" });
  assert.equal(!same.ok && same.rejection.code, "checksum-unchanged");
  const unknown = await engine.repair!({ action: "forget", name: "999_nope.sql", reason: "typo" });
  assert.equal(!unknown.ok && unknown.rejection.code, "not-tracked");

  // CLI: --forget with a reason; the file is pending again.
  const cwd = mkdtempSync(join(tmpdir(), "supamigrate-repair-"));
  const forgot = await runCli(["repair", "--db-url", url, "--forget", "025_create_shared_materials_table.sql", "--reason", "re-run after restore"], { cwd, env: { GITHUB_ACTOR: "carol" } });
  assert.equal(forgot.status, 0, forgot.stderr);
  const checksum025 = await migrationChecksum(files.at(-1)!.sql);
  assert.equal(forgot.stdout, `Forgot 025_create_shared_materials_table.sql (was checksum ${checksum025.slice(0, 12)}); logged as repaired by carol.\n`);
  assert.deepEqual(await sql`select name from supamigrate.migrations where name like '025%'`.then((r) => r.length), 0);
  const [logged] = await sql`select actor, details->>'reason' as reason, details->>'newChecksum' as new from supamigrate.events where event = 'repaired' order by id desc limit 1`;
  assert.deepEqual({ ...logged }, { actor: "carol", reason: "re-run after restore", new: null });

  const missingReason = await runCli(["repair", "--db-url", url, "--forget", "001_initialize_database.sql"], { cwd });
  assert.equal(missingReason.status, 2);
  assert.match(missingReason.stderr, /every repair needs --reason/);
});

test("import-history: the Supabase CLI's db push history marks the matching files (baselined, source supabase-cli)", async () => {
  const url = await pg.createDatabase();
  const project = mkdtempSync(join(tmpdir(), "supamigrate-supa-"));
  mkdirSync(join(project, "supabase", "migrations"), { recursive: true });
  const a = "create table if not exists public.notes (id bigint primary key, body text not null);\nalter table public.notes enable row level security;\n";
  const b = "alter table public.notes add column if not exists created_at timestamptz not null default now();\n";
  writeFileSync(join(project, "supabase", "migrations", "20240101120000_create_notes.sql"), a);
  writeFileSync(join(project, "supabase", "migrations", "20240102090000_add_created_at.sql"), b);
  const pushed = spawnSync(SUPABASE_CLI, ["db", "push", "--db-url", `${url}?sslmode=disable`, "--yes"], {
    cwd: project, encoding: "utf8", timeout: 120_000, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
  });
  assert.equal(pushed.status, 0, `${pushed.stdout}\n${pushed.stderr}`);
  const { engine, sql } = connect(url);
  const history = await sql`select version, name from supabase_migrations.schema_migrations order by version`;
  assert.deepEqual(history.map((r) => ({ ...r })), [
    { version: "20240101120000", name: "create_notes" },
    { version: "20240102090000", name: "add_created_at" },
  ]);

  // The team's supamigrate folder: the same two files, one renamed locally (reported), plus a new one.
  const migrations = [
    { name: "20240101120000_create_notes.sql", sql: a, rollback: null },
    { name: "20240102090000_add_created_at_column.sql", sql: b, rollback: null },
    { name: "20240103000000_add_index.sql", sql: "create index if not exists notes_created_idx on public.notes (created_at);\n", rollback: null },
  ];
  const dry = await engine.importHistory!({ migrations, dryRun: true });
  assert.ok(dry.ok);
  assert.deepEqual(dry.result, {
    dryRun: true,
    recorded: ["20240101120000_create_notes.sql"],
    alreadyTracked: [],
    unmatched: [{ version: "20240102090000", name: "add_created_at", reason: "the local file numbered 20240102090000 is 20240102090000_add_created_at_column.sql, not 20240102090000_add_created_at.sql" }],
    acknowledged: [],
  });

  const fixed = migrations.map((m) => (m.name.includes("add_created_at") ? { ...m, name: "20240102090000_add_created_at.sql" } : m));
  const done = await engine.importHistory!({ migrations: fixed, meta: { actor: "dave" } });
  assert.ok(done.ok, JSON.stringify(done));
  assert.deepEqual(done.result, { dryRun: false, recorded: ["20240101120000_create_notes.sql", "20240102090000_add_created_at.sql"], alreadyTracked: [], unmatched: [], acknowledged: [] });
  const rows = await sql`select name, checksum, applied_by, baselined, source from supamigrate.migrations order by name`;
  assert.deepEqual(rows.map((r) => ({ ...r })), [
    { name: "20240101120000_create_notes.sql", checksum: await migrationChecksum(a), applied_by: "dave", baselined: true, source: "supabase-cli" },
    { name: "20240102090000_add_created_at.sql", checksum: await migrationChecksum(b), applied_by: "dave", baselined: true, source: "supabase-cli" },
  ]);
  const plan = await engine.plan({ migrations: fixed });
  assert.ok(plan.ok);
  assert.deepEqual(plan.plan.pending, ["20240103000000_add_index.sql"]);

  // Again, through the CLI: nothing new, both already tracked.
  const cwd = mkdtempSync(join(tmpdir(), "supamigrate-imp-"));
  mkdirSync(join(cwd, "scripts"));
  for (const m of fixed) writeFileSync(join(cwd, "scripts", m.name), m.sql);
  const cli = await runCli(["import-history", "--db-url", url], { cwd });
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(cli.stdout.trim().split("\n"), [
    "tracked  20240101120000_create_notes.sql is already in the tracking table: left as is",
    "tracked  20240102090000_add_created_at.sql is already in the tracking table: left as is",
    "Imported 0 file(s) from the Supabase CLI history.",
  ]);
});

test("import-history without a Supabase CLI history refuses (409 no-supabase-history)", async () => {
  const url = await pg.createDatabase();
  const { engine } = connect(url);
  const result = await engine.importHistory!({ migrations: [{ name: "001_a.sql", sql: "select 1;", rollback: null }], dryRun: true });
  assert.equal(!result.ok && result.rejection.code, "no-supabase-history");
});

/** `supabase db push` of these files into `url`, by the real Supabase CLI. */
function supabasePush(url: string, files: Record<string, string>): void {
  const project = mkdtempSync(join(tmpdir(), "supamigrate-supa-"));
  mkdirSync(join(project, "supabase", "migrations"), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(project, "supabase", "migrations", name), text);
  const pushed = spawnSync(SUPABASE_CLI, ["db", "push", "--db-url", `${url}?sslmode=disable`, "--yes"], {
    cwd: project, encoding: "utf8", timeout: 120_000, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
  });
  assert.equal(pushed.status, 0, `${pushed.stdout}\n${pushed.stderr}`);
}

test("import-history --accept-unmatched: a row with no local file is acknowledged with a reason and the actor (event log), and later runs exit 0", async () => {
  const url = await pg.createDatabase();
  const a = "create table if not exists public.notes (id bigint primary key, body text not null);\nalter table public.notes enable row level security;\n";
  const b = "alter table public.notes add column if not exists created_at timestamptz not null default now();\n";
  supabasePush(url, { "20240101120000_create_notes.sql": a, "20240102090000_add_created_at.sql": b });
  // The team folded 20240102090000 into another file: no local file for that history row.
  const cwd = mkdtempSync(join(tmpdir(), "supamigrate-imp-"));
  mkdirSync(join(cwd, "scripts"));
  writeFileSync(join(cwd, "scripts", "20240101120000_create_notes.sql"), a);
  writeFileSync(join(cwd, "scripts", "20240103000000_notes_created_at.sql"), b);
  const { sql } = connect(url);
  const unmatchedLine = "UNMATCHED 20240102090000_add_created_at: no local file numbered 20240102090000";
  const advice = "; 1 history row(s) match no local file: restore the file under its history name, or, after review, acknowledge the row with --accept-unmatched <row> --reason \"…\".";

  const first = await runCli(["import-history", "--db-url", url], { cwd, env: { GITHUB_ACTOR: "dave" } });
  assert.equal(first.status, 1, first.stderr);
  assert.deepEqual(first.stdout.trim().split("\n"), ["recorded 20240101120000_create_notes.sql", unmatchedLine, `Imported 1 file(s) from the Supabase CLI history${advice}`]);
  const again = await runCli(["import-history", "--db-url", url], { cwd });
  assert.equal(again.status, 1, "exits 1 until the row is matched or acknowledged");

  // Refusals: no reason, a reason without a row, a row that is not unmatched (nothing recorded).
  const noReason = await runCli(["import-history", "--db-url", url, "--accept-unmatched", "20240102090000"], { cwd });
  assert.deepEqual([noReason.status, noReason.stderr], [2, "supamigrate import-history: --accept-unmatched needs --reason \"…\" (it goes into the event log with your name).\n"]);
  const onlyReason = await runCli(["import-history", "--db-url", url, "--reason", "x"], { cwd });
  assert.deepEqual([onlyReason.status, onlyReason.stderr], [2, "supamigrate import-history: --reason goes with --accept-unmatched <row>: it says why that history row has no local file.\n"]);
  const typo = await runCli(["import-history", "--db-url", url, "--accept-unmatched", "20240102090001", "--reason", "x"], { cwd });
  assert.equal(typo.status, 2);
  assert.equal(typo.stderr, "supamigrate import-history: \"20240102090001\" (--accept-unmatched) names no unmatched row of the Supabase CLI's history: " +
    "the unmatched rows are 20240102090000_add_created_at (give the version or <version>_<name>, as import-history lists it). Nothing was recorded.\n");
  const matched = await runCli(["import-history", "--db-url", url, "--accept-unmatched", "20240101120000_create_notes", "--reason", "x"], { cwd });
  assert.equal(matched.status, 2, "a row that matches a file is not unmatched");
  const dry = await runCli(["import-history", "--db-url", url, "--dry-run", "--accept-unmatched", "20240102090000_add_created_at", "--reason", "folded into 20240103000000"], { cwd });
  assert.equal(dry.status, 0, dry.stderr);
  assert.deepEqual(dry.stdout.trim().split("\n"), [
    "tracked  20240101120000_create_notes.sql is already in the tracking table: left as is",
    "accepted 20240102090000_add_created_at matches no local file, would be acknowledged: folded into 20240103000000",
    "Dry run: would import 0 file(s) from the Supabase CLI history; 1 unmatched history row(s) acknowledged.",
  ]);
  assert.deepEqual(await sql`select id from supamigrate.events where event = 'history-row-accepted'`.then((r) => r.length), 0, "a dry run records nothing");

  const accepted = await runCli(
    ["import-history", "--db-url", url, "--accept-unmatched", "20240102090000_add_created_at.sql", "--reason", "folded into 20240103000000, PR #57"],
    { cwd, env: { GITHUB_ACTOR: "erin" } },
  );
  assert.equal(accepted.status, 0, accepted.stderr);
  const [event] = await sql`select name, actor, at, details from supamigrate.events where event = 'history-row-accepted'`;
  assert.deepEqual({ ...event, at: undefined }, {
    name: "20240102090000_add_created_at", actor: "erin", at: undefined,
    details: { version: "20240102090000", name: "add_created_at", reason: "folded into 20240103000000, PR #57", unmatched: "no local file numbered 20240102090000" },
  });
  const at = (event.at as Date).toISOString();
  const acknowledgedLine = `accepted 20240102090000_add_created_at matches no local file, acknowledged by erin at ${at}: folded into 20240103000000, PR #57`;
  assert.deepEqual(accepted.stdout.trim().split("\n"), [
    "tracked  20240101120000_create_notes.sql is already in the tracking table: left as is",
    acknowledgedLine,
    "Imported 0 file(s) from the Supabase CLI history; 1 unmatched history row(s) acknowledged.",
  ]);

  // Later runs read the acknowledgement from the log: exit 0, the row listed as accepted, nothing logged twice.
  const later = await runCli(["import-history", "--db-url", url], { cwd });
  assert.equal(later.status, 0, later.stderr);
  assert.deepEqual(later.stdout.trim().split("\n"), [
    "tracked  20240101120000_create_notes.sql is already in the tracking table: left as is",
    acknowledgedLine,
    "Imported 0 file(s) from the Supabase CLI history; 1 unmatched history row(s) acknowledged.",
  ]);
  const repeated = await runCli(["import-history", "--db-url", url, "--accept-unmatched", "20240102090000", "--reason", "again"], { cwd });
  assert.equal(repeated.status, 0, repeated.stderr);
  assert.equal(await sql`select id from supamigrate.events where event = 'history-row-accepted'`.then((r) => r.length), 1);
  // The event is chained like every other: verify finds the log intact.
  const verify = await runCli(["verify", "--db-url", url], { cwd });
  assert.equal(verify.status, 0, verify.stdout);
});
