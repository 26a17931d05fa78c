// A user's session is checked before anything runs: an admin who signed out, was banned or deleted is
// refused at once, not when their access token expires. The built function bundle in real Deno, a real
// PostgreSQL 15 with Supabase Auth's auth.users and auth.sessions (supabase/local/supabase-bootstrap.sql),
// tokens signed here and verified for real by the function against a JWKS served here.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { events, expectError, post, type RunningFunction, startBundledFunction, TOKEN } from "../function/support.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { addSignedInUser, JWKS_PATH, type JwksServer, makeKey, type SigningKey, signUser, startJwksServer } from "./support.ts";

let pg: PostgresServer;
let fn: RunningFunction;
let jwks: JwksServer;
let sql: postgres.Sql;
let key: SigningKey;
let issuer: string;

before(async () => {
  key = await makeKey("ES256", "session-key");
  jwks = await startJwksServer();
  jwks.serve(JWKS_PATH, [key]);
  issuer = `${jwks.origin}/auth/v1`;
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  fn = await startBundledFunction({ SUPABASE_DB_URL: dbUrl, SUPABASE_URL: jwks.origin, SUPAMIGRATE_TOKEN: TOKEN });
});

after(async () => {
  await sql?.end();
  await fn?.stop();
  await pg?.stop();
  await jwks?.close();
});

let users = 0;
/** A new admin with a live session, and their access token (valid for an hour). */
async function signedInAdmin(): Promise<{ id: string; sessionId: string; email: string; token: string }> {
  users++;
  const n = String(users).padStart(12, "0");
  const admin = { sub: `00000000-0000-4000-8000-${n}`, email: `admin${users}@example.com`, appRole: "admin" };
  const sessionId = `11111111-0000-4000-8000-${n}`;
  await addSignedInUser(sql, admin, sessionId);
  return { id: admin.sub, sessionId, email: admin.email, token: await signUser(key, { ...admin, issuer, sessionId }) };
}

let files = 0;
const applied: Array<{ name: string; sql: string; rollback: string }> = [];
function nextFile() {
  files++;
  const n = String(files).padStart(3, "0");
  return { name: `${n}_s${n}.sql`, sql: `create table if not exists public.s${n} (id int);\n`, rollback: `drop table if exists public.s${n};\n` };
}

async function applies(token: string): Promise<void> {
  const next = nextFile();
  const list = await events(await post(fn.base, "apply", { migrations: [...applied, next] }, token));
  assert.deepEqual(list.at(-1), { event: "done", applied: [next.name], failed: null, stoppedBy: null });
  applied.push(next);
}

async function tracked(): Promise<number> {
  const [row] = await sql`select count(*)::int as n from supamigrate.migrations`;
  return row.n as number;
}

/** Every route refuses `token` with this status and code, and nothing is written or read. */
async function refusedEverywhere(token: string, status: number, code: string, message: RegExp): Promise<void> {
  const before = await tracked();
  const answers = {
    status: await fetch(`${fn.base}/status`, { headers: { authorization: `Bearer ${token}` } }),
    plan: await post(fn.base, "plan", { migrations: applied }, token),
    apply: await post(fn.base, "apply", { migrations: [...applied, nextFile()] }, token),
    "apply (dry run)": await post(fn.base, "apply", { migrations: [...applied, nextFile()], dryRun: true }, token),
    rollback: await post(fn.base, "rollback", { steps: 1 }, token),
    repair: await post(fn.base, "repair", { name: applied[0].name, forget: true, reason: "test" }, token),
  };
  for (const [route, answer] of Object.entries(answers)) {
    if (status === 401) assert.equal(answer.headers.get("www-authenticate"), 'Bearer realm="supamigrate"', route);
    const text = await expectError(answer, status, code);
    assert.match(text, message, `${route}: ${text}`);
    assert.ok(!text.includes(token), `${route}: the message repeats the token`);
  }
  assert.equal(await tracked(), before, "nothing was written");
}

test("an admin with a live session applies; after signing out (auth.sessions row deleted) the same token is refused at once: 401", async () => {
  const admin = await signedInAdmin();
  await applies(admin.token);
  await sql`delete from auth.sessions where id = ${admin.sessionId}`;
  await refusedEverywhere(admin.token, 401, "unauthorized", /session of this access token has ended .*sign in again/);
  // signing in again makes a new session and a new token
  await sql`insert into auth.sessions (id, user_id, created_at) values ('22222222-0000-4000-8000-000000000001', ${admin.id}, now())`;
  await applies(await signUser(key, { sub: admin.id, email: admin.email, appRole: "admin", issuer, sessionId: "22222222-0000-4000-8000-000000000001" }));
});

test("a banned admin (auth.users.banned_until in the future) is refused: 403 naming the ban; once it has passed, they apply again", async () => {
  const admin = await signedInAdmin();
  await applies(admin.token);
  await sql`update auth.users set banned_until = now() + interval '1 day' where id = ${admin.id}`;
  await refusedEverywhere(admin.token, 403, "forbidden", new RegExp(`${admin.email.replace(".", "\\.")} is banned until \\d{4}-`));
  await sql`update auth.users set banned_until = now() - interval '1 minute' where id = ${admin.id}`;
  await applies(admin.token);
});

test("a deleted admin is refused: 401, whether soft-deleted (deleted_at) or the auth.users row is gone", async () => {
  const soft = await signedInAdmin();
  await applies(soft.token);
  await sql`update auth.users set deleted_at = now() where id = ${soft.id}`;
  await refusedEverywhere(soft.token, 401, "unauthorized", /user of this access token was deleted/);

  const hard = await signedInAdmin();
  await applies(hard.token);
  await sql`delete from auth.users where id = ${hard.id}`; // cascades to auth.sessions, as in Supabase
  await refusedEverywhere(hard.token, 401, "unauthorized", /user of this access token no longer exists/);
});

test("a session past its not_after (time box / inactivity timeout), or a token without session_id, or another user's session: 401", async () => {
  const expired = await signedInAdmin();
  await sql`update auth.sessions set not_after = now() - interval '1 second' where id = ${expired.sessionId}`;
  await refusedEverywhere(expired.token, 401, "unauthorized", /session of this access token has expired/);

  const admin = await signedInAdmin();
  const noSession = await signUser(key, { sub: admin.id, email: admin.email, appRole: "admin", issuer, sessionId: null });
  await refusedEverywhere(noSession, 401, "unauthorized", /carries no session_id/);

  // a live session, but it belongs to someone else
  const other = await signedInAdmin();
  const borrowed = await signUser(key, { sub: admin.id, email: admin.email, appRole: "admin", issuer, sessionId: other.sessionId });
  await refusedEverywhere(borrowed, 401, "unauthorized", /session of this access token has ended/);
  await applies(admin.token);
});

test("machine tokens never touch auth.*: SUPAMIGRATE_TOKEN applies with every session gone", async () => {
  await sql`delete from auth.sessions`;
  await applies(TOKEN);
});
