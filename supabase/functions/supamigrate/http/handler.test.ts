// The HTTP shell against a fake engine: routing, auth, validation, rejections and the NDJSON stream.
// The real engine, Deno and Postgres are exercised end to end in test/function/.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { MigrationEngine, Prepared, PreparedRun } from "../../../../shared/engine/types.ts";
import type { ApplyEvent, DoneEvent } from "../../../../shared/protocol/types.ts";
import { createHandler } from "./handler.ts";
import { FUNCTION_VERSION } from "../version.ts";

const TOKEN = "t".repeat(40);
const BASE = "http://127.0.0.1:1/functions/v1/supamigrate";

interface Fake {
  engine: MigrationEngine;
  calls: string[];
  created: number;
  cancelled: number;
}

function fakeEngine(overrides: Partial<MigrationEngine> = {}, events: ApplyEvent[] = []): Fake {
  const fake: Fake = { calls: [], created: 0, cancelled: 0, engine: undefined as unknown as MigrationEngine };
  const run = (): PreparedRun => ({
    pending: ["001_a.sql"],
    async run(emit) {
      for (const event of events) {
        await new Promise((r) => setTimeout(r, 5));
        emit(event);
      }
      return { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: null };
    },
    async cancel() {
      fake.cancelled++;
    },
  });
  fake.engine = {
    async status() {
      fake.calls.push("status");
      return { applied: [], lock: null };
    },
    async deployed(request) {
      fake.calls.push(`deployed ${request.names.join(",")}`);
      return { files: [] };
    },
    async nullCounts(request) {
      fake.calls.push(`null-counts ${request.columns.length}`);
      return { counts: [] };
    },
    async catalog() {
      fake.calls.push("catalog");
      return { format: 1, server: "15", objects: [] };
    },
    async plan(request) {
      fake.calls.push(`plan ${request.migrations.length}`);
      return { ok: true, plan: { pending: ["001_a.sql"], applied: [], drifted: [], missing: [], outOfOrder: [], unresolvedPlaceholders: [] } };
    },
    async prepareApply(request): Promise<Prepared> {
      fake.calls.push(`apply ${request.migrations.map((m) => m.name).join(",")} dryRun=${request.dryRun}`);
      return { ok: true, run: run() };
    },
    async prepareRollback(request): Promise<Prepared> {
      fake.calls.push(`rollback steps=${request.steps ?? null} to=${request.to ?? null}`);
      return { ok: true, run: run() };
    },
    async baseline(request) {
      fake.calls.push(`baseline ${request.migrations.length} force=${request.force} actor=${request.meta?.actor}`);
      return { ok: true, result: { dryRun: request.dryRun === true, forced: request.force === true, recorded: [], files: [], mismatched: [] } };
    },
    async repair(request) {
      fake.calls.push(`repair ${request.action} ${request.name} actor=${request.meta?.actor}`);
      return { ok: true, result: { action: request.action, name: request.name, oldChecksum: "0".repeat(64), newChecksum: null, actor: request.meta?.actor ?? null } };
    },
    async importHistory(request) {
      fake.calls.push(`import-history ${request.migrations.length} actor=${request.meta?.actor}`);
      return { ok: true, result: { dryRun: request.dryRun === true, recorded: [], alreadyTracked: [], unmatched: [] } };
    },
    async pruneBackups(request) {
      fake.calls.push(`backups-prune dryRun=${request.dryRun}`);
      return { ok: true, result: { dryRun: request.dryRun === true, pruned: [] } };
    },
    async close() {},
    ...overrides,
  };
  return fake;
}

function handler(fake: Fake, env: Record<string, string> = { SUPAMIGRATE_TOKEN: TOKEN, SUPABASE_DB_URL: "postgres://x" }, lines: string[] = []) {
  return createHandler({
    env: (name) => env[name],
    engine: () => {
      fake.created++;
      return fake.engine;
    },
    // Machine tokens only in this file: user sessions are checked against real Postgres in test/identity/.
    userSession: () => Promise.reject(new Error("no user tokens here")),
    version: FUNCTION_VERSION,
    log: (line) => lines.push(line),
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, "content-type": "application/json" };
const body = (value: unknown) => JSON.stringify(value);
const applyBody = { migrations: [{ name: "001_a.sql", sql: "create table a();", rollback: null }] };

async function expectError(response: Response, status: number, code: string): Promise<string> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
  const parsed = JSON.parse(text) as { error: { code: string; message: string } };
  assert.equal(parsed.error.code, code, text);
  assert.equal(typeof parsed.error.message, "string");
  assert.ok(parsed.error.message.length > 20, "the message says how to fix it");
  return parsed.error.message;
}

test("health: no auth, both path shapes, version", async () => {
  const fake = fakeEngine();
  const fetch = handler(fake, {});
  for (const url of [`${BASE}/health`, "http://x/supamigrate/health", `${BASE}/health/`]) {
    const response = await fetch(new Request(url));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, version: FUNCTION_VERSION });
    assert.equal(response.headers.get("access-control-allow-origin"), null);
  }
  assert.equal(fake.created, 0);
});

