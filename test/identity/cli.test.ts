// The CLI with --project-url/--anon-key: the CLI process → supabase-js `functions.invoke` → a stand-in
// for Supabase's API gateway (a local HTTP proxy that, like the real one, requires the `apikey` header,
// and records what reached it) → the built function in real Deno → a real PostgreSQL 15. Tokens are
// verified for real by the function against a JWKS served by the test.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest, type Server } from "node:http";
import { rmSync } from "node:fs";
import postgres from "postgres";
import { createSupabase, createSupabaseFunctionClient } from "../../shared/client/supabase.ts";
import type { ApplyEvent } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { type RunningFunction, startBundledFunction, TOKEN } from "../function/support.ts";
import { makeProject, runCli, SMALL_SET } from "../cli/support/cli.ts";
import { ADMIN, addSignedInUser, JWKS_PATH, type JwksServer, makeKey, type SigningKey, signUser, signUserHs256, startJwksServer } from "./support.ts";

const READ_TOKEN = "dash-read-token-0123456789abcdefghijklmnopqrs";
const JWT_SECRET = "legacy-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz";

let pg: PostgresServer;
let fn: RunningFunction;
let jwks: JwksServer;
let gateway: Server;
let projectUrl: string;
let sql: postgres.Sql;
let anonKey: string;
let key: SigningKey;
let cwd: string;
const seen: Array<{ method: string; path: string; apikey: string | undefined; bearer: string }> = [];

before(async () => {
  key = await makeKey("ES256", "k1");
  jwks = await startJwksServer();
  jwks.serve(JWKS_PATH, [key]);
  // the project's legacy anon key: an HS256 JWT with role anon (public; sent as apikey)
  anonKey = await signUserHs256(JWT_SECRET, { sub: "anon", role: "anon", issuer: "supabase" });
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  await addSignedInUser(sql, ADMIN); // the admin's auth.users and auth.sessions rows, checked by the function
  fn = await startBundledFunction({
    SUPABASE_DB_URL: dbUrl,
    SUPABASE_URL: jwks.origin,
    SUPAMIGRATE_TOKEN: TOKEN,
    SUPAMIGRATE_TOKENS: `dashboard:read:${READ_TOKEN}`,
    SUPAMIGRATE_JWT_SECRET: JWT_SECRET,
  });
  // Stand-in for the Supabase API gateway: no apikey → 401 like the real one; else forward, streaming.
  const target = new URL(fn.process.origin);
  gateway = createServer((req, res) => {
    const apikey = req.headers.apikey as string | undefined;
    seen.push({ method: req.method ?? "", path: req.url ?? "", apikey, bearer: (req.headers.authorization ?? "").replace(/^Bearer /, "") });
    if (apikey !== anonKey) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"message":"No API key found in request"}');
      return;
    }
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
  const address = gateway.address();
  projectUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  cwd = makeProject(SMALL_SET);
});

after(async () => {
  await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()));
  await sql?.end();
  await fn?.stop();
  await pg?.stop();
  await jwks?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli([...args, "--project-url", projectUrl, "--anon-key", anonKey], { cwd, env: { GITHUB_ACTOR: "octocat", ...env } });

test("apply --project-url --anon-key: through functions.invoke (URL and apikey built by supabase-js), applied_by from the verified token", async () => {
  seen.length = 0;
  const result = await cli(["apply", "--to", "001_create_teams.sql"], { SUPAMIGRATE_TOKEN: TOKEN });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.equal(result.stderr.includes("Node.js 20"), false, "supabase-js's Node 20 notice is not printed");
  assert.deepEqual(seen.map((s) => [s.method, s.path, s.apikey === anonKey, s.bearer === TOKEN]), [["POST", "/functions/v1/supamigrate/apply", true, true]]);
  const [row] = await sql`select applied_by from supamigrate.migrations where name = '001_create_teams.sql'`;
  assert.equal(row.applied_by, "token:default (client: octocat)");
});

test("a signed-in admin's access token in SUPAMIGRATE_TOKEN: applied_by names the user", async () => {
  const token = await signUser(key, { ...ADMIN, issuer: `${jwks.origin}/auth/v1` });
  const result = await cli(["apply", "--to", "002_create_members.sql"], { SUPAMIGRATE_TOKEN: token });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  const [row] = await sql`select applied_by from supamigrate.migrations where name = '002_create_members.sql'`;
  assert.equal(row.applied_by, `user:${ADMIN.sub} ${ADMIN.email} (client: octocat)`);
});

test("status with a read-scoped token works; apply with it exits 3 (not authorized) with the 403 forbidden message", async () => {
  const status = await cli(["status", "--format", "json"], { SUPAMIGRATE_TOKEN: READ_TOKEN });
  assert.equal(status.status, 0, status.stderr);
  const body = JSON.parse(status.stdout) as { applied: Array<{ name: string }> };
  assert.deepEqual(body.applied.map((m) => m.name), ["001_create_teams.sql", "002_create_members.sql"]);
  const apply = await cli(["apply"], { SUPAMIGRATE_TOKEN: READ_TOKEN });
  assert.equal(apply.status, 3);
  assert.match(apply.stderr, /has the read scope; apply needs write/);
});

test("no token: supabase-js sends the anon key as the bearer, and the function refuses it with 401 saying so", async () => {
  seen.length = 0;
  const result = await cli(["status"]);
  assert.equal(result.status, 3);
  assert.match(result.stderr, /anon \(publishable\) key/);
  assert.equal(seen[0].bearer, anonKey);
});

test("--project-url without a key, or with --url too → usage error (exit 2)", async () => {
  const noKey = await runCli(["status", "--project-url", projectUrl], { cwd });
  assert.equal(noKey.status, 2);
  assert.match(noKey.stderr, /needs the project's publishable \(anon\) key/);
  const both = await runCli(["status", "--project-url", projectUrl, "--url", `${fn.base}`], { cwd });
  assert.equal(both.status, 2);
  assert.match(both.stderr, /not --url and --project-url/);
});

test("the supabase-js client streams apply's progress as it happens (not buffered by invoke)", async () => {
  const client = createSupabaseFunctionClient({ supabase: await createSupabase(projectUrl, anonKey), projectUrl, token: TOKEN });
  // The files the CLI applied above are listed too: an applied file missing from the request is drift.
  const earlier = ["001_create_teams.sql", "002_create_members.sql"].map((name) => ({ name, sql: SMALL_SET[name], rollback: SMALL_SET[`rollback/${name}`] }));
  const migrations = [
    ...earlier,
    { name: "101_a.sql", sql: "create table if not exists public.a (id int);\n", rollback: null },
    { name: "102_slow.sql", sql: "select pg_sleep(1.5);\n", rollback: null },
  ];
  const started = Date.now();
  const seenAt: Array<[string, number]> = [];
  const done = await client.apply({ migrations }, (event: ApplyEvent) => seenAt.push([`${event.event}${"name" in event ? ` ${event.name}` : ""}`, Date.now() - started]));
  const total = Date.now() - started;
  assert.deepEqual(done, { event: "done", applied: ["101_a.sql", "102_slow.sql"], failed: null, stoppedBy: null });
  const firstApplied = seenAt.find(([label]) => label === "applied 101_a.sql");
  assert.ok(firstApplied, JSON.stringify(seenAt));
  assert.ok(total - firstApplied[1] >= 1200, `the first file's event arrived ${total - firstApplied[1]} ms before the end: ${JSON.stringify(seenAt)}`);
  const status = await client.status();
  assert.equal(status.applied.at(-1)?.appliedBy, "token:default");
});
