// The function opens its database connection once a request is admitted, while the body is still
// arriving (a CI runner's upload of 100 files takes a few round trips); an unauthorized request never
// gets one. Real function (bundle in Deno), real PostgreSQL 15, a body sent in two parts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest, type IncomingMessage } from "node:http";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { authHeaders, type RunningFunction, startBundledFunction, TOKEN } from "./support.ts";

let pg: PostgresServer;
let fn: RunningFunction;
let admin: postgres.Sql;
let database: string;

before(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  database = new URL(dbUrl).pathname.slice(1);
  admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  fn = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
});

after(async () => {
  await admin?.end();
  await fn?.stop();
  await pg?.stop();
});

/** The function's sessions on the test database (it names itself `supamigrate`). */
async function functionSessions(): Promise<number> {
  const [{ n }] = await admin<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = ${database} and application_name = 'supamigrate'`;
  return n;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 25))) {
    if (await check()) return true;
  }
  return check();
}

/** Starts a POST whose body is sent in two parts: the first now, the rest when `finish` is called. */
function postInTwoParts(route: string, body: string, headers: Record<string, string>) {
  const half = body.length >> 1;
  const outgoing = httpRequest(`${fn.base}/${route}`, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } });
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    outgoing.on("response", (message: IncomingMessage) => {
      let text = "";
      message.on("data", (chunk) => (text += chunk));
      message.on("end", () => resolve({ status: message.statusCode ?? 0, text }));
    });
    outgoing.on("error", reject);
  });
  outgoing.write(body.slice(0, half));
  return { answered, finish: () => outgoing.end(body.slice(half)) };
}

const body = JSON.stringify({
  migrations: [{ name: "001_create_notes.sql", sql: "create table if not exists public.notes (id bigint primary key);\n", rollback: null }],
});

test("an admitted apply is connected to the database before its body has arrived; an unauthorized one never is", async () => {
  assert.equal(await functionSessions(), 0, "a fresh function has no connection");

  const refused = postInTwoParts("apply", body, authHeaders("wrong-token-0123456789abcdefghijklmnop"));
  const stayedClosed = !(await waitFor(async () => (await functionSessions()) > 0, 500));
  refused.finish();
  assert.equal((await refused.answered).status, 401);
  assert.ok(stayedClosed, "an unauthorized request opened a database connection");

  const admitted = postInTwoParts("apply", body, authHeaders());
  const connected = await waitFor(async () => (await functionSessions()) > 0, 5_000);
  admitted.finish();
  const { status, text } = await admitted.answered;
  assert.ok(connected, "no database connection while the body was still arriving");
  assert.equal(status, 200, text);
  const done = JSON.parse(text.trim().split("\n").at(-1)!);
  assert.deepEqual(done, { event: "done", applied: ["001_create_notes.sql"], failed: null, stoppedBy: null });
});
