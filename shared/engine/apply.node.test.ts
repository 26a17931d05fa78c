import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { migrationChecksum, substitutePlaceholders } from "../migrations/index.ts";
import { type PostgresServer, startPostgres } from "../../test/support/postgres.ts";
import {
  ADMIN_EMAIL,
  apply,
  catalogSnapshot,
  connect,
  eventLog,
  eventSummary,
  insertAuthUser,
  migrationFile as file,
  refusal,
  seedMigrations,
  session,
  tableExists,
  trackingNames,
} from "./engine-harness.node.test.ts";
import { createEngine, TRACKING_SCHEMA_VERSION } from "./index.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const seed = seedMigrations();
const placeholders = { admin_email: ADMIN_EMAIL };
const seedNames = seed.map((m) => m.name);
const upTo = (name: string) => seed.slice(0, seedNames.indexOf(name) + 1);

test("the seed set applies cleanly, is tracked exactly, and applying it again is a no-op", async () => {
  const db = session(await server.createDatabase());
  try {
    await insertAuthUser(db.sql);
    const meta = { actor: "ci@studley", gitSha: "abc1234", ciRun: "run-42" };
    const { events, done } = await apply(db.engine, { migrations: seed, placeholders, meta });
    assert.deepEqual(done, { event: "done", applied: seedNames, failed: null, stoppedBy: null });
    assert.deepEqual(events[0], { event: "start", pending: seedNames, dryRun: false });
    assert.deepEqual(eventSummary(events), [
      "start",
      ...seedNames.flatMap((name) => [`migration-start ${name}`, `applied ${name}`]),
      "done",
    ]);

    const rows = await db.sql`select name, checksum, applied_by, rollback_sql, transactional, git_sha, ci_run, statements,
      duration_ms from supamigrate.migrations order by applied_at`;
    assert.deepEqual(rows.map((r) => r.name), seedNames);
    for (const [i, row] of rows.entries()) {
      assert.equal(row.checksum, await migrationChecksum(seed[i].sql), row.name);
      assert.equal(row.rollback_sql, substitutePlaceholders(seed[i].rollback!, placeholders), row.name);
      assert.deepEqual([row.applied_by, row.git_sha, row.ci_run, row.transactional], ["ci@studley", "abc1234", "run-42", true]);
      assert.ok(Number.isInteger(row.duration_ms) && row.duration_ms >= 0);
    }
    assert.equal(rows.find((r) => r.name === "001_initialize_database.sql")!.statements, 32);
    const stored012 = rows.find((r) => r.name === "012_create_admin_user.sql")!.rollback_sql as string;
    assert.ok(stored012.includes(`lower('${ADMIN_EMAIL}')`) && !stored012.includes("${"), stored012);
    const [admin] = await db.sql`select role from public.users where email = ${ADMIN_EMAIL}`;
    assert.equal(admin.role, "admin");
    assert.deepEqual(await eventLog(db.sql), [
      { event: "apply-started", name: null },
      ...seedNames.map((name) => ({ event: "applied", name })),
    ]);

    const status = await db.engine.status();
    assert.deepEqual(status.applied.map((a) => [a.name, a.appliedBy, a.hasRollback, a.transactional, a.gitSha, a.ciRun]),
      seedNames.map((name) => [name, "ci@studley", true, true, "abc1234", "run-42"]));
    assert.equal(status.lock, null);

    const again = await apply(db.engine, { migrations: seed, placeholders });
    assert.deepEqual(again.events, [
      { event: "start", pending: [], dryRun: false },
      { event: "done", applied: [], failed: null, stoppedBy: null },
    ]);
    assert.equal((await eventLog(db.sql)).length, 11, "a no-op apply logs nothing");
  } finally {
    await db.close();
  }
});

