// The far-from-database warning: the engine behind a proxy that adds 10 ms each way warns, with the
// caller's advice, before the first file; next to the database, or with nothing to run, it does not.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type DelayProxy, startDelayProxy } from "../../../test/support/delay-proxy.ts";
import { type PostgresServer, startPostgres } from "../../../test/support/postgres.ts";
import { apply, eventSummary, session } from "../engine-harness.node.test.ts";

let server: PostgresServer;
let proxy: DelayProxy;
before(async () => {
  server = await startPostgres();
  proxy = await startDelayProxy({ host: "127.0.0.1", port: server.port }, 10);
});
after(async () => {
  await proxy?.close();
  await server?.stop();
});

const migrations = [
  { name: "001_create_notes.sql", sql: "create table if not exists public.notes (id bigint primary key);\n", rollback: null },
  { name: "002_create_tags.sql", sql: "create table if not exists public.tags (id bigint primary key);\n", rollback: null },
];

test("far from the database: a far-from-database warning right after start, with the round trip, the cost and the advice", async () => {
  const db = session(proxy.via(await server.createDatabase()), { farFromDatabaseAdvice: "Get closer." });
  try {
    const { events, done } = await apply(db.engine, { migrations });
    assert.deepEqual(done.applied, ["001_create_notes.sql", "002_create_tags.sql"]);
    assert.deepEqual(eventSummary(events).slice(0, 3), ["start", "warning", "migration-start 001_create_notes.sql"]);
    const warning = events[1] as { code: string; message: string };
    assert.equal(warning.code, "far-from-database");
    const match = /^a round trip to the database takes (\d+) ms from here, and each file needs at least two: ~(\d+\.\d) s of waiting for 2 files\. Get closer\.$/.exec(warning.message);
    assert.ok(match, warning.message);
    const ms = Number(match[1]);
    assert.ok(ms >= 20, `the proxy adds 20 ms a round trip, measured ${ms}`);
    assert.equal(match[2], ((4 * ms) / 1000).toFixed(1));

    // Nothing left to run: nothing to warn about.
    const again = await apply(db.engine, { migrations });
    assert.deepEqual(eventSummary(again.events), ["start", "done"]);
  } finally {
    await db.close();
  }
});

test("next to the database: no warning", async () => {
  const db = session(await server.createDatabase(), { farFromDatabaseAdvice: "Get closer." });
  try {
    const { events } = await apply(db.engine, { migrations });
    assert.deepEqual(events.filter((e) => e.event === "warning"), []);
  } finally {
    await db.close();
  }
});
