// Hostile input, table-driven: each case is its own test, sent to two function processes (real Deno,
// the built bundle) — one on a fresh database (no tracking schema yet) and one on a database with one
// applied file. Each must be answered by the contract's 4xx JSON error with the exact status and code,
// a message that is a sentence and echoes no token, and must write nothing on either database:
// tracking rows, event log, tables in public, the list of schemas (so `supamigrate` is not created).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import postgres from "postgres";
import type { MigrationPayload } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { assertSentence, type BundleCopy, copyBundle, errorBody, expectDone, type Fn, postJson, snapshot, TOKEN } from "./support.ts";

let pg: PostgresServer;
let bundle: BundleCopy;
const targets: Array<{ label: string; fn: Fn; sql: postgres.Sql }> = [];

const good: MigrationPayload = { name: "001_ok.sql", sql: "create table if not exists public.ok_table (id int);", rollback: "drop table if exists public.ok_table;" };
const file = (overrides: Record<string, unknown>) => ({ ...good, ...overrides });
const apply = (body: Record<string, unknown>) => ({ migrations: [good], ...body });
const OFF_BY_ONE = TOKEN.slice(0, -1) + (TOKEN.endsWith("0") ? "1" : "0");
const WRONG = "wrong-token-0123456789abcdefghijklmnopqrstuvwxyz";

before(async () => {
  pg = await startPostgres();
  bundle = copyBundle();
  for (const label of ["fresh database", "database with one applied file"]) {
    const dbUrl = await pg.createDatabase();
    const fn = await bundle.start({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN });
    const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
    if (label !== "fresh database") {
      const { done } = await expectDone(await postJson(fn.base, "apply", { migrations: [good], meta: { actor: "setup" } }));
      assert.deepEqual(done.applied, ["001_ok.sql"]);
    }
    targets.push({ label, fn, sql });
  }
});

after(async () => {
  await bundle?.cleanup();
  for (const t of targets) await t.sql.end({ timeout: 5 });
  await pg?.stop();
});

type Headers = Record<string, string | string[]>;

interface HostileCase {
  readonly name: string;
  /** Route under the function's base (may hold a query string), or a raw path from the server root. */
  readonly route?: string;
  readonly rawPath?: string;
  readonly method?: string;
  /** Replaces the default headers (Bearer TOKEN, application/json). */
  readonly headers?: Headers;
  /** An object is sent as JSON; a string or bytes as they are; a function makes the body lazily. */
  readonly body?: unknown;
  /** Send the body chunked, without Content-Length. */
  readonly chunked?: boolean;
  readonly status: number;
  readonly code: string;
  /** Tokens the message must not contain (TOKEN always). */
  readonly secrets?: readonly string[];
}

const JSON_AUTH: Headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const withAuth = (authorization: string | string[] | null): Headers =>
  authorization === null ? { "content-type": "application/json" } : { authorization, "content-type": "application/json" };
const TWELVE_MB = () => Buffer.from(JSON.stringify({ migrations: [file({ sql: `select '${"x".repeat(12 * 1024 * 1024)}';` })] }));
const nested = (depth: number) => `{"migrations": ${"[".repeat(depth)}${"]".repeat(depth)}}`;