test("the tracking schema is closed to the API roles and its event log is append-only", async () => {
  const db = session(await server.createDatabase());
  try {
    await apply(db.engine, { migrations: upTo("001_initialize_database.sql") });
    const [privileges] = await db.sql`select
      has_schema_privilege('anon', 'supamigrate', 'USAGE') as anon_usage,
      has_schema_privilege('authenticated', 'supamigrate', 'USAGE') as auth_usage,
      has_table_privilege('anon', 'supamigrate.migrations', 'SELECT') as anon_select,
      has_table_privilege('authenticated', 'supamigrate.events', 'SELECT') as auth_select,
      has_table_privilege('authenticated', 'supamigrate.migrations', 'INSERT') as auth_insert`;
    assert.deepEqual({ ...privileges }, { anon_usage: false, auth_usage: false, anon_select: false, auth_select: false, auth_insert: false });
    await assert.rejects(db.sql`update supamigrate.events set event = 'x'`, (e: Error & { code?: string }) => e.code === "42501" && /append-only: UPDATE/.test(e.message));
    await assert.rejects(db.sql`delete from supamigrate.events`, /append-only: DELETE/);
    await assert.rejects(db.sql`truncate supamigrate.events`, /append-only: TRUNCATE/);
    const [version] = await db.sql`select version from supamigrate.schema_version`;
    assert.equal(version.version, TRACKING_SCHEMA_VERSION);
  } finally {
    await db.close();
  }
});

test("drift: an edited applied file refuses the whole apply with 409 and nothing runs", async () => {
  const db = session(await server.createDatabase());
  try {
    await apply(db.engine, { migrations: upTo("007_create_notification_preferences.sql") });
    const before = await trackingNames(db.sql);
    const edited = seed.map((m) => m.name === "007_create_feedback_tables.sql" ? { ...m, sql: m.sql + "\n-- tweak\n" } : m);
    const rejection = await refusal(db.engine.prepareApply({ migrations: edited, placeholders }));
    assert.equal(rejection.status, 409);
    assert.equal(rejection.code, "drift");
    const deployed = await migrationChecksum(seed[1].sql);
    const local = await migrationChecksum(seed[1].sql + "\n-- tweak\n");
    assert.deepEqual(rejection.details, { drifted: [{ name: "007_create_feedback_tables.sql", deployedChecksum: deployed, localChecksum: local }] });
    assert.match(rejection.message, new RegExp(`007_create_feedback_tables.sql \\(deployed ${deployed}, local ${local}\\)`));
    assert.match(rejection.message, /restore the deployed version and add a new migration/);
    assert.equal(await tableExists(db.sql, "public.profiles"), false, "010_create_user_profiles did not run");
    assert.deepEqual(await trackingNames(db.sql), before);
    assert.deepEqual((await eventLog(db.sql)).at(-1), { event: "drift-refused", name: null });
    const plan = await db.engine.plan({ migrations: edited, placeholders });
    assert.ok(plan.ok);
    assert.deepEqual(plan.plan.drifted, [{ name: "007_create_feedback_tables.sql", deployedChecksum: deployed, localChecksum: local }]);
  } finally {
    await db.close();
  }
});

test("a failing file rolls back entirely and is reported at its statement's first line (comments excluded)", async () => {
  const db = session(await server.createDatabase());
  try {
    const failing = file("002_add_notes.sql", [
      "-- 002: notes",
      "create table if not exists public.notes (id int primary key);",
      "",
      "-- the next statement fails: the table does not exist",
      "/* a block comment */",
      "  alter table public.missing_table",
      "    add column x int;",
      "create table public.never (id int);",
      "",
    ].join("\n"));
    const { events, done } = await apply(db.engine, { migrations: [...upTo("001_initialize_database.sql"), failing], meta: { actor: "dev" } });
    const failure = {
      name: "002_add_notes.sql",
      code: "42P01",
      message: 'relation "public.missing_table" does not exist',
      line: 6,
      column: 3,
    };
    assert.deepEqual(done, { event: "done", applied: ["001_initialize_database.sql"], failed: failure, stoppedBy: "error" });
    assert.deepEqual(eventSummary(events).slice(-3), ["migration-start 002_add_notes.sql", "failed 002_add_notes.sql", "done"]);
    assert.deepEqual(events.at(-2), { event: "failed", ...failure });
    assert.equal(await tableExists(db.sql, "public.notes"), false, "the file's first statement was rolled back");
    assert.deepEqual(await trackingNames(db.sql), ["001_initialize_database.sql"]);
    const [logged] = await db.sql`select details from supamigrate.events where event = 'failed'`;
    assert.deepEqual(logged.details, failure);
    assert.equal((await db.engine.status()).lock, null, "the lock is released after a failure");
  } finally {
    await db.close();
  }
});

