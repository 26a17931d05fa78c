/**
 * The function's settings, read from its environment (Supabase secrets) on each request, so a
 * misconfiguration is reported as a 500 `not-configured` that says which variable to set.
 */
import type { EngineOptions } from "../../../../shared/engine/types.ts";
import { engineOptionsFromEnv, positiveWholeNumber } from "../../../../shared/engine/env-options.ts";
import { type IdentityConfig, readIdentityConfig } from "../identity/config.ts";

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_POOL_SIZE = 3;

export interface FunctionConfig {
  /** Machine tokens and user-token verification (docs/identity.md). */
  readonly identity: IdentityConfig;
  readonly dbUrl: string;
  /** Which variable `dbUrl` came from, for messages (never the URL itself: it holds the password). */
  readonly dbUrlName: "SUPAMIGRATE_DB_URL" | "SUPABASE_DB_URL";
  readonly maxBodyBytes: number;
  /** postgres.js pool size (`SUPAMIGRATE_DB_POOL_SIZE`; 1 when serving PGlite, which takes one connection). */
  readonly poolSize: number;
  readonly engine: EngineOptions;
}

export type ConfigResult = { readonly ok: true; readonly config: FunctionConfig } | { readonly ok: false; readonly message: string };

export type Env = (name: string) => string | undefined;

export function readConfig(env: Env): ConfigResult {
  const identity = readIdentityConfig(env);
  if (!identity.ok) return { ok: false, message: identity.message };
  // SUPAMIGRATE_DB_URL wins when set: the engine needs a session (direct or session-pooler) connection
  // for its advisory lock, so a project whose SUPABASE_DB_URL is the transaction pooler (port 6543)
  // sets the direct URL as this secret instead.
  const dbUrlName = env("SUPAMIGRATE_DB_URL") ? "SUPAMIGRATE_DB_URL" : "SUPABASE_DB_URL";
  const dbUrl = env(dbUrlName);
  if (!dbUrl) {
    return { ok: false, message: "SUPABASE_DB_URL is not set: Supabase provides it to deployed functions (or set SUPAMIGRATE_DB_URL to the direct connection string); locally, run `supamigrate serve --db-url <url>`" };
  }
  const numbers: Record<string, number | undefined> = {};
  for (const name of ["SUPAMIGRATE_MAX_BODY_BYTES", "SUPAMIGRATE_DB_POOL_SIZE"]) {
    const value = positiveWholeNumber(env(name));
    if (value === null) {
      return { ok: false, message: `${name} is ${JSON.stringify(env(name))}: set it to a positive whole number (\`supabase secrets set ${name}=…\`) or unset it to use the default` };
    }
    numbers[name] = value;
  }
  const engine = engineOptionsFromEnv(env, (name) => `\`supabase secrets set ${name}=…\``);
  if (!engine.ok) return { ok: false, message: engine.message };
  return {
    ok: true,
    config: {
      identity: identity.identity,
      dbUrl,
      dbUrlName,
      maxBodyBytes: numbers.SUPAMIGRATE_MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES,
      poolSize: numbers.SUPAMIGRATE_DB_POOL_SIZE ?? DEFAULT_POOL_SIZE,
      engine: engine.options,
    },
  };
}
