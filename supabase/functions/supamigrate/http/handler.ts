/**
 * The function's request handler: routing, token-in-URL refusal, auth, body validation, then the
 * engine. Runtime-neutral (its dependencies are passed in), so Node tests drive it with a fake engine
 * and `index.ts` wires it to Deno's environment and a real engine.
 */
import type { MigrationEngine, Rejection } from "../../../../shared/engine/types.ts";
import { validateApplyRequest, validateRollbackRequest } from "../../../../shared/protocol/validate.ts";
import { refuseTokenInUrl, refuseUnauthorized } from "./auth.ts";
import { readJsonBody } from "./body.ts";
import { configuredToken, type Env, type FunctionConfig, readConfig } from "./config.ts";
import { errorResponse, internalError, jsonResponse } from "./errors.ts";
import { describeRoutes, matchRoute, type RouteName } from "./routes.ts";
import { ndjsonResponse } from "./stream.ts";

export interface HandlerDeps {
  readonly env: Env;
  /** The engine for this configuration: created lazily, once per isolate. */
  readonly engine: (config: FunctionConfig) => MigrationEngine;
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
    const label = `${request.method} ${match.kind === "not-found" ? `/${match.path}` : match.route}`;
    const finish = (response: Response, note = "") => {
      log(`supamigrate ${label} ${response.status} ${Date.now() - started}ms${note}`);
      return response;
    };
    try {
      if (match.kind === "not-found") {
        return finish(errorResponse(404, "not-found", `no route "/${match.path}": the function answers ${describeRoutes()} under its base URL (…/functions/v1/supamigrate)`));
      }
      if (match.kind === "wrong-method") {
        return finish(errorResponse(405, "method-not-allowed", `${match.route} takes ${match.allow}, not ${request.method}`, { headers: { allow: match.allow } }));
      }
      const inUrl = await refuseTokenInUrl(url, configuredToken(deps.env));
      if (inUrl) return finish(inUrl);
      if (match.route === "health") return finish(jsonResponse({ ok: true, version: deps.version }));

      const configured = readConfig(deps.env);
      if (!configured.ok) return finish(errorResponse(500, "not-configured", configured.message));
      const unauthorized = await refuseUnauthorized(request, configured.config.token);
      if (unauthorized) return finish(unauthorized);

      const response = await route(match.route, request, configured.config);
      if (response.headers.get("content-type")?.startsWith("application/x-ndjson")) return response;
      return finish(response);
    } catch (error) {
      return finish(unexpected(error));
    }
  };

  async function route(name: Exclude<RouteName, "health">, request: Request, config: FunctionConfig): Promise<Response> {
    if (name === "status") return jsonResponse(await deps.engine(config).status());

    const body = await readJsonBody(request, config.maxBodyBytes);
    if (!body.ok) return body.response;
    if (name === "rollback") {
      const checked = validateRollbackRequest(body.json);
      if (!checked.ok) return errorResponse(400, checked.code, checked.message);
      const prepared = await deps.engine(config).prepareRollback(checked.value);
      return prepared.ok ? stream(name, prepared.run) : rejected(prepared.rejection);
    }
    const checked = validateApplyRequest(body.json);
    if (!checked.ok) return errorResponse(400, checked.code, checked.message);
    if (name === "plan") {
      const planned = await deps.engine(config).plan(checked.value);
      return planned.ok ? jsonResponse(planned.plan) : rejected(planned.rejection);
    }
    const prepared = await deps.engine(config).prepareApply(checked.value);
    return prepared.ok ? stream(name, prepared.run) : rejected(prepared.rejection);
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
    if (isConnectionError(error)) {
      logError("database connection", error);
      return errorResponse(503, "database-unavailable", "the function could not connect to its database: check SUPABASE_DB_URL (locally: --db-url) and that the database is up, then retry. Nothing was applied.");
    }
    logError("request", error);
    return internalError();
  }

  function logError(where: string, error: unknown): void {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(`supamigrate: unexpected error in ${where}: ${text}`);
  }
}

function rejected(rejection: Rejection): Response {
  return errorResponse(rejection.status, rejection.code, rejection.message, { details: rejection.details });
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "EAI_AGAIN",
  "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED",
  "57P01", "57P03", "28P01", "28000", "3D000", "53300",
]);

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONNECTION_CODES.has(code);
}