test("files sent behind a failed one never run: a statement that fails, or a COMMIT that fails (deferred constraint)", async () => {
  const behind = [file("003_after.sql", "create table public.after_failure (id int);"), file("004_later.sql", "create table public.later (id int);")];
  const failingStatement = file("002_fails.sql", "create table public.first_half (id int);\nselect 1 / 0;");
  const failingCommit = file("002_fails.sql", [
    "create table public.parent (id int primary key);",
    "create table public.child (parent_id int references public.parent deferrable initially deferred);",
    "insert into public.child values (42);",
  ].join("\n"));
  for (const [failing, code] of [[failingStatement, "22012"], [failingCommit, "23503"]] as const) {
    const db = session(await server.createDatabase());
    try {
      const { events, done } = await apply(db.engine, { migrations: [file("001_a.sql", "create table public.a (id int);"), failing, ...behind] });
      assert.deepEqual([done.applied, done.failed?.name, done.failed?.code, done.stoppedBy], [["001_a.sql"], "002_fails.sql", code, "error"]);
      assert.deepEqual(eventSummary(events).slice(-3), ["migration-start 002_fails.sql", "failed 002_fails.sql", "done"]);
      for (const table of ["public.first_half", "public.child", "public.after_failure", "public.later"]) {
        assert.equal(await tableExists(db.sql, table), false, `${table} must not exist`);
      }
      assert.deepEqual(await trackingNames(db.sql), ["001_a.sql"]);
      const failedEvents = await db.sql`select name from supamigrate.events where event = 'failed'`;
      assert.deepEqual(failedEvents.map((r) => r.name), ["002_fails.sql"]);
      // The session is clean for the next call: the fixed file and those behind it apply.
      const fixed = file("002_fails.sql", "create table public.fixed (id int);");
      const again = await apply(db.engine, { migrations: [file("001_a.sql", "create table public.a (id int);"), fixed, ...behind] });
      assert.deepEqual(again.done.applied, ["002_fails.sql", "003_after.sql", "004_later.sql"]);
    } finally {
      await db.close();
    }
  }
});

test("error positions map to the exact UTF-16 line/column after non-ASCII text and substituted placeholders", async () => {
  const db = session(await server.createDatabase());
  try {
    const text = [
      "-- café 📚 first line",
      "create table if not exists public.t1 (id int);",
      "select 'café 📚' as label, nosuch_col from public.t1;",
    ].join("\n");
    const first = await apply(db.engine, { migrations: [file("001_a.sql", text)] });
    // "select 'café 📚' as label, " is 27 UTF-16 code units (📚 is two), 26 code points.
    assert.deepEqual(first.done.failed, { name: "001_a.sql", code: "42703", message: 'column "nosuch_col" does not exist', line: 3, column: 28 });

    // A syntax error is refused before anything runs, at the parser's position.
    const syntax = "create table if not exists public.t2 (note text default 'café 📚',, b int);\n";
    const second = await refusal(db.engine.prepareApply({ migrations: [file("001_a.sql", syntax)] }));
    assert.equal(second.code, "syntax-error");
    assert.deepEqual(second.details, { name: "001_a.sql", line: 1, column: syntax.indexOf(",,") + 2, rollback: false });
    assert.equal(syntax.indexOf(",,") + 2, 67, "📚 counts as two UTF-16 code units");

    const withValue = [
      "create table if not exists public.t3 (id int);",
      "select '${who}' as label, '${who}' as again, nosuch_col from public.t3;",
    ].join("\n");
    const third = await apply(db.engine, { migrations: [file("001_a.sql", withValue)], placeholders: { who: "Zoë 📚 and a much longer value" } });
    // Column in the file as written (not in the substituted text, where the value is longer).
    assert.equal(withValue.split("\n")[1].indexOf("nosuch_col") + 1, 46);
    assert.deepEqual(third.done.failed, { name: "001_a.sql", code: "42703", message: 'column "nosuch_col" does not exist', line: 2, column: 46 });
    assert.deepEqual(await trackingNames(db.sql), []);
  } finally {
    await db.close();
  }
});

