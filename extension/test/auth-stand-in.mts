/**
 * A STAND-IN for the Supabase project's HTTP front door, for the extension's sign-in test (the real
 * Supabase Auth server cannot run here). It implements only the Auth endpoints supabase-js calls —
 * password and refresh-token grants, email OTP send/verify, user, logout — issuing access tokens
 * signed ES256 with a key made at start and published at /auth/v1/.well-known/jwks.json. Like the
 * real gateway it requires the `apikey` header, and it forwards /functions/v1/* to the REAL function
 * (Deno, real PostgreSQL), which verifies those tokens itself. Like GoTrue it keeps its users in
 * auth.users and each session in auth.sessions of the project's database (the function checks both
 * before it runs anything for a user); sign-out deletes the session's row. Test-only endpoints under
 * /__stand-in/ expose the last emailed code, recorded requests and the token lifetime.
 */
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from "jose";
import postgres from "postgres";

interface User {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly appMetadata: Record<string, unknown>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly apikey: string | null;
  readonly bearer: string | null;
  /** The x-region header: where Supabase is asked to run the function. */
  readonly region: string | null;
}

export interface AuthStandIn {
  readonly origin: string;
  /** Where /functions/v1/* goes (set once the function listens). */
  setFunctionOrigin(origin: string): void;
  /** The project's database, where users and sessions are kept (set before anyone signs in). */
  setDatabase(dbUrl: string): void;
  close(): Promise<void>;
}

export const STAND_IN_USERS = [
  { id: "00000000-0000-4000-8000-0000000000a1", email: "admin@example.com", password: "admin-password-1", appMetadata: { provider: "email", providers: ["email"], role: "admin" } },
  { id: "00000000-0000-4000-8000-0000000000d1", email: "dev@example.com", password: "dev-password-1", appMetadata: { provider: "email", providers: ["email"] } },
] as const satisfies readonly User[];