test("unknown route → 404, wrong method → 405 with Allow", async () => {
  const fetch = handler(fakeEngine());
  assert.match(await expectError(await fetch(new Request(`${BASE}/nope`, { headers: auth })), 404, "not-found"), /POST apply/);
  await expectError(await fetch(new Request(`${BASE}`, { headers: auth })), 404, "not-found");
  await expectError(await fetch(new Request(`${BASE}/apply/x`, { headers: auth })), 404, "not-found");
  const wrong = await fetch(new Request(`${BASE}/apply`, { headers: auth }));
  assert.equal(wrong.headers.get("allow"), "POST");
  await expectError(wrong, 405, "method-not-allowed");
  const wrongGet = await fetch(new Request(`${BASE}/status`, { method: "POST", headers: auth }));
  assert.equal(wrongGet.headers.get("allow"), "GET");
  await expectError(wrongGet, 405, "method-not-allowed");
});

test("auth: missing, malformed and wrong tokens → 401, the engine is never created", async () => {
  const fake = fakeEngine();
  const fetch = handler(fake);
  const attempts: Array<Record<string, string>> = [{}, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }, { authorization: "Bearer wrong" }, { authorization: `Bearer ${TOKEN}x` }];
  for (const headers of attempts) {
    const response = await fetch(new Request(`${BASE}/apply`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: body(applyBody) }));
    assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="supamigrate"');
    const message = await expectError(response, 401, "unauthorized");
    assert.ok(!message.includes(TOKEN));
  }
  await expectError(await fetch(new Request(`${BASE}/status`)), 401, "unauthorized");
  assert.equal(fake.created, 0);
  assert.deepEqual(fake.calls, []);
});

test("token in the query string → 400 token-in-url, by name or by value", async () => {
  const fake = fakeEngine();
  const fetch = handler(fake);
  await expectError(await fetch(new Request(`${BASE}/status?token=abc`, { headers: auth })), 400, "token-in-url");
  await expectError(await fetch(new Request(`${BASE}/health?access_token=abc`)), 400, "token-in-url");
  await expectError(await fetch(new Request(`${BASE}/status?x=${TOKEN}`, { headers: auth })), 400, "token-in-url");
  // as a bare key, alone or among others, or as `Bearer <token>`
  for (const query of [TOKEN, `a=1&${TOKEN}`, `${TOKEN}=`, `x=Bearer%20${TOKEN}`]) {
    await expectError(await fetch(new Request(`${BASE}/status?${query}`, { headers: auth })), 400, "token-in-url");
  }
  assert.equal((await fetch(new Request(`${BASE}/status?verbose=1`, { headers: auth }))).status, 200);
  assert.equal(fake.calls.length, 1);
});

test("not configured: token unset or short, or no database URL → 500 not-configured", async () => {
  const fake = fakeEngine();
  assert.match(await expectError(await handler(fake, { SUPABASE_DB_URL: "postgres://x" })(new Request(`${BASE}/status`, { headers: auth })), 500, "not-configured"), /supabase secrets set SUPAMIGRATE_TOKEN=/);
  assert.match(await expectError(await handler(fake, { SUPAMIGRATE_TOKEN: "short", SUPABASE_DB_URL: "x" })(new Request(`${BASE}/status`, { headers: auth })), 500, "not-configured"), /shorter than 32/);
  assert.match(await expectError(await handler(fake, { SUPAMIGRATE_TOKEN: TOKEN })(new Request(`${BASE}/status`, { headers: auth })), 500, "not-configured"), /SUPABASE_DB_URL/);
  assert.match(await expectError(await handler(fake, { SUPAMIGRATE_TOKEN: TOKEN, SUPABASE_DB_URL: "x", SUPAMIGRATE_MAX_BODY_BYTES: "10MB" })(new Request(`${BASE}/status`, { headers: auth })), 500, "not-configured"), /SUPAMIGRATE_MAX_BODY_BYTES/);
  assert.equal(fake.created, 0);
});