const cases: HostileCase[] = [
  // The body as a whole.
  { name: "malformed JSON", route: "apply", body: '{"migrations": [', status: 400, code: "invalid-json" },
  { name: "a JSON array", route: "apply", body: "[]", status: 400, code: "invalid-request" },
  { name: "JSON null", route: "apply", body: "null", status: 400, code: "invalid-request" },
  { name: "a JSON string", route: "apply", body: '"migrations"', status: 400, code: "invalid-request" },
  { name: "a JSON number", route: "apply", body: "42", status: 400, code: "invalid-request" },
  { name: "an empty body", route: "apply", body: "", status: 400, code: "invalid-json" },
  { name: "an empty object", route: "apply", body: {}, status: 400, code: "invalid-request" },
  { name: "wrong content-type (text/plain)", route: "apply", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/plain" }, body: apply({}), status: 415, code: "unsupported-media-type" },
  { name: "no content-type", route: "apply", headers: { authorization: `Bearer ${TOKEN}` }, body: new TextEncoder().encode(JSON.stringify(apply({}))), status: 415, code: "unsupported-media-type" },
  { name: "form-encoded body", route: "apply", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-www-form-urlencoded" }, body: "migrations=x", status: 415, code: "unsupported-media-type" },
  { name: "application/json-patch+json", route: "apply", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json-patch+json" }, body: apply({}), status: 415, code: "unsupported-media-type" },
  { name: "non-UTF-8 bytes in the body", route: "apply", body: Uint8Array.from([...Buffer.from('{"migrations": [{"name": "001_x.sql", "sql": "select \''), 0xff, 0xfe, 0xc3, 0x28, ...Buffer.from("'\", \"rollback\": null}]}")]), status: 400, code: "invalid-json" },
  { name: "a 12 MB body with Content-Length", route: "apply", body: TWELVE_MB, status: 413, code: "body-too-large" },
  { name: "a 12 MB body, chunked, without Content-Length", route: "apply", body: TWELVE_MB, chunked: true, status: 413, code: "body-too-large" },
  { name: "arrays nested 10,000 deep", route: "apply", body: nested(10_000), status: 400, code: "invalid-request" },
  { name: "a __proto__ key", route: "apply", body: '{"migrations": [{"name": "001_ok.sql", "sql": "select 1", "rollback": null}], "__proto__": {"dryRun": true}}', status: 400, code: "unknown-field" },
  { name: "an unknown top-level key", route: "apply", body: apply({ force: true }), status: 400, code: "unknown-field" },
  // The migrations list.
  { name: "migrations is an object", route: "apply", body: { migrations: { "001_ok.sql": "select 1" } }, status: 400, code: "invalid-request" },
  { name: "an empty migrations array", route: "apply", body: { migrations: [] }, status: 400, code: "invalid-request" },
  { name: "10,000 migrations", route: "apply", body: () => ({ migrations: Array.from({ length: 10_000 }, (_, i) => ({ name: `${String(i + 1).padStart(5, "0")}_m.sql`, sql: "select 1;", rollback: null })) }), status: 400, code: "invalid-request" },
  { name: "a migration that is a string", route: "apply", body: { migrations: ["001_ok.sql"] }, status: 400, code: "invalid-request" },
  { name: "a migration with an unknown key", route: "apply", body: { migrations: [file({ checksum: "x" })] }, status: 400, code: "unknown-field" },
  // Names.
  { name: "name with ../", route: "apply", body: { migrations: [file({ name: "../001_x.sql" })] }, status: 400, code: "invalid-name" },
  { name: "name with /", route: "apply", body: { migrations: [file({ name: "sub/001_x.sql" })] }, status: 400, code: "invalid-name" },
  { name: "name with \\", route: "apply", body: { migrations: [file({ name: "..\\001_x.sql" })] }, status: 400, code: "invalid-name" },
  { name: "name with a NUL byte", route: "apply", body: { migrations: [file({ name: "001_x\u0000.sql" })] }, status: 400, code: "invalid-name" },
  { name: "name not ending in .sql", route: "apply", body: { migrations: [file({ name: "001_x.txt" })] }, status: 400, code: "invalid-name" },
  { name: "name without a number", route: "apply", body: { migrations: [file({ name: "create_users.sql" })] }, status: 400, code: "invalid-name" },
  { name: "a 300-character name", route: "apply", body: { migrations: [file({ name: `001_${"a".repeat(292)}.sql` })] }, status: 400, code: "invalid-name" },
  { name: "a hidden name (.001_x.sql)", route: "apply", body: { migrations: [file({ name: ".001_x.sql" })] }, status: 400, code: "invalid-name" },
  { name: "name that is a number", route: "apply", body: { migrations: [file({ name: 1 })] }, status: 400, code: "invalid-request" },
  { name: "duplicate names", route: "apply", body: { migrations: [good, good] }, status: 400, code: "duplicate-name" },
  // The other fields.
  { name: "non-string sql", route: "apply", body: { migrations: [file({ sql: 42 })] }, status: 400, code: "invalid-request" },
  { name: "sql missing", route: "apply", body: { migrations: [{ name: "001_ok.sql", rollback: null }] }, status: 400, code: "invalid-request" },
  { name: "rollback is a number", route: "apply", body: { migrations: [file({ rollback: 1 })] }, status: 400, code: "invalid-request" },
  { name: "rollback is an object", route: "apply", body: { migrations: [file({ rollback: { sql: "drop table x" } })] }, status: 400, code: "invalid-request" },
  { name: 'dryRun: "yes"', route: "apply", body: apply({ dryRun: "yes" }), status: 400, code: "invalid-request" },
  { name: "to not in the list", route: "apply", body: apply({ to: "002_other.sql" }), status: 400, code: "unknown-target" },
  { name: "to is a number", route: "apply", body: apply({ to: 1 }), status: 400, code: "invalid-request" },
  { name: "a placeholder with a non-string value", route: "apply", body: apply({ placeholders: { admin_email: 42 } }), status: 400, code: "invalid-placeholder" },
  { name: "a placeholder value containing '; drop table", route: "apply", body: apply({ placeholders: { admin_email: "x'; drop table public.users; --" } }), status: 400, code: "invalid-placeholder" },
  { name: "placeholders is an array", route: "apply", body: apply({ placeholders: ["admin_email"] }), status: 400, code: "invalid-request" },
  { name: "a placeholder name with a dash", route: "apply", body: apply({ placeholders: { "admin-email": "a@b.co" } }), status: 400, code: "invalid-placeholder" },
  { name: "meta with a 100 KB string", route: "apply", body: apply({ meta: { actor: "a".repeat(100 * 1024) } }), status: 400, code: "invalid-request" },
  { name: "meta with an unknown key", route: "apply", body: apply({ meta: { token: TOKEN } }), status: 400, code: "unknown-field" },
  { name: "meta actor is a number", route: "apply", body: apply({ meta: { actor: 7 } }), status: 400, code: "invalid-request" },
  { name: "plan: name with ../", route: "plan", body: { migrations: [file({ name: "../001_x.sql" })] }, status: 400, code: "invalid-name" },
  // Rollback.
  { name: "rollback: negative steps", route: "rollback", body: { steps: -1 }, status: 400, code: "invalid-request" },
  { name: "rollback: zero steps", route: "rollback", body: { steps: 0 }, status: 400, code: "invalid-request" },
  { name: "rollback: huge steps", route: "rollback", body: { steps: 1e12 }, status: 400, code: "invalid-request" },
  { name: "rollback: fractional steps", route: "rollback", body: { steps: 1.5 }, status: 400, code: "invalid-request" },
  { name: "rollback: string steps", route: "rollback", body: { steps: "1" }, status: 400, code: "invalid-request" },
  { name: "rollback: both steps and to", route: "rollback", body: { steps: 1, to: "001_ok.sql" }, status: 400, code: "invalid-request" },
  { name: "rollback: neither steps nor to", route: "rollback", body: {}, status: 400, code: "invalid-request" },
  { name: "rollback: to with ../", route: "rollback", body: { to: "../001_ok.sql" }, status: 400, code: "invalid-name" },
  { name: "rollback: to a file never applied", route: "rollback", body: { to: "999_never.sql" }, status: 400, code: "unknown-target" },
  { name: "rollback: an unknown key", route: "rollback", body: { steps: 1, all: true }, status: 400, code: "unknown-field" },
  { name: 'rollback: dryRun "yes"', route: "rollback", body: { steps: 1, dryRun: "yes" }, status: 400, code: "invalid-request" },
  // Routes and methods.
  { name: "GET on POST apply", route: "apply", method: "GET", status: 405, code: "method-not-allowed" },
  { name: "GET on POST plan", route: "plan", method: "GET", status: 405, code: "method-not-allowed" },
  { name: "GET on POST rollback", route: "rollback", method: "GET", status: 405, code: "method-not-allowed" },
  { name: "POST on GET status", route: "status", method: "POST", body: apply({}), status: 405, code: "method-not-allowed" },
  { name: "POST on GET health", route: "health", method: "POST", body: apply({}), status: 405, code: "method-not-allowed" },
  { name: "PUT on apply", route: "apply", method: "PUT", body: apply({}), status: 405, code: "method-not-allowed" },
  { name: "DELETE on apply", route: "apply", method: "DELETE", status: 405, code: "method-not-allowed" },
  { name: "an unknown route", route: "migrate", body: apply({}), status: 404, code: "not-found" },
  { name: "an extra path segment", route: "apply/extra", body: apply({}), status: 404, code: "not-found" },
  { name: "path traversal /supamigrate/../apply", rawPath: "/functions/v1/supamigrate/../apply", body: apply({}), status: 404, code: "not-found" },
  { name: "encoded traversal %2e%2e", rawPath: "/functions/v1/supamigrate/%2e%2e/%2e%2e/x", body: apply({}), status: 404, code: "not-found" },
  { name: "encoded slash ..%2fapply", rawPath: "/functions/v1/supamigrate/..%2fapply", body: apply({}), status: 404, code: "not-found" },
  // Authentication.
  { name: "missing token", route: "apply", headers: withAuth(null), body: apply({}), status: 401, code: "unauthorized" },
  { name: "wrong token", route: "apply", headers: withAuth(`Bearer ${WRONG}`), body: apply({}), status: 401, code: "unauthorized", secrets: [WRONG] },
  { name: "Bearer with an empty token", route: "apply", headers: withAuth("Bearer "), body: apply({}), status: 401, code: "unauthorized" },
  { name: "Basic auth with the token as password", route: "apply", headers: withAuth(`Basic ${Buffer.from(`user:${TOKEN}`).toString("base64")}`), body: apply({}), status: 401, code: "unauthorized" },
  { name: "the token without a scheme", route: "apply", headers: withAuth(TOKEN), body: apply({}), status: 401, code: "unauthorized" },
  { name: "the token in the query string (?token=)", route: `apply?token=${TOKEN}`, headers: withAuth(null), body: apply({}), status: 400, code: "token-in-url" },
  { name: "the token's value under another query name", route: `status?ref=${TOKEN}`, method: "GET", headers: withAuth(`Bearer ${TOKEN}`), status: 400, code: "token-in-url" },
  { name: "two Authorization headers (right, then wrong)", rawPath: "apply", headers: withAuth([`Bearer ${TOKEN}`, `Bearer ${WRONG}`]), body: apply({}), status: 401, code: "unauthorized", secrets: [WRONG] },
  { name: "two Authorization headers (both right)", rawPath: "apply", headers: withAuth([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]), body: apply({}), status: 401, code: "unauthorized" },
  // Just under Deno's own header limit (64 KB in total): the function answers. Above it, see the test below.
  { name: "a 60 KB Authorization header", route: "apply", headers: withAuth(`Bearer ${"A".repeat(60 * 1024)}`), body: apply({}), status: 401, code: "unauthorized", secrets: ["A".repeat(64)] },
  { name: "many long headers (48 × 1 KB) and a wrong token", route: "apply", headers: { ...withAuth(`Bearer ${WRONG}`), ...Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`x-junk-${i}`, "j".repeat(1024)])) }, body: apply({}), status: 401, code: "unauthorized", secrets: [WRONG] },
  { name: "the token one character off", route: "apply", headers: withAuth(`Bearer ${OFF_BY_ONE}`), body: apply({}), status: 401, code: "unauthorized", secrets: [OFF_BY_ONE] },
  { name: "the token missing its last character", route: "apply", headers: withAuth(`Bearer ${TOKEN.slice(0, -1)}`), body: apply({}), status: 401, code: "unauthorized" },
  { name: "the token in another letter case", route: "apply", headers: withAuth(`Bearer ${TOKEN.toUpperCase()}`), body: apply({}), status: 401, code: "unauthorized", secrets: [TOKEN.toUpperCase()] },
  { name: "the token followed by junk", route: "apply", headers: withAuth(`Bearer ${TOKEN} extra`), body: apply({}), status: 401, code: "unauthorized" },
  { name: "lower-case bearer with a wrong token", route: "apply", headers: withAuth(`bearer ${WRONG}`), body: apply({}), status: 401, code: "unauthorized", secrets: [WRONG] },
  { name: "wrong token on GET status", route: "status", method: "GET", headers: withAuth(`Bearer ${WRONG}`), status: 401, code: "unauthorized", secrets: [WRONG] },
  { name: "wrong token on rollback", route: "rollback", headers: withAuth(`Bearer ${WRONG}`), body: { steps: 1 }, status: 401, code: "unauthorized", secrets: [WRONG] },
];

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** node:http, so the path goes out exactly as written and header arrays become repeated header lines. */
function send(fn: Fn, c: HostileCase): Promise<Answer> {
  const method = c.method ?? "POST";
  const path = c.rawPath?.startsWith("/") ? c.rawPath : `/functions/v1/supamigrate/${c.rawPath ?? c.route}`;
  const headers: Headers = { ...(c.headers ?? JSON_AUTH) };
  const made = typeof c.body === "function" ? (c.body as () => unknown)() : c.body;
  const body: Uint8Array | null = made === undefined
    ? null
    : made instanceof Uint8Array ? made : Buffer.from(typeof made === "string" ? made : JSON.stringify(made));
  if (body && !c.chunked) headers["content-length"] = String(body.byteLength);
  if (body && c.chunked) headers["transfer-encoding"] = "chunked";
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: "127.0.0.1", port: fn.process.port, method, path, headers }, (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on("error", reject);
    });
    // The server may answer (413) and close before it has read the whole body: that is the point.
    req.on("error", (error) => {
      if (!answered) setTimeout(() => (answered ? undefined : reject(error)), 2000);
    });
    if (body && c.chunked) {
      for (let offset = 0; offset < body.byteLength; offset += 64 * 1024) req.write(body.subarray(offset, offset + 64 * 1024));
      req.end();
    } else {
      req.end(body ?? undefined);
    }
  });
}

