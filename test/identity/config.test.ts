// The identity settings (SUPAMIGRATE_TOKENS forms, refusals that never repeat a token), the
// constant-time multi-token match, and the JWKS override / unreachable JWKS through the function's
// handler with real jose verification (a fake engine: no database needed for these).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { matchingTokens } from "../../shared/protocol/auth.ts";
import { actorText } from "../../shared/protocol/identity.ts";
import { readIdentityConfig } from "../../supabase/functions/supamigrate/identity/config.ts";
import { createHandler } from "../../supabase/functions/supamigrate/http/handler.ts";
import type { MigrationEngine } from "../../shared/engine/types.ts";
import { freePort } from "../support/postgres.ts";
import { ADMIN, type JwksServer, makeKey, type SigningKey, signUser, startJwksServer } from "./support.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const envOf = (values: Record<string, string>) => (name: string) => values[name];

test("SUPAMIGRATE_TOKENS as JSON: names, scopes (write implies read), rotation; SUPAMIGRATE_TOKEN is `default` with both scopes", () => {
  const result = readIdentityConfig(envOf({
    SUPAMIGRATE_TOKEN: A,
    SUPAMIGRATE_TOKENS: JSON.stringify([{ name: "ci", token: B, scopes: ["write"] }, { name: "ci", token: C, scopes: ["read"] }]),
  }));
  assert.ok(result.ok);
  assert.deepEqual(result.identity.tokens, [
    { name: "default", token: A, scopes: ["read", "write"] },
    { name: "ci", token: B, scopes: ["read", "write"] },
    { name: "ci", token: C, scopes: ["read"] },
  ]);
  assert.equal(result.identity.jwt, null);
});

test("SUPAMIGRATE_TOKENS compact form: name:scopes:token, comma or whitespace separated", () => {
  const result = readIdentityConfig(envOf({ SUPAMIGRATE_TOKENS: `ci:write:${A}, dash:read:${B}\nops:read+write:${C}` }));
  assert.ok(result.ok);
  assert.deepEqual(result.identity.tokens.map((t) => [t.name, t.scopes.join("+")]), [["ci", "read+write"], ["dash", "read"], ["ops", "read+write"]]);
});

test("bad SUPAMIGRATE_TOKENS → a message that says what to fix and never repeats a token", () => {
  const cases: Array<[string, RegExp]> = [
    ["[{\"name\":", /is not valid JSON/],
    [JSON.stringify({ name: "ci" }), /is not an array/],
    [JSON.stringify([{ name: "ci", token: "short", scopes: ["read"] }]), /entry 1 \("ci"\) needs a "token" of at least 32 characters/],
    [JSON.stringify([{ name: "c i", token: A, scopes: ["read"] }]), /entry 1 needs a "name"/],
    [JSON.stringify([{ name: "ci", token: A, scopes: ["admin"] }]), /needs "scopes": \["read"\], \["write"\] or \["read", "write"\]/],
    [JSON.stringify([{ name: "ci", token: A, scopes: [] }]), /needs "scopes"/],
    [JSON.stringify([{ name: "ci", token: A, scopes: ["read"], extra: 1 }]), /unknown field "extra"/],
    [JSON.stringify([{ name: "ci", token: `${A} ${B}`, scopes: ["read"] }]), /characters a bearer header cannot carry/],
    [`ci:${A}`, /entry 1 is not name:scopes:token/],
    [JSON.stringify([{ name: "a", token: A, scopes: ["read"] }, { name: "b", token: A, scopes: ["write"] }]), /holds the same token twice/],
  ];
  for (const [value, message] of cases) {
    const result = readIdentityConfig(envOf({ SUPAMIGRATE_TOKENS: value }));
    assert.equal(result.ok, false, value);
    const text = result.ok ? "" : result.message;
    assert.match(text, message);
    assert.ok(!text.includes(A) && !text.includes(B), "the message repeats a token");
  }
  const none = readIdentityConfig(envOf({}));
  assert.equal(none.ok, false);
  assert.match(none.ok ? "" : none.message, /SUPAMIGRATE_TOKEN is not set/);
  const onlyUsers = readIdentityConfig(envOf({ SUPABASE_URL: "https://ref.supabase.co/" }));
  assert.ok(onlyUsers.ok, "signed-in users alone are a way in");
  assert.deepEqual(onlyUsers.identity.jwt, {
    issuer: "https://ref.supabase.co/auth/v1",
    audience: "authenticated",
    jwksUrl: "https://ref.supabase.co/auth/v1/.well-known/jwks.json",
    secret: null,
  });
  const secretWithoutUrl = readIdentityConfig(envOf({ SUPAMIGRATE_TOKEN: A, SUPAMIGRATE_JWT_SECRET: "s".repeat(40) }));
  assert.match(secretWithoutUrl.ok ? "" : secretWithoutUrl.message, /SUPABASE_URL is not/);
});

