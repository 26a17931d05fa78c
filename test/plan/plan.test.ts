// `supamigrate plan` (issue 20.3): the deployment report for the pending files, text and JSON, and the
// Markdown checked by a snapshot (test/plan/plan.snapshot.md), on PostgreSQL 15 through --db-url.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { makeProject, runCli } from "../cli/support/cli.ts";

let pg: PostgresServer;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

const SNAPSHOT = new URL("./plan.snapshot.md", import.meta.url);
const FILES = {
  "001_profiles.sql": "create table if not exists public.profiles (id bigint primary key, name text, bio text);\nalter table public.profiles enable row level security;\n",
  "002_drop_bio.sql": "alter table public.profiles drop column if exists bio;\n",
  // Puts the column back with another type: the dry run's round trip catches it.
  "rollback/002_drop_bio.sql": "alter table public.profiles add column if not exists bio varchar(10);\n",
  "003_add_token.sql": "alter table public.profiles add column if not exists token uuid default gen_random_uuid();\n",
  "004_notes.sql": "create table if not exists public.notes (id bigint primary key, body text);\n",
  "005_require_name.sql": "alter table public.profiles alter column name set not null;\n",
};

/** Durations and row estimates vary from run to run. */
const stable = (text: string) => text.replace(/~\d+(\.\d)? (ms|s)/g, "~<t>");

test("plan --dry-run --format markdown: the checklist and each pending file (snapshot)", async () => {
  const url = await pg.createDatabase();
  const cwd = makeProject(FILES);
  const first = await runCli(["apply", "--db-url", url, "--to", "001_profiles.sql"], { cwd });
  assert.equal(first.status, 0, first.stderr);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql`insert into public.profiles select g, case when g <= 3 then null else 'p' || g end, 'bio' from generate_series(1, 2000) g`;
  await sql`analyze public.profiles`;
  await sql.end();

  const markdown = await runCli(["plan", "--db-url", url, "--dry-run", "--format", "markdown"], { cwd });
  assert.equal(markdown.status, 1, markdown.stderr);
  const got = stable(markdown.stdout);
  if (process.env.UPDATE_SNAPSHOTS === "1") writeFileSync(SNAPSHOT, got);
  assert.equal(got, readFileSync(SNAPSHOT, "utf8"));

  // Without the dry run: the NULLs are counted all the same (read only), and block.
  const text = await runCli(["plan", "--db-url", url, "--to", "005_require_name.sql"], { cwd });
  assert.equal(text.status, 1, text.stderr);
  assert.match(text.stdout, /^Deployment plan for the database given with --db-url: 4 pending files\n/);
  assert.match(text.stdout, /\n✗ Every NOT NULL added meets no NULL \(counted on the live table\): 005_require_name\.sql: public\.profiles\.name\n/);
  assert.match(text.stdout, /\n {2}NOT NULL on public\.profiles\.name: 3 of 2000 rows are NULL: the file fails \(23502\) until they are filled\n/);
  const upTo4 = await runCli(["plan", "--db-url", url, "--to", "004_notes.sql"], { cwd });
  assert.equal(upTo4.status, 0, upTo4.stderr);
  assert.match(upTo4.stdout, /\nReady to apply once the ! items are reviewed\.\n$/);
  assert.match(text.stdout, /\? No maintenance window needed \(locks, rewrites\): run with --dry-run to trace locks/);

  const json = await runCli(["plan", "--db-url", url, "--dry-run", "--format", "json", "--to", "004_notes.sql"], { cwd });
  const report = JSON.parse(json.stdout);
  assert.deepEqual(report.pending.map((f: { name: string; rollback: string }) => [f.name, f.rollback]), [
    ["002_drop_bio.sql", "present"], ["003_add_token.sql", "missing"], ["004_notes.sql", "missing"],
  ]);
  assert.deepEqual(report.pending[0].backups, [{ kind: "column", relation: "public.profiles", column: "bio" }]);
  assert.equal(report.pending[2].verdict.safeOnline, true);
  assert.equal(report.ready, false);
});