assert.ok(cases.length >= 40);
assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, "case names are unique");

for (const c of cases) {
  test(`hostile: ${c.name} → ${c.status} ${c.code}, nothing written`, { timeout: 60_000 }, async () => {
    for (const { label, fn, sql } of targets) {
      const before = await snapshot(sql);
      const answer = await send(fn, c);
      assert.match(String(answer.headers["content-type"]), /^application\/json/, `${label}: ${answer.status} ${answer.text.slice(0, 300)}`);
      const error = await errorBody(new Response(answer.text, { status: answer.status, headers: { "content-type": String(answer.headers["content-type"]) } }));
      assert.deepEqual([error.status, error.code], [c.status, c.code], `${label}: ${error.text.slice(0, 400)}`);
      assertSentence(error.message, [TOKEN, ...(c.secrets ?? [])]);
      assert.ok(!answer.text.includes(TOKEN), `${label}: the answer echoes the token`);
      if (c.status === 401) assert.equal(answer.headers["www-authenticate"], 'Bearer realm="supamigrate"');
      assert.deepEqual(await snapshot(sql), before, `${label}: nothing written`);
    }
  });
}

test("a 64 KB Authorization header never reaches the function: Deno's HTTP server answers 400 with an empty body; nothing written", async () => {
  for (const { label, fn, sql } of targets) {
    const before = await snapshot(sql);
    const answer = await send(fn, { name: "64 KB", route: "apply", headers: withAuth(`Bearer ${"A".repeat(64 * 1024)}`), body: apply({}), status: 400, code: "" });
    // Not the contract's JSON error: Deno.serve (hyper) refuses a header block over 64 KB before the handler runs.
    assert.deepEqual([answer.status, answer.text, answer.headers["content-type"]], [400, "", undefined], label);
    assert.deepEqual(await snapshot(sql), before, `${label}: nothing written`);
  }
});

