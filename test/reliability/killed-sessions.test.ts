// Sessions of the function killed mid-apply (pg_terminate_backend, as a DBA stops a stuck migration):
// each run ends with connection-lost and nothing half-applied, and the calls after them work at once.
// postgres.js 3.4.9 used to hand each killed session's FATAL to the next query on that pooled
// connection, which answered 503 database-unavailable. The bundle in real Deno, a real PostgreSQL 15.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { events, post, type RunningFunction, startBundledFunction, TOKEN } from "../function/support.ts";

let pg: PostgresServer;
let fn: RunningFunction;
let admin: postgres.Sql;

before(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  admin = postgres(dbUrl, { max: 1, onnotice: () => {} });
  fn = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
});

after(async () => {
  await admin?.end();
  await fn?.stop();
  await pg?.stop();
});

const file = (n: number, sleep = 0) => ({
  name: `${String(n).padStart(3, "0")}_create_t${n}.sql`,
  sql: `select pg_sleep(${sleep});\ncreate table if not exists public.t${n} (id bigint primary key);\n`,
  rollback: null,
});

test("after four of its sessions are killed mid-apply, the function's next calls work", { timeout: 60_000 }, async () => {
  for (const n of [1, 2, 3, 4]) {
    const answer = post(fn.base, "apply", { migrations: [file(n, 5)] });
    let killed: number[] = [];
    for (let tries = 0; killed.length === 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      killed = (await admin`select pid from pg_stat_activity where state = 'active' and query like '%pg_sleep(5)%' and application_name = 'supamigrate'`)
        .map((row) => row.pid as number);
    }
    assert.equal(killed.length, 1, `the session running ${file(n).name} was found`);
    await admin`select pg_terminate_backend(${killed[0]})`;
    const list = await events(await answer);
    const done = list.at(-1) as { applied: string[]; failed: { code: string } | null; stoppedBy: string };
    assert.deepEqual([done.applied, done.failed?.code, done.stoppedBy], [[], "connection-lost", "error"], `round ${n}`);
  }
  const status = await fetch(`${fn.base}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(status.status, 200, await status.clone().text());
  assert.deepEqual((await status.json()).applied, []);
  const migrations = [1, 2, 3, 4].map((n) => file(n));
  const list = await events(await post(fn.base, "apply", { migrations }));
  assert.deepEqual(list.at(-1), { event: "done", applied: migrations.map((m) => m.name), failed: null, stoppedBy: null });
});
