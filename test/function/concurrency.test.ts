// Two callers at once, and a caller that goes away mid-run: the built bundle in real Deno, the real
// engine, a real PostgreSQL 15.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import type { StatusResponse } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { authHeaders, events, expectError, post, type RunningFunction, startBundledFunction, TOKEN } from "./support.ts";

let pg: PostgresServer;
let fn: RunningFunction;
let sql: postgres.Sql;

before(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  fn = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
});

after(async () => {
  await sql?.end();
  await fn?.stop();
  await pg?.stop();
});

const slow = (name: string, seconds: number) => ({ name, sql: `select pg_sleep(${seconds});\ncreate table if not exists public.t_${name.slice(0, 3)} (id int);`, rollback: null });

test("a second apply while one runs → 409 lock-held; status shows the holder", async () => {
  // A first apply creates the tracking schema, where the lock holder is recorded.
  await events(await post(fn.base, "apply", { migrations: [slow("000_setup.sql", 0)] }));
  const setup = slow("000_setup.sql", 0);
  const first = post(fn.base, "apply", { migrations: [setup, slow("001_slow.sql", 1.5)], meta: { actor: "first-caller" } });
  try {
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.match(await expectError(await post(fn.base, "apply", { migrations: [setup, slow("001_slow.sql", 1.5)] }), 409, "lock-held"), /first-caller/);
    const status = (await (await fetch(`${fn.base}/status`, { headers: authHeaders() })).json()) as StatusResponse;
    assert.equal(status.lock?.holder, "token:default (client: first-caller)");
  } finally {
    const list = await events(await first);
    assert.deepEqual(list.at(-1), { event: "done", applied: ["001_slow.sql"], failed: null, stoppedBy: null });
  }
});

test("a client that disconnects mid-run does not stop it: the files finish and the lock is released", async () => {
  const files = [slow("000_setup.sql", 0), slow("001_slow.sql", 1.5), slow("002_slow.sql", 1), slow("003_slow.sql", 0)];
  const response = await post(fn.base, "apply", { migrations: files });
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /"event":"start"/);
  await reader.cancel();
  const deadline = Date.now() + 15_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    names = (await sql`select name from supamigrate.migrations order by name`).map((r) => r.name as string);
    if (names.length === 4) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(names, ["000_setup.sql", "001_slow.sql", "002_slow.sql", "003_slow.sql"]);
  const deadline2 = Date.now() + 5_000;
  let status: StatusResponse;
  do {
    status = (await (await fetch(`${fn.base}/status`, { headers: authHeaders() })).json()) as StatusResponse;
  } while (status.lock !== null && Date.now() < deadline2);
  assert.equal(status.lock, null);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.match(fn.process.output(), /^supamigrate POST apply 200 \d+ms stream: 2 done, stoppedBy=none, client disconnected$/m);
});