test("bodies: content type, size (declared and streamed), JSON, schema", async () => {
  const fake = fakeEngine();
  const env = { SUPAMIGRATE_TOKEN: TOKEN, SUPABASE_DB_URL: "postgres://x", SUPAMIGRATE_MAX_BODY_BYTES: "1000" };
  const fetch = handler(fake, env);
  const post = (route: string, text: string, headers: Record<string, string> = json) => fetch(new Request(`${BASE}/${route}`, { method: "POST", headers, body: text }));
  await expectError(await post("apply", body(applyBody), { ...auth, "content-type": "text/plain" }), 415, "unsupported-media-type");
  await expectError(await post("apply", body(applyBody), { ...json, "content-length": "5000" }), 413, "body-too-large");
  const streamed = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < 3; i++) c.enqueue(new TextEncoder().encode("x".repeat(400)));
      c.close();
    },
  });
  await expectError(await fetch(new Request(`${BASE}/apply`, { method: "POST", headers: json, body: streamed, duplex: "half" } as RequestInit)), 413, "body-too-large");
  await expectError(await post("apply", "{\"migrations\": [", json), 400, "invalid-json");
  await expectError(await post("apply", body({ migrations: [{ name: "../x.sql", sql: "", rollback: null }] })), 400, "invalid-name");
  await expectError(await post("apply", body({ migrations: [applyBody.migrations[0], applyBody.migrations[0]] })), 400, "duplicate-name");
  await expectError(await post("plan", body({ ...applyBody, extra: 1 })), 400, "unknown-field");
  await expectError(await post("rollback", body({ steps: 1, to: "001_a.sql" })), 400, "invalid-request");
  assert.deepEqual(fake.calls, []);
});

test("status and plan answer the engine's JSON", async () => {
  const fake = fakeEngine();
  const fetch = handler(fake);
  const status = await fetch(new Request(`${BASE}/status`, { headers: auth }));
  assert.equal(status.status, 200);
  assert.deepEqual(await status.json(), { applied: [], lock: null });
  const plan = await fetch(new Request(`${BASE}/plan`, { method: "POST", headers: json, body: body(applyBody) }));
  assert.equal(plan.status, 200);
  assert.deepEqual((await plan.json()).pending, ["001_a.sql"]);
  assert.deepEqual(fake.calls, ["status", "plan 1"]);
  assert.equal(fake.created, 2);
});

test("engine rejections keep their status, code, message and details", async () => {
  const fake = fakeEngine({
    async prepareApply() {
      return { ok: false, rejection: { status: 409, code: "drift", message: "001_a.sql changed after it was applied; restore it", details: [{ name: "001_a.sql" }] } };
    },
  });
  const response = await handler(fake)(new Request(`${BASE}/apply`, { method: "POST", headers: json, body: body(applyBody) }));
  assert.equal(response.status, 409);
  assert.deepEqual(await response.json(), { error: { code: "drift", message: "001_a.sql changed after it was applied; restore it", details: [{ name: "001_a.sql" }] } });
});

test("apply streams NDJSON, one event a line, done last; the log line has no token or body", async () => {
  const events: ApplyEvent[] = [
    { event: "start", pending: ["001_a.sql"], dryRun: false },
    { event: "migration-start", name: "001_a.sql" },
    { event: "applied", name: "001_a.sql", durationMs: 3, dryRun: false },
  ];
  const lines: string[] = [];
  const fake = fakeEngine({}, events);
  const response = await handler(fake, undefined, lines)(new Request(`${BASE}/apply`, { method: "POST", headers: json, body: body({ ...applyBody, dryRun: true }) }));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/x-ndjson; charset=utf-8");
  const text = await response.text();
  assert.ok(text.endsWith("\n"));
  const parsed = text.trimEnd().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(parsed, [...events, { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: null }]);
  assert.deepEqual(fake.calls, ["apply 001_a.sql dryRun=true"]);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^supamigrate POST apply 200 \d+ms stream: 1 done, stoppedBy=none$/);
  assert.ok(!lines.join().includes(TOKEN) && !lines.join().includes("create table"));
});

