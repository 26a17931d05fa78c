/**
 * The function's routes, each declared once: its method, who may call it, how its body is checked,
 * which engine call answers it, whether the answer is JSON or an NDJSON progress stream, and the
 * error codes it can answer. The function's dispatch (supabase/functions/supamigrate/http/) and both
 * clients (shared/client/: over HTTP, and over an engine in this process) are derived from this table,
 * so a route cannot be answered, called or authorized differently in two places.
 */
import type {
  BaselineRequest, BaselineResponse, ImportHistoryRequest, ImportHistoryResponse, RepairRequest, RepairResponse,
} from "./adoption.ts";
import {
  APPLY_BODY_ERRORS, APPLY_ENGINE_ERRORS, BACKUPS_PRUNE_BODY_ERRORS, NULL_COUNTS_BODY_ERRORS, BASELINE_ENGINE_ERRORS, BODY_ERRORS, LOCK_ERRORS, DEPLOYED_BODY_ERRORS, DOOR_ERRORS, type ErrorCode, errorCodes,
  IMPORT_HISTORY_BODY_ERRORS, IMPORT_HISTORY_ENGINE_ERRORS, PLAN_ENGINE_ERRORS, REPAIR_BODY_ERRORS, REPAIR_ENGINE_ERRORS,
  ROLLBACK_BODY_ERRORS, ROLLBACK_ENGINE_ERRORS, ROUTING_ERRORS,
} from "./error-codes.ts";
import type { Scope } from "./identity.ts";
import type { CatalogSnapshot } from "./catalog.ts";
import type { AcceptedRun, Refusal, RouteEngine } from "./route-engine.ts";
import type {
  ApplyMeta, ApplyRequest, BackupsPruneRequest, BackupsPruneResponse, DeployedRequest, NullCountsRequest, NullCountsResponse, DeployedResponse, DoneEvent, HealthResponse, PlanResponse, RollbackRequest, StatusResponse,
} from "./types.ts";
import {
  validateApplyRequest, validateBackupsPruneRequest, validateBaselineRequest, validateNullCountsRequest, validateDeployedRequest, validateImportHistoryRequest, validateRepairRequest, validateRollbackRequest,
  type Validated,
} from "./validate.ts";

/** An engine call's answer in one shape (the engine's own say `plan`, `run` or `result`): the value, or a refusal before anything ran. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rejection: Refusal };

interface RouteBase<Name extends string> {
  /** The one path segment after `…/supamigrate/`. */
  readonly name: Name;
  readonly method: "GET" | "POST";
  /** Every code the route can answer in `{"error": {"code"}}` (error-codes.ts). */
  readonly errors: readonly ErrorCode[];
}

/** A route anyone may call: answered before the token, the settings and the database are looked at. */
export interface OpenRoute<Name extends string, Answer> extends RouteBase<Name> {
  readonly access: "anyone";
  readonly answer: "json";
  readonly validate: null;
  call(about: { readonly version: string }): Answer;
}

/** A request body that can say who sent it and from where (`meta`: git SHA, CI run, actor). */
export interface CarriesMeta {
  readonly meta?: ApplyMeta;
}

interface EngineRouteBase<Name extends string, Request> extends RouteBase<Name> {
  /** The scope a machine token needs (a signed-in user must be a migration admin on every route: docs/identity.md). */
  readonly access: Scope;
  /** Checks the JSON body; null: the route takes none (GET), and the engine call gets `undefined`. */
  readonly validate: ((body: unknown) => Validated<Request>) | null;
  /**
   * True when the run records who ran it (applied_by, the lock holder, the event log): the request's
   * `meta.actor` is then replaced by the verified caller before the engine sees it, never trusted.
   * Only a request with `meta` can be so marked.
   */
  readonly verifiedActor: Request extends CarriesMeta ? boolean : false;
}

// `call` is a method (not a function property) so that every route fits the dispatch's one signature
// for "a route of the table"; the request it gets is always the one its own `validate` produced.

