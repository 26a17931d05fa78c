// Identity end to end: the built function bundle in real Deno, the real engine on a real PostgreSQL 15,
// and real signature checks (jose in the function) of tokens signed here with keys made here. The
// JWKS comes from a local HTTP server standing in for <project>/auth/v1/.well-known/jwks.json.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import type { StatusResponse } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { events, expectError, post, type RunningFunction, startBundledFunction, TOKEN } from "../function/support.ts";
import {
  addSignedInUser, ADMIN, DEVELOPER, JWKS_PATH, type JwksServer, makeKey, type SigningKey, signUser, signUserHs256, startJwksServer, tamper, unsigned,
} from "./support.ts";

const CI_OLD = "ci-old-token-0123456789abcdefghijklmnopqrstuv";
const CI_NEW = "ci-new-token-0123456789abcdefghijklmnopqrstuv";
const DASH = "dash-read-token-0123456789abcdefghijklmnopqrs";
/** A base64 token: in a query string its `+` reads as a space and its `=` padding as the start of a value. */
const B64 = "b64+read/token0123456789abcdefghijklmn==";
const JWT_SECRET = "legacy-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz";
const TOKENS = JSON.stringify([
  { name: "ci", token: CI_OLD, scopes: ["write"] },
  { name: "ci", token: CI_NEW, scopes: ["read", "write"] },
  { name: "dashboard", token: DASH, scopes: ["read"] },
  { name: "b64", token: B64, scopes: ["read"] },
]);

let pg: PostgresServer;
let fn: RunningFunction;
let jwks: JwksServer;
let sql: postgres.Sql;
let es256: SigningKey;
let rs256: SigningKey;
let issuer: string;
const allTokens: string[] = [];

before(async () => {
  [es256, rs256] = await Promise.all([makeKey("ES256", "es-key-1"), makeKey("RS256", "rs-key-1")]);
  jwks = await startJwksServer();
  jwks.serve(JWKS_PATH, [es256, rs256]);
  issuer = `${jwks.origin}/auth/v1`;
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  // Signed in, as Supabase Auth records it: the function checks these rows before it lets a user in.
  await addSignedInUser(sql, ADMIN);
  await addSignedInUser(sql, DEVELOPER);
  fn = await startBundledFunction({
    SUPABASE_DB_URL: dbUrl,
    SUPABASE_URL: jwks.origin,
    SUPAMIGRATE_TOKEN: TOKEN,
    SUPAMIGRATE_TOKENS: TOKENS,
    SUPAMIGRATE_JWT_SECRET: JWT_SECRET,
  });
});

after(async () => {
  await sql?.end();
  await fn?.stop();
  await pg?.stop();
  await jwks?.close();
});

let counter = 0;
/** A fresh one-file migration. */
function file(): { name: string; sql: string; rollback: string } {
  counter++;
  const n = String(counter).padStart(3, "0");
  return { name: `${n}_t${n}.sql`, sql: `create table if not exists public.t${n} (id int);\n`, rollback: `drop table if exists public.t${n};\n` };
}
const applied: Array<{ name: string; sql: string; rollback: string }> = [];

/** Applies one new file (with every earlier one listed) as `token`; returns the events' done line. */
async function applyAs(token: string, actor: string | null = null) {
  const next = file();
  allTokens.push(token);
  const response = await post(fn.base, "apply", { migrations: [...applied, next], meta: actor === null ? undefined : { actor } }, token);
  const list = await events(response);
  applied.push(next);
  assert.deepEqual(list.at(-1), { event: "done", applied: [next.name], failed: null, stoppedBy: null });
  return next.name;
}

async function appliedBy(name: string): Promise<string> {
  const [row] = await sql`select applied_by from supamigrate.migrations where name = ${name}`;
  return row.applied_by as string;
}

async function trackedCount(): Promise<number> {
  const [row] = await sql`select count(*)::int as n from supamigrate.migrations`;
  return row.n as number;
}

function get(route: string, token: string): Promise<Response> {
  return fetch(`${fn.base}/${route}`, { headers: { authorization: `Bearer ${token}` } });
}