test("a done event emitted by the engine is not written twice", async () => {
  const done: DoneEvent = { event: "done", applied: [], failed: null, stoppedBy: "time-budget" };
  const response = await handler(fakeEngine({}, [done]))(new Request(`${BASE}/rollback`, { method: "POST", headers: json, body: body({ steps: 1 }) }));
  assert.deepEqual((await response.text()).trimEnd().split("\n").map((l) => JSON.parse(l)), [done]);
});

test("a client that disconnects does not stop the run", async () => {
  let finished = false;
  const fake = fakeEngine({
    async prepareApply(): Promise<Prepared> {
      return {
        ok: true,
        run: {
          pending: ["001_a.sql", "002_b.sql"],
          async run(emit) {
            emit({ event: "migration-start", name: "001_a.sql" });
            await new Promise((r) => setTimeout(r, 50));
            emit({ event: "applied", name: "001_a.sql", durationMs: 50, dryRun: false });
            finished = true;
            return { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: null };
          },
          async cancel() {},
        },
      };
    },
  });
  const lines: string[] = [];
  const response = await handler(fake, undefined, lines)(new Request(`${BASE}/apply`, { method: "POST", headers: json, body: body(applyBody) }));
  const reader = response.body!.getReader();
  await reader.read();
  await reader.cancel();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(finished, true);
  assert.match(lines[0], /client disconnected/);
  assert.equal(fake.cancelled, 0);
});

test("a database URL postgres.js would misread → 500 not-configured that says what is wrong, after auth, never showing the password", async () => {
  const originalError = console.error;
  const logged: string[] = [];
  console.error = (line: string) => logged.push(line);
  try {
    const password = "Hq2Lr8Xv5Tn1";
    for (const [url, expected] of [
      [`postgresql://postgres:${password}#x@db.example.com:5432/postgres`, /'#' → %23/],
      [`postgresql://postgres:${password}@db.example.com:port/postgres`, /port that is not a number/],
    ] as const) {
      const fake = fakeEngine();
      const fetch = handler(fake, { SUPAMIGRATE_TOKEN: TOKEN, SUPAMIGRATE_DB_URL: url });
      // a caller without the token learns nothing about the URL
      await expectError(await fetch(new Request(`${BASE}/status`)), 401, "unauthorized");
      const message = await expectError(await fetch(new Request(`${BASE}/status`, { headers: auth })), 500, "not-configured");
      assert.match(message, /^SUPAMIGRATE_DB_URL /);
      assert.match(message, expected);
      assert.match(message, /supabase secrets set SUPAMIGRATE_DB_URL=/);
      assert.ok(!message.includes(password), message);
      assert.equal(fake.created, 0, "the engine (and postgres.js) never sees the URL");
    }
    assert.ok(logged.length >= 2 && logged.every((line) => !line.includes(password)), logged.join("\n"));
  } finally {
    console.error = originalError;
  }
});

test("unexpected exceptions → 500 internal-error without their message; connection errors → 503", async () => {
  const originalError = console.error;
  const logged: string[] = [];
  console.error = (line: string) => logged.push(line);
  try {
    const secret = "password=hunter2 at host";
    const boom = fakeEngine({ status: () => Promise.reject(new Error(secret)) });
    const message = await expectError(await handler(boom)(new Request(`${BASE}/status`, { headers: auth })), 500, "internal-error");
    assert.ok(!message.includes("hunter2"));
    assert.match(logged.join("\n"), /hunter2/);
    const refused = fakeEngine({ status: () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })) });
    assert.match(await expectError(await handler(refused)(new Request(`${BASE}/status`, { headers: auth })), 503, "database-unavailable"), /SUPABASE_DB_URL/);
    const midRun = fakeEngine({
      async prepareApply(): Promise<Prepared> {
        return {
          ok: true,
          run: {
            pending: ["001_a.sql"],
            async run(emit) {
              emit({ event: "migration-start", name: "001_a.sql" });
              throw new Error(secret);
            },
            async cancel() {},
          },
        };
      },
    });
    const text = await (await handler(midRun)(new Request(`${BASE}/apply`, { method: "POST", headers: json, body: body(applyBody) }))).text();
    assert.ok(!text.includes("hunter2"));
    const last = JSON.parse(text.trimEnd().split("\n").at(-1)!);
    assert.equal(last.event, "done");
    assert.equal(last.stoppedBy, "error");
    assert.equal(last.failed.name, "001_a.sql");
    assert.equal(last.failed.code, "internal-error");
  } finally {
    console.error = originalError;
  }
});
