/**
 * Startup parameters of every connection the engine runs on (the function's pool, the CLI's --db-url).
 * A startup parameter outranks `ALTER ROLE … SET` and `ALTER DATABASE … SET`, so a migration that sets
 * the role's search_path to `evil, pg_catalog` (shadowing pg_try_advisory_lock, to_regclass, count…)
 * does not change what the engine's own queries call in later sessions. The value is Supabase's default
 * for its `postgres` role, which migrations are written against; pg_catalog is not listed, so it is
 * searched first. A file may still SET search_path for itself: RESET ALL after each file goes back to this.
 */
export const ENGINE_SESSION_PARAMETERS = {
  search_path: '"$user", public, extensions',
} as const;