test("a file saved with a BOM and CRLF line ends applies, and a failure in one is at the column an editor shows", async () => {
  const db = session(await server.createDatabase());
  try {
    const created = "\uFEFFcreate table if not exists public.bom_t (id int primary key);\r\nalter table public.bom_t enable row level security;\r\n";
    const first = await apply(db.engine, { migrations: [file("001_a.sql", created)] });
    assert.deepEqual(first.done, { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: null });
    assert.equal(await tableExists(db.sql, "public.bom_t"), true);

    const failing = "\uFEFFselect nosuch_col from public.bom_t;\r\n";
    const second = await apply(db.engine, { migrations: [file("001_a.sql", created), file("002_b.sql", failing)] });
    assert.deepEqual(second.done.failed, { name: "002_b.sql", code: "42703", message: 'column "nosuch_col" does not exist', line: 1, column: 8 });
    assert.deepEqual(await trackingNames(db.sql), ["001_a.sql"]);
  } finally {
    await db.close();
  }
});

test("012 without its auth user fails with the migration's HINT, and nothing of it is recorded", async () => {
  const db = session(await server.createDatabase());
  try {
    const { done } = await apply(db.engine, { migrations: upTo("012_create_admin_user.sql"), placeholders });
    assert.equal(done.stoppedBy, "error");
    assert.deepEqual(done.applied, seedNames.slice(0, 5));
    const failed = done.failed!;
    assert.equal(failed.name, "012_create_admin_user.sql");
    assert.equal(failed.code, "P0001");
    assert.match(failed.message, /^no auth\.users row has the email ops\+admin@studley\.ai \(PL\/pgSQL function inline_code_block line \d+ at RAISE\)$/);
    assert.equal(failed.hint, "Create the user in the Supabase Auth dashboard first (Authentication → Users → Add user), then apply this migration again.");
    assert.deepEqual([failed.line, failed.column], [7, 1], "the DO statement's first line; the header comments don't count");
    assert.deepEqual(await trackingNames(db.sql), seedNames.slice(0, 5));
    assert.equal((await db.sql`select count(*)::int as n from public.users`)[0].n, 0);
  } finally {
    await db.close();
  }
});

test("placeholders: a missing value is a 400 before anything runs; an unsafe value too", async () => {
  const url = await server.createDatabase();
  const db = session(url);
  try {
    const missing = await refusal(db.engine.prepareApply({ migrations: seed }));
    assert.equal(missing.status, 400);
    assert.equal(missing.code, "unresolved-placeholder");
    assert.match(missing.message, /no value for \$\{admin_email\} in 012_create_admin_user\.sql\. Supply --set admin_email=<value>/);
    assert.deepEqual(missing.details, { unresolved: [{ name: "012_create_admin_user.sql", placeholder: "admin_email", inRollback: false }] });
    const unsafe = await refusal(db.engine.prepareApply({ migrations: seed, placeholders: { admin_email: "x'; drop table auth.users; --" } }));
    assert.equal(unsafe.status, 400);
    assert.equal(unsafe.code, "invalid-placeholder");
    assert.match(unsafe.message, /\$\{admin_email\} \(used by 012_create_admin_user\.sql\) contains "'"/);
    // Only in a rollback: still refused, naming the rollback.
    const onlyRollback = await refusal(db.engine.prepareApply({ migrations: [file("001_x.sql", "select 1;", "delete from t where a = '${who}';")] }));
    assert.deepEqual([onlyRollback.code, onlyRollback.details], ["unresolved-placeholder", { unresolved: [{ name: "001_x.sql", placeholder: "who", inRollback: true }] }]);
    assert.match(onlyRollback.message, /\$\{who\} in rollback\/001_x\.sql/);
    assert.equal(await tableExists(db.sql, "public.users"), false);
    assert.equal(await tableExists(db.sql, "supamigrate.migrations"), false, "a refusal creates nothing, not even the tracking schema");
  } finally {
    await db.close();
  }
});

