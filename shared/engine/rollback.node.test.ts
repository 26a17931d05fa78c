import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type PostgresServer, startPostgres } from "../../test/support/postgres.ts";
import {
  ADMIN_EMAIL,
  apply,
  catalogSnapshot,
  eventLog,
  eventSummary,
  insertAuthUser,
  migrationFile as file,
  refusal,
  runAll,
  seedMigrations,
  session,
  tableExists,
  trackingNames,
} from "./engine-harness.node.test.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const seed = seedMigrations();
const seedNames = seed.map((m) => m.name);
const placeholders = { admin_email: ADMIN_EMAIL };

async function columns(sql: import("postgres").Sql, table: string): Promise<string[]> {
  const rows = await sql`select column_name from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`;
  return rows.map((r) => r.column_name);
}

test("rolling back 019 restores 015's tables, removes the tracking row and logs the event", async () => {
  const db = session(await server.createDatabase());
  try {
    await insertAuthUser(db.sql);
    await apply(db.engine, { migrations: seed.filter((m) => m.name !== "025_create_shared_materials_table.sql"), placeholders });
    assert.ok((await columns(db.sql, "quiz_results")).includes("total_questions"));
    const { events, done } = await runAll(await db.engine.prepareRollback({ meta: { actor: "oncall" } }));
    assert.deepEqual(events[0], { event: "start", pending: ["019_recreate_results_tables.sql"], dryRun: false });
    assert.deepEqual(eventSummary(events), ["start", "migration-start 019_recreate_results_tables.sql", "rolled-back 019_recreate_results_tables.sql", "done"]);
    assert.deepEqual(done, { event: "done", applied: ["019_recreate_results_tables.sql"], failed: null, stoppedBy: null });
    assert.deepEqual(await columns(db.sql, "quiz_results"), ["id", "user_id", "generation_id", "score", "total", "created_at"]);
    assert.deepEqual(await columns(db.sql, "writing_results"), ["id", "user_id", "generation_id", "feedback", "grade", "created_at"]);
    assert.deepEqual(await trackingNames(db.sql), seedNames.slice(0, 8));
    const [logged] = await db.sql`select event, name, actor from supamigrate.events where event like 'rollback%' or event = 'rolled-back' order by id desc limit 1`;
    assert.deepEqual({ ...logged }, { event: "rolled-back", name: "019_recreate_results_tables.sql", actor: "oncall" });
    assert.deepEqual((await eventLog(db.sql)).slice(-2).map((e) => e.event), ["rollback-started", "rolled-back"]);

    // 012's stored rollback had its placeholder substituted at apply time: no value is needed now.
    const down = await runAll(await db.engine.prepareRollback({ to: "010_create_user_system_tables.sql" }));
    assert.deepEqual(down.done.applied, ["015_create_results_tables.sql", "013_create_ai_workspace_tables.sql", "012_create_admin_user.sql"]);
    const [admin] = await db.sql`select role from public.users where email = ${ADMIN_EMAIL}`;
    assert.equal(admin.role, "user");
    assert.equal(await tableExists(db.sql, "public.quiz_results"), false);
    assert.deepEqual(await trackingNames(db.sql), seedNames.slice(0, 5));
  } finally {
    await db.close();
  }
});

test("a file without a stored rollback refuses the rollback with 409 before anything runs", async () => {
  const db = session(await server.createDatabase());
  try {
    const a = file("001_a.sql", "create table public.a (id int);", "drop table public.a;");
    const b = file("002_b.sql", "create table public.b (id int);", null);
    const c = file("003_c.sql", "create table public.c (id int);", "drop table public.c;");
    await apply(db.engine, { migrations: [a, b, c] });
    const rejection = await refusal(db.engine.prepareRollback({ steps: 3 }));
    assert.deepEqual([rejection.status, rejection.code, rejection.details], [409, "no-rollback", { names: ["002_b.sql"] }]);
    assert.match(rejection.message, /^no rollback is stored for 002_b\.sql, so it cannot be rolled back\. Add scripts\/rollback\/<name> before the file is applied; for an applied file, write the reverse as a new migration/);
    assert.equal(await tableExists(db.sql, "public.c"), true, "003 was not rolled back either");
    assert.deepEqual(await trackingNames(db.sql), ["001_a.sql", "002_b.sql", "003_c.sql"]);
    const status = await db.engine.status();
    assert.deepEqual(status.applied.map((m) => m.hasRollback), [true, false, true]);
  } finally {
    await db.close();
  }
});

