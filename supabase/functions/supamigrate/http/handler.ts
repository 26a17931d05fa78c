/**
 * The function's request handler: routing, token-in-URL refusal, auth, the database URL check, a
 * user's session check, body validation, then the engine. Runtime-neutral (its dependencies are
 * passed in), so Node tests drive it with a fake engine and `index.ts` wires it to Deno's environment
 * and a real engine.
 */
import type { MigrationEngine, Rejection } from "../../../../shared/engine/types.ts";
import {
  validateApplyRequest, validateBaselineRequest, validateImportHistoryRequest, validateRepairRequest, validateRollbackRequest,
} from "../../../../shared/protocol/validate.ts";
import { checkDbUrl, connectionFailureReason, scrubSecrets } from "../../../../shared/protocol/db-url.ts";
import { configuredTokenValues } from "../identity/config.ts";
import { type Identity, type UserIdentity, withVerifiedActor } from "../identity/identity.ts";
import type { SessionVerdict } from "../identity/session.ts";
import { admit, unauthorizedHeaders } from "./auth.ts";
import { readJsonBody } from "./body.ts";
import { type Env, type FunctionConfig, readConfig } from "./config.ts";
import { errorResponse, internalError, jsonResponse } from "./errors.ts";
import { logSecrets } from "./log-secrets.ts";
import { describeRoutes, matchRoute, type RouteName } from "./routes.ts";
import { ndjsonResponse } from "./stream.ts";
import { refuseTokenInUrl } from "./token-in-url.ts";

export interface HandlerDeps {
  readonly env: Env;
  /** The engine for this configuration: created lazily, once per isolate. */
  readonly engine: (config: FunctionConfig) => MigrationEngine;
  /**
   * Whether a verified user's session is still live (identity/session.ts: auth.sessions, auth.users),
   * asked before every route a user calls. Required: a handler without it would let a signed-out,
   * banned or deleted admin in until their token expires.
   */
  readonly userSession: (config: FunctionConfig, user: UserIdentity) => Promise<SessionVerdict>;
  readonly version: string;
  /** One line per request; never given the token or a body. */
  readonly log?: (line: string) => void;
  readonly waitUntil?: (promise: Promise<unknown>) => void;
}