test("a dry run reports per file and leaves no trace: catalog, tracking rows and event log unchanged", async () => {
  const db = session(await server.createDatabase());
  try {
    await insertAuthUser(db.sql);
    const fresh = await catalogSnapshot(db.sql);
    const dry = await apply(db.engine, { migrations: seed, placeholders, dryRun: true });
    assert.deepEqual(dry.done, { event: "done", applied: seedNames, failed: null, stoppedBy: null });
    assert.deepEqual(dry.events[0], { event: "start", pending: seedNames, dryRun: true });
    assert.ok(dry.events.filter((e) => e.event === "applied").every((e) => e.event === "applied" && e.dryRun === true));
    assert.deepEqual(await catalogSnapshot(db.sql), fresh, "not even the supamigrate schema was left behind");

    await apply(db.engine, { migrations: upTo("010_create_user_system_tables.sql"), placeholders });
    const catalog = await catalogSnapshot(db.sql);
    const tracked = await trackingNames(db.sql);
    const log = await eventLog(db.sql);
    const broken = file("030_broken.sql", "create table public.dry_t (id int);\nselect nosuch from public.dry_t;\n");
    const second = await apply(db.engine, { migrations: [...seed, broken], placeholders, dryRun: true });
    assert.deepEqual(second.done.applied, seedNames.slice(5));
    assert.deepEqual(second.done.failed, { name: "030_broken.sql", code: "42703", message: 'column "nosuch" does not exist', line: 2, column: 8 });
    assert.deepEqual(await catalogSnapshot(db.sql), catalog);
    assert.deepEqual(await trackingNames(db.sql), tracked);
    assert.deepEqual(await eventLog(db.sql), log);
    assert.equal((await db.sql`select count(*)::int as n from public.users`)[0].n, 0, "012's data change was rolled back too");
  } finally {
    await db.close();
  }
});

test("to: applies up to the named file inclusive; an unknown name is a 400", async () => {
  const db = session(await server.createDatabase());
  try {
    const unknown = await refusal(db.engine.prepareApply({ migrations: seed, placeholders, to: "099_nope.sql" }));
    assert.deepEqual([unknown.status, unknown.code], [400, "unknown-target"]);
    assert.match(unknown.message, /"099_nope\.sql" is not one of the migrations in the request/);
    const { done } = await apply(db.engine, { migrations: seed, to: "007_create_notification_preferences.sql" });
    assert.deepEqual(done.applied, seedNames.slice(0, 3));
  } finally {
    await db.close();
  }
});

test("a non-transactional file runs alone, is recorded with transactional=false, and cannot be mixed", async () => {
  const db = session(await server.createDatabase());
  try {
    const base = file("001_t.sql", "create table public.items (id int, code text);\ninsert into public.items values (1, 'a'), (2, 'a');\n");
    const mixed = file("002_idx.sql", "create index concurrently items_id_idx on public.items (id);\nselect 1;\n");
    const rejected = await refusal(db.engine.prepareApply({ migrations: [base, mixed] }));
    assert.deepEqual([rejected.status, rejected.code], [400, "non-transactional-mixed"]);
    assert.match(rejected.message, /^002_idx\.sql:1: CREATE INDEX CONCURRENTLY cannot run inside a transaction, so it must be the only statement in its file, but 002_idx\.sql has 2 statements/);
    assert.equal(await tableExists(db.sql, "public.items"), false, "nothing ran, not even the file before it");

    const alone = file("002_idx.sql", "-- big table: build without blocking writes\ncreate index concurrently if not exists items_id_idx on public.items (id);\n");
    const dry = await apply(db.engine, { migrations: [base, alone], dryRun: true });
    assert.deepEqual(eventSummary(dry.events), ["start", "migration-start 001_t.sql", "applied 001_t.sql", "migration-start 002_idx.sql", "warning 002_idx.sql", "done"]);
    assert.equal(dry.events.find((e) => e.event === "warning")?.event === "warning" && (dry.events.find((e) => e.event === "warning") as { code: string }).code, "non-transactional-skipped");

    const { done } = await apply(db.engine, { migrations: [base, alone] });
    assert.deepEqual(done.applied, ["001_t.sql", "002_idx.sql"]);
    const rows = await db.sql`select name, transactional, statements from supamigrate.migrations order by applied_at`;
    assert.deepEqual(rows.map((r) => [r.name, r.transactional, r.statements]), [["001_t.sql", true, 2], ["002_idx.sql", false, 1]]);
    const [index] = await db.sql`select indisvalid from pg_index where indexrelid = 'public.items_id_idx'::regclass`;
    assert.equal(index.indisvalid, true);

    // A failing CREATE UNIQUE INDEX CONCURRENTLY (duplicate codes) leaves an invalid index: dropped, nothing recorded.
    const unique = file("003_unique.sql", "create unique index concurrently items_code_key on public.items (code);");
    const failed = await apply(db.engine, { migrations: [base, alone, unique] });
    assert.equal(failed.done.failed?.code, "23505");
    assert.match(failed.done.failed!.message, /could not create unique index "items_code_key" The invalid index public\.items_code_key it left behind was dropped\.$/);
    assert.deepEqual([failed.done.failed?.line, failed.done.failed?.column], [1, 1]);
    assert.equal(await tableExists(db.sql, "public.items_code_key"), false);
    assert.deepEqual(await trackingNames(db.sql), ["001_t.sql", "002_idx.sql"]);
  } finally {
    await db.close();
  }
});