test("a signed-in admin (ES256, app_metadata.role = admin) applies; applied_by is the verified user, the client's actor only extra", async () => {
  const token = await signUser(es256, { ...ADMIN, issuer });
  const name = await applyAs(token, "user:someone-else");
  assert.equal(await appliedBy(name), `user:${ADMIN.sub} ${ADMIN.email} (client: user:someone-else)`);
  const [event] = await sql`select actor from supamigrate.events where event = 'applied' and name = ${name}`;
  assert.equal(event.actor, `user:${ADMIN.sub} ${ADMIN.email} (client: user:someone-else)`);
  // GET status reports the same
  const status = (await (await get("status", token)).json()) as StatusResponse;
  assert.equal(status.applied.find((m) => m.name === name)?.appliedBy, `user:${ADMIN.sub} ${ADMIN.email} (client: user:someone-else)`);
});

test("an admin's RS256 token verifies too; the JWKS was fetched once and cached", async () => {
  const token = await signUser(rs256, { ...ADMIN, issuer });
  const name = await applyAs(token);
  assert.equal(await appliedBy(name), `user:${ADMIN.sub} ${ADMIN.email}`);
  assert.equal(jwks.hits.get(JWKS_PATH), 1);
});

test("a signed-in non-admin (any self-signed-up user): 403 forbidden on every route, status and plan included (nothing read or written)", async () => {
  const token = await signUser(es256, { ...DEVELOPER, issuer });
  const before = await trackedCount();
  const status = await expectError(await get("status", token), 403, "forbidden");
  assert.match(status, /dev@example\.com is signed in but is not a migration admin; status needs app_metadata\.role = "admin"/);
  assert.match(status, /read-scoped machine token/);
  const plan = await expectError(await post(fn.base, "plan", { migrations: [...applied, { name: "900_x.sql", sql: "select 1;", rollback: null }] }, token), 403, "forbidden");
  assert.match(plan, /plan needs app_metadata\.role = "admin"/);
  const apply = await expectError(await post(fn.base, "apply", { migrations: [...applied, file()] }, token), 403, "forbidden");
  assert.match(apply, /dev@example\.com is signed in but is not a migration admin; apply needs app_metadata\.role = "admin"/);
  assert.ok(!apply.includes(token));
  const rollback = await expectError(await post(fn.base, "rollback", { steps: 1 }, token), 403, "forbidden");
  assert.match(rollback, /rollback needs app_metadata\.role = "admin"/);
  // a dry run executes the SQL (then rolls it back): it needs the write permission too
  await expectError(await post(fn.base, "apply", { migrations: [...applied, file()], dryRun: true }, token), 403, "forbidden");
  assert.equal(await trackedCount(), before);
  // user_metadata is writable by the user: a "role" there grants nothing
  assert.equal((await post(fn.base, "rollback", { steps: 1 }, await signUser(es256, { ...DEVELOPER, appRole: "developer", issuer }))).status, 403);
});

test("an anonymous sign-in (is_anonymous, role authenticated) → 403 forbidden on every route, even with an admin claim", async () => {
  const anonymousUser = { sub: "00000000-0000-4000-8000-0000000000a1" };
  await addSignedInUser(sql, anonymousUser, "00000000-0000-4000-8000-00000000a1a1", { anonymous: true });
  const plain = await signUser(es256, { ...anonymousUser, issuer, anonymous: true, sessionId: "00000000-0000-4000-8000-00000000a1a1" });
  // app_metadata is server-side, but an anonymous session is nobody in particular: never an admin
  const claimingAdmin = await signUser(es256, { ...anonymousUser, appRole: "admin", issuer, anonymous: true, sessionId: "00000000-0000-4000-8000-00000000a1a1" });
  const before = await trackedCount();
  for (const token of [plain, claimingAdmin]) {
    const answers = [
      await get("status", token),
      await post(fn.base, "plan", { migrations: applied }, token),
      await post(fn.base, "apply", { migrations: [...applied, file()] }, token),
      await post(fn.base, "rollback", { steps: 1, dryRun: true }, token),
      await post(fn.base, "baseline", { migrations: applied, dryRun: true }, token),
    ];
    for (const answer of answers) {
      const message = await expectError(answer, 403, "forbidden");
      assert.match(message, /anonymous sign-in/);
      assert.ok(!message.includes(token));
    }
  }
  assert.equal(await trackedCount(), before);
});

