// Backups before destructive statements and their restore by rollback (issue 19.4), on PostgreSQL 15.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type PostgresServer, startPostgres } from "../../../test/support/postgres.ts";
import { apply, migrationFile as file, runAll, session } from "../engine-harness.node.test.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});


const CREATE = file("001_create_invoices.sql", `
create table if not exists public.invoices (id bigint generated always as identity primary key, status text not null default 'open', amount int);
insert into public.invoices (status, amount) values ('paid', 10), ('open', 20), ('void', 30);
`);

test("DROP COLUMN: the column's values are copied before it is dropped, and rollback puts them back by primary key", async () => {
  const db = session(await server.createDatabase());
  try {
    await apply(db.engine, { migrations: [CREATE] });
    const drop = file("002_drop_status.sql", "alter table public.invoices drop column status;\n",
      "alter table public.invoices add column if not exists status text;\n");
    const applied = await apply(db.engine, { migrations: [CREATE, drop] });
    assert.deepEqual(applied.done.applied, ["002_drop_status.sql"]);
    const [backup] = await db.sql`select migration, kind, source, source_column, key_columns, backup_table, rows from supamigrate.backups`;
    assert.deepEqual({ ...backup }, {
      migration: "002_drop_status.sql", kind: "column", source: "public.invoices", source_column: "status", key_columns: ["id"],
      backup_table: "b1_002_drop_status_public.invoices.status", rows: "3",
    });
    const copied = await db.sql.unsafe(`select id::int, status from supamigrate_backup."b1_002_drop_status_public.invoices.status" order by id`);
    assert.deepEqual(copied.map((r) => ({ ...r })), [{ id: 1, status: "paid" }, { id: 2, status: "open" }, { id: 3, status: "void" }]);
    const [event] = await db.sql`select event, name, details->>'rows' as rows from supamigrate.events where event = 'backed-up'`;
    assert.deepEqual({ ...event }, { event: "backed-up", name: "002_drop_status.sql", rows: "3" });

    const { events, done } = await runAll(await db.engine.prepareRollback({ steps: 1 }));
    assert.deepEqual(done.applied, ["002_drop_status.sql"]);
    assert.deepEqual(events.filter((e) => e.event === "warning"), [{
      event: "warning", code: "backup-restored", name: "002_drop_status.sql",
      message: "restored 3 rows of public.invoices.status from supamigrate_backup.b1_002_drop_status_public.invoices.status (copied when 002_drop_status.sql was applied)",
    }]);
    const back = await db.sql`select id::int, status from public.invoices order by id`;
    assert.deepEqual(back.map((r) => ({ ...r })), [{ id: 1, status: "paid" }, { id: 2, status: "open" }, { id: 3, status: "void" }]);
    assert.equal((await db.sql`select restored_at is not null as restored from supamigrate.backups`)[0].restored, true);
  } finally {
    await db.close();
  }
});

test("DROP TABLE: every row comes back into the table the rollback recreates, and its identity continues after them", async () => {
  const db = session(await server.createDatabase());
  try {
    const drop = file("002_drop_invoices.sql", "drop table if exists public.invoices;\n",
      "create table if not exists public.invoices (id bigint generated always as identity primary key, status text not null default 'open', amount int);\n");
    await apply(db.engine, { migrations: [CREATE, drop] });
    assert.equal((await db.sql`select to_regclass('public.invoices') as t`)[0].t, null);
    await runAll(await db.engine.prepareRollback({ steps: 1 }));
    assert.deepEqual((await db.sql`select status from public.invoices order by id`).map((r) => r.status), ["paid", "open", "void"]);
    const [next] = await db.sql`insert into public.invoices (status) values ('new') returning id::int`;
    assert.equal(next.id, 4);
  } finally {
    await db.close();
  }
});

