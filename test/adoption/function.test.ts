// The adoption routes over HTTP: the built bundle in real Deno, a real PostgreSQL 15 with the seed run by hand.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import type { BaselineResponse, RepairResponse } from "../../shared/protocol/adoption.ts";
import { type PostgresServer, psql, startPostgres } from "../support/postgres.ts";
import { expectError, post, type RunningFunction, startBundledFunction, TOKEN } from "../function/support.ts";
import { createClient } from "../../shared/client/index.ts";
import { ADMIN_EMAIL, applyByHand, seed } from "./support.ts";

const READ_TOKEN = "read-only-token-0123456789abcdefghijklmnopqrstuvwxyz";
let pg: PostgresServer;
let fn: RunningFunction;
let sql: postgres.Sql;
const files = seed();
const names = files.map((f) => f.name);

before(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  applyByHand(dbUrl);
  psql(dbUrl, ["-c", "drop table public.workspace_documents cascade"]);
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  fn = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN, SUPAMIGRATE_TOKENS: `dash:read:${READ_TOKEN}` });
});
after(async () => {
  await sql?.end();
  await fn?.stop();
  await pg?.stop();
});

test("POST baseline needs the write scope (403 for a read token; 401 without one)", async () => {
  await expectError(await post(fn.base, "baseline", { migrations: files, dryRun: true }, READ_TOKEN), 403, "forbidden");
  await expectError(await post(fn.base, "baseline", { migrations: files, dryRun: true }, "wrong-token-0123456789abcdefghijklmnopqrstuvwxyz"), 401, "unauthorized");
  await expectError(await post(fn.base, "baseline", { migrations: files, force: "yes" }), 400, "invalid-request");
});

test("POST baseline: dry run reports the dropped table; refused 409 baseline-mismatch; force records; again 409 already-tracked", async () => {
  const dry = await post(fn.base, "baseline", { migrations: files, dryRun: true });
  assert.equal(dry.status, 200);
  const report = (await dry.json()) as BaselineResponse;
  assert.deepEqual(report.mismatched, ["013_create_ai_workspace_tables.sql"]);
  assert.deepEqual(report.files.find((f) => f.status === "mismatch")!.problems, ["table public.workspace_documents is missing"]);

  const message = await expectError(await post(fn.base, "baseline", { migrations: files }), 409, "baseline-mismatch");
  assert.match(message, /013_create_ai_workspace_tables\.sql: table public\.workspace_documents is missing/);
  assert.equal((await sql`select count(*)::int as n from supamigrate.migrations`)[0].n, 0);

  const client = createClient({ url: fn.base, token: TOKEN });
  const forced = await client.baseline({ migrations: files, force: true, meta: { actor: "spoofed" } });
  assert.deepEqual(forced.recorded, names);
  const actors = await sql`select distinct applied_by from supamigrate.migrations`;
  assert.equal(actors.length, 1);
  assert.ok(String(actors[0].applied_by).startsWith("token:default"), `the verified identity is the actor: ${actors[0].applied_by}`);

  await expectError(await post(fn.base, "baseline", { migrations: files }), 409, "already-tracked");

  const plan = await post(fn.base, "plan", { migrations: files, placeholders: { admin_email: ADMIN_EMAIL } });
  assert.deepEqual(((await plan.json()) as { pending: string[] }).pending, []);
});

test("POST repair: reason required; accept-checksum through the client", async () => {
  await expectError(await post(fn.base, "repair", { action: "forget", name: "001_initialize_database.sql", reason: "" }), 400, "missing-reason");
  await expectError(await post(fn.base, "repair", { action: "explode", name: "001_initialize_database.sql", reason: "x" }), 400, "invalid-request");
  const client = createClient({ url: fn.base, token: TOKEN });
  const edited = `-- comment-only\n${files[0].sql}`;
  const result: RepairResponse = await client.repair({ action: "accept-checksum", name: files[0].name, sql: edited, reason: "reviewed" });
  assert.equal(result.name, files[0].name);
  const [row] = await sql`select checksum from supamigrate.migrations where name = ${files[0].name}`;
  assert.equal(row.checksum, result.newChecksum);
  const [event] = await sql`select details->>'reason' as reason from supamigrate.events where event = 'repaired'`;
  assert.equal(event.reason, "reviewed");
});

test("POST import-history with no Supabase CLI history: 409 no-supabase-history", async () => {
  await expectError(await post(fn.base, "import-history", { migrations: files, dryRun: true }), 409, "no-supabase-history");
});
