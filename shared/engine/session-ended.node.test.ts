// Sessions killed mid-apply (pg_terminate_backend, as a DBA stops a stuck migration) leave nothing
// behind for later calls. postgres.js 3.4.9 keeps such a session's FATAL on its connection object and
// hands it to the next query that reconnects the object; the engine's calls that write nothing before
// their run starts go once more (againIfSessionEnded in index.ts).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../../test/support/postgres.ts";
import { session } from "./engine-harness.node.test.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const file = (n: number, sleep = 0) => ({
  name: `${String(n).padStart(3, "0")}_create_t${n}.sql`,
  sql: `select pg_sleep(${sleep});\ncreate table if not exists public.t${n} (id bigint primary key);\n`,
  rollback: null,
});

test("after three sessions killed mid-apply (one per pooled connection), status and apply work at once", async () => {
  const url = await server.createDatabase();
  const db = session(url); // a pool of 3
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const n of [1, 2, 3]) {
      const prepared = await db.engine.prepareApply({ migrations: [file(n, 5)] });
      assert.ok(prepared.ok);
      const running = prepared.run.run(() => {});
      let killed: number[] = [];
      for (let tries = 0; killed.length === 0 && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        killed = (await admin`select pid from pg_stat_activity where state = 'active' and query like '%pg_sleep(5)%' and pid <> pg_backend_pid()`)
          .map((row) => row.pid as number);
      }
      assert.equal(killed.length, 1, "the file's session was found");
      await admin`select pg_terminate_backend(${killed[0]})`;
      const done = await running;
      assert.deepEqual([done.applied, done.stoppedBy], [[], "error"]);
      assert.ok(["connection-lost", "57P01"].includes(done.failed?.code ?? ""), JSON.stringify(done.failed));
    }
    // Each pooled connection object is reused once more here: the first call on each used to get the
    // killed session's "terminating connection due to administrator command".
    assert.deepEqual((await db.engine.status()).applied, []);
    for (const n of [1, 2, 3]) {
      const prepared = await db.engine.prepareApply({ migrations: [file(n)] });
      assert.ok(prepared.ok, JSON.stringify(prepared));
      const done = await prepared.run.run(() => {});
      assert.deepEqual(done, { event: "done", applied: [file(n).name], failed: null, stoppedBy: null });
    }
  } finally {
    await admin.end();
    await db.close();
  }
});
