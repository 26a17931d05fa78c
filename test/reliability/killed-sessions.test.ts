// Sessions of the function killed mid-apply (pg_terminate_backend, as a DBA stops a stuck migration):
// each run ends with connection-lost and nothing half-applied, and the calls after them work at once.
// postgres.js 3.4.9 used to hand each killed session's FATAL to the next query on that pooled
// connection, which answered 503 database-unavailable. The bundle in real Deno, a real PostgreSQL 15.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { authHeaders, type BundleCopy, copyBundle, expectDone, type Fn, postJson, slowFile, terminateSleepingSession, TOKEN } from "./support.ts";

let pg: PostgresServer;
let bundle: BundleCopy;
let fn: Fn;
let sql: postgres.Sql;

before(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  bundle = copyBundle();
  fn = await bundle.start({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
});

after(async () => {
  await bundle?.cleanup();
  await sql?.end({ timeout: 5 });
  await pg?.stop();
});

test("after four of its sessions are killed mid-apply, the function's next calls work", { timeout: 60_000 }, async () => {
  for (const n of [401, 402, 403, 404]) {
    const answer = postJson(fn.base, "apply", { migrations: [slowFile(n, 5)] });
    await terminateSleepingSession(sql);
    const { done } = await expectDone(await answer);
    assert.deepEqual([done.applied, done.failed?.code, done.stoppedBy], [[], "connection-lost", "error"], `file ${n}`);
  }
  const status = await fetch(`${fn.base}/status`, { headers: authHeaders() });
  assert.equal(status.status, 200, await status.clone().text());
  assert.deepEqual((await status.json()).applied, []);
  const migrations = [401, 402, 403, 404].map((n) => slowFile(n, 0));
  const { done } = await expectDone(await postJson(fn.base, "apply", { migrations }));
  assert.deepEqual(done, { event: "done", applied: migrations.map((m) => m.name), failed: null, stoppedBy: null });
});