test("expired, tampered, wrong issuer, wrong audience, anon, unknown key, alg none → 401 unauthorized, never echoing the token", async () => {
  const admin = await signUser(es256, { ...ADMIN, issuer });
  const developer = await signUser(es256, { ...DEVELOPER, issuer });
  const stranger = await makeKey("ES256", "es-key-1"); // same kid, another key: a forged signature
  const cases: Array<[string, string, RegExp]> = [
    ["expired", await signUser(es256, { ...ADMIN, issuer, expiresIn: -3600 }), /has expired/],
    ["tampered (developer's signature, admin's payload)", tamper(developer, admin), /signature does not verify/],
    ["wrong issuer", await signUser(es256, { ...ADMIN, issuer: "https://other-project.supabase.co/auth/v1" }), /not issued by this project's Auth \(expected issuer http:\/\/127\.0\.0\.1:\d+\/auth\/v1\)/],
    ["wrong audience", await signUser(es256, { ...ADMIN, issuer, audience: "service" }), /audience is not "authenticated"/],
    ["anon", await signUser(es256, { sub: "anon", role: "anon", issuer }), /anon \(publishable\) key/],
    ["service_role", await signUser(es256, { ...ADMIN, role: "service_role", issuer }), /role is "service_role", not "authenticated"/],
    ["unknown key", await signUser(stranger, { ...ADMIN, issuer }), /signature does not verify/],
    ["alg none", unsigned({ ...ADMIN, issuer }), /not valid|does not accept/],
    ["HS256 with the wrong secret", await signUserHs256("not-the-secret-0123456789abcdefghijklmnop", { ...ADMIN, issuer }), /signature does not verify/],
    ["a random non-JWT", "not-a-configured-token-0123456789abcdefghijklmn", /matches none of the function's machine tokens/],
  ];
  const before = await trackedCount();
  for (const [label, token, message] of cases) {
    for (const route of ["status", "apply"]) {
      const response = route === "status" ? await get("status", token) : await post(fn.base, "apply", { migrations: [...applied, file()] }, token);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="supamigrate"', label);
      const text = await expectError(response, 401, "unauthorized");
      assert.match(text, message, `${label}: ${text}`);
      assert.ok(!text.includes(token) && !text.includes(token.split(".")[2] || "\u0000"), `${label}: the message repeats the token`);
    }
  }
  assert.equal(await trackedCount(), before);
});

test("the legacy HS256 secret path: an admin token signed with SUPAMIGRATE_JWT_SECRET applies", async () => {
  const token = await signUserHs256(JWT_SECRET, { ...ADMIN, issuer });
  const name = await applyAs(token, "laptop");
  assert.equal(await appliedBy(name), `user:${ADMIN.sub} ${ADMIN.email} (client: laptop)`);
  const developer = await signUserHs256(JWT_SECRET, { ...DEVELOPER, issuer });
  await expectError(await get("status", developer), 403, "forbidden");
  await expectError(await post(fn.base, "apply", { migrations: [...applied, file()] }, developer), 403, "forbidden");
});

test("a read-scoped machine token: 200 on status and plan, 403 on apply, rollback and the adoption routes", async () => {
  assert.equal((await get("status", DASH)).status, 200);
  assert.equal((await post(fn.base, "plan", { migrations: applied }, DASH)).status, 200);
  const message = await expectError(await post(fn.base, "apply", { migrations: [...applied, file()] }, DASH), 403, "forbidden");
  assert.equal(message, 'this token ("dashboard") has the read scope; apply needs write: use a token with the write scope (SUPAMIGRATE_TOKENS) or SUPAMIGRATE_TOKEN');
  await expectError(await post(fn.base, "rollback", { steps: 1, dryRun: true }, DASH), 403, "forbidden");
  // They write the tracking table, so they need write too, and the refusal names the route called.
  const baseline = await expectError(await post(fn.base, "baseline", { migrations: applied, dryRun: true }, DASH), 403, "forbidden");
  assert.equal(baseline, 'this token ("dashboard") has the read scope; baseline needs write: use a token with the write scope (SUPAMIGRATE_TOKENS) or SUPAMIGRATE_TOKEN');
  const repair = await expectError(await post(fn.base, "repair", { name: applied[0].name, forget: true, reason: "test" }, DASH), 403, "forbidden");
  assert.match(repair, /; repair needs write: /);
  const history = await expectError(await post(fn.base, "import-history", { migrations: applied, dryRun: true }, DASH), 403, "forbidden");
  assert.match(history, /; import-history needs write: /);
});

test("rotation: both tokens named ci work; applied_by names the token, never its value", async () => {
  const viaOld = await applyAs(CI_OLD, "octocat");
  const viaNew = await applyAs(CI_NEW, "octocat");
  assert.equal(await appliedBy(viaOld), "token:ci (client: octocat)");
  assert.equal(await appliedBy(viaNew), "token:ci (client: octocat)");
  // the write-only entry still reads (write implies read)
  assert.equal((await get("status", CI_OLD)).status, 200);
});

test("SUPAMIGRATE_TOKEN still works as the full-scope token named default, for apply and rollback", async () => {
  const name = await applyAs(TOKEN);
  assert.equal(await appliedBy(name), "token:default");
  const list = await events(await post(fn.base, "rollback", { steps: 1, meta: { actor: "oncall" } }, TOKEN));
  assert.deepEqual(list.at(-1), { event: "done", applied: [name], failed: null, stoppedBy: null });
  applied.pop();
  const [event] = await sql`select actor from supamigrate.events where event = 'rolled-back' and name = ${name}`;
  assert.equal(event.actor, "token:default (client: oncall)");
});

test("no token value appears anywhere in the tracking schema", async () => {
  const rows = await sql`select m::text as row from supamigrate.migrations m union all select e::text from supamigrate.events e`;
  const text = rows.map((r) => r.row as string).join("\n");
  assert.ok(rows.length > 5);
  for (const token of [TOKEN, CI_OLD, CI_NEW, DASH, B64, JWT_SECRET, ...allTokens]) assert.ok(!text.includes(token), "a token was recorded");
  assert.ok(text.includes("token:ci") && text.includes(`user:${ADMIN.sub}`));
});

test("a JWT in the query string → 400 token-in-url, as is a rotated token's value", async () => {
  const token = await signUser(es256, { ...ADMIN, issuer });
  await expectError(await fetch(`${fn.base}/status?x=${token}`, { headers: { authorization: `Bearer ${TOKEN}` } }), 400, "token-in-url");
  await expectError(await fetch(`${fn.base}/health?x=${CI_NEW}`), 400, "token-in-url");
});

test("a token as a bare query key (`?<token>`) → 400 token-in-url: any configured token, a JWT, a base64 token mangled by URL parsing", async () => {
  const jwt = await signUser(es256, { ...ADMIN, issuer });
  const queries = [TOKEN, CI_NEW, DASH, jwt, `verbose&${CI_OLD}`, `${DASH}&x=1`, `${TOKEN}=`, B64, `x=${B64}`];
  for (const query of queries) {
    for (const route of ["status", "health"]) {
      const label = `${route}?${query.replace(/[A-Za-z0-9+/=._-]{30,}/g, "<token>")}`;
      const answer = await fetch(`${fn.base}/${route}?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const message = await expectError(answer, 400, "token-in-url").catch((error: Error) => assert.fail(`${label}: ${error.message}`));
      assert.match(message, /Authorization header/, label);
    }
  }
  // an ordinary flag is not a token
  assert.equal((await fetch(`${fn.base}/status?verbose`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
});
