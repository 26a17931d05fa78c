// Faults other than a killed function: PostgreSQL restarted in the middle of an apply, and a client
// that goes away mid-stream (the run goes on: it finishes, or rolls its failing file back, and the
// event log says which). The built bundle in real Deno, a real PostgreSQL 15.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import type { ApplyEvent, MigrationPayload, StatusResponse } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import {
  assertAllOrNothing, authHeaders, type BundleCopy, copyBundle, expectDone, fileStates, type Fn, functionBackends, migrationLockHolders,
  postJson, readStream, slowFile, TOKEN, waitUntil,
} from "./support.ts";

let pg: PostgresServer;
let bundle: BundleCopy;
let dbUrl: string;
let sql: postgres.Sql;
let fn: Fn;
let output = "";
/**
 * The tests share one database, and a request must list every applied file (a missing one is refused as
 * drift, as when it was deleted locally): each request lists the files earlier tests applied first.
 */
const earlier: MigrationPayload[] = [];
const listed = (files: readonly MigrationPayload[]) => [...earlier, ...files];

before(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  bundle = copyBundle();
  fn = await bundle.start({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN }, (line) => (output += `${line}\n`));
});

after(async () => {
  await bundle?.cleanup();
  await sql?.end({ timeout: 5 });
  await pg?.stop();
});

async function eventRows(actor: string): Promise<Array<{ event: string; name: string | null }>> {
  // the function records the verified identity with the client's actor as extra info
  return (await sql`select event, name from supamigrate.events where actor = ${`token:default (client: ${actor})`} order by id`).map((r) => ({ event: r.event, name: r.name }));
}

const lockFree = async () => (await migrationLockHolders(sql)).length === 0;

test("PostgreSQL restarted mid-apply: the stream ends with failed + done (stoppedBy error), no partial file, a later apply completes", { timeout: 90_000 }, async (t) => {
  const files: MigrationPayload[] = [slowFile(201, 0.3), slowFile(202, 1.5), slowFile(203, 0.3), slowFile(204, 0.3)];
  const response = await postJson(fn.base, "apply", { migrations: listed(files), meta: { actor: "restart-victim" } });
  assert.equal(response.status, 200, "the run had started: the answer is the NDJSON stream");
  let restarted: Promise<void> | null = null;
  const read = await readStream(response, (event) => {
    // Restart while 202 sleeps inside its transaction (201 is committed by then).
    if (event.event === "migration-start" && event.name === "202_slow_202.sql") restarted ??= new Promise((resolve) => setTimeout(resolve, 300)).then(() => pg.restart());
  });
  assert.ok(restarted, "202 started");
  await restarted;

  // What the client saw: a complete stream whose last lines are `failed` (for 202) and `done`.
  assert.equal(read.error, null, `the stream ended cleanly: ${String(read.error)}`);
  const failed = read.events.find((e): e is Extract<ApplyEvent, { event: "failed" }> => e.event === "failed");
  assert.ok(failed, JSON.stringify(read.events));
  assert.equal(failed.name, "202_slow_202.sql");
  // 57P01: "terminating connection due to administrator command" (pg_ctl stop -m fast); connection-lost if the socket closed first.
  assert.ok(["57P01", "connection-lost"].includes(failed.code), `failure code ${failed.code}: ${failed.message}`);
  assert.ok(failed.message.length > 20);
  t.diagnostic(`the client saw: failed ${failed.code} at ${failed.line}:${failed.column}: ${failed.message}`);
  assert.deepEqual(read.done, { event: "done", applied: ["201_slow_201.sql"], failed: read.done?.failed, stoppedBy: "error" });
  assert.equal(read.done?.failed?.name, "202_slow_202.sql");

  // No partial state: 201 fully applied, 202 not at all (its transaction died with the server), 203/204 never started.
  const states = await fileStates(sql, files).catch(async () => {
    // The test's own connection was cut by the restart too; postgres.js reconnects on the next query.
    return await fileStates(sql, files);
  });
  assert.deepEqual(assertAllOrNothing(states, "after the restart"), ["201_slow_201.sql"]);
  assert.deepEqual(await migrationLockHolders(sql), []);

  // The same function process (its pool's connections all died) applies the rest on the next call.
  assert.equal(await Promise.race([fn.process.exited.then(() => "exited"), Promise.resolve("running")]), "running", `the function survived the restart:\n${fn.process.output()}`);
  const { done } = await expectDone(await postJson(fn.base, "apply", { migrations: listed(files), meta: { actor: "restart-resume" } }));
  assert.deepEqual(done, { event: "done", applied: ["202_slow_202.sql", "203_slow_203.sql", "204_slow_204.sql"], failed: null, stoppedBy: null });
  assert.deepEqual(assertAllOrNothing(await fileStates(sql, files), "after the resumed apply"), files.map((f) => f.name));
  // The event log tells the story: 202 failed in the first run, applied in the second.
  assert.deepEqual(await eventRows("restart-victim"), [
    { event: "apply-started", name: null },
    { event: "applied", name: "201_slow_201.sql" },
  ], "the failed event could not be logged: the server was going down (the engine does not retry it)");
  assert.deepEqual((await eventRows("restart-resume")).map((e) => `${e.event} ${e.name ?? ""}`.trim()), [
    "apply-started", "applied 202_slow_202.sql", "applied 203_slow_203.sql", "applied 204_slow_204.sql",
  ]);
  earlier.push(...files);
});

