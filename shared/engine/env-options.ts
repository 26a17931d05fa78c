/**
 * The engine's settings from environment variables, the same for the deployed function (its secrets)
 * and for direct runs (`--db-url`, a target's `dbUrlEnv`): SUPAMIGRATE_TIME_BUDGET_MS,
 * SUPAMIGRATE_LOCK_TIMEOUT_MS, SUPAMIGRATE_STATEMENT_TIMEOUT_MS, SUPAMIGRATE_BACKUP_MAX_BYTES (positive
 * whole numbers) and SUPAMIGRATE_SYNC_SUPABASE_HISTORY (true/false). Unset or empty: the default.
 */
import { SYNC_SUPABASE_HISTORY_VARIABLE, syncSupabaseHistorySetting } from "./adoption/supabase-history.ts";
import type { EngineOptions } from "./types.ts";

export type EnvOptions = { readonly ok: true; readonly options: EngineOptions } | { readonly ok: false; readonly message: string };

const NUMBERS = {
  SUPAMIGRATE_TIME_BUDGET_MS: "timeBudgetMs",
  SUPAMIGRATE_LOCK_TIMEOUT_MS: "lockTimeoutMs",
  SUPAMIGRATE_STATEMENT_TIMEOUT_MS: "statementTimeoutMs",
  SUPAMIGRATE_BACKUP_MAX_BYTES: "backupMaxBytes",
} as const;

/** A positive whole number from `text`; undefined when unset or empty; null when it is something else. */
export function positiveWholeNumber(text: string | undefined): number | undefined | null {
  if (text === undefined || text === "") return undefined;
  return /^\d+$/.test(text) && Number(text) >= 1 && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}

/** `howToSet(name)`: how the message says to set a variable (`supabase secrets set NAME=…` for the function). */
export function engineOptionsFromEnv(env: (name: string) => string | undefined, howToSet: (name: string) => string): EnvOptions {
  const options: Record<string, number | boolean> = {};
  for (const [name, key] of Object.entries(NUMBERS)) {
    const value = positiveWholeNumber(env(name));
    if (value === null) {
      return { ok: false, message: `${name} is ${JSON.stringify(env(name))}: set it to a positive whole number (${howToSet(name)}) or unset it to use the default` };
    }
    if (value !== undefined) options[key] = value;
  }
  const sync = syncSupabaseHistorySetting(env(SYNC_SUPABASE_HISTORY_VARIABLE));
  if (sync === null) {
    return { ok: false, message: `${SYNC_SUPABASE_HISTORY_VARIABLE} is ${JSON.stringify(env(SYNC_SUPABASE_HISTORY_VARIABLE))}: set it to true (keep supabase_migrations.schema_migrations in step) or false` };
  }
  options.syncSupabaseHistory = sync;
  return { ok: true, options: options as EngineOptions };
}
