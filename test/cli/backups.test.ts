// `apply --skip-backups --reason`, `backups` and `backups prune` through the CLI (--db-url), on PostgreSQL 15.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { lines, makeProject, runCli } from "./support/cli.ts";

let pg: PostgresServer;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

const CREATE = "create table if not exists public.invoices (id bigint primary key, status text);\ninsert into public.invoices values (1, 'paid'), (2, 'open');\n";
const DROP = "alter table public.invoices drop column status;\n";
const today = () => new Date().toISOString().slice(0, 10);

test("a DROP COLUMN's backup is listed, pruned with a dry run first, and --skip-backups needs a reason", async () => {
  const url = await pg.createDatabase();
  const cwd = makeProject({ "001_invoices.sql": CREATE, "002_drop_status.sql": DROP, "rollback/002_drop_status.sql": "alter table public.invoices add column status text;\n" });
  const none = await runCli(["backups", "--db-url", url], { cwd });
  assert.equal(none.status, 0, none.stderr);
  assert.deepEqual(lines(none.stdout), ["No backups: none was taken, or all were pruned."]);

  const noReason = await runCli(["apply", "--db-url", url, "--skip-backups"], { cwd });
  assert.equal(noReason.status, 2);
  assert.match(noReason.stderr, /--skip-backups needs --reason/);

  const applied = await runCli(["apply", "--db-url", url], { cwd });
  assert.equal(applied.status, 0, applied.stderr);
  const listed = await runCli(["backups", "list", "--db-url", url], { cwd });
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual(lines(listed.stdout).map((line) => line.replace(/\d+(\.\d)? kB/g, "<size>")), [
    `supamigrate_backup.b1_002_drop_status_public.invoices.status  column of public.invoices.status before 002_drop_status.sql: 2 rows, <size>, ${today()}`,
    "1 backup, <size>. Drop the ones you no longer need with `supamigrate backups prune`.",
  ]);

  const status = await runCli(["status", "--db-url", url], { cwd });
  assert.match(status.stdout, /\nBackups: 1 \(\d+(\.\d)? kB\) of data from destructive migrations, in supamigrate_backup: `supamigrate backups` lists them, `supamigrate backups prune` drops them\.\n/);
  const unclear = await runCli(["backups", "prune", "--db-url", url], { cwd });
  assert.equal(unclear.status, 2);
  assert.match(unclear.stderr, /exactly one of --migration <file>, --older-than-days <n> or --all/);

  const dry = await runCli(["backups", "prune", "--db-url", url, "--all", "--dry-run"], { cwd });
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^Would drop supamigrate_backup\.b1_002_drop_status_public\.invoices\.status /);
  assert.match(dry.stdout, /Would drop 1 backup \(/);
  const stillThere = await runCli(["backups", "--db-url", url], { cwd });
  assert.match(stillThere.stdout, /^supamigrate_backup\.b1_/);

  const old = await runCli(["backups", "prune", "--db-url", url, "--older-than-days", "30"], { cwd });
  assert.equal(old.status, 0, old.stderr);
  assert.deepEqual(lines(old.stdout), ["No backup matched: nothing was dropped."]);
  const pruned = await runCli(["backups", "prune", "--db-url", url, "--migration", "002_drop_status.sql"], { cwd, env: { GITHUB_ACTOR: "erin" } });
  assert.equal(pruned.status, 0, pruned.stderr);
  assert.match(pruned.stdout, /Dropped 1 backup/);
  const after = await runCli(["backups", "--db-url", url], { cwd });
  assert.deepEqual(lines(after.stdout), ["No backups: none was taken, or all were pruned."]);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    assert.equal((await sql`select table_name from information_schema.tables where table_schema = 'supamigrate_backup'`).length, 0);
    const [event] = await sql`select name, actor, details->'ids' as ids from supamigrate.events where event = 'backups-pruned'`;
    assert.deepEqual({ ...event }, { name: "002_drop_status.sql", actor: "erin", ids: [1] });
  } finally {
    await sql.end();
  }
});
