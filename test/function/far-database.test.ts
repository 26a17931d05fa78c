// The function far from its database (a proxy adds 10 ms each way, as a function run in another
// region than its database): apply warns, and the advice names the region options.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type DelayProxy, startDelayProxy } from "../support/delay-proxy.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { events, post, type RunningFunction, startBundledFunction, TOKEN } from "./support.ts";

let pg: PostgresServer;
let proxy: DelayProxy;
let fn: RunningFunction;

before(async () => {
  pg = await startPostgres();
  proxy = await startDelayProxy({ host: "127.0.0.1", port: pg.port }, 10);
  fn = await startBundledFunction({ SUPABASE_DB_URL: proxy.via(await pg.createDatabase()), SUPAMIGRATE_TOKEN: TOKEN });
});

after(async () => {
  await fn?.stop();
  await proxy?.close();
  await pg?.stop();
});

test("apply from a function far from its database warns before the first file and says how to pass the region", async () => {
  const migrations = [{ name: "001_create_notes.sql", sql: "create table if not exists public.notes (id bigint primary key);\n", rollback: null }];
  const list = await events(await post(fn.base, "apply", { migrations }));
  assert.deepEqual(list.map((e) => e.event), ["start", "warning", "migration-start", "applied", "done"]);
  const warning = list[1] as { code: string; message: string };
  assert.equal(warning.code, "far-from-database");
  assert.match(warning.message, /^a round trip to the database takes \d+ ms from here, and each file needs at least two: ~\d+\.\d s of waiting for 1 file\. /);
  assert.match(warning.message, /pass the database's region \(supamigrate --region <region> or SUPAMIGRATE_REGION; in VS Code, supamigrate\.functionRegion\)\.$/);
});