test("a rollback of only comments is refused at rollback time, naming it, instead of reporting a rollback that undid nothing", async () => {
  const db = session(await server.createDatabase());
  try {
    const a = file("001_a.sql", "create table public.a (id int);", "drop table public.a;");
    const b = file("002_b.sql", "alter table public.a drop column id;", "-- rollback/002_b.sql\n-- TODO: add the column back\n");
    assert.deepEqual((await apply(db.engine, { migrations: [a, b] })).done.applied, ["001_a.sql", "002_b.sql"]);
    const rejection = await refusal(db.engine.prepareRollback({ steps: 2 }));
    assert.deepEqual([rejection.status, rejection.code, rejection.details], [400, "empty-migration", { name: "002_b.sql", rollback: true }]);
    assert.match(rejection.message, /^rollback\/002_b\.sql has no statement to run \(it is empty or only comments\), so rolling back 002_b\.sql would undo nothing\. Write the statements that reverse it\. Nothing was rolled back\.$/);
    assert.deepEqual(await trackingNames(db.sql), ["001_a.sql", "002_b.sql"], "neither file was rolled back");
    assert.equal(await tableExists(db.sql, "public.a"), true);
  } finally {
    await db.close();
  }
});

test("rollback requests are validated: steps 1..1000, steps or to, a known target", async () => {
  const db = session(await server.createDatabase());
  try {
    await apply(db.engine, { migrations: [file("001_a.sql", "select 1;", "select 1;")] });
    for (const steps of [0, 1001, 1.5]) {
      const rejection = await refusal(db.engine.prepareRollback({ steps }));
      assert.deepEqual([rejection.status, rejection.code], [400, "invalid-steps"], String(steps));
    }
    assert.equal((await refusal(db.engine.prepareRollback({ steps: 1, to: "001_a.sql" }))).code, "conflicting-options");
    const unknown = await refusal(db.engine.prepareRollback({ to: "007_x.sql" }));
    assert.deepEqual([unknown.status, unknown.code], [400, "unknown-target"]);
    assert.match(unknown.message, /"007_x\.sql" is not an applied migration/);
    // More steps than applied files rolls back everything there is.
    const all = await runAll(await db.engine.prepareRollback({ steps: 5 }));
    assert.deepEqual(all.done.applied, ["001_a.sql"]);
    const nothing = await runAll(await db.engine.prepareRollback({}));
    assert.deepEqual(nothing.events, [{ event: "start", pending: [], dryRun: false }, { event: "done", applied: [], failed: null, stoppedBy: null }]);
  } finally {
    await db.close();
  }
});

test("a rollback dry run leaves no trace; a failing rollback keeps the tracking row and logs rollback-failed", async () => {
  const db = session(await server.createDatabase());
  try {
    const a = file("001_a.sql", "create table public.a (id int);", "drop table public.a;");
    const b = file("002_b.sql", "create table public.b (id int);", "drop table public.b;\n\ndrop table public.not_there;\n");
    await apply(db.engine, { migrations: [a] });
    const catalog = await catalogSnapshot(db.sql);
    const log = await eventLog(db.sql);
    const dry = await runAll(await db.engine.prepareRollback({ dryRun: true }));
    assert.deepEqual(dry.done.applied, ["001_a.sql"]);
    assert.deepEqual(dry.events.find((e) => e.event === "rolled-back"), { event: "rolled-back", name: "001_a.sql", durationMs: (dry.events.find((e) => e.event === "rolled-back") as { durationMs: number }).durationMs, dryRun: true });
    assert.deepEqual(await catalogSnapshot(db.sql), catalog);
    assert.deepEqual(await eventLog(db.sql), log);

    await apply(db.engine, { migrations: [a, b] });
    const failed = await runAll(await db.engine.prepareRollback({}));
    assert.deepEqual(failed.done.failed, { name: "002_b.sql", code: "42P01", message: 'table "not_there" does not exist', line: 3, column: 1 });
    assert.equal(await tableExists(db.sql, "public.b"), true, "the rollback's first statement was undone");
    assert.deepEqual(await trackingNames(db.sql), ["001_a.sql", "002_b.sql"]);
    assert.deepEqual((await eventLog(db.sql)).at(-1), { event: "rollback-failed", name: "002_b.sql" });
  } finally {
    await db.close();
  }
});

test("a non-transactional rollback (DROP INDEX CONCURRENTLY) runs alone; mixed, it is refused", async () => {
  const db = session(await server.createDatabase());
  try {
    const t = file("001_t.sql", "create table public.t (id int);", "drop table public.t;");
    const idx = file("002_idx.sql", "create index concurrently t_id_idx on public.t (id);", "drop index concurrently if exists public.t_id_idx;");
    await apply(db.engine, { migrations: [t, idx] });
    const { done } = await runAll(await db.engine.prepareRollback({}));
    assert.deepEqual(done.applied, ["002_idx.sql"]);
    assert.equal(await tableExists(db.sql, "public.t_id_idx"), false);

    const mixedRollback = file("002_idx.sql", idx.sql, "drop index concurrently if exists public.t_id_idx;\nselect 1;");
    const rejected = await refusal(db.engine.prepareApply({ migrations: [t, mixedRollback] }));
    assert.equal(rejected.code, "non-transactional-mixed");
    assert.match(rejected.message, /^rollback\/002_idx\.sql:1: DROP INDEX CONCURRENTLY/);
  } finally {
    await db.close();
  }
});
