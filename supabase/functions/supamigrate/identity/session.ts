/**
 * Is a verified user's session still live? A Supabase access token stays valid until it expires (an
 * hour by default) whatever happens to its user meanwhile, so a signed-out, banned or deleted admin
 * could keep applying for that long. Before any route runs for a user, the function therefore reads
 * what Supabase Auth (GoTrue) keeps in the project's own database:
 *
 * - `auth.sessions` row `id = session_id claim` (and `user_id = sub`): gone = signed out (sign-out,
 *   "sign out everywhere", a password change, or a session ended by an admin deletes the row);
 *   `not_after` in the past = the session's time box or inactivity timeout ran out;
 * - `auth.users` row `id = sub`: gone = deleted; `deleted_at` set = soft-deleted;
 *   `banned_until` in the future = banned; `is_anonymous` = an anonymous sign-in.
 *
 * One small query on the function's own connection pool, after the token's signature and claims
 * passed (a caller refused on its claims never reaches the database).
 */
import type postgres from "postgres";
import type { UserIdentity } from "./identity.ts";

export type SessionVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403 | 503; readonly code: "unauthorized" | "forbidden" | "auth-unavailable"; readonly message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIGN_IN_AGAIN = "sign in again (VS Code: “Supamigrate: Sign In”; supabase-js: signInWithPassword / signInWithOtp). Nothing was run.";

/** SQLSTATEs that mean "this database has no (readable) Supabase Auth tables", not "the database is down". */
const NO_AUTH_TABLES = new Set(["42P01", "42703", "42501", "3F000", "42883"]);

export async function checkUserSession(sql: postgres.Sql, user: UserIdentity): Promise<SessionVerdict> {
  const who = user.email ?? `user ${user.id}`;
  if (!UUID.test(user.id)) return unauthorized(`the access token's user id (sub) is not a Supabase user id: ${SIGN_IN_AGAIN}`);
  if (user.sessionId === null || !UUID.test(user.sessionId)) {
    return unauthorized(`the access token carries no session_id claim, so the function cannot check that its session is still live: ${SIGN_IN_AGAIN}`);
  }
  let row: postgres.Row | undefined;
  try {
    [row] = await sql`
      select u.id is not null as user_exists,
             u.deleted_at is not null as deleted,
             coalesce(u.banned_until > now(), false) as banned,
             u.banned_until,
             coalesce(u.is_anonymous, false) as anonymous,
             s.id is not null as session_exists,
             coalesce(s.not_after <= now(), false) as session_expired
      from (select ${user.id}::uuid as user_id, ${user.sessionId}::uuid as session_id) as claim
      left join auth.users u on u.id = claim.user_id
      left join auth.sessions s on s.id = claim.session_id and s.user_id = claim.user_id`;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === "string" && NO_AUTH_TABLES.has(code)) {
      return {
        ok: false,
        status: 503,
        code: "auth-unavailable",
        message: `the function could not check that this user's session is still live: auth.users / auth.sessions could not be read (${code}). ` +
          "On Supabase they always exist and SUPABASE_DB_URL's user (postgres) can read them; elsewhere, use a machine token. Nothing was run.",
      };
    }
    throw error; // a connection failure: the handler answers 503 database-unavailable
  }
  if (!row || row.user_exists !== true) return unauthorized(`the user of this access token no longer exists (deleted from auth.users): ${SIGN_IN_AGAIN}`);
  if (row.deleted === true) return unauthorized(`the user of this access token was deleted (auth.users.deleted_at is set): ${SIGN_IN_AGAIN}`);
  if (row.banned === true) {
    const until = row.banned_until instanceof Date ? row.banned_until.toISOString() : String(row.banned_until);
    return {
      ok: false,
      status: 403,
      code: "forbidden",
      message: `${who} is banned until ${until} (auth.users.banned_until), so supamigrate refuses their requests; ` +
        "an admin lifts the ban in the Dashboard (Authentication → Users) or with the Auth admin API (ban_duration: \"none\"). Nothing was run.",
    };
  }
  if (row.anonymous === true) {
    return {
      ok: false,
      status: 403,
      code: "forbidden",
      message: "this user is an anonymous sign-in (auth.users.is_anonymous), which may not call supamigrate: sign in with the email account of a migration admin, or use a machine token. Nothing was run.",
    };
  }
  if (row.session_exists !== true) {
    return unauthorized(`the session of this access token has ended (signed out, or ended by an admin: its auth.sessions row is gone): ${SIGN_IN_AGAIN}`);
  }
  if (row.session_expired === true) return unauthorized(`the session of this access token has expired (auth.sessions.not_after has passed): ${SIGN_IN_AGAIN}`);
  return { ok: true };
}

function unauthorized(message: string): SessionVerdict {
  return { ok: false, status: 401, code: "unauthorized", message };
}