/** A route whose answer is the engine's JSON. */
export interface JsonRoute<Name extends string, Request, Answer> extends EngineRouteBase<Name, Request> {
  readonly answer: "json";
  call(engine: RouteEngine, request: Request): Promise<Outcome<Answer>>;
}

/** A route whose answer is a run streamed as NDJSON (200, one event a line, `done` last). */
export interface StreamRoute<Name extends string, Request> extends EngineRouteBase<Name, Request> {
  readonly answer: "ndjson";
  call(engine: RouteEngine, request: Request): Promise<Outcome<AcceptedRun>>;
}

const answered = <T>(value: T): Outcome<T> => ({ ok: true, value });

const health: OpenRoute<"health", HealthResponse> = {
  name: "health",
  method: "GET",
  access: "anyone",
  validate: null,
  answer: "json",
  call: ({ version }) => ({ ok: true, version }),
  errors: errorCodes(ROUTING_ERRORS),
};

/** A GET: read scope, no body, a JSON answer, nothing recorded. */
const GETS = { method: "GET", access: "read", validate: null, verifiedActor: false, answer: "json" } as const;

const status: JsonRoute<"status", undefined, StatusResponse> = {
  name: "status", ...GETS,
  call: async (engine) => answered(await engine.status()),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS),
};

/** A POST that reads only: read scope, a JSON answer, and nothing recorded (the client's meta is passed on as sent). */
const READS = { method: "POST", access: "read", verifiedActor: false, answer: "json" } as const;

/** The deployed text of tracked files (what ran), for comparing an edited file with it or restoring it. */
const deployed: JsonRoute<"deployed", DeployedRequest, DeployedResponse> = {
  name: "deployed", ...READS, validate: validateDeployedRequest,
  call: async (engine, request) => answered(await engine.deployed(request)),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS, BODY_ERRORS, DEPLOYED_BODY_ERRORS),
};

/** The live catalog's snapshot (shared/engine/catalog/), which `verify --schema` compares with the migrations. */
const catalog: JsonRoute<"catalog", undefined, CatalogSnapshot> = {
  name: "catalog", ...GETS,
  call: async (engine) => answered(await engine.catalog()),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS),
};

/** What a pending NOT NULL would meet: the table's rows and the column's NULLs (read only; `supamigrate plan`). */
const nullCounts: JsonRoute<"null-counts", NullCountsRequest, NullCountsResponse> = {
  name: "null-counts", ...READS, validate: validateNullCountsRequest,
  call: async (engine, request) => answered(await engine.nullCounts(request)),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS, BODY_ERRORS, NULL_COUNTS_BODY_ERRORS),
};

/** What an apply of the request would do (`supamigrate plan`): it runs nothing and records nothing. */
const plan: JsonRoute<"plan", ApplyRequest, PlanResponse> = {
  name: "plan", ...READS, validate: validateApplyRequest,
  async call(engine, request) {
    const planned = await engine.plan(request);
    return planned.ok ? answered(planned.plan) : planned;
  },
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS, BODY_ERRORS, APPLY_BODY_ERRORS, PLAN_ENGINE_ERRORS),
};

/** What every write route is: a POST with write scope, whose run records the verified caller, never the client's word. */
const WRITES = { method: "POST", access: "write", verifiedActor: true } as const;

type Refused = { readonly ok: false; readonly rejection: Refusal };

/** The engine's `{ok, run}` in the table's one shape. */
const run = <T>(out: { readonly ok: true; readonly run: T } | Refused): Outcome<T> => (out.ok ? answered(out.run) : out);

/** The engine's `{ok, result}` in the table's one shape. */
const result = <T>(out: { readonly ok: true; readonly result: T } | Refused): Outcome<T> => (out.ok ? answered(out.result) : out);

const apply: StreamRoute<"apply", ApplyRequest> = {
  name: "apply", ...WRITES, validate: validateApplyRequest, answer: "ndjson",
  call: async (engine, request) => run(await engine.prepareApply(request)),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS, BODY_ERRORS, APPLY_BODY_ERRORS, APPLY_ENGINE_ERRORS),
};

