/**
 * The function's request handler: routing, token-in-URL refusal, auth, the database URL check, a
 * user's session check — the door every route of the table but health goes through — then the one
 * generic path (dispatch.ts) that validates, calls the engine and answers. Runtime-neutral (its
 * dependencies are passed in), so Node tests drive it with a fake engine and `index.ts` wires it to
 * Deno's environment and a real engine.
 */
import type { MigrationEngine } from "../../../../shared/engine/types.ts";
import { checkDbUrl, connectionFailureReason, scrubSecrets } from "../../../../shared/protocol/db-url.ts";
import type { AcceptedRun } from "../../../../shared/protocol/route-engine.ts";
import type { EngineRoute } from "../../../../shared/protocol/routes.ts";
import { configuredTokenValues } from "../identity/config.ts";
import type { UserIdentity } from "../identity/identity.ts";
import type { SessionVerdict } from "../identity/session.ts";
import { admit, unauthorizedHeaders } from "./auth.ts";
import { type Env, type FunctionConfig, readConfig } from "./config.ts";
import { dispatch } from "./dispatch.ts";
import { errorResponse, internalError, jsonResponse } from "./errors.ts";
import { logSecrets } from "./log-secrets.ts";
import { describeRoutes, matchRoute } from "./routes.ts";
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
    const label = `${request.method} ${match.kind === "not-found" ? "(unknown route)" : match.route.name}`;
    const finish = (response: Response, note = "") => {
      log(`supamigrate ${label} ${response.status} ${Date.now() - started}ms${note}`);
      return response;
    };
    try {
      if (match.kind === "not-found") {
        return finish(errorResponse(404, "not-found", `no such route: the function answers ${describeRoutes()} under its base URL (…/functions/v1/supamigrate)`));
      }
      if (match.kind === "wrong-method") {
        return finish(errorResponse(405, "method-not-allowed", `${match.route.name} takes ${match.allow}, not ${request.method}`, { headers: { allow: match.allow } }));
      }
      const inUrl = await refuseTokenInUrl(url, configuredTokenValues(deps.env));
      if (inUrl) return finish(inUrl);
      const { route } = match;
      // health: anyone, before the settings, the token and the database are looked at.
      if (route.access === "anyone") return finish(jsonResponse(route.call({ version: deps.version })));

      const configured = readConfig(deps.env);
      if (!configured.ok) return finish(errorResponse(500, "not-configured", configured.message));
      const { config } = configured;
      // Who is calling (machine token or verified Supabase user) and may they call this route.
      const admitted = await admit(request, config.identity, route);
      if (!admitted.ok) return finish(admitted.response);
      // Only now, to a caller who may see it: a URL postgres.js would misread (or quote in an error) is
      // described — never shown — instead of being handed to the driver.
      const { dbUrlName } = config;
      const database = checkDbUrl(config.dbUrl);
      if (!database.ok) {
        console.error(`supamigrate: ${dbUrlName} ${database.problem}`);
        return finish(errorResponse(500, "not-configured", `${dbUrlName} ${database.problem}. ${howToSetDbUrl(dbUrlName)} Nothing was run.`));
      }
      if (admitted.identity.kind === "user") {
        const session = await deps.userSession(config, admitted.identity);
        if (!session.ok) return finish(errorResponse(session.status, session.code, session.message, unauthorizedHeaders(session.status)));
      }

      const response = await dispatch(route, request, {
        engine: () => deps.engine(config),
        identity: admitted.identity,
        maxBodyBytes: config.maxBodyBytes,
        stream,
      });
      // A stream logs its own line when the run ends (stream's onFinish); a refusal is logged now.
      if (route.answer === "ndjson" && response.ok) return response;
      return finish(response);
    } catch (error) {
      return finish(unexpected(error));
    }
  };

  function stream(route: EngineRoute, run: AcceptedRun): Response {
    const started = Date.now();
    const label = `${route.method} ${route.name}`;
    return ndjsonResponse(run, {
      waitUntil: deps.waitUntil,
      onError: (error) => logError(`${label} run`, error),
      onFinish: (done, connected) =>
        log(`supamigrate ${label} 200 ${Date.now() - started}ms stream: ${done.applied.length} done, stoppedBy=${done.stoppedBy ?? "none"}${connected ? "" : ", client disconnected"}`),
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
