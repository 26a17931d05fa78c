/**
 * The function's bearer-token check and the "token in the URL" refusal. Runs before the body is
 * read and before any database connection exists.
 */
import { bearerToken, tokensMatch } from "../../../../shared/protocol/auth.ts";
import { errorResponse } from "./errors.ts";

const TOKEN_PARAMS = new Set(["token", "access_token", "apikey", "api_key", "key", "auth", "authorization", "bearer", "secret"]);

/** 400 `token-in-url` when the query string carries a token (by name, or the configured value). */
export async function refuseTokenInUrl(url: URL, configured: string | null): Promise<Response | null> {
  let found = false;
  for (const [name, value] of url.searchParams) {
    if (TOKEN_PARAMS.has(name.toLowerCase())) found = true;
    else if (configured !== null && value.length > 0 && await tokensMatch(value, configured)) found = true;
  }
  if (!found) return null;
  return errorResponse(400, "token-in-url", "do not put a token in the URL: send it in the Authorization header (Authorization: Bearer <token>); query strings end up in logs. If this token was real, rotate it (`supabase secrets set SUPAMIGRATE_TOKEN=<new token>`).");
}

/** 401 `unauthorized` unless the request carries `Authorization: Bearer <expected>`. */
export async function refuseUnauthorized(request: Request, expected: string): Promise<Response | null> {
  const presented = bearerToken(request.headers.get("authorization"));
  // Compare even when nothing was presented, so a missing header costs the same time as a wrong one.
  const match = await tokensMatch(presented ?? "", expected);
  if (presented !== null && match) return null;
  const message = presented === null
    ? "no bearer token: send `Authorization: Bearer <token>` with the function's SUPAMIGRATE_TOKEN (the CLI reads it from $SUPAMIGRATE_TOKEN)"
    : "the bearer token does not match the function's SUPAMIGRATE_TOKEN: check $SUPAMIGRATE_TOKEN where you run the CLI against the secret (`supabase secrets list` shows its digest)";
  return errorResponse(401, "unauthorized", message, { headers: { "www-authenticate": 'Bearer realm="supamigrate"' } });
}
