/**
 * Who the function lets in, read from its secrets (docs/identity.md):
 *
 * - machine tokens: `SUPAMIGRATE_TOKEN` (full scope, named `default`) and `SUPAMIGRATE_TOKENS`, a
 *   JSON array `[{"name": "ci", "token": "…", "scopes": ["read", "write"]}, …]` or the compact form
 *   `name:scopes:token` entries separated by commas or whitespace (`scopes` = `read`, `write` or
 *   `read+write`). Two entries may share a name (rotation: old and new token both valid);
 * - Supabase user access tokens: verified against the project's JWKS (`SUPABASE_URL` +
 *   `/auth/v1/.well-known/jwks.json`, or `SUPAMIGRATE_JWKS_URL`) and/or the legacy HS256 secret
 *   (`SUPAMIGRATE_JWT_SECRET`, or `SUPABASE_JWT_SECRET` where it is provided); issuer
 *   `<SUPABASE_URL>/auth/v1` (`SUPAMIGRATE_JWT_ISSUER` overrides), audience `authenticated`.
 */
import { bearerTokenShape, MIN_TOKEN_LENGTH } from "../../../../shared/protocol/auth.ts";
import { effectiveScopes, type Scope, SCOPES, TOKEN_NAME } from "../../../../shared/protocol/identity.ts";

export type Env = (name: string) => string | undefined;

export interface MachineToken {
  readonly name: string;
  readonly token: string;
  /** Effective scopes (write implies read). */
  readonly scopes: readonly Scope[];
}

export interface JwtSettings {
  /** `<SUPABASE_URL>/auth/v1`: the `iss` every accepted token must carry. */
  readonly issuer: string;
  readonly audience: "authenticated";
  /** Where the project's public signing keys are (asymmetric keys); null: none configured. */
  readonly jwksUrl: string | null;
  /** The legacy shared HS256 secret; null: HS256 tokens are refused. */
  readonly secret: string | null;
}

export interface IdentityConfig {
  readonly tokens: readonly MachineToken[];
  /** Null when user tokens are not accepted (no SUPABASE_URL: e.g. `supamigrate serve`). */
  readonly jwt: JwtSettings | null;
}

export type IdentityResult = { readonly ok: true; readonly identity: IdentityConfig } | { readonly ok: false; readonly message: string };

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === "" ? null : value.trim());

export function readIdentityConfig(env: Env): IdentityResult {
  const tokens: MachineToken[] = [];
  const single = nonEmpty(env("SUPAMIGRATE_TOKEN"));
  if (single !== null) {
    if (single.length < MIN_TOKEN_LENGTH) {
      return {
        ok: false,
        message: `SUPAMIGRATE_TOKEN is shorter than ${MIN_TOKEN_LENGTH} characters: ` +
          "generate one (e.g. `openssl rand -base64 32`) and set it with `supabase secrets set SUPAMIGRATE_TOKEN=<token>`, " +
          "then export the same value as SUPAMIGRATE_TOKEN where the CLI runs",
      };
    }
    tokens.push({ name: "default", token: single, scopes: ["read", "write"] });
  }
  const list = nonEmpty(env("SUPAMIGRATE_TOKENS"));
  if (list !== null) {
    const parsed = parseTokenList(list);
    if (!parsed.ok) return parsed;
    tokens.push(...parsed.tokens);
  }
  const seen = new Set<string>();
  for (const { token } of tokens) {
    if (seen.has(token)) return { ok: false, message: "SUPAMIGRATE_TOKENS (with SUPAMIGRATE_TOKEN) holds the same token twice: give every entry its own token, so `applied_by` can name who applied a file" };
    seen.add(token);
  }

  const jwt = readJwtSettings(env);
  if (!jwt.ok) return jwt;
  if (tokens.length === 0 && jwt.settings === null) {
    return {
      ok: false,
      message: "SUPAMIGRATE_TOKEN is not set and no other way in is configured: " +
        "generate a token (e.g. `openssl rand -base64 32`) and set it with `supabase secrets set SUPAMIGRATE_TOKEN=<token>` " +
        "(or scoped tokens in SUPAMIGRATE_TOKENS, or SUPABASE_URL for signed-in users; see docs/identity.md), " +
        "then export the same value as SUPAMIGRATE_TOKEN where the CLI runs",
    };
  }
  return { ok: true, identity: { tokens, jwt: jwt.settings } };
}

/** Every configured machine token, best effort (for spotting one pasted into a URL before the full config is read). */
export function configuredTokenValues(env: Env): string[] {
  const values: string[] = [];
  const single = nonEmpty(env("SUPAMIGRATE_TOKEN"));
  if (single !== null) values.push(single);
  const list = nonEmpty(env("SUPAMIGRATE_TOKENS"));
  if (list !== null) {
    const parsed = parseTokenList(list);
    if (parsed.ok) values.push(...parsed.tokens.map((t) => t.token));
  }
  return values;
}