test("lower-case `bearer` with the right token is accepted: the scheme is case-insensitive (RFC 7235 §2.1)", async () => {
  const response = await fetch(`${targets[1].fn.base}/status`, { headers: { authorization: `bearer ${TOKEN}` } });
  assert.equal(response.status, 200);
  assert.deepEqual(((await response.json()) as { applied: Array<{ name: string }> }).applied.map((m) => m.name), ["001_ok.sql"]);
});

test("control: a valid apply does change the snapshot, so the nothing-written check can fail", async () => {
  const { fn, sql } = targets[0];
  const before = await snapshot(sql);
  const { done } = await expectDone(await postJson(fn.base, "apply", { migrations: [good], meta: { actor: "control" } }));
  assert.deepEqual(done.applied, ["001_ok.sql"]);
  assert.notDeepEqual(await snapshot(sql), before);
});

test("after every hostile case both function processes are alive and healthy", async () => {
  for (const { fn } of targets) {
    assert.equal(await Promise.race([fn.process.exited.then(() => "exited"), Promise.resolve("running")]), "running");
    assert.equal((await fetch(`${fn.base}/health`)).status, 200);
  }
  assert.doesNotMatch(targets.map((t) => t.fn.process.output()).join("\n"), new RegExp(TOKEN));
});