export function createHandler(deps: HandlerDeps): (request: Request) => Promise<Response> {
  const log = deps.log ?? ((line: string) => console.log(line));

  return async function fetch(request: Request): Promise<Response> {
    const started = Date.now();
    const url = new URL(request.url);
    const match = matchRoute(request.method, url);
    // An unknown path is never echoed (in the log or the answer): someone may have pasted a token into it.
    const label = `${request.method} ${match.kind === "not-found" ? "(unknown route)" : match.route}`;
    const finish = (response: Response, note = "") => {
      log(`supamigrate ${label} ${response.status} ${Date.now() - started}ms${note}`);
      return response;
    };
    try {
      if (match.kind === "not-found") {
        return finish(errorResponse(404, "not-found", `no such route: the function answers ${describeRoutes()} under its base URL (…/functions/v1/supamigrate)`));
      }
      if (match.kind === "wrong-method") {
        return finish(errorResponse(405, "method-not-allowed", `${match.route} takes ${match.allow}, not ${request.method}`, { headers: { allow: match.allow } }));
      }
      const inUrl = await refuseTokenInUrl(url, configuredTokenValues(deps.env));
      if (inUrl) return finish(inUrl);
      if (match.route === "health") return finish(jsonResponse({ ok: true, version: deps.version }));

      const configured = readConfig(deps.env);
      if (!configured.ok) return finish(errorResponse(500, "not-configured", configured.message));
      // Who is calling (machine token or verified Supabase user) and may they call this route.
      const admitted = await admit(request, configured.config.identity, match.route);
      if (!admitted.ok) return finish(admitted.response);
      // Only now, to a caller who may see it: a URL postgres.js would misread (or quote in an error) is
      // described — never shown — instead of being handed to the driver.
      const { dbUrlName } = configured.config;
      const database = checkDbUrl(configured.config.dbUrl);
      if (!database.ok) {
        console.error(`supamigrate: ${dbUrlName} ${database.problem}`);
        return finish(errorResponse(500, "not-configured", `${dbUrlName} ${database.problem}. ${howToSetDbUrl(dbUrlName)} Nothing was run.`));
      }
      if (admitted.identity.kind === "user") {
        const session = await deps.userSession(configured.config, admitted.identity);
        if (!session.ok) return finish(errorResponse(session.status, session.code, session.message, unauthorizedHeaders(session.status)));
      }

      const response = await route(match.route, request, configured.config, admitted.identity);
      if (response.headers.get("content-type")?.startsWith("application/x-ndjson")) return response;
      return finish(response);
    } catch (error) {
      return finish(unexpected(error));
    }
  };

  async function route(name: Exclude<RouteName, "health">, request: Request, config: FunctionConfig, identity: Identity): Promise<Response> {
    if (name === "status") return jsonResponse(await deps.engine(config).status());

    const body = await readJsonBody(request, config.maxBodyBytes);
    if (!body.ok) return body.response;
    if (name === "rollback") {
      const checked = validateRollbackRequest(body.json);
      if (!checked.ok) return errorResponse(400, checked.code, checked.message);
      // applied_by / the lock holder come from the verified identity, never from the client's meta.actor.
      const prepared = await deps.engine(config).prepareRollback({ ...checked.value, meta: withVerifiedActor(checked.value.meta, identity) });
      return prepared.ok ? stream(name, prepared.run) : rejected(prepared.rejection);
    }
    if (name === "baseline" || name === "repair" || name === "import-history") {
      return await adoption(name, body.json, config, identity);
    }
    const checked = validateApplyRequest(body.json);
    if (!checked.ok) return errorResponse(400, checked.code, checked.message);
    if (name === "plan") {
      const planned = await deps.engine(config).plan(checked.value);
      return planned.ok ? jsonResponse(planned.plan) : rejected(planned.rejection);
    }
    const prepared = await deps.engine(config).prepareApply({ ...checked.value, meta: withVerifiedActor(checked.value.meta, identity) });
    return prepared.ok ? stream(name, prepared.run) : rejected(prepared.rejection);
  }

  /** baseline / repair / import-history: JSON in, JSON out (nothing runs from files); the actor is the verified identity. */
  async function adoption(name: "baseline" | "repair" | "import-history", json: unknown, config: FunctionConfig, identity: Identity): Promise<Response> {
    const engine = deps.engine(config);
    const answer = async <T>(call: (() => Promise<{ ok: true; result: T } | { ok: false; rejection: Rejection }>) | null) => {
      if (call === null) return errorResponse(501, "not-implemented", `this engine does not support ${name}; upgrade supamigrate`);
      const result = await call();
      return result.ok ? jsonResponse(result.result) : rejected(result.rejection);
    };
    if (name === "baseline") {
      const checked = validateBaselineRequest(json);
      if (!checked.ok) return errorResponse(400, checked.code, checked.message);
      const request = { ...checked.value, meta: withVerifiedActor(checked.value.meta, identity) };
      return await answer(engine.baseline ? () => engine.baseline!(request) : null);
    }
    if (name === "repair") {
      const checked = validateRepairRequest(json);
      if (!checked.ok) return errorResponse(400, checked.code, checked.message);
      const request = { ...checked.value, meta: withVerifiedActor(checked.value.meta, identity) };
      return await answer(engine.repair ? () => engine.repair!(request) : null);
    }
    const checked = validateImportHistoryRequest(json);
    if (!checked.ok) return errorResponse(400, checked.code, checked.message);
    const request = { ...checked.value, meta: withVerifiedActor(checked.value.meta, identity) };
    return await answer(engine.importHistory ? () => engine.importHistory!(request) : null);
  }

  function stream(name: RouteName, run: Parameters<typeof ndjsonResponse>[0]): Response {
    const started = Date.now();
    return ndjsonResponse(run, {
      waitUntil: deps.waitUntil,
      onError: (error) => logError(`POST ${name} run`, error),
      onFinish: (done, connected) =>
        log(`supamigrate POST ${name} 200 ${Date.now() - started}ms stream: ${done.applied.length} done, stoppedBy=${done.stoppedBy ?? "none"}${connected ? "" : ", client disconnected"}`),
    });
  }

  function unexpected(error: unknown): Response {
    const code = connectionErrorCode(error);
    if (code !== null) {
      logError("database connection", error);
      const name = deps.env("SUPAMIGRATE_DB_URL") ? "SUPAMIGRATE_DB_URL" : "SUPABASE_DB_URL";
      const reason = connectionFailureReason(code) ?? `the connection failed (${code}): check the URL and that the database is up`;
      return errorResponse(503, "database-unavailable", `the function could not connect to its database (${name}; locally: --db-url): ${reason}; then retry. Nothing was applied.`);
    }
    logError("request", error);
    return internalError();
  }

  /** Logs an error with every secret the function knows blanked out (a driver's message can quote the database URL). */
  function logError(where: string, error: unknown): void {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(scrubSecrets(`supamigrate: unexpected error in ${where}: ${text}`, logSecrets(deps.env)));
  }
}

function rejected(rejection: Rejection): Response {
  return errorResponse(rejection.status, rejection.code, rejection.message, { details: rejection.details });
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "EAI_AGAIN", "EAI_NONAME",
  "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED",
  "57P01", "57P03", "28P01", "28000", "3D000", "53300",
]);

/** The error's code when it is a failure to reach or log in to the database, else null. */
function connectionErrorCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONNECTION_CODES.has(code) ? code : null;
}

function howToSetDbUrl(name: "SUPAMIGRATE_DB_URL" | "SUPABASE_DB_URL"): string {
  return name === "SUPAMIGRATE_DB_URL"
    ? "Set it again with `supabase secrets set SUPAMIGRATE_DB_URL=<url>` (locally: the --db-url of `supamigrate serve`)."
    : "Supabase provides SUPABASE_DB_URL to deployed functions; locally it is the --db-url of `supamigrate serve`. To use another URL, set SUPAMIGRATE_DB_URL (`supabase secrets set`), which takes precedence.";
}
