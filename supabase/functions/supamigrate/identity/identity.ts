/**
 * Who is calling, and may they do this: machine tokens (constant time, every configured token
 * compared) first, then Supabase user access tokens (jose). Runs before the body is read and before
 * any database connection exists.
 */
import { bearerToken, matchingTokens } from "../../../../shared/protocol/auth.ts";
import { actorText, type Scope } from "../../../../shared/protocol/identity.ts";
import type { ProtectedRoute } from "../../../../shared/protocol/routes.ts";
import type { ApplyMeta } from "../../../../shared/protocol/types.ts";
import type { IdentityConfig } from "./config.ts";
import { looksLikeJwt, verifyUserToken } from "./jwt.ts";

export interface UserIdentity {
  readonly kind: "user";
  readonly id: string;
  readonly email: string | null;
  readonly admin: boolean;
  /** The token's `session_id`: checked against auth.sessions before the route runs (session.ts). */
  readonly sessionId: string | null;
  /** An anonymous sign-in (`is_anonymous`): refused on every route. */
  readonly anonymous: boolean;
}

export type Identity = { readonly kind: "token"; readonly name: string; readonly scopes: readonly Scope[] } | UserIdentity;

export type Authenticated =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly status: 401 | 503; readonly code: string; readonly message: string };

export async function authenticate(authorization: string | null, config: IdentityConfig): Promise<Authenticated> {
  const presented = bearerToken(authorization);
  // Compare against every configured token even when nothing was presented, so a missing header,
  // a wrong token and a JWT cost the same time here.
  const matches = await matchingTokens(presented ?? "", config.tokens.map((t) => t.token));
  if (presented === null) {
    return unauthorized(
      authorization === null
        ? "no bearer token: send `Authorization: Bearer <token>` with a machine token (the CLI reads $SUPAMIGRATE_TOKEN) or a signed-in Supabase user's access token"
        : "the Authorization header is not `Bearer <token>`: send `Authorization: Bearer <token>`",
    );
  }
  if (matches.length > 0) {
    const token = config.tokens[matches[0]];
    return { ok: true, identity: { kind: "token", name: token.name, scopes: token.scopes } };
  }
  if (config.jwt !== null && looksLikeJwt(presented)) {
    const verified = await verifyUserToken(presented, config.jwt);
    if (!verified.ok) return verified;
    const { id, email, appRole, sessionId, anonymous } = verified.user;
    return { ok: true, identity: { kind: "user", id, email, admin: appRole === "admin", sessionId, anonymous } };
  }
  if (looksLikeJwt(presented)) {
    return unauthorized("the bearer token is a JWT, but this function does not accept Supabase user tokens (SUPABASE_URL is not set): use a machine token (SUPAMIGRATE_TOKEN)");
  }
  return unauthorized(
    config.tokens.length === 0
      ? "the bearer token is not a Supabase access token, and no machine tokens are configured: sign in, or set SUPAMIGRATE_TOKEN / SUPAMIGRATE_TOKENS (see docs/identity.md)"
      : "the bearer token matches none of the function's machine tokens (SUPAMIGRATE_TOKEN / SUPAMIGRATE_TOKENS): check $SUPAMIGRATE_TOKEN where you run the CLI against the secret (`supabase secrets list` shows its digest)",
  );
}

function unauthorized(message: string): Authenticated {
  return { ok: false, status: 401, code: "unauthorized", message };
}

/**
 * Null when `identity` may call `route`, else the 403 message. A machine token needs the route's scope
 * (its `access` in the route table); a user needs to be a migration admin on **every** route: status and
 * plan list who applied what (emails, git SHAs, CI run ids), which any self-signed-up user of the project
 * must not read. An anonymous sign-in (`is_anonymous`, role `authenticated` all the same) is refused even
 * if it claims admin.
 */
export function forbiddenReason(identity: Identity, route: ProtectedRoute): string | null {
  const needed = route.access;
  if (identity.kind === "token") {
    if (identity.scopes.includes(needed)) return null;
    return `this token ("${identity.name}") has the ${identity.scopes.join("+") || "no"} scope; ${route.name} needs ${needed}: ` +
      "use a token with the write scope (SUPAMIGRATE_TOKENS) or SUPAMIGRATE_TOKEN";
  }
  if (identity.anonymous) {
    return "this access token is an anonymous sign-in (is_anonymous), which may not call supamigrate on any route: " +
      "sign in with the email account of a migration admin (app_metadata.role = \"admin\"), or use a machine token (SUPAMIGRATE_TOKEN / SUPAMIGRATE_TOKENS)";
  }
  if (identity.admin) return null;
  const reader = needed === "read"
    ? " (status and plan show who applied what, so they are for admins too; a dashboard or script reads them with a read-scoped machine token in SUPAMIGRATE_TOKENS)"
    : "";
  return `${identity.email ?? `user ${identity.id}`} is signed in but is not a migration admin; ${route.name} needs app_metadata.role = "admin" ` +
    "(set by scripts/012_create_admin_user.sql, or `update auth.users set raw_app_meta_data = raw_app_meta_data || '{\"role\":\"admin\"}' where email = …`), " +
    `then sign in again so the new access token carries it${reader}.`;
}

/** What `applied_by` records for a verified identity: `token:<name>` or `user:<id> <email>`, never a token. */
export function verifiedActor(identity: Identity): string {
  return identity.kind === "token" ? `token:${identity.name}` : `user:${identity.id}${identity.email ? ` ${identity.email}` : ""}`;
}

/** The request's meta with `actor` replaced by the verified identity (the client's claim kept as extra info). */
export function withVerifiedActor(meta: ApplyMeta | undefined, identity: Identity): ApplyMeta {
  return { ...(meta ?? {}), actor: actorText(verifiedActor(identity), meta?.actor) };
}
