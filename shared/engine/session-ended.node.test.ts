// Sessions killed mid-apply (pg_terminate_backend, as a DBA stops a stuck migration) leave nothing
// behind for later calls. postgres.js 3.4.9 keeps such a session's FATAL on its connection object and
// hands it to the next query that reconnects the object; the engine's calls that write nothing before
// their run starts go once more (againIfSessionEnded in index.ts).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { slowFile, terminateSleepingSession } from "../../test/reliability/support.ts";
import { type PostgresServer, startPostgres } from "../../test/support/postgres.ts";
import { session } from "./engine-harness.node.test.ts";
import { createEngine } from "./index.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

test("after three sessions killed mid-apply (one per pooled connection), status and apply work at once", async () => {
  const url = await server.createDatabase();
  const db = session(url); // a pool of 3
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const n of [401, 402, 403]) {
      const prepared = await db.engine.prepareApply({ migrations: [slowFile(n, 5)] });
      assert.ok(prepared.ok);
      const running = prepared.run.run(() => {});
      await terminateSleepingSession(admin);
      const done = await running;
      assert.deepEqual([done.applied, done.stoppedBy], [[], "error"]);
      assert.ok(["connection-lost", "57P01"].includes(done.failed?.code ?? ""), JSON.stringify(done.failed));
    }
    // Each pooled connection object is reused once more here: the first call on each used to get the
    // killed session's "terminating connection due to administrator command".
    assert.deepEqual((await db.engine.status()).applied, []);
    for (const n of [401, 402, 403]) {
      // Every call lists the files applied before it, as a client sending its folder does.
      const prepared = await db.engine.prepareApply({ migrations: [401, 402, 403].filter((k) => k <= n).map((k) => slowFile(k, 0)) });
      assert.ok(prepared.ok, JSON.stringify(prepared));
      const done = await prepared.run.run(() => {});
      assert.deepEqual(done, { event: "done", applied: [slowFile(n, 0).name], failed: null, stoppedBy: null });
    }
  } finally {
    await admin.end();
    await db.close();
  }
});

test("a file that kills its own session: after the pool's idle timeouts, status still reads the right rows", async () => {
  const url = await server.createDatabase();
  // The function's pool settings, with the idle timeout cut from 30 s to 1 s.
  const sql = postgres(url, { max: 3, idle_timeout: 1, prepare: false, onnotice: () => {} });
  const engine = createEngine(sql);
  try {
    const files = [
      { name: "001_a.sql", sql: "create table if not exists public.a (id int);", rollback: null },
      { name: "002_kill.sql", sql: "select pg_terminate_backend(pg_backend_pid());", rollback: null },
    ];
    const prepared = await engine.prepareApply({ migrations: files });
    assert.ok(prepared.ok);
    const done = await prepared.run.run(() => {});
    assert.deepEqual([done.applied, done.failed?.name], [["001_a.sql"], "002_kill.sql"]);
    // Before the fix the second read after an idle timeout got no rows ("reading 'exists'" of undefined): a 500.
    for (const round of [1, 2, 3]) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.deepEqual((await engine.status()).applied.map((m) => m.name), ["001_a.sql"], `round ${round}`);
    }
  } finally {
    await engine.close();
  }
});
