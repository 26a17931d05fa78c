import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type PostgresServer, startPostgres } from "../../../test/support/postgres.ts";
import { apply, connect, migrationFile as file, refusal, runAll, seedMigrations, session, tableExists, trackingNames } from "../engine-harness.node.test.ts";
import { createEngine, MIGRATION_LOCK_KEY } from "../index.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const seed = seedMigrations().filter((m) => m.name !== "012_create_admin_user.sql");

test("5 parallel applies on one fresh database: every file applied exactly once, the others refused or idle", async () => {
  const url = await server.createDatabase();
  const callers = Array.from({ length: 5 }, (_, i) => session(url, { defaultActor: `caller-${i}` }));
  try {
    const outcomes = await Promise.all(callers.map(async ({ engine }) => {
      const prepared = await engine.prepareApply({ migrations: seed });
      if (!prepared.ok) return { refused: prepared.rejection };
      return { ran: await runAll(prepared) };
    }));
    const applied = outcomes.flatMap((o) => ("ran" in o && o.ran ? o.ran.done.applied : []));
    assert.deepEqual([...applied].sort(), seed.map((m) => m.name).sort(), "each file applied by exactly one caller");
    for (const outcome of outcomes) {
      if ("refused" in outcome && outcome.refused) {
        assert.equal(outcome.refused.code, "lock-held");
        assert.equal(outcome.refused.status, 409);
        assert.match(outcome.refused.message, /^another apply by (caller-\d|session \d+.*) has held the migration lock since .+; wait for it to finish, then run apply again — applied files are skipped\.$/);
      } else if ("ran" in outcome && outcome.ran) {
        assert.equal(outcome.ran.done.failed, null);
      }
    }
    const [counts] = await callers[0].sql`select count(*)::int as rows, count(distinct name)::int as names from supamigrate.migrations`;
    assert.deepEqual({ ...counts }, { rows: seed.length, names: seed.length });
    assert.equal((await callers[0].engine.status()).lock, null, "the lock is free again");
  } finally {
    await Promise.all(callers.map((c) => c.close()));
  }
});

test("a held lock answers 409 naming the holder and since when; lockWaitMs waits for it", async () => {
  const url = await server.createDatabase();
  const first = session(url, { defaultActor: "alice" });
  const second = session(url, { lockWaitMs: 5000 });
  try {
    await apply(first.engine, { migrations: [file("001_a.sql", "select 1;")] });
    const holding = await first.engine.prepareApply({ migrations: [file("001_a.sql", "select 1;"), file("002_b.sql", "create table public.b (id int);")], meta: { actor: "bob" } });
    assert.ok(holding.ok);
    const status = await second.engine.status();
    assert.equal(status.lock?.holder, "bob");
    assert.ok(!Number.isNaN(Date.parse(status.lock!.since)));
    const impatient = session(url);
    try {
      const rejection = await refusal(impatient.engine.prepareApply({ migrations: [file("001_a.sql", "select 1;")] }));
      assert.equal(rejection.code, "lock-held");
      assert.equal(rejection.message, `another apply by bob has held the migration lock since ${status.lock!.since}; wait for it to finish, then run apply again — applied files are skipped.`);
      assert.deepEqual(rejection.details, { holder: "bob", since: status.lock!.since });
      const [logged] = await impatient.sql`select event from supamigrate.events order by id desc limit 1`;
      assert.equal(logged.event, "lock-refused");
    } finally {
      await impatient.close();
    }
    // The waiting caller gets the lock once the holder finishes, and finds nothing left to do.
    const waiting = second.engine.prepareApply({ migrations: [file("001_a.sql", "select 1;"), file("002_b.sql", "create table public.b (id int);")] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { done } = await runAll(holding);
    assert.deepEqual(done.applied, ["002_b.sql"]);
    const after = await waiting;
    assert.ok(after.ok);
    assert.deepEqual(after.run.pending, [], "re-checked under the lock: 002 was applied meanwhile");
    await after.run.cancel();
    assert.equal((await first.engine.status()).lock, null);
  } finally {
    await first.close();
    await second.close();
  }
});

test("a session that dies mid-file loses nothing: the file is rolled back, the lock freed, the stale holder ignored", async () => {
  const url = await server.createDatabase();
  const crashing = session(url);
  const next = session(url);
  const admin = connect(url, 1);
  const files = [
    file("001_a.sql", "select 1;"),
    file("002_slow.sql", "create table public.half (id int);\nselect pg_sleep(30);"),
    file("003_c.sql", "create table public.c (id int);"),
  ];
  try {
    const holding = await crashing.engine.prepareApply({ migrations: files, meta: { actor: "crasher" } });
    assert.ok(holding.ok);
    const running = runAll(holding);
    // Wait until 002 is sleeping, then kill its session (as a crash or a failover would).
    for (let i = 0; i < 100; i++) {
      const [row] = await admin`select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()`;
      if (row.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const classid = Number(MIGRATION_LOCK_KEY >> 32n);
    const [killed] = await admin.unsafe(`select pg_terminate_backend(pid) as ok from pg_locks where locktype = 'advisory' and classid = ${classid} and granted`);
    assert.equal(killed.ok, true);
    const { done } = await running;
    assert.equal(done.stoppedBy, "error");
    assert.deepEqual(done.applied, ["001_a.sql"]);
    assert.equal(done.failed?.name, "002_slow.sql");
    // Depending on timing postgres.js sees the server's FATAL message or only the closed (or reset) socket.
    const lost = done.failed?.code === "57P01"
      ? /^terminating connection due to administrator command — the database ended the session, so Postgres rolled the file's transaction back/
      : /^(write CONNECTION_CLOSED .*|read ECONNRESET) — the connection to the database closed before 002_slow\.sql committed, so nothing of it was applied/;
    assert.match(done.failed!.message, lost, `${done.failed?.code}: ${done.failed?.message}`);
    assert.deepEqual([done.failed?.line, done.failed?.column], [2, 1]);

    assert.equal((await next.engine.status()).lock, null, "the holder row of the dead session is ignored");
    assert.equal(await tableExists(next.sql, "public.half"), false, "002 was rolled back by Postgres");
    const resumed = await runAll(await next.engine.prepareApply({ migrations: [files[0], file("002_slow.sql", files[1].sql.replace("30", "0")), files[2]] }));
    assert.deepEqual(resumed.done.applied, ["002_slow.sql", "003_c.sql"]);
    assert.deepEqual(await trackingNames(next.sql), ["001_a.sql", "002_slow.sql", "003_c.sql"]);
    // The crashed engine's pool still works (its dead connection was not handed back as if alive).
    assert.equal((await crashing.engine.status()).applied.length, 3);
  } finally {
    await admin.end();
    await crashing.close();
    await next.close();
  }
});

test("close() releases the lock of a prepared run that never ran", async () => {
  const url = await server.createDatabase();
  const sql = connect(url);
  const engine = createEngine(sql);
  const other = session(url);
  try {
    const prepared = await engine.prepareApply({ migrations: [file("001_a.sql", "select 1;")] });
    assert.ok(prepared.ok);
    assert.notEqual((await other.engine.status()).lock, null);
    await engine.close();
    assert.equal((await other.engine.status()).lock, null);
  } finally {
    await other.close();
  }
});