test("BEGIN/COMMIT inside a file is refused before anything runs", async () => {
  const db = session(await server.createDatabase());
  try {
    const rejected = await refusal(db.engine.prepareApply({ migrations: [file("001_tx.sql", "create table public.a (id int);\n\ncommit;\n")] }));
    assert.deepEqual([rejected.status, rejected.code], [400, "explicit-transaction"]);
    assert.match(rejected.message, /^001_tx\.sql:3: BEGIN\/COMMIT\/ROLLBACK inside a migration/);
  } finally {
    await db.close();
  }
});

test("a file wrapped whole in BEGIN … COMMIT applies without the pair, in its own transaction, with a warning", async () => {
  const db = session(await server.createDatabase());
  try {
    const wrapped = file("001_wrapped.sql", "begin;\ncreate table public.w (id int);\ninsert into public.w values (1);\ncommit;\n");
    const failing = file("002_wrapped_failing.sql", "BEGIN;\ncreate table public.x (id int);\nselect 1 / 0;\nCOMMIT;\n");
    const { events, done } = await apply(db.engine, { migrations: [wrapped, failing] });
    assert.deepEqual(events.filter((e) => e.event === "warning").map((e) => e.event === "warning" && [e.code, e.name]), [
      ["transaction-wrapper", "001_wrapped.sql"],
      ["transaction-wrapper", "002_wrapped_failing.sql"],
    ]);
    assert.deepEqual([done.applied, done.failed?.name, done.failed?.code], [["001_wrapped.sql"], "002_wrapped_failing.sql", "22012"]);
    assert.equal(await tableExists(db.sql, "public.x"), false, "the failing file's transaction was the runner's: nothing of it stayed");
    assert.deepEqual(await trackingNames(db.sql), ["001_wrapped.sql"]);
  } finally {
    await db.close();
  }
});

test("time budget: a spent budget stops after the first file; the next call resumes", async () => {
  const url = await server.createDatabase();
  const hurried = session(url, { timeBudgetMs: 0 });
  try {
    const files = upTo("007_create_notification_preferences.sql");
    const first = await apply(hurried.engine, { migrations: files });
    assert.deepEqual(first.done, { event: "done", applied: [seedNames[0]], failed: null, stoppedBy: "time-budget" });
    const warning = first.events.find((e) => e.event === "warning");
    assert.deepEqual(warning, {
      event: "warning",
      code: "time-budget",
      name: seedNames[1],
      message: `stopped before ${seedNames[1]}: the time budget of 0 ms is used up, 2 files remain; call apply again to continue (applied files are skipped).`,
    });
    assert.deepEqual((await eventLog(hurried.sql)).map((e) => e.event), ["apply-started", "applied", "time-budget"]);
    const second = await apply(hurried.engine, { migrations: files });
    assert.deepEqual(second.done.applied, [seedNames[1]]);
  } finally {
    await hurried.close();
  }
  const relaxed = session(url);
  try {
    const rest = await apply(relaxed.engine, { migrations: upTo("007_create_notification_preferences.sql") });
    assert.deepEqual(rest.done, { event: "done", applied: [seedNames[2]], failed: null, stoppedBy: null });
  } finally {
    await relaxed.close();
  }
});

test("lock_timeout: a file that needs a lock another session holds fails fast with 55P03", async () => {
  const url = await server.createDatabase();
  const db = session(url, { lockTimeoutMs: 200 });
  const blocker = connect(url, 1);
  try {
    await apply(db.engine, { migrations: [file("001_t.sql", "create table public.busy (id int);")] });
    const holder = await blocker.reserve();
    await holder.unsafe("begin; lock table public.busy in access exclusive mode;");
    const started = performance.now();
    const { done } = await apply(db.engine, { migrations: [file("001_t.sql", "create table public.busy (id int);"), file("002_alter.sql", "\nalter table public.busy add column note text;")] });
    const elapsed = performance.now() - started;
    await holder.unsafe("rollback");
    holder.release();
    assert.equal(done.failed?.code, "55P03");
    assert.equal(done.failed?.message, "canceling statement due to lock timeout");
    assert.deepEqual([done.failed?.line, done.failed?.column], [2, 1]);
    assert.match(done.failed?.hint ?? "", /lock_timeout \(200 ms\)/);
    assert.ok(elapsed < 3000, `failed in ${elapsed} ms`);
    assert.deepEqual(await trackingNames(db.sql), ["001_t.sql"]);
  } finally {
    await blocker.end();
    await db.close();
  }
});

