/**
 * Keys, a JWKS server and token signing for the identity tests. The tests make their own signing
 * keys with jose (ES256, RS256, and an HS256 "legacy JWT secret"), serve the public keys as a JWKS
 * from a local HTTP server (standing in for `<project>/auth/v1/.well-known/jwks.json`) and sign
 * Supabase-shaped access tokens; the function verifies them for real.
 */
import { createServer, type Server } from "node:http";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import type postgres from "postgres";

export interface SigningKey {
  readonly alg: "ES256" | "RS256";
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function makeKey(alg: "ES256" | "RS256", kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { alg, kid, privateKey, publicJwk };
}

export interface JwksServer {
  /** `http://127.0.0.1:<port>`: the stand-in project URL (SUPABASE_URL). */
  readonly origin: string;
  /** Requests per path, to check the function caches the key set. */
  readonly hits: Map<string, number>;
  /** Serves `keys` at `path` (default: the Supabase JWKS path). */
  serve(path: string, keys: readonly SigningKey[]): void;
  close(): Promise<void>;
}

export const JWKS_PATH = "/auth/v1/.well-known/jwks.json";

export async function startJwksServer(): Promise<JwksServer> {
  const routes = new Map<string, JWK[]>();
  const hits = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const keys = routes.get(path);
    if (!keys) {
      response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    serve(path, keys) {
      routes.set(path, keys.map((k) => k.publicJwk));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface UserClaims {
  readonly sub: string;
  readonly email?: string;
  /** app_metadata.role: "admin" for a migration admin (what 012 sets). */
  readonly appRole?: string;
  readonly role?: string;
  readonly issuer: string;
  readonly audience?: string;
  /** Seconds from now; negative = already expired. */
  readonly expiresIn?: number;
  /** The `session_id` claim (default `sessionFor(sub)`); null leaves it out. */
  readonly sessionId?: string | null;
  /** `is_anonymous` (default false), as Supabase sets it for an anonymous sign-in. */
  readonly anonymous?: boolean;
}

/** The session a test user's token belongs to unless told otherwise (`addSignedInUser` creates it): one per user. */
export function sessionFor(sub: string): string {
  return `5b0f6d8e${sub.slice(8)}`;
}

function claims(c: UserClaims) {
  const anonymous = c.anonymous ?? false;
  return {
    role: c.role ?? "authenticated",
    email: c.email,
    phone: "",
    app_metadata: c.appRole === undefined
      ? { provider: anonymous ? "anonymous" : "email", providers: [anonymous ? "anonymous" : "email"] }
      : { provider: "email", providers: ["email"], role: c.appRole },
    user_metadata: {},
    aal: "aal1",
    ...(c.sessionId === null ? {} : { session_id: c.sessionId ?? sessionFor(c.sub) }),
    is_anonymous: anonymous,
  };
}

/** A Supabase-shaped access token signed with an asymmetric key. */
export async function signUser(key: SigningKey, c: UserClaims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT(claims(c))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .setIssuer(c.issuer)
    .setSubject(c.sub)
    .setAudience(c.audience ?? "authenticated")
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (c.expiresIn ?? 3600))
    .sign(key.privateKey);
}

/** The same, signed with the legacy shared secret (HS256). */
export async function signUserHs256(secret: string, c: UserClaims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT(claims(c))
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(c.issuer)
    .setSubject(c.sub)
    .setAudience(c.audience ?? "authenticated")
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (c.expiresIn ?? 3600))
    .sign(new TextEncoder().encode(secret));
}

/** `token` with its payload swapped for another token's payload (signature kept): a tampered token. */
export function tamper(token: string, payloadFrom: string): string {
  const [header, , signature] = token.split(".");
  return `${header}.${payloadFrom.split(".")[1]}.${signature}`;
}

/** An unsigned token (`alg: none`). */
export function unsigned(c: UserClaims): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims(c), iss: c.issuer, sub: c.sub, aud: "authenticated", exp: now + 3600 })}.`;
}

export const ADMIN = { sub: "00000000-0000-4000-8000-000000000001", email: "admin@example.com", appRole: "admin" } as const;
export const DEVELOPER = { sub: "00000000-0000-4000-8000-000000000002", email: "dev@example.com" } as const;

/**
 * What Supabase Auth writes when `user` signs in: their auth.users row (if missing) and an auth.sessions
 * row `sessionId` — the rows the function checks before it lets the user's token in.
 */
export async function addSignedInUser(
  sql: postgres.Sql,
  user: { readonly sub: string; readonly email?: string; readonly appRole?: string },
  sessionId: string = sessionFor(user.sub),
  options: { readonly anonymous?: boolean } = {},
): Promise<void> {
  const appMetadata = JSON.stringify(user.appRole === undefined ? { provider: "email" } : { provider: "email", role: user.appRole });
  await sql`insert into auth.users (id, email, aud, role, raw_app_meta_data, is_anonymous)
    values (${user.sub}, ${user.email ?? null}, 'authenticated', 'authenticated', ${appMetadata}::jsonb, ${options.anonymous ?? false})
    on conflict (id) do nothing`;
  await sql`insert into auth.sessions (id, user_id, created_at, updated_at, aal)
    values (${sessionId}, ${user.sub}, now(), now(), 'aal1') on conflict (id) do nothing`;
}
