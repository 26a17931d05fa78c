// What runs must be what is recorded: hostile or careless files that used to be recorded as applied
// without running, escape their transaction, or leave their role or the lock behind (issue 16). The
// built bundle in real Deno, a real PostgreSQL 15; each test has a database and a function of its own.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { migrationFile as file } from "../../shared/engine/engine-harness.node.test.ts";
import { MIGRATION_LOCK_KEY } from "../../shared/engine/tracking/lock.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { assertSentence, type BundleCopy, copyBundle, errorBody, expectDone, type Fn, postJson, snapshot, TOKEN } from "./support.ts";

let pg: PostgresServer;
let bundle: BundleCopy;
const opened: postgres.Sql[] = [];

before(async () => {
  pg = await startPostgres();
  bundle = copyBundle();
});

after(async () => {
  await bundle?.cleanup();
  for (const sql of opened) await sql.end({ timeout: 5 });
  await pg?.stop();
});

/** A fresh database, an admin connection to it, and a function on it (started after `prepare`). */
async function target(prepare?: (admin: postgres.Sql, dbUrl: string) => Promise<void>): Promise<{ fn: Fn; admin: postgres.Sql; dbUrl: string }> {
  const dbUrl = await pg.createDatabase();
  const admin = postgres(dbUrl, { max: 1, onnotice: () => {} });
  opened.push(admin);
  await prepare?.(admin, dbUrl);
  const fn = await bundle.start({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
  return { fn, admin, dbUrl };
}

const first = file("001_first.sql", "create table if not exists public.first_table (id int);");

/** Sends an apply (or dry run) that must be refused before anything runs; returns the refusal. */
async function refusedBeforeRunning(fn: Fn, admin: postgres.Sql, body: Record<string, unknown>, status: number, code: string) {
  const before = await snapshot(admin);
  const refusal = await errorBody(await postJson(fn.base, "apply", body));
  assert.deepEqual([refusal.status, refusal.code], [status, code], refusal.text);
  assertSentence(refusal.message, [TOKEN]);
  assert.deepEqual(await snapshot(admin), before, "nothing was written");
  return refusal;
}

test("a NUL byte in a file's SQL (raw HTTP) is refused at its position, and nothing is recorded", async () => {
  const { fn, admin } = await target();
  const nul = file("002_nul.sql", "create table if not exists public.before_nul (id int);\n\u0000create table public.after_nul (id int);\n");
  const refusal = await refusedBeforeRunning(fn, admin, { migrations: [first, nul] }, 400, "syntax-error");
  assert.match(refusal.message, /^002_nul\.sql:2:1: the file contains a NUL byte/);
});

test("a syntax error in a later pending file refuses the whole batch: the files before it do not apply", async () => {
  const { fn, admin } = await target();
  const broken = file("002_broken.sql", "create table if not exists public.ok2 (id int);\n\ncreate table public.bad (id int,, name text);\n");
  for (const dryRun of [false, true]) {
    const refusal = await refusedBeforeRunning(fn, admin, { migrations: [first, broken], dryRun }, 400, "syntax-error");
    assert.match(refusal.message, /^002_broken\.sql:3:33: syntax error at or near ","/);
  }
});

test("an empty or comments-only file is refused, not recorded as applied", async () => {
  const { fn, admin } = await target();
  for (const text of ["", "-- TODO: write this migration\n/* later */\n", " ;\n"]) {
    const refusal = await refusedBeforeRunning(fn, admin, { migrations: [first, file("002_empty.sql", text)] }, 400, "empty-migration");
    assert.match(refusal.message, /^002_empty\.sql has no statement to run/);
  }
});

test("a file that turns standard_conforming_strings off cannot smuggle a COMMIT: refused, in a real apply and in a dry run", async () => {
  const { fn, admin } = await target();
  // The parser reads one string; with the setting off, the server would read a COMMIT and a CREATE TABLE.
  const smuggler = file("002_smuggle.sql", "set standard_conforming_strings = off;\nselect 'a\\''; commit; create table public.smuggled (id int); --';\n");
  for (const dryRun of [false, true]) {
    const refusal = await refusedBeforeRunning(fn, admin, { migrations: [first, smuggler], dryRun }, 400, "reading-setting");
    assert.match(refusal.message, /^002_smuggle\.sql:1: changes standard_conforming_strings/);
  }
});

test("with standard_conforming_strings off by the database's default, the same text runs as the one statement that was checked", async () => {
  const { fn, admin } = await target(async (sql, dbUrl) => {
    await sql.unsafe(`alter database ${new URL(dbUrl).pathname.slice(1)} set standard_conforming_strings = off`);
  });
  const text = "select 'a\\''; commit; create table public.smuggled (id int); --';\n";
  for (const dryRun of [true, false]) {
    const { done } = await expectDone(await postJson(fn.base, "apply", { migrations: [first, file("002_quoted.sql", text)], dryRun }));
    assert.deepEqual(done, { event: "done", applied: ["001_first.sql", "002_quoted.sql"], failed: null, stoppedBy: null });
    const [{ smuggled, tracked }] = await admin`select to_regclass('public.smuggled') is not null as smuggled,
      (select count(*)::int from pg_namespace where nspname = 'supamigrate') as tracked`;
    assert.equal(smuggled, false, "no COMMIT or CREATE TABLE ran outside the file's transaction");
    if (dryRun) assert.equal(tracked, 0, "the dry run left no trace");
  }
});

test("an applied file deleted locally: apply refuses as drift, exactly as verify reports it", async () => {
  const { fn, admin } = await target();
  const second = file("002_second.sql", "create table if not exists public.second_table (id int);");
  const { done } = await expectDone(await postJson(fn.base, "apply", { migrations: [first, second] }));
  assert.deepEqual(done.applied, ["001_first.sql", "002_second.sql"]);
  const third = file("003_third.sql", "create table if not exists public.third_table (id int);");
  const before = await snapshot(admin);
  const refusal = await errorBody(await postJson(fn.base, "apply", { migrations: [first, third] }));
  assert.deepEqual([refusal.status, refusal.code], [409, "drift"], refusal.text);
  assert.match(refusal.message, /1 applied file is missing from the request \(deleted or renamed locally\): 002_second\.sql/);
  const afterwards = await snapshot(admin);
  assert.deepEqual({ ...afterwards, events: null }, { ...before, events: null }, "nothing applied, nothing recorded");
  const [last] = await admin`select event, details from supamigrate.events order by id desc limit 1`;
  assert.deepEqual([last.event, last.details], ["drift-refused", { drifted: [], missing: ["002_second.sql"] }], "the refusal is logged, as drift is");
});

test("SET ROLE and SET SESSION AUTHORIZATION in a file end with it: the tracking write, later files and later requests run as the function's role", async () => {
  const { fn, admin } = await target(async (sql) => {
    // A role that may write the tracking table, so only the role reset (not a permission error) stands between it and the record.
    await sql.unsafe("create role evil_owner; grant postgres to evil_owner");
  });
  const files = [
    first,
    file("002_set_role.sql", "set role evil_owner;\ncreate table if not exists public.made_by_role (id int);"),
    file("003_who.sql", "create table public.who_003 as select current_user::text as usr, session_user::text as sess;"),
    file("004_session_authorization.sql", "set session authorization evil_owner;\ncreate table if not exists public.made_by_session (id int);"),
    file("005_who.sql", "create table public.who_005 as select current_user::text as usr, session_user::text as sess;"),
  ];
  const { done } = await expectDone(await postJson(fn.base, "apply", { migrations: files }));
  assert.deepEqual(done, { event: "done", applied: files.map((f) => f.name), failed: null, stoppedBy: null });
  const later = file("006_who.sql", "create table public.who_006 as select current_user::text as usr, session_user::text as sess;");
  assert.deepEqual((await expectDone(await postJson(fn.base, "apply", { migrations: [...files, later] }))).done.applied, ["006_who.sql"]);
  const who = await admin`select 'who_003' as t, usr, sess from public.who_003 union all select 'who_005', usr, sess from public.who_005
    union all select 'who_006', usr, sess from public.who_006 order by t`;
  assert.deepEqual(who.map((r) => [r.t, r.usr, r.sess]), [["who_003", "postgres", "postgres"], ["who_005", "postgres", "postgres"], ["who_006", "postgres", "postgres"]]);
  const [{ owner }] = await admin`select tableowner as owner from pg_tables where tablename = 'made_by_role'`;
  assert.equal(owner, "evil_owner", "the file itself did run as the role it chose");
});

test("a file that releases the migration lock (pg_advisory_unlock_all) is rolled back and not recorded", async () => {
  const { fn, admin } = await target();
  const unlocker = file("002_unlock.sql", "create table public.during_unlock (id int);\nselect pg_advisory_unlock_all();\n");
  const { done } = await expectDone(await postJson(fn.base, "apply", { migrations: [first, unlocker] }));
  assert.deepEqual(done.applied, ["001_first.sql"]);
  assert.equal(done.failed?.code, "SM002");
  assert.match(done.failed?.message ?? "", /released the migration lock/);
  const [{ table, rows }] = await admin`select to_regclass('public.during_unlock') is not null as table,
    (select count(*)::int from supamigrate.migrations where name = '002_unlock.sql') as rows`;
  assert.deepEqual([table, rows], [false, 0]);
});

test("a search_path that shadows pg_try_advisory_lock does not let a second apply past a held lock", async () => {
  const { fn, dbUrl } = await target(async (sql) => {
    await sql.unsafe(`create schema evil;
      create function evil.pg_try_advisory_lock(bigint) returns boolean language sql as 'select true';
      alter role postgres set search_path = evil, pg_catalog, public`);
  });
  const holder = postgres(dbUrl, { max: 1, onnotice: () => {} });
  opened.push(holder);
  const [{ shadowed }] = await holder`select pg_try_advisory_lock(1) as shadowed, pg_catalog.pg_advisory_unlock_all()`;
  assert.equal(shadowed, true, "the shadow is what an unqualified call reaches in a new session");
  const reserved = await holder.reserve();
  try {
    await reserved.unsafe(`select pg_catalog.pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    const refusal = await errorBody(await postJson(fn.base, "apply", { migrations: [first] }));
    assert.deepEqual([refusal.status, refusal.code], [409, "lock-held"], refusal.text);
  } finally {
    reserved.release();
  }
});

test("a role search_path set by a migration cannot make the engine's own reads lie: applied files are not run again", async () => {
  const { fn, admin, dbUrl } = await target();
  const counter = file("002_counter.sql", "create table if not exists public.counter (n int);\ninsert into public.counter values (1);");
  assert.deepEqual((await expectDone(await postJson(fn.base, "apply", { migrations: [first, counter] }))).done.applied, ["001_first.sql", "002_counter.sql"]);
  // What a migration could leave behind for every later session of the role: to_regclass that never finds the tracking table.
  await admin.unsafe(`create schema evil;
    create function evil.to_regclass(text) returns regclass language sql as 'select null::regclass';
    alter role postgres set search_path = evil, pg_catalog, public`);
  const later = await bundle.start({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
  const { done } = await expectDone(await postJson(later.base, "apply", { migrations: [first, counter] }));
  assert.deepEqual(done, { event: "done", applied: [], failed: null, stoppedBy: null });
  const [{ n }] = await admin`select count(*)::int as n from public.counter`;
  assert.equal(n, 1, "002 ran once");
});
