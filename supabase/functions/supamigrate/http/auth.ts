/**
 * The function's door: the "token in the URL" refusal, then who is calling (identity/) and whether
 * they may call this route. Runs before the body is read and before any database connection exists.
 */
import { tokensMatch } from "../../../../shared/protocol/auth.ts";
import type { ProtectedRoute } from "../../../../shared/protocol/identity.ts";
import type { IdentityConfig } from "../identity/config.ts";
import { authenticate, forbiddenReason, type Identity } from "../identity/identity.ts";
import { looksLikeJwt } from "../identity/jwt.ts";
import { errorResponse } from "./errors.ts";

const TOKEN_PARAMS = new Set(["token", "access_token", "apikey", "api_key", "key", "auth", "authorization", "bearer", "secret"]);
const UNAUTHORIZED_HEADERS = { "www-authenticate": 'Bearer realm="supamigrate"' };

/**
 * 400 `token-in-url` when the query string carries a token: by parameter name, by value (any
 * configured machine token, compared in constant time), or a JWT-shaped value (an access token).
 */
export async function refuseTokenInUrl(url: URL, tokens: readonly string[]): Promise<Response | null> {
  let found = false;
  for (const [name, value] of url.searchParams) {
    if (TOKEN_PARAMS.has(name.toLowerCase())) found = true;
    else if (value.length > 0 && looksLikeJwt(value)) found = true;
    else if (value.length > 0) for (const token of tokens) if (await tokensMatch(value, token)) found = true;
  }
  if (!found) return null;
  return errorResponse(400, "token-in-url", "do not put a token in the URL: send it in the Authorization header (Authorization: Bearer <token>); query strings end up in logs. If this token was real, rotate it (`supabase secrets set SUPAMIGRATE_TOKEN=<new token>`, or the entry in SUPAMIGRATE_TOKENS; a user signs out and in again).");
}

export type Admission = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly response: Response };

/** 401 `unauthorized` (who are you?), 403 `forbidden` (not allowed to do this), 503 `auth-unavailable` (JWKS unreachable). */
export async function admit(request: Request, config: IdentityConfig, route: ProtectedRoute): Promise<Admission> {
  const who = await authenticate(request.headers.get("authorization"), config);
  if (!who.ok) {
    return { ok: false, response: errorResponse(who.status, who.code, who.message, who.status === 401 ? { headers: UNAUTHORIZED_HEADERS } : {}) };
  }
  const reason = forbiddenReason(who.identity, route);
  if (reason !== null) return { ok: false, response: errorResponse(403, "forbidden", reason) };
  return { ok: true, identity: who.identity };
}