test("client disconnects mid-stream: the run still finishes every file, the event log and the function's log say so", { timeout: 60_000 }, async () => {
  const files = [slowFile(301, 0.2), slowFile(302, 0.3), slowFile(303, 0.3)];
  const controller = new AbortController();
  const response = await postJson(fn.base, "apply", { migrations: listed(files), meta: { actor: "gone-ok" } }, { signal: controller.signal });
  assert.equal(response.status, 200);
  const seen: string[] = [];
  await readStream(response, (event) => {
    seen.push(event.event);
    if (event.event === "migration-start") controller.abort();
  });
  assert.ok(!seen.includes("applied"), "the client left before the first file finished");
  assert.notEqual(await waitUntil(async () => (await fileStates(sql, files)).every((s) => s.tracked === 1) && (await lockFree()), 15_000), -1, "the run finished");
  assert.deepEqual(assertAllOrNothing(await fileStates(sql, files), "after the disconnect"), files.map((f) => f.name));
  assert.deepEqual(await eventRows("gone-ok"), [
    { event: "apply-started", name: null },
    { event: "applied", name: "301_slow_301.sql" },
    { event: "applied", name: "302_slow_302.sql" },
    { event: "applied", name: "303_slow_303.sql" },
  ]);
  assert.notEqual(await waitUntil(async () => /stream: 3 done, stoppedBy=none, client disconnected/.test(output), 5_000), -1, output);
  earlier.push(...files);
});

test("client disconnects mid-stream before a failing file: that file is rolled back, the event log says failed", { timeout: 60_000 }, async () => {
  const bad: MigrationPayload = {
    name: "403_fails.sql",
    sql: "create table if not exists public.k_403 (id int, v text);\nselect pg_sleep(0.3);\ninsert into public.k_403 values (1, 'a');\nselect 1 / 0;\n",
    rollback: null,
  };
  const files = [slowFile(401, 0.2), slowFile(402, 0.2), bad];
  const controller = new AbortController();
  const response = await postJson(fn.base, "apply", { migrations: listed(files), meta: { actor: "gone-fail" } }, { signal: controller.signal });
  assert.equal(response.status, 200);
  await readStream(response, (event) => {
    if (event.event === "migration-start") controller.abort();
  });
  assert.notEqual(await waitUntil(async () => (await eventRows("gone-fail")).some((e) => e.event === "failed") && (await lockFree()), 15_000), -1, "the run ended");
  assert.deepEqual(await eventRows("gone-fail"), [
    { event: "apply-started", name: null },
    { event: "applied", name: "401_slow_401.sql" },
    { event: "applied", name: "402_slow_402.sql" },
    { event: "failed", name: "403_fails.sql" },
  ]);
  const [failed] = await sql`select details from supamigrate.events where actor = 'token:default (client: gone-fail)' and event = 'failed'`;
  assert.equal((failed.details as { code: string }).code, "22012", "division_by_zero, at its statement");
  assert.deepEqual(assertAllOrNothing(await fileStates(sql, files.slice(0, 2)), "after the disconnect"), ["401_slow_401.sql", "402_slow_402.sql"]);
  const [{ exists }] = await sql`select to_regclass('public.k_403') is not null as exists`;
  assert.equal(exists, false, "403's table was rolled back with its transaction");
  const [{ n }] = await sql`select count(*)::int as n from supamigrate.migrations where name = '403_fails.sql'`;
  assert.equal(n, 0);
  const status = (await (await fetch(`${fn.base}/status`, { headers: authHeaders() })).json()) as StatusResponse;
  assert.equal(status.lock, null);
  assert.deepEqual(await functionBackends(sql).then((pids) => pids.length <= 3), true, "the pool did not leak connections");
  earlier.push(...files.slice(0, 2));
});

test("SIGKILL during a long statement: Postgres notices the dead client within ~1 s (client_connection_check_interval), rolls the file back and frees the lock; a later apply completes", { timeout: 60_000 }, async (t) => {
  // Postgres notices a dead client only when it next reads from or writes to its socket: a backend busy
  // in a 3 s statement finishes it first. (The engine does not set client_connection_check_interval.)
  const victim = await bundle.start({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
  const files = [slowFile(501, 0.05), slowFile(502, 3)];
  const response = await postJson(victim.base, "apply", { migrations: listed(files), meta: { actor: "long-victim" } });
  let killedAt = 0;
  await readStream(response, (event) => {
    if (event.event === "migration-start" && event.name === "502_slow_502.sql") {
      setTimeout(() => {
        killedAt = Date.now();
        void victim.kill();
      }, 300);
    }
  });
  await victim.kill();
  const heldRightAfter = (await migrationLockHolders(sql)).length === 1;
  // While the orphaned statement runs, another caller is refused with the documented 409, not run concurrently.
  const refused = heldRightAfter ? await postJson(fn.base, "apply", { migrations: listed(files), meta: { actor: "long-other" } }) : null;
  if (refused) {
    const text = await refused.text();
    assert.equal(refused.status, 409, text);
    assert.match(text, /"code":"lock-held"/);
  }
  const releaseMs = await waitUntil(lockFree, 10_000);
  assert.notEqual(releaseMs, -1, "the lock was released");
  const sinceKill = Date.now() - killedAt;
  t.diagnostic(`lock still held right after the kill: ${heldRightAfter}; released ${sinceKill} ms after the kill (the statement had ~2.7 s left)`);
  // The engine sets client_connection_check_interval = 1 s for each file: the lock goes long before the 2.7 s statement would end.
  assert.ok(sinceKill < 2_000, `released within the 1 s connection check (+ slack), not when the statement ends: ${sinceKill} ms`);
  assert.deepEqual(assertAllOrNothing(await fileStates(sql, files), "after the long statement ended"), ["501_slow_501.sql"]);
  const { done } = await expectDone(await postJson(fn.base, "apply", { migrations: listed(files), meta: { actor: "long-resume" } }));
  assert.deepEqual(done, { event: "done", applied: ["502_slow_502.sql"], failed: null, stoppedBy: null });
});