const rollback: StreamRoute<"rollback", RollbackRequest> = {
  name: "rollback", ...WRITES, validate: validateRollbackRequest, answer: "ndjson",
  call: async (engine, request) => run(await engine.prepareRollback(request)),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS, BODY_ERRORS, ROLLBACK_BODY_ERRORS, ROLLBACK_ENGINE_ERRORS),
};

// Adoption (docs/adoption.md): they write the tracking table, so write scope; JSON answers, since
// nothing runs from the files.

const baseline: JsonRoute<"baseline", BaselineRequest, BaselineResponse> = {
  name: "baseline", ...WRITES, validate: validateBaselineRequest, answer: "json",
  call: async (engine, request) => result(await engine.baseline(request)),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS, BODY_ERRORS, APPLY_BODY_ERRORS, BASELINE_ENGINE_ERRORS),
};

const repair: JsonRoute<"repair", RepairRequest, RepairResponse> = {
  name: "repair", ...WRITES, validate: validateRepairRequest, answer: "json",
  call: async (engine, request) => result(await engine.repair(request)),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS, BODY_ERRORS, REPAIR_BODY_ERRORS, REPAIR_ENGINE_ERRORS),
};

const importHistory: JsonRoute<"import-history", ImportHistoryRequest, ImportHistoryResponse> = {
  name: "import-history", ...WRITES, validate: validateImportHistoryRequest, answer: "json",
  call: async (engine, request) => result(await engine.importHistory(request)),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS, BODY_ERRORS, IMPORT_HISTORY_BODY_ERRORS, IMPORT_HISTORY_ENGINE_ERRORS),
};

/** Drops backup tables (docs/engine.md, "Backups"): it writes, so write scope and the verified actor. */
const backupsPrune: JsonRoute<"backups-prune", BackupsPruneRequest, BackupsPruneResponse> = {
  name: "backups-prune", ...WRITES, validate: validateBackupsPruneRequest, answer: "json",
  call: async (engine, request) => result(await engine.pruneBackups(request)),
  errors: errorCodes(ROUTING_ERRORS, DOOR_ERRORS, BODY_ERRORS, BACKUPS_PRUNE_BODY_ERRORS, LOCK_ERRORS),
};

/** Every route, in the order the 404 message lists them. */
export const ROUTE_LIST = [health, status, plan, apply, rollback, baseline, repair, importHistory, deployed, backupsPrune, catalog, nullCounts] as const;

export type Route = (typeof ROUTE_LIST)[number];
export type RouteName = Route["name"];
/** The routes that go through the door (a token or a signed-in user): all but health. */
export type ProtectedRoute = Exclude<Route, { readonly access: "anyone" }>;

export type Routes = { readonly [R in Route as R["name"]]: R };
export const ROUTES = Object.fromEntries(ROUTE_LIST.map((route) => [route.name, route])) as Routes;

/** A route the engine answers, as the one path that handles them all sees it (its own request and answer types forgotten). */
export type EngineRoute = JsonRoute<RouteName, CarriesMeta | undefined, unknown> | StreamRoute<RouteName, CarriesMeta | undefined>;

/** The route named `name` (one path segment, as sent), or null when the table has none. */
export function routeNamed(name: string): Route | null {
  return Object.hasOwn(ROUTES, name) ? ROUTES[name as RouteName] : null;
}

/** What a client sends to route `N` (`undefined` for a route without a body). */
export type RouteRequest<N extends RouteName> = Routes[N] extends JsonRoute<N, infer Request extends CarriesMeta | undefined, unknown> | StreamRoute<N, infer Request extends CarriesMeta | undefined>
  ? Request
  : undefined;

/** What a client gets back from route `N`: the JSON answer, or a stream's last line. */
export type RouteAnswer<N extends RouteName> = Routes[N] extends StreamRoute<N, unknown> ? DoneEvent
  : Routes[N] extends JsonRoute<N, unknown, infer Answer> | OpenRoute<N, infer Answer> ? Answer
  : never;
