/**
 * What the function's error log must never show: the database password (from SUPAMIGRATE_DB_URL and
 * SUPABASE_DB_URL, in every form a mis-parse could cut it into), the machine tokens and the JWT secret.
 * An error message from a driver or the runtime can quote any of them (Deno's `Invalid URL: '<url>'`),
 * so every logged error goes through `scrubSecrets` with this list.
 */
import { dbUrlSecrets } from "../../../../shared/protocol/db-url.ts";
import { configuredTokenValues } from "../identity/config.ts";
import type { Env } from "./config.ts";

export function logSecrets(env: Env): string[] {
  const secrets: string[] = [];
  for (const name of ["SUPAMIGRATE_DB_URL", "SUPABASE_DB_URL"]) {
    const url = env(name);
    if (url) secrets.push(...dbUrlSecrets(url));
  }
  secrets.push(...configuredTokenValues(env));
  for (const name of ["SUPAMIGRATE_JWT_SECRET", "SUPABASE_JWT_SECRET"]) {
    const secret = env(name)?.trim();
    if (secret) secrets.push(secret);
  }
  return secrets;
}