function parseTokenList(text: string): { ok: true; tokens: MachineToken[] } | { ok: false; message: string } {
  const fail = (why: string) => ({
    ok: false as const,
    message: `SUPAMIGRATE_TOKENS ${why}. Expected a JSON array like [{"name":"ci","token":"<32+ characters>","scopes":["write"]}] ` +
      "or entries `name:scopes:token` separated by commas (scopes: read, write or read+write); see docs/identity.md",
  });
  let entries: Array<{ name: unknown; token: unknown; scopes: unknown }>;
  if (text.startsWith("[") || text.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail("is not valid JSON");
    }
    if (!Array.isArray(json)) return fail("is not an array");
    entries = [];
    for (const [i, item] of json.entries()) {
      if (typeof item !== "object" || item === null || Array.isArray(item)) return fail(`entry ${i + 1} is not an object`);
      const extra = Object.keys(item).find((k) => !["name", "token", "scopes"].includes(k));
      if (extra) return fail(`entry ${i + 1} has an unknown field "${extra.slice(0, 40)}"`);
      const { name, token, scopes } = item as Record<string, unknown>;
      entries.push({ name, token, scopes });
    }
  } else {
    entries = [];
    for (const [i, part] of text.split(/[\s,]+/).filter((p) => p.length > 0).entries()) {
      const first = part.indexOf(":");
      const second = first < 0 ? -1 : part.indexOf(":", first + 1);
      if (second < 0) return fail(`entry ${i + 1} is not name:scopes:token`);
      entries.push({ name: part.slice(0, first), scopes: part.slice(first + 1, second).split("+"), token: part.slice(second + 1) });
    }
  }
  if (entries.length === 0) return fail("has no entries");
  const tokens: MachineToken[] = [];
  for (const [i, entry] of entries.entries()) {
    const where = `entry ${i + 1}`;
    if (typeof entry.name !== "string" || !TOKEN_NAME.test(entry.name)) {
      return fail(`${where} needs a "name" of letters, digits, '.', '_' or '-' (up to 64), e.g. "ci"`);
    }
    // The token is never repeated in a message.
    if (typeof entry.token !== "string" || entry.token.length < MIN_TOKEN_LENGTH) {
      return fail(`${where} ("${entry.name}") needs a "token" of at least ${MIN_TOKEN_LENGTH} characters`);
    }
    if (!bearerTokenShape(entry.token)) {
      return fail(`${where} ("${entry.name}") has a token with characters a bearer header cannot carry (use letters, digits and -._~+/=)`);
    }
    if (!Array.isArray(entry.scopes) || entry.scopes.length === 0 || entry.scopes.some((s) => !SCOPES.includes(s as Scope))) {
      return fail(`${where} ("${entry.name}") needs "scopes": ["read"], ["write"] or ["read", "write"]`);
    }
    tokens.push({ name: entry.name, token: entry.token, scopes: effectiveScopes(entry.scopes as Scope[]) });
  }
  return { ok: true, tokens };
}

function readJwtSettings(env: Env): { ok: true; settings: JwtSettings | null } | { ok: false; message: string } {
  const projectUrl = nonEmpty(env("SUPABASE_URL"))?.replace(/\/+$/, "") ?? null;
  const issuer = nonEmpty(env("SUPAMIGRATE_JWT_ISSUER")) ?? (projectUrl === null ? null : `${projectUrl}/auth/v1`);
  const jwksUrl = nonEmpty(env("SUPAMIGRATE_JWKS_URL")) ?? (projectUrl === null ? null : `${projectUrl}/auth/v1/.well-known/jwks.json`);
  const secret = nonEmpty(env("SUPAMIGRATE_JWT_SECRET")) ?? nonEmpty(env("SUPABASE_JWT_SECRET"));
  if (issuer === null) {
    if (jwksUrl !== null || secret !== null) {
      return { ok: false, message: "a JWKS URL or JWT secret is set but SUPABASE_URL is not: set SUPABASE_URL (Supabase provides it to deployed functions) or SUPAMIGRATE_JWT_ISSUER, so the function can check who issued a user's token" };
    }
    return { ok: true, settings: null };
  }
  for (const [name, value] of [["SUPABASE_URL / SUPAMIGRATE_JWT_ISSUER", issuer], ["SUPAMIGRATE_JWKS_URL", jwksUrl]] as const) {
    if (value === null) continue;
    try {
      const url = new URL(value);
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error();
    } catch {
      return { ok: false, message: `${name} is not an http(s) URL: set the project URL, e.g. https://<project-ref>.supabase.co` };
    }
  }
  return { ok: true, settings: { issuer, audience: "authenticated", jwksUrl, secret } };
}
