// apply / status / plan / rollback over HTTP, end to end: the built bundle in real Deno, the real
// engine, a real PostgreSQL 15, and the seed's migration set from scripts/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import type { ApplyEvent, StatusResponse } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import {
  ADMIN_EMAIL, authHeaders, CREATE_ADMIN_USER, events, expectError, post, type RunningFunction, seedMigrations, startBundledFunction, TOKEN,
} from "./support.ts";

let pg: PostgresServer;
let fn: RunningFunction;
let sql: postgres.Sql;
const seed = seedMigrations();
const names = seed.map((m) => m.name);
const placeholders = { admin_email: ADMIN_EMAIL };

before(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  await sql.unsafe(CREATE_ADMIN_USER);
  fn = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
});

after(async () => {
  await sql?.end();
  await fn?.stop();
  await pg?.stop();
});

async function status(): Promise<StatusResponse> {
  const response = await fetch(`${fn.base}/status`, { headers: authHeaders() });
  assert.equal(response.status, 200);
  return (await response.json()) as StatusResponse;
}

async function trackedNames(): Promise<string[]> {
  return (await sql`select name from supamigrate.migrations order by name`).map((row) => row.name as string);
}

async function tableExists(name: string): Promise<boolean> {
  const [row] = await sql`select to_regclass(${name}) is not null as exists`;
  return row.exists as boolean;
}

test("apply the seed set: start, one migration-start + applied per file in contract order, done with all names", async () => {
  assert.equal(names.length, 10);
  const list = await events(await post(fn.base, "apply", { migrations: seed, placeholders, meta: { actor: "e2e" } }));
  const expected: unknown[] = [{ event: "start", pending: names, dryRun: false }];
  for (const name of names) expected.push({ event: "migration-start", name }, { event: "applied", name, dryRun: false });
  expected.push({ event: "done", applied: names, failed: null, stoppedBy: null });
  assert.deepEqual(list.map((e) => ("durationMs" in e ? { ...e, durationMs: undefined } : e)).map(stripUndefined), expected);
  for (const event of list) if (event.event === "applied") assert.ok(event.durationMs >= 0);
  const [admin] = await sql`select role from public.users where email = ${ADMIN_EMAIL}`;
  assert.equal(admin.role, "admin");
});

test("status lists every applied file; the lock is free", async () => {
  const body = await status();
  assert.deepEqual(body.applied.map((m) => m.name), names);
  assert.equal(body.lock, null);
  const first = body.applied[0];
  assert.match(first.checksum, /^[0-9a-f]{64}$/);
  assert.equal(first.appliedBy, "token:default (client: e2e)"); // the verified identity; the client's actor as extra info
});

test("re-applying is a no-op", async () => {
  const list = await events(await post(fn.base, "apply", { migrations: seed, placeholders }));
  assert.deepEqual(list, [
    { event: "start", pending: [], dryRun: false },
    { event: "done", applied: [], failed: null, stoppedBy: null },
  ]);
  assert.deepEqual(await trackedNames(), [...names].sort());
});

test("plan of an edited applied file reports drift; apply answers 409 drift and writes nothing", async () => {
  const edited = seed.map((m) => (m.name === "007_create_feedback_tables.sql" ? { ...m, sql: `${m.sql}\n-- edited after deploy\n` } : m));
  const plan = await post(fn.base, "plan", { migrations: edited, placeholders });
  assert.equal(plan.status, 200);
  assert.deepEqual((await plan.json()).drifted.map((d: { name: string }) => d.name), ["007_create_feedback_tables.sql"]);
  const newFile = { name: "026_new.sql", sql: "create table if not exists public.drift_probe (id int);", rollback: null };
  const [before] = await sql`select count(*)::int as n from supamigrate.migrations`;
  assert.match(await expectError(await post(fn.base, "apply", { migrations: [...edited, newFile], placeholders }), 409, "drift"), /007_create_feedback_tables\.sql/);
  const [afterwards] = await sql`select count(*)::int as n from supamigrate.migrations`;
  assert.equal(afterwards.n, before.n);
  assert.equal(await tableExists("public.drift_probe"), false);
});

test("a failing file streams failed at the statement's line and column; its transaction is rolled back", async () => {
  const bad = {
    name: "030_bad.sql",
    sql: "create table if not exists public.half_done (id int);\n\n-- the next statement fails\nalter table public.no_such_table add column x int;\n",
    rollback: null,
  };
  const list = await events(await post(fn.base, "apply", { migrations: [...seed, bad], placeholders }));
  const failed = list.find((e): e is Extract<ApplyEvent, { event: "failed" }> => e.event === "failed");
  assert.ok(failed, JSON.stringify(list));
  assert.equal(failed.name, "030_bad.sql");
  assert.equal(failed.code, "42P01");
  assert.equal(failed.line, 4);
  assert.equal(failed.column, 1);
  assert.match(failed.message, /no_such_table/);
  const done = list.at(-1) as Extract<ApplyEvent, { event: "done" }>;
  assert.deepEqual(done.applied, []);
  assert.equal(done.stoppedBy, "error");
  assert.equal(done.failed?.name, "030_bad.sql");
  assert.equal(await tableExists("public.half_done"), false);
  assert.ok(!(await trackedNames()).includes("030_bad.sql"));
});

test("a dry run reports what would apply and leaves no trace", async () => {
  const file = { name: "031_dry.sql", sql: "create table if not exists public.dry_probe (id int);", rollback: "drop table if exists public.dry_probe;" };
  const list = await events(await post(fn.base, "apply", { migrations: [...seed, file], placeholders, dryRun: true }));
  assert.deepEqual(list[0], { event: "start", pending: ["031_dry.sql"], dryRun: true });
  assert.ok(list.some((e) => e.event === "applied" && e.name === "031_dry.sql" && e.dryRun === true));
  assert.equal(await tableExists("public.dry_probe"), false);
  assert.deepEqual(await trackedNames(), [...names].sort());
});

test("rollback to 015 streams rolled-back for 025 then 019 and restores the 015 tables", async () => {
  const list = await events(await post(fn.base, "rollback", { to: "015_create_results_tables.sql" }));
  const rolledBack = list.filter((e) => e.event === "rolled-back").map((e) => (e as { name: string }).name);
  assert.deepEqual(rolledBack, ["025_create_shared_materials_table.sql", "019_recreate_results_tables.sql"]);
  assert.deepEqual((list.at(-1) as { applied: string[] }).applied, rolledBack);
  assert.deepEqual((await status()).applied.map((m) => m.name), names.slice(0, 8));
  const columns = (await sql`select column_name from information_schema.columns where table_schema = 'public' and table_name = 'quiz_results'`).map((r) => r.column_name);
  assert.ok(columns.includes("total") && !columns.includes("percentage"), columns.join(","));
});

function stripUndefined(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