export async function startAuthStandIn(anonKey: string): Promise<AuthStandIn> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "stand-in-1", alg: "ES256", use: "sig" };
  const users: User[] = [...STAND_IN_USERS];
  const refreshTokens = new Map<string, { user: User; sessionId: string }>();
  let db: postgres.Sql | null = null;

  /** The user's auth.users row (as GoTrue keeps it) and a new auth.sessions row; returns the session id. */
  async function startSession(user: User): Promise<string> {
    if (!db) throw new Error("the stand-in has no database (setDatabase)");
    const sessionId = randomUUID();
    await db`insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data)
      values (${user.id}, 'authenticated', 'authenticated', ${user.email}, ${JSON.stringify(user.appMetadata)}::jsonb, '{}'::jsonb)
      on conflict (id) do update set raw_app_meta_data = excluded.raw_app_meta_data`;
    await db`insert into auth.sessions (id, user_id, created_at, updated_at, aal) values (${sessionId}, ${user.id}, now(), now(), 'aal1')`;
    return sessionId;
  }
  const codes = new Map<string, string>();
  const recorded: RecordedRequest[] = [];
  let expiresIn = 3600;
  let functionOrigin: URL | null = null;
  let origin = "";

  /** Tokens for a session: a new one, or (refresh) the same session id, as GoTrue keeps it across refreshes. */
  async function session(user: User, existing: string | null = null) {
    const sessionId = existing ?? await startSession(user);
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({
      email: user.email,
      role: "authenticated",
      app_metadata: user.appMetadata,
      user_metadata: {},
      aal: "aal1",
      session_id: sessionId,
    })
      .setProtectedHeader({ alg: "ES256", kid: jwk.kid, typ: "JWT" })
      .setIssuer(`${origin}/auth/v1`)
      .setSubject(user.id)
      .setAudience("authenticated")
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .sign(privateKey);
    const refreshToken = randomBytes(16).toString("hex");
    refreshTokens.set(refreshToken, { user, sessionId });
    return { access_token: accessToken, token_type: "bearer", expires_in: expiresIn, expires_at: now + expiresIn, refresh_token: refreshToken, user: userJson(user) };
  }

  function userJson(user: User) {
    return {
      id: user.id,
      aud: "authenticated",
      role: "authenticated",
      email: user.email,
      email_confirmed_at: "2024-01-01T00:00:00Z",
      app_metadata: user.appMetadata,
      user_metadata: {},
      identities: [],
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
    };
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const authError = (res: ServerResponse, status: number, code: string, msg: string) => json(res, status, { code: status, error_code: code, msg });
  const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    let text = "";
    for await (const chunk of req) text += chunk;
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    const bearer = (req.headers.authorization ?? "").replace(/^Bearer /i, "") || null;
    const apikey = (req.headers.apikey as string | undefined) ?? null;
    try {
      if (path.startsWith("/__stand-in/")) {
        if (path === "/__stand-in/code") return json(res, 200, { code: codes.get(url.searchParams.get("email") ?? "") ?? null });
        if (path === "/__stand-in/requests") return json(res, 200, recorded);
        if (path === "/__stand-in/expires-in") {
          expiresIn = Number(url.searchParams.get("seconds"));
          return json(res, 200, { expiresIn });
        }
        return json(res, 404, {});
      }
      const region = typeof req.headers["x-region"] === "string" ? req.headers["x-region"] : null;
      recorded.push({ method: req.method ?? "", path: `${path}${url.search}`, apikey, bearer, region });
      if (path === "/auth/v1/.well-known/jwks.json") return json(res, 200, { keys: [jwk] });
      if (apikey !== anonKey) return json(res, 401, { message: "No API key found in request" });

      if (path.startsWith("/functions/v1/")) {
        if (!functionOrigin) return json(res, 503, { message: "function not started" });
        const upstream = httpRequest({ host: functionOrigin.hostname, port: functionOrigin.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        req.pipe(upstream);
        return;
      }
      if (path === "/auth/v1/token" && req.method === "POST") {
        const body = await readBody(req);
        const grant = url.searchParams.get("grant_type");
        if (grant === "password") {
          const user = users.find((u) => u.email === body.email && u.password === body.password);
          return user ? json(res, 200, await session(user)) : authError(res, 400, "invalid_credentials", "Invalid login credentials");
        }
        if (grant === "refresh_token") {
          const refreshed = refreshTokens.get(String(body.refresh_token));
          if (!refreshed) return authError(res, 400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
          refreshTokens.delete(String(body.refresh_token)); // rotation: each refresh token is used once
          return json(res, 200, await session(refreshed.user, refreshed.sessionId));
        }
        return authError(res, 400, "unsupported_grant_type", "unsupported grant_type");
      }
      if (path === "/auth/v1/otp" && req.method === "POST") {
        const body = await readBody(req);
        const user = users.find((u) => u.email === body.email);
        if (!user) return authError(res, 422, "otp_disabled", "Signups not allowed for otp");
        codes.set(user.email, String(randomInt(100000, 1000000)));
        return json(res, 200, {});
      }
      if (path === "/auth/v1/verify" && req.method === "POST") {
        const body = await readBody(req);
        const user = users.find((u) => u.email === body.email);
        if (!user || body.type !== "email" || codes.get(user.email) !== body.token) return authError(res, 403, "otp_expired", "Token has expired or is invalid");
        codes.delete(user.email);
        return json(res, 200, await session(user));
      }
      if (path === "/auth/v1/user" && req.method === "GET") {
        try {
          const { payload } = await jwtVerify(bearer ?? "", publicKey, { issuer: `${origin}/auth/v1`, audience: "authenticated" });
          const user = users.find((u) => u.id === payload.sub);
          return user ? json(res, 200, userJson(user)) : authError(res, 404, "user_not_found", "User not found");
        } catch {
          return authError(res, 403, "bad_jwt", "invalid JWT");
        }
      }
      if (path === "/auth/v1/logout" && req.method === "POST") {
        // As GoTrue: the access token's session ends (its row goes), so the function refuses that token from now on.
        try {
          const { payload } = await jwtVerify(bearer ?? "", publicKey, { issuer: `${origin}/auth/v1`, audience: "authenticated" });
          if (db && typeof payload.session_id === "string") await db`delete from auth.sessions where id = ${payload.session_id}`;
        } catch {
          // an expired or foreign token: nothing to end
        }
        res.writeHead(204).end();
        return;
      }
      return json(res, 404, { message: `the stand-in does not serve ${req.method} ${path}` });
    } catch (error) {
      return json(res, 500, { message: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    origin,
    setFunctionOrigin(value) {
      functionOrigin = new URL(value);
    },
    setDatabase(dbUrl) {
      db = postgres(dbUrl, { max: 2, onnotice: () => {} });
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db?.end({ timeout: 5 });
    },
  };
}
