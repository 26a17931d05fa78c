// The route table is whole: every entry has a name of its own, a method, who may call it, a validator
// when it takes a body, an engine call, an answer kind and the error codes its steps can answer. The
// function (http/route-table.test.ts) and the clients (shared/client/methods.test.ts) are checked
// against this table in their own folders.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BODY_ERRORS, DOOR_ERRORS, ROUTING_ERRORS } from "./error-codes.ts";
import type { ImportHistoryRequest, RepairResponse } from "./adoption.ts";
import { ROUTE_LIST, type RouteAnswer, routeNamed, type RouteRequest, ROUTES } from "./routes.ts";
import type { ApplyRequest, DoneEvent, HealthResponse, PlanResponse, RollbackRequest, StatusResponse } from "./types.ts";

/** The problems of one table entry (empty when it is whole). */
function problemsOf(route: (typeof ROUTE_LIST)[number]): string[] {
  const problems: string[] = [];
  const where = `${route.method} ${route.name}`;
  if (!/^[a-z]+(-[a-z]+)*$/.test(route.name)) problems.push(`${where}: the name is not one kebab-case path segment`);
  if (ROUTES[route.name] !== route) problems.push(`${where}: ROUTES["${route.name}"] is another entry`);
  if (route.method !== "GET" && route.method !== "POST") problems.push(`${where}: the method is neither GET nor POST`);
  if (typeof route.call !== "function") problems.push(`${where}: no engine call`);
  if (route.method === "POST" && typeof route.validate !== "function") problems.push(`${where}: a body and no validator`);
  if (route.method === "GET" && route.validate !== null) problems.push(`${where}: a validator, but GET takes no body`);
  if (route.answer !== "json" && route.answer !== "ndjson") problems.push(`${where}: the answer is neither json nor ndjson`);
  if (route.answer === "ndjson" && route.method !== "POST") problems.push(`${where}: a stream answers a run, which only POST starts`);
  if (route.access !== "anyone" && route.access !== "read" && route.access !== "write") problems.push(`${where}: unknown access ${route.access}`);
  const needed = [
    ...ROUTING_ERRORS,
    ...(route.access === "anyone" ? [] : DOOR_ERRORS),
    ...(route.validate === null ? [] : BODY_ERRORS),
  ];
  for (const code of needed) if (!route.errors.includes(code)) problems.push(`${where}: can answer ${code}, which its errors do not list`);
  if (new Set(route.errors).size !== route.errors.length) problems.push(`${where}: an error code listed twice`);
  return problems;
}

test("every route of the table is whole: name, method, access, validator for a body, engine call, answer kind, error codes", () => {
  assert.deepEqual(ROUTE_LIST.flatMap(problemsOf), []);
  assert.equal(new Set(ROUTE_LIST.map((route) => route.name)).size, ROUTE_LIST.length, "each name once");
  assert.deepEqual(Object.keys(ROUTES), ROUTE_LIST.map((route) => route.name));
});

test("the checker finds an entry without a validator or an engine call (so the test above can fail)", () => {
  const { apply, status } = ROUTES;
  assert.ok(problemsOf({ ...apply, validate: null } as unknown as typeof apply).includes("POST apply: a body and no validator"));
  assert.ok(problemsOf({ ...status, call: undefined } as unknown as typeof status).includes("GET status: no engine call"));
  assert.ok(problemsOf({ ...status, errors: [] } as unknown as typeof status).includes("GET status: can answer unauthorized, which its errors do not list"));
});

test("routeNamed: the table's routes, nothing else (not even Object's own keys)", () => {
  assert.equal(routeNamed("import-history"), ROUTES["import-history"]);
  for (const name of ["", "nope", "constructor", "__proto__", "toString", "hasOwnProperty", "Apply", "apply/"]) {
    assert.equal(routeNamed(name), null, name);
  }
});

test("who may call what: health anyone; status, plan, deployed and catalog read; apply, rollback and the adoption routes write", () => {
  assert.deepEqual(
    Object.fromEntries(ROUTE_LIST.map((route) => [route.name, `${route.method} ${route.access} ${route.answer}`])),
    {
      health: "GET anyone json",
      status: "GET read json",
      plan: "POST read json",
      apply: "POST write ndjson",
      rollback: "POST write ndjson",
      baseline: "POST write json",
      repair: "POST write json",
      "import-history": "POST write json",
      deployed: "POST read json",
      "backups-prune": "POST write json",
      "null-counts": "POST read json",
      catalog: "GET read json",
    },
  );
  // Every route that writes records who ran it from the verified caller, never from the client's meta.actor.
  for (const route of ROUTE_LIST) {
    if (route.access === "anyone") continue;
    assert.equal(route.verifiedActor, route.access === "write", route.name);
  }
});

/** True when X and Y are the same type (not merely assignable: `never` would pass that silently). */
type Same<X, Y> = (<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2) ? true : false;

test("what a client sends and gets back is read off the table (checked by the compiler: a wrong type does not build)", () => {
  const same: [
    Same<RouteRequest<"status">, undefined>,
    Same<RouteRequest<"plan">, ApplyRequest>,
    Same<RouteRequest<"rollback">, RollbackRequest>,
    Same<RouteRequest<"import-history">, ImportHistoryRequest>,
    Same<RouteAnswer<"health">, HealthResponse>,
    Same<RouteAnswer<"status">, StatusResponse>,
    Same<RouteAnswer<"plan">, PlanResponse>,
    Same<RouteAnswer<"apply">, DoneEvent>,
    Same<RouteAnswer<"rollback">, DoneEvent>,
    Same<RouteAnswer<"repair">, RepairResponse>,
  ] = [true, true, true, true, true, true, true, true, true, true];
  assert.ok(same.every(Boolean));
});
