// Direct runs read the engine's settings from the same variables as the function: a migration waiting
// behind another transaction's lock fails after SUPAMIGRATE_LOCK_TIMEOUT_MS instead of queueing every
// query behind it (issue 20.1); a malformed value is a usage error. PostgreSQL 15, through --db-url.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { makeProject, runCli } from "./support/cli.ts";

let pg: PostgresServer;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

test("SUPAMIGRATE_LOCK_TIMEOUT_MS: a file waiting for a lock fails fast (55P03) and nothing of it stays", async () => {
  const url = await pg.createDatabase();
  const cwd = makeProject({
    "001_profiles.sql": "create table if not exists public.profiles (id bigint primary key);\n",
    "002_add_bio.sql": "alter table public.profiles add column if not exists bio text;\n",
  });
  assert.equal((await runCli(["apply", "--db-url", url, "--to", "001_profiles.sql"], { cwd })).status, 0);
  const holder = postgres(url, { max: 1, onnotice: () => {} });
  const reserved = await holder.reserve();
  try {
    await reserved.unsafe("begin");
    await reserved.unsafe("select * from public.profiles"); // ACCESS SHARE, held until the transaction ends
    const started = performance.now();
    const applied = await runCli(["apply", "--db-url", url], { cwd, env: { SUPAMIGRATE_LOCK_TIMEOUT_MS: "300" } });
    const ms = performance.now() - started;
    assert.equal(applied.status, 1, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /55P03/);
    assert.match(applied.stdout, /lock timeout/i);
    assert.ok(ms < 15_000, `took ${ms} ms`);
  } finally {
    await reserved.unsafe("rollback");
    reserved.release();
    await holder.end();
  }
  const bad = await runCli(["status", "--db-url", url], { cwd, env: { SUPAMIGRATE_LOCK_TIMEOUT_MS: "soon" } });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /SUPAMIGRATE_LOCK_TIMEOUT_MS is "soon": set it to a positive whole number \(export SUPAMIGRATE_LOCK_TIMEOUT_MS=…\) or unset it to use the default/);
});
