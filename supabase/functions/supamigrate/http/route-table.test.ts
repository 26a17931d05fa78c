// The function and the route table (shared/protocol/routes.ts) agree: every route of the table is
// answered with its method, its scope, its validator and its engine call, in the answer kind it
// declares; and no route the table does not list is answered. A route served by a path matched by hand,
// or a table entry the handler cannot serve, fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { MigrationEngine, PreparedRun } from "../../../../shared/engine/types.ts";
import { ROUTE_LIST, ROUTES } from "../../../../shared/protocol/routes.ts";
import { createHandler } from "./handler.ts";

const TOKEN = "t".repeat(40);
const READ_TOKEN = "r".repeat(40);
const BASE = "http://127.0.0.1:1/functions/v1/supamigrate";
const ENV: Record<string, string> = { SUPAMIGRATE_TOKEN: TOKEN, SUPAMIGRATE_TOKENS: `dashboard:read:${READ_TOKEN}`, SUPABASE_DB_URL: "postgres://x" };
const files = [{ name: "001_a.sql", sql: "create table if not exists a();", rollback: null }];
const meta = { actor: "claimed" };

/** A valid body for each route that takes one: a route added to the table needs one here. */
const SAMPLE_BODIES: Readonly<Record<string, unknown>> = {
  plan: { migrations: files, meta },
  apply: { migrations: files, meta },
  rollback: { steps: 1, meta },
  baseline: { migrations: files, force: false, meta },
  repair: { action: "forget", name: "001_a.sql", reason: "restored from a backup without it", meta },
  "import-history": { migrations: files, meta },
  "backups-prune": { olderThanDays: 30, meta },
  deployed: { names: ["001_a.sql"], meta },
  "null-counts": { columns: [{ table: "public.a", column: "b" }], meta },
};

interface Seen {
  readonly method: string;
  readonly request: unknown;
}

/** An engine whose every method records what it was asked and answers. */
function recordingEngine(seen: Seen[]): MigrationEngine {
  const run: PreparedRun = { pending: [], run: async () => ({ event: "done", applied: [], failed: null, stoppedBy: null }), cancel: async () => {} };
  const record = (method: string, request?: unknown) => seen.push({ method, request });
  return {
    async status() {
      record("status");
      return { applied: [], lock: null };
    },
    async deployed(request) {
      record("deployed", request);
      return { files: [] };
    },
    async nullCounts(request) {
      record("nullCounts", request);
      return { counts: [] };
    },
    async catalog() {
      record("catalog");
      return { format: 1, server: "15", objects: [] };
    },
    async plan(request) {
      record("plan", request);
      return { ok: true, plan: { pending: [], applied: [], drifted: [], missing: [], outOfOrder: [], unresolvedPlaceholders: [] } };
    },
    async prepareApply(request) {
      record("prepareApply", request);
      return { ok: true, run };
    },
    async prepareRollback(request) {
      record("prepareRollback", request);
      return { ok: true, run };
    },
    async baseline(request) {
      record("baseline", request);
      return { ok: true, result: { dryRun: false, forced: false, recorded: [], files: [], mismatched: [] } };
    },
    async repair(request) {
      record("repair", request);
      return { ok: true, result: { action: "forget", name: "001_a.sql", oldChecksum: "0".repeat(64), newChecksum: null, actor: null } };
    },
    async importHistory(request) {
      record("importHistory", request);
      return { ok: true, result: { dryRun: false, recorded: [], alreadyTracked: [], unmatched: [] } };
    },
    async pruneBackups(request) {
      record("pruneBackups", request);
      return { ok: true, result: { dryRun: false, pruned: [] } };
    },
    async close() {},
  };
}

function handlerWith(seen: Seen[], created: { count: number }) {
  return createHandler({
    env: (name) => ENV[name],
    engine: () => {
      created.count++;
      return recordingEngine(seen);
    },
    userSession: () => Promise.reject(new Error("machine tokens only here")),
    version: "test",
    log: () => {},
  });
}

