/**
 * The function's door: who is calling (identity/) and whether they may call this route. Runs before
 * the body is read and before any database connection exists. (The "token in the URL" refusal that
 * comes before it is token-in-url.ts.)
 */
import type { ProtectedRoute } from "../../../../shared/protocol/routes.ts";
import type { IdentityConfig } from "../identity/config.ts";
import { authenticate, forbiddenReason, type Identity } from "../identity/identity.ts";
import { errorResponse } from "./errors.ts";

const UNAUTHORIZED_HEADERS = { "www-authenticate": 'Bearer realm="supamigrate"' };

export type Admission = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly response: Response };

/** A 401 carries `WWW-Authenticate` (RFC 6750); other refusals do not. */
export function unauthorizedHeaders(status: number): { headers?: Record<string, string> } {
  return status === 401 ? { headers: UNAUTHORIZED_HEADERS } : {};
}

/** 401 `unauthorized` (who are you?), 403 `forbidden` (not allowed to do this), 503 `auth-unavailable` (JWKS unreachable). */
export async function admit(request: Request, config: IdentityConfig, route: ProtectedRoute): Promise<Admission> {
  const who = await authenticate(request.headers.get("authorization"), config);
  if (!who.ok) {
    return { ok: false, response: errorResponse(who.status, who.code, who.message, unauthorizedHeaders(who.status)) };
  }
  const reason = forbiddenReason(who.identity, route);
  if (reason !== null) return { ok: false, response: errorResponse(403, "forbidden", reason) };
  return { ok: true, identity: who.identity };
}