test("matchingTokens compares every candidate and reports all matches", async () => {
  assert.deepEqual(await matchingTokens(B, [A, B, C, B]), [1, 3]);
  assert.deepEqual(await matchingTokens("", [A, B]), []);
  assert.deepEqual(await matchingTokens(A, []), []);
});

test("actorText: verified identity first, the client's claim as extra, control characters dropped", () => {
  assert.equal(actorText("token:ci", "octocat"), "token:ci (client: octocat)");
  assert.equal(actorText("token:ci", null), "token:ci");
  assert.equal(actorText("token:ci", "token:ci"), "token:ci");
  assert.equal(actorText("token:ci", "evil\nline"), "token:ci (client: evil line)");
});

// --- the handler with real jose against a local JWKS server ---

let jwks: JwksServer;
let key: SigningKey;
before(async () => {
  key = await makeKey("ES256", "k1");
  jwks = await startJwksServer();
  jwks.serve("/custom/keys.json", [key]);
});
after(async () => {
  await jwks?.close();
});

function handlerWith(env: Record<string, string>) {
  const unused = () => Promise.reject(new Error("these tests only call status"));
  const engine: MigrationEngine = {
    async status() {
      return { applied: [], lock: null };
    },
    deployed: unused,
    nullCounts: unused,
    catalog: unused,
    plan: unused,
    prepareApply: unused,
    prepareRollback: unused,
    baseline: unused,
    repair: unused,
    importHistory: unused,
    pruneBackups: unused,
    async close() {},
  };
  // These tests are about fetching keys; the session check after it is tested against Postgres in function.test.ts.
  return createHandler({ env: envOf({ SUPABASE_DB_URL: "postgres://unused", ...env }), engine: () => engine, userSession: async () => ({ ok: true }), version: "test", log: () => {} });
}

test("SUPAMIGRATE_JWKS_URL overrides where the keys come from (the default path is never asked)", async () => {
  const fetch = handlerWith({ SUPABASE_URL: jwks.origin, SUPAMIGRATE_JWKS_URL: `${jwks.origin}/custom/keys.json` });
  const token = await signUser(key, { ...ADMIN, issuer: `${jwks.origin}/auth/v1` });
  const response = await fetch(new Request("http://x/functions/v1/supamigrate/status", { headers: { authorization: `Bearer ${token}` } }));
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(jwks.hits.get("/custom/keys.json"), 1);
  assert.equal(jwks.hits.get("/auth/v1/.well-known/jwks.json"), undefined);
});

test("an unreachable JWKS → 503 auth-unavailable (nothing run), not a 401 that blames the user", async () => {
  const port = await freePort();
  const fetch = handlerWith({ SUPABASE_URL: `http://127.0.0.1:${port}` });
  const token = await signUser(key, { ...ADMIN, issuer: `http://127.0.0.1:${port}/auth/v1` });
  const response = await fetch(new Request("http://x/functions/v1/supamigrate/status", { headers: { authorization: `Bearer ${token}` } }));
  assert.equal(response.status, 503);
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, "auth-unavailable");
  assert.match(body.error.message, /could not fetch the project's signing keys/);
  const missing = handlerWith({ SUPABASE_URL: jwks.origin }); // the server answers 404 on the default path
  const answer = await missing(new Request("http://x/functions/v1/supamigrate/status", { headers: { authorization: `Bearer ${await signUser(key, { ...ADMIN, issuer: `${jwks.origin}/auth/v1` })}` } }));
  assert.equal(answer.status, 503);
});

test("a JWT when user tokens are not configured (no SUPABASE_URL) → 401 saying so", async () => {
  const fetch = handlerWith({ SUPAMIGRATE_TOKEN: A });
  const token = await signUser(key, { ...ADMIN, issuer: "https://ref.supabase.co/auth/v1" });
  const response = await fetch(new Request("http://x/functions/v1/supamigrate/status", { headers: { authorization: `Bearer ${token}` } }));
  assert.equal(response.status, 401);
  assert.match(((await response.json()) as { error: { message: string } }).error.message, /does not accept Supabase user tokens \(SUPABASE_URL is not set\)/);
});
