// The function's HTTP contract end to end: the built bundle in real Deno (from a temp folder with
// nothing else of the repo beside it) against a real PostgreSQL 15. Refusals write nothing: the
// tracking schema does not even exist afterwards.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { packageVersion } from "./support.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { authHeaders, expectError, post, type RunningFunction, startBundledFunction, TOKEN } from "./support.ts";

let pg: PostgresServer;
let fn: RunningFunction;
let dbUrl: string;

before(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase();
  fn = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
});

after(async () => {
  await fn?.stop();
  await pg?.stop();
});

const file = { name: "001_a.sql", sql: "create table if not exists public.a (id int);", rollback: null };

async function trackingSchemaExists(): Promise<boolean> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select exists (select 1 from pg_namespace where nspname = 'supamigrate') as exists`;
    return row.exists as boolean;
  } finally {
    await sql.end();
  }
}

test("GET health needs no token", async () => {
  const response = await fetch(`${fn.base}/health`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { ok: true, version: packageVersion });
  assert.equal(response.headers.get("access-control-allow-origin"), null);
});

test("missing, malformed and wrong tokens → 401, and nothing is written", async () => {
  const attempts: Array<Record<string, string>> = [
    { "content-type": "application/json" },
    { "content-type": "application/json", authorization: TOKEN },
    { "content-type": "application/json", authorization: "Bearer" },
    { "content-type": "application/json", authorization: "Bearer wrong-token-0123456789abcdefghijklmnopqrstuv" },
  ];
  for (const headers of attempts) {
    const response = await fetch(`${fn.base}/apply`, { method: "POST", headers, body: JSON.stringify({ migrations: [file] }) });
    assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="supamigrate"');
    await expectError(response, 401, "unauthorized");
  }
  await expectError(await fetch(`${fn.base}/status`), 401, "unauthorized");
  await expectError(await post(fn.base, "rollback", { steps: 1 }, "x".repeat(43)), 401, "unauthorized");
  assert.equal(await trackingSchemaExists(), false);
  assert.doesNotMatch(fn.process.output(), new RegExp(TOKEN));
});

test("refusals before anything runs: exact status and code, nothing written", async () => {
  const big = { migrations: [{ ...file, sql: `select '${"x".repeat(12 * 1024 * 1024)}';` }] };
  await expectError(await post(fn.base, "apply", big), 413, "body-too-large");
  await expectError(await fetch(`${fn.base}/apply`, { method: "POST", headers: authHeaders(), body: "{\"migrations\": [" }), 400, "invalid-json");
  await expectError(await fetch(`${fn.base}/apply`, { method: "POST", headers: { ...authHeaders(), "content-type": "text/plain" }, body: "{}" }), 415, "unsupported-media-type");
  await expectError(await post(fn.base, "apply", { migrations: [{ ...file, name: "../x.sql" }] }), 400, "invalid-name");
  await expectError(await post(fn.base, "apply", { migrations: [file, file] }), 400, "duplicate-name");
  await expectError(await post(fn.base, "apply", { migrations: [file], force: true }), 400, "unknown-field");
  await expectError(await post(fn.base, "plan", { migrations: [file], to: "002_b.sql" }), 400, "unknown-target");
  await expectError(await post(fn.base, "rollback", { steps: 0 }), 400, "invalid-request");
  assert.match(await expectError(await fetch(`${fn.base}/status?token=${TOKEN}`, { headers: authHeaders() }), 400, "token-in-url"), /Authorization header/);
  const wrongMethod = await fetch(`${fn.base}/apply`, { headers: authHeaders() });
  assert.equal(wrongMethod.headers.get("allow"), "POST");
  await expectError(wrongMethod, 405, "method-not-allowed");
  await expectError(await fetch(`${fn.base}/migrate`, { headers: authHeaders() }), 404, "not-found");
  assert.equal(await trackingSchemaExists(), false);
});

test("one log line per request with method, route, status and time; never the token", async () => {
  await fetch(`${fn.base}/health`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const output = fn.process.output();
  assert.match(output, /^supamigrate GET health 200 \d+ms$/m);
  assert.match(output, /^supamigrate POST apply 401 \d+ms$/m);
  assert.match(output, /^supamigrate POST apply 413 \d+ms$/m);
  assert.doesNotMatch(output, new RegExp(TOKEN));
  assert.doesNotMatch(output, /create table/);
});