function call(fetch: (request: Request) => Promise<Response>, method: string, name: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(new Request(`${BASE}/${name}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

test("the function answers every route of the table with its method, scope, validator, engine call and answer kind", async () => {
  for (const route of ROUTE_LIST) {
    const where = `${route.method} ${route.name}`;
    const seen: Seen[] = [];
    const created = { count: 0 };
    const fetch = handlerWith(seen, created);
    // A POST route takes a JSON body, whatever its entry says: a body the handler would not check fails below.
    const takesBody = route.method === "POST";
    const body = takesBody ? SAMPLE_BODIES[route.name] : undefined;
    assert.ok(!takesBody || body !== undefined, `${where}: add a valid sample body for it to SAMPLE_BODIES`);

    // Answered, with the kind of answer the table declares.
    const answered = await call(fetch, route.method, route.name, TOKEN, body);
    assert.equal(answered.status, 200, `${where}: ${await answered.clone().text()}`);
    const kind = route.answer === "ndjson" ? /^application\/x-ndjson/ : /^application\/json/;
    assert.match(answered.headers.get("content-type") ?? "", kind, where);
    await answered.text();

    if (route.access === "anyone") {
      assert.deepEqual(seen, [], `${where} never touches the engine`);
      assert.equal(created.count, 0, `${where} never creates the engine`);
      assert.equal((await call(fetch, route.method, route.name, null)).status, 200, `${where} answers anyone`);
    } else {
      // Exactly one engine call, given the validated request with the verified caller where the run records it.
      assert.equal(seen.length, 1, `${where}: ${JSON.stringify(seen)}`);
      const actor = (seen[0].request as { meta?: { actor?: string } } | undefined)?.meta?.actor;
      if (takesBody) assert.equal(actor, route.verifiedActor ? "token:default (client: claimed)" : "claimed", where);
      // The door: no token, then a read-scoped token on a write route.
      assert.equal(await errorCode(await call(fetch, route.method, route.name, null, body)), "unauthorized", where);
      const reader = await call(fetch, route.method, route.name, READ_TOKEN, body);
      assert.equal(reader.status, route.access === "read" ? 200 : 403, where);
      if (route.access === "write") assert.equal(await errorCode(reader), "forbidden", where);
      else await reader.text();
    }

    // The route's validator runs before its engine call.
    if (takesBody) {
      const before = seen.length;
      const refused = await call(fetch, route.method, route.name, TOKEN, []);
      assert.equal(refused.status, 400, where);
      const code = await errorCode(refused);
      assert.ok(route.errors.includes(code as never), `${where}: ${code} is not among its errors`);
      assert.equal(seen.length, before, `${where}: the engine was called with a body its validator refuses`);
    }

    // Any other method: 405 naming the table's.
    for (const method of ["GET", "POST", "PUT", "DELETE"].filter((m) => m !== route.method)) {
      const wrong = await call(fetch, method, route.name, TOKEN);
      assert.equal(wrong.status, 405, `${method} ${route.name}`);
      assert.equal(wrong.headers.get("allow"), route.method);
      assert.equal(await errorCode(wrong), "method-not-allowed");
    }
  }
});

/** The engine's methods and the client's, as route names: the routes someone might add by hand. */
function likelyRouteNames(): string[] {
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const engineMethods = Object.keys(recordingEngine([]));
  const clientMethods = ["status", "nullCounts", "pruneBackups", "deployed", "catalog", "plan", "apply", "rollback", "baseline", "repair", "importHistory"];
  const commands = ["lint", "verify", "serve", "new", "import", "history", "events", "lock", "unlock", "migrations", "version", "token", "login"];
  return [...new Set([...engineMethods, ...clientMethods].flatMap((name) => [name, kebab(name)]).concat(commands))];
}

/** The routes the docs name (`GET health`, `POST import-history`, …). */
function documentedRoutes(): Array<{ method: string; name: string }> {
  const text = ["function.md", "adoption.md"].map((doc) => readFileSync(new URL(`../../../../docs/${doc}`, import.meta.url), "utf8")).join("\n");
  return [...text.matchAll(/`(GET|POST) ([a-z-]+)`/g)].map(([, method, name]) => ({ method, name }));
}

test("the function answers no route the table does not list", async () => {
  const seen: Seen[] = [];
  const created = { count: 0 };
  const fetch = handlerWith(seen, created);
  const unlisted = likelyRouteNames().filter((name) => !Object.hasOwn(ROUTES, name));
  assert.ok(unlisted.length > 10);
  for (const name of [...unlisted, "", "apply/x", "health/x", "supamigrate"]) {
    for (const method of ["GET", "POST"]) {
      const response = await call(fetch, method, name, TOKEN, method === "POST" ? SAMPLE_BODIES.apply : undefined);
      assert.equal(response.status, 404, `${method} ${name}`);
      assert.equal(await errorCode(response), "not-found", `${method} ${name}`);
    }
  }
  assert.deepEqual(seen, []);
  assert.equal(created.count, 0);
});

test("every route the docs name is in the table with that method", () => {
  const documented = documentedRoutes();
  assert.ok(documented.length >= ROUTE_LIST.length);
  for (const { method, name } of documented) {
    assert.equal(Object.hasOwn(ROUTES, name) ? ROUTES[name as keyof typeof ROUTES].method : "(not in the table)", method, `${method} ${name}`);
  }
});