test("DELETE and UPDATE without WHERE, TRUNCATE: the rows are copied and restored; a DELETE with WHERE takes no backup", async () => {
  const db = session(await server.createDatabase());
  try {
    const change = file("002_reset.sql", "delete from public.invoices where amount > 100;\nupdate public.invoices set amount = 0;\ntruncate public.invoices;\n", "select 1;\n");
    await apply(db.engine, { migrations: [CREATE, change] });
    const kinds = await db.sql`select kind, rows::int from supamigrate.backups order by id`;
    assert.deepEqual(kinds.map((r) => ({ ...r })), [{ kind: "updated-rows", rows: 3 }, { kind: "deleted-rows", rows: 3 }]);
    await runAll(await db.engine.prepareRollback({ steps: 1 }));
    // Newest first: the truncated rows come back (with amount 0), then the update is undone.
    assert.deepEqual((await db.sql`select status, amount from public.invoices order by id`).map((r) => ({ ...r })), [
      { status: "paid", amount: 10 }, { status: "open", amount: 20 }, { status: "void", amount: 30 },
    ]);
  } finally {
    await db.close();
  }
});

test("above the cap the file is refused at the statement (SM003, nothing applied); skipBackups with a reason applies it and logs why", async () => {
  const db = session(await server.createDatabase(), { backupMaxBytes: 1024 });
  try {
    await apply(db.engine, { migrations: [CREATE] });
    const drop = file("002_drop_status.sql", "-- no longer used\nalter table public.invoices drop column status;\n", "alter table public.invoices add column status text;\n");
    const refused = await apply(db.engine, { migrations: [CREATE, drop] });
    assert.equal(refused.done.failed?.code, "SM003");
    assert.equal(refused.done.failed?.line, 2);
    assert.match(refused.done.failed!.message, /^public\.invoices is \d+ kB, above the backup cap of 1024 bytes, so it was not copied before 002_drop_status\.sql/);
    assert.match(refused.done.failed!.hint ?? "", /pg_dump -t public\.invoices.*--skip-backups --reason/);
    assert.equal((await db.sql`select count(*)::int as n from information_schema.columns where table_name = 'invoices' and column_name = 'status'`)[0].n, 1);

    const skipped = await apply(db.engine, { migrations: [CREATE, drop], skipBackups: { reason: "pg_dump taken: s3://backups/invoices.dump" } });
    assert.deepEqual(skipped.done.applied, ["002_drop_status.sql"]);
    assert.equal((await db.sql`select count(*)::int as n from supamigrate.backups`)[0].n, 0);
    const [started] = await db.sql`select details->>'backupsSkipped' as reason from supamigrate.events where event = 'apply-started' order by id desc limit 1`;
    assert.equal(started.reason, "pg_dump taken: s3://backups/invoices.dump");
  } finally {
    await db.close();
  }
});

test("a table without a primary key: a dropped column is kept whole and not restored, and the rollback says where it is", async () => {
  const db = session(await server.createDatabase());
  try {
    const create = file("001_logs.sql", "create table if not exists public.logs (line text, level text);\ninsert into public.logs values ('a', 'info');\n");
    const drop = file("002_drop_level.sql", "alter table public.logs drop column if exists level;\n", "alter table public.logs add column if not exists level text;\n");
    await apply(db.engine, { migrations: [create, drop] });
    const { events } = await runAll(await db.engine.prepareRollback({ steps: 1 }));
    assert.deepEqual(events.filter((e) => e.event === "warning").map((e) => (e as { message: string }).message), [
      "public.logs.level: not restored: public.logs has no primary key to match rows by; the data is kept in supamigrate_backup.b1_002_drop_level_public.logs.level",
    ]);
    const kept = await db.sql.unsafe(`select line, level from supamigrate_backup."b1_002_drop_level_public.logs.level"`);
    assert.deepEqual(kept.map((r) => ({ ...r })), [{ line: "a", level: "info" }]);
  } finally {
    await db.close();
  }
});
