/**
 * A migration written for Supabase, run on a database that is not one (plain PostgreSQL, a fresh
 * container): it fails on what every Supabase project provides — `schema "extensions" does not exist`,
 * `schema "auth" does not exist` (auth.uid(), auth.users), `role "authenticated" does not exist`. The
 * Postgres message names what is missing but not why; this says why, and what to do.
 */
import { SUPABASE_FUNCTIONS, SUPABASE_TABLES } from "../../schema/supabase.ts";

/**
 * What every Supabase project has, and plain PostgreSQL does not. Only what no Supabase project lacks:
 * graphql or vault, say, can be turned off on a real project, so their absence proves nothing.
 */
const PROVIDED_SCHEMAS = ["auth", "extensions", "storage"];
const PROVIDED_ROLES = ["anon", "authenticated", "service_role", "authenticator"];
const PROVIDED_TABLES = SUPABASE_TABLES.map((table) => table.key);
/** `auth.uid`, … (the seed's keys carry argument types: `auth.uid()`). */
const PROVIDED_FUNCTIONS = SUPABASE_FUNCTIONS.map((key) => key.replace(/\(.*$/, ""));

/** Where the bootstrap is: in this repository, and in a project that installed the package. */
export const BOOTSTRAP_SQL = "supabase/local/supabase-bootstrap.sql";

/** The explanation (a hint) when the error is a Supabase schema, relation, function or role missing; else null. */
export function notSupabaseHint(code: string, message: string): string | null {
  const missing = missingSupabaseObject(code, message);
  if (missing === null) return null;
  return `this database is not a Supabase database: ${missing} is missing. Every Supabase project has the auth, ` +
    "extensions and storage schemas and the anon, authenticated and service_role roles, and migrations written for " +
    "Supabase use them. Point --db-url (or the function's SUPABASE_DB_URL) at your Supabase project's database; for " +
    `local testing on plain PostgreSQL, load the stand-in first: psql "<database URL>" -f ${BOOTSTRAP_SQL} ` +
    `(in a project that installed supamigrate: node_modules/supamigrate/${BOOTSTRAP_SQL}), or use \`supamigrate serve\`, whose embedded database has it.`;
}

function missingSupabaseObject(code: string, message: string): string | null {
  switch (code) {
    case "3F000": {
      // schema "auth" does not exist
      const schema = /schema "([^"]+)" does not exist/.exec(message)?.[1];
      return schema && PROVIDED_SCHEMAS.includes(schema) ? `schema ${schema}` : null;
    }
    case "42P01": {
      // relation "auth.users" does not exist (the schema is there, the table is not)
      const table = /relation "([^"]+)" does not exist/.exec(message)?.[1];
      return table && PROVIDED_TABLES.includes(table) ? `table ${table}` : null;
    }
    case "42883": {
      // function auth.uid() does not exist
      const fn = /function ([a-z_]+\.[a-z_]+)\(/.exec(message)?.[1];
      return fn && PROVIDED_FUNCTIONS.includes(fn) ? `function ${fn}()` : null;
    }
    case "42704": {
      // role "authenticated" does not exist
      const role = /role "([^"]+)" does not exist/.exec(message)?.[1];
      return role && PROVIDED_ROLES.includes(role) ? `role ${role}` : null;
    }
    default:
      return null;
  }
}
