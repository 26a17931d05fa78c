/**
 * Keeping the Supabase CLI's history in step (opt-in: EngineOptions.syncSupabaseHistory, the function's
 * SUPAMIGRATE_SYNC_SUPABASE_HISTORY): each file supamigrate applies or baselines gets its row in
 * supabase_migrations.schema_migrations (version = the file's number, name = its label), and a rollback
 * removes it, in the same transaction as the tracking row. Then `supabase migration list` shows the
 * files as applied and `supabase db push` does not run them again. The table is created as the Supabase
 * CLI creates it when absent. `statements` holds the file's text as written (placeholders unsubstituted,
 * so no secret value lands there). Two files sharing a number (parallel work) share a version, which the
 * Supabase CLI's table holds once: the first one's row stays.
 */
import { parseMigrationName } from "../../migrations/index.ts";
import { sqlLiteral } from "../tracking/rows.ts";

/** The Supabase CLI's history table, created if absent (its columns as of Supabase CLI 2.x). */
const HISTORY_TABLE_SQL = [
  "create schema if not exists supabase_migrations",
  "create table if not exists supabase_migrations.schema_migrations (version text not null primary key)",
  "alter table supabase_migrations.schema_migrations add column if not exists statements text[]",
  "alter table supabase_migrations.schema_migrations add column if not exists name text",
].join(";\n");

/** The statements that record `name` (its text `sql`) in the Supabase CLI's history. */
export function recordInSupabaseHistorySql(name: string, sql: string): string {
  const parsed = parseMigrationName(name)!;
  return `${HISTORY_TABLE_SQL};\n` +
    "insert into supabase_migrations.schema_migrations (version, name, statements) " +
    `values (${sqlLiteral(parsed.number)}, ${sqlLiteral(parsed.label)}, array[${sqlLiteral(sql)}]) on conflict (version) do nothing`;
}

/** The statements that remove `name`'s row from the Supabase CLI's history, if there is one with its version and label. */
export function forgetInSupabaseHistorySql(name: string): string {
  const parsed = parseMigrationName(name)!;
  return `${HISTORY_TABLE_SQL};\n` +
    `delete from supabase_migrations.schema_migrations where version = ${sqlLiteral(parsed.number)} and name = ${sqlLiteral(parsed.label)}`;
}

/** The environment variable that turns the sync on, for the function and for `--db-url`. */
export const SYNC_SUPABASE_HISTORY_VARIABLE = "SUPAMIGRATE_SYNC_SUPABASE_HISTORY";

/** The variable's value as a switch: unset or "" → false; "true"/"false"; anything else → null (say what to set). */
export function syncSupabaseHistorySetting(text: string | undefined): boolean | null {
  if (text === undefined || text === "" || text === "false") return false;
  return text === "true" ? true : null;
}
