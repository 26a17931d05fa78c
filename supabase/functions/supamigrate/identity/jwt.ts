/**
 * Verifies a Supabase user access token with jose: the signature against the project's JWKS
 * (asymmetric keys: ES256, RS256, EdDSA; fetched once per isolate and cached by jose, re-fetched when
 * an unknown `kid` shows up after a key rotation) or the legacy HS256 secret; then `exp`, `iss`
 * (`<SUPABASE_URL>/auth/v1`), `aud` (`authenticated`) and `role` (`authenticated`, so the anon key
 * and other non-user tokens are refused). Failures say what is wrong and never repeat the token.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from "jose";
import type { JwtSettings } from "./config.ts";

export interface VerifiedUser {
  readonly id: string;
  readonly email: string | null;
  /** `app_metadata.role` (server-side only: users cannot change their own app_metadata). */
  readonly appRole: string | null;
  /** The `session_id` claim: the auth.sessions row this token belongs to (checked in session.ts). */
  readonly sessionId: string | null;
  /** `is_anonymous: true`: an anonymous sign-in (role `authenticated`, but nobody in particular). */
  readonly anonymous: boolean;
}

export type JwtResult =
  | { readonly ok: true; readonly user: VerifiedUser }
  | { readonly ok: false; readonly status: 401 | 503; readonly code: "unauthorized" | "auth-unavailable"; readonly message: string };

/** Algorithms Supabase Auth signs with; `none` and the HMAC family are never taken from the JWKS path. */
const ASYMMETRIC = ["ES256", "RS256", "EdDSA"];
const CLOCK_TOLERANCE_S = 30;

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySet(url: string): ReturnType<typeof createRemoteJWKSet> {
  let set = keySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    keySets.set(url, set);
  }
  return set;
}

/** Whether `token` has the shape of a JWS (three base64url parts, a JSON header naming an `alg`). */
export function looksLikeJwt(token: string): boolean {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) return false;
  try {
    return typeof decodeProtectedHeader(token).alg === "string";
  } catch {
    return false;
  }
}

const refuse = (message: string): JwtResult => ({ ok: false, status: 401, code: "unauthorized", message });

export async function verifyUserToken(token: string, settings: JwtSettings): Promise<JwtResult> {
  let alg: string | undefined;
  let unverified: JWTPayload;
  try {
    alg = decodeProtectedHeader(token).alg;
    unverified = decodeJwt(token);
  } catch {
    return refuse("the bearer token is neither a configured machine token nor a well-formed Supabase access token");
  }
  // Only chooses the message: the token is refused either way.
  if (unverified.role === "anon") {
    return refuse("this is the project's anon (publishable) key, not a signed-in user: sign in (VS Code: “Supamigrate: Sign In”) or use a machine token (SUPAMIGRATE_TOKEN)");
  }

  let payload: JWTPayload;
  try {
    if (alg === "HS256") {
      if (settings.secret === null) {
        return refuse("the access token is signed with the legacy JWT secret (HS256), which this function was not given: set it with `supabase secrets set SUPAMIGRATE_JWT_SECRET=<JWT secret>` or move the project to asymmetric signing keys");
      }
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(settings.secret), verifyOptions(settings, ["HS256"])));
    } else {
      if (settings.jwksUrl === null) return refuse("the access token is signed with an asymmetric key but no JWKS is configured: set SUPABASE_URL (or SUPAMIGRATE_JWKS_URL)");
      ({ payload } = await jwtVerify(token, keySet(settings.jwksUrl), verifyOptions(settings, ASYMMETRIC)));
    }
  } catch (error) {
    return describeFailure(error, settings);
  }

  if (payload.role !== "authenticated") {
    return refuse(`the access token's role is ${typeof payload.role === "string" ? `"${payload.role.slice(0, 40)}"` : "missing"}, not "authenticated": only signed-in users' tokens are accepted (machines use SUPAMIGRATE_TOKEN / SUPAMIGRATE_TOKENS)`);
  }
  if (typeof payload.sub !== "string" || payload.sub === "") return refuse("the access token names no user (no `sub` claim): sign in again");
  const appMetadata = payload.app_metadata;
  const appRole = typeof appMetadata === "object" && appMetadata !== null && typeof (appMetadata as Record<string, unknown>).role === "string"
    ? (appMetadata as Record<string, string>).role
    : null;
  return {
    ok: true,
    user: {
      id: payload.sub,
      email: typeof payload.email === "string" && payload.email ? payload.email : null,
      appRole,
      sessionId: typeof payload.session_id === "string" && payload.session_id ? payload.session_id : null,
      // Anything but a plain `false` counts: a token that says it is anonymous in any way is treated as such.
      anonymous: payload.is_anonymous !== undefined && payload.is_anonymous !== false,
    },
  };
}

function verifyOptions(settings: JwtSettings, algorithms: string[]) {
  return { issuer: settings.issuer, audience: settings.audience, algorithms, clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ["exp", "sub"] };
}

function describeFailure(error: unknown, settings: JwtSettings): JwtResult {
  if (error instanceof errors.JWTExpired) {
    return refuse("the access token has expired: sign in again (supabase-js refreshes sessions by itself; a long-lived CI job should use a machine token)");
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return refuse(`the access token was not issued by this project's Auth (expected issuer ${settings.issuer}): sign in to the project this function belongs to`);
    if (error.claim === "aud") return refuse(`the access token's audience is not "${settings.audience}": use a signed-in user's access token, not another kind of JWT`);
    if (error.claim === "nbf") return refuse("the access token is not valid yet (nbf in the future): check the clock of the machine that issued it");
    return refuse(`the access token lacks or has an invalid "${error.claim}" claim: sign in again`);
  }
  // A JWKS that cannot be fetched or read: a timeout, a connection failure (TypeError from fetch), a
  // non-200 answer or a body that is not a key set (plain JOSEError / ERR_JWKS_INVALID).
  const unavailable = error instanceof errors.JWKSTimeout || error instanceof TypeError ||
    (error instanceof errors.JOSEError && (error.code === "ERR_JOSE_GENERIC" || error.code === "ERR_JWKS_INVALID"));
  if (unavailable) {
    return {
      ok: false,
      status: 503,
      code: "auth-unavailable",
      message: `the function could not fetch the project's signing keys (${settings.jwksUrl}); nothing was run. Retry; if it persists, check SUPABASE_URL / SUPAMIGRATE_JWKS_URL`,
    };
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return refuse("the access token uses a signing algorithm this function does not accept");
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JWSSignatureVerificationFailed) {
    return refuse("the access token's signature does not verify against this project's signing keys: it was altered, or comes from another project");
  }
  return refuse("the access token is not valid (malformed or not signed by this project): sign in again");
}