test("statement_timeout: a long statement is cancelled with 57014 and a hint", async () => {
  const db = session(await server.createDatabase(), { statementTimeoutMs: 100 });
  try {
    const { done } = await apply(db.engine, { migrations: [file("001_slow.sql", "select pg_sleep(5);")] });
    assert.equal(done.failed?.code, "57014");
    assert.match(done.failed?.hint ?? "", /statement_timeout \(100 ms\)/);
  } finally {
    await db.close();
  }
});

test("out of order: a late 007 after 010 is applied with an out-of-order warning", async () => {
  const db = session(await server.createDatabase());
  try {
    const m001 = seed[0];
    const m007 = seed[1];
    const m010 = seed[3];
    await apply(db.engine, { migrations: [m001, m010] });
    const plan = await db.engine.plan({ migrations: [m001, m007, m010] });
    assert.ok(plan.ok);
    assert.deepEqual(plan.plan, { pending: [m007.name], applied: [m001.name, m010.name], drifted: [], missing: [], outOfOrder: [m007.name], unresolvedPlaceholders: [] });
    const { events, done } = await apply(db.engine, { migrations: [m001, m007, m010] });
    assert.deepEqual(eventSummary(events), ["start", `warning ${m007.name}`, `migration-start ${m007.name}`, `applied ${m007.name}`, "done"]);
    assert.deepEqual({ ...events[1], message: undefined }, { event: "warning", code: "out-of-order", name: m007.name, message: undefined });
    assert.match((events[1] as { message: string }).message, /sorts before 010_create_user_profiles\.sql, which is already applied/);
    assert.deepEqual(done.applied, [m007.name]);
    assert.deepEqual(await trackingNames(db.sql), [m001.name, m010.name, m007.name]);
  } finally {
    await db.close();
  }
});

test("plan reports pending, missing and unresolved placeholders without creating anything", async () => {
  const db = session(await server.createDatabase());
  try {
    const fresh = await db.engine.plan({ migrations: seed });
    assert.ok(fresh.ok);
    assert.deepEqual(fresh.plan, {
      pending: seedNames,
      applied: [],
      drifted: [],
      missing: [],
      outOfOrder: [],
      unresolvedPlaceholders: [{ name: "012_create_admin_user.sql", placeholder: "admin_email" }],
    });
    assert.equal(await tableExists(db.sql, "supamigrate.migrations"), false);
    await apply(db.engine, { migrations: upTo("007_create_feedback_tables.sql") });
    const later = await db.engine.plan({ migrations: seed.slice(1), placeholders });
    assert.ok(later.ok);
    assert.deepEqual([later.plan.applied, later.plan.missing, later.plan.pending.length], [[seedNames[1]], [seedNames[0]], 8]);
    const unknown = await db.engine.plan({ migrations: seed, to: "nope.sql" });
    assert.equal(!unknown.ok && unknown.rejection.code, "unknown-target");
  } finally {
    await db.close();
  }
});

test("a transaction-pooler URL (port 6543) is refused with 503 before any connection is made", async () => {
  const pooled = createEngine(connect("postgres://postgres@127.0.0.1:6543/postgres"));
  try {
    const rejection = await refusal(pooled.prepareApply({ migrations: seed }));
    assert.equal(rejection.status, 503);
    assert.equal(rejection.code, "transaction-pooler");
    assert.match(rejection.message, /transaction pooler \(port 6543\).*never applies without it\. Use the direct connection string \(db\.<project-ref>\.supabase\.co:5432\) or the session pooler \(port 5432\)/);
    assert.equal((await refusal(pooled.prepareRollback({}))).code, "transaction-pooler");
  } finally {
    await pooled.close();
  }
  const declared = createEngine(connect("postgres://postgres@127.0.0.1:5432/postgres"), { pooler: "transaction" });
  try {
    assert.equal((await refusal(declared.prepareApply({ migrations: seed }))).code, "transaction-pooler");
  } finally {
    await declared.close();
  }
});
