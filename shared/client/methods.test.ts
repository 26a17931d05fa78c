// Both clients call each route as the route table says (shared/protocol/routes.ts): over HTTP with the
// table's method and path, reading JSON or the NDJSON stream as it declares; over an engine in this
// process with the table's engine call. Every route but health has exactly one client method.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { MigrationEngine, PreparedRun } from "../engine/types.ts";
import type { DoneEvent } from "../protocol/types.ts";
import { ROUTE_LIST, type RouteName } from "../protocol/routes.ts";
import type { FunctionClient } from "./client.ts";
import { createClient, createEngineClient } from "./index.ts";

const files = [{ name: "001_a.sql", sql: "select 1;", rollback: null }];
const DONE: DoneEvent = { event: "done", applied: [], failed: null, stoppedBy: null };

/** Calls every method of `client` once, with a valid request. */
const EVERY_METHOD: Record<keyof FunctionClient, (client: FunctionClient) => Promise<unknown>> = {
  status: (client) => client.status(),
  deployed: (client) => client.deployed({ names: ["001_a.sql"] }),
  nullCounts: (client) => client.nullCounts({ columns: [{ table: "public.a", column: "b" }] }),
  catalog: (client) => client.catalog(),
  plan: (client) => client.plan({ migrations: files }),
  apply: (client) => client.apply({ migrations: files }),
  rollback: (client) => client.rollback({ steps: 1 }),
  baseline: (client) => client.baseline({ migrations: files }),
  repair: (client) => client.repair({ action: "forget", name: "001_a.sql", reason: "why" }),
  importHistory: (client) => client.importHistory({ migrations: files }),
  pruneBackups: (client) => client.pruneBackups({ all: true }),
};

test("over HTTP, each method calls its route with the table's method and path and reads the answer the table declares", async () => {
  const reached = new Map<string, string>();
  for (const [method, invoke] of Object.entries(EVERY_METHOD)) {
    let sent: { method: string; route: string; body: string | null } | null = null;
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const route = String(input).replace("https://x.supabase.co/functions/v1/supamigrate/", "") as RouteName;
      sent = { method: init?.method ?? "GET", route, body: typeof init?.body === "string" ? init.body : null };
      const table = ROUTE_LIST.find((r) => r.name === route);
      // Answer in the kind the table declares, so a client that reads the other kind fails.
      return table?.answer === "ndjson"
        ? new Response(`${JSON.stringify(DONE)}\n`, { headers: { "content-type": "application/x-ndjson" } })
        : new Response(JSON.stringify({ answered: route }), { headers: { "content-type": "application/json" } });
    };
    const answer = await invoke(createClient({ url: "https://x.supabase.co/functions/v1/supamigrate", token: "t", fetch }));
    assert.ok(sent, method);
    const { route, method: httpMethod, body } = sent as { method: string; route: RouteName; body: string | null };
    const table = ROUTE_LIST.find((r) => r.name === route);
    assert.ok(table, `${method} calls ${route}, which the table does not list`);
    assert.equal(httpMethod, table.method, method);
    assert.equal(body === null, table.method === "GET", `${method}: a body exactly when the route takes one`);
    assert.deepEqual(answer, table.answer === "ndjson" ? DONE : { answered: route }, method);
    assert.ok(!reached.has(route), `${method} and ${reached.get(route)} both call ${route}`);
    reached.set(route, method);
  }
  assert.deepEqual([...reached.keys()].sort(), ROUTE_LIST.map((r) => r.name).filter((name) => name !== "health").sort(), "every route but health has a client method");
});

test("over an engine in this process, each method makes its route's engine call once and answers as over HTTP", async () => {
  const run: PreparedRun = {
    pending: [],
    async run(emit) {
      emit({ event: "start", pending: [], dryRun: false });
      emit(DONE);
      return DONE;
    },
    cancel: async () => {},
  };
  const calls: string[] = [];
  const engine: MigrationEngine = {
    status: async () => (calls.push("status"), { applied: [], lock: null }),
    deployed: async () => (calls.push("deployed"), { files: [] }),
    nullCounts: async () => (calls.push("nullCounts"), { counts: [] }),
    catalog: async () => (calls.push("catalog"), { format: 1, server: "15", objects: [] }),
    plan: async () => (calls.push("plan"), { ok: true, plan: { pending: [], applied: [], drifted: [], missing: [], outOfOrder: [], unresolvedPlaceholders: [] } }),
    prepareApply: async () => (calls.push("prepareApply"), { ok: true, run }),
    prepareRollback: async () => (calls.push("prepareRollback"), { ok: true, run }),
    baseline: async () => (calls.push("baseline"), { ok: true, result: { dryRun: false, forced: false, recorded: [], files: [], mismatched: [] } }),
    repair: async () => (calls.push("repair"), { ok: true, result: { action: "forget", name: "001_a.sql", oldChecksum: "0", newChecksum: null, actor: null } }),
    importHistory: async () => (calls.push("importHistory"), { ok: true, result: { dryRun: false, recorded: [], alreadyTracked: [], unmatched: [] } }),
    pruneBackups: async () => (calls.push("pruneBackups"), { ok: true, result: { dryRun: false, pruned: [] } }),
    close: async () => {},
  };
  const client = createEngineClient(engine, "the database");
  for (const [method, invoke] of Object.entries(EVERY_METHOD)) {
    calls.length = 0;
    const answer = await invoke(client);
    assert.equal(calls.length, 1, `${method}: ${calls.join(", ")}`);
    if (method === "apply" || method === "rollback") assert.deepEqual(answer, DONE, method);
  }
  // A refusal is a FunctionCallError, as over HTTP.
  const refusing: MigrationEngine = { ...engine, repair: async () => ({ ok: false, rejection: { status: 409, code: "not-tracked", message: "001_a.sql is not tracked" } }) };
  await assert.rejects(EVERY_METHOD.repair(createEngineClient(refusing, "the database")), { name: "FunctionCallError", status: 409, code: "not-tracked" });
});
