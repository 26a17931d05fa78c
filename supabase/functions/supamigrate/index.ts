/**
 * The supamigrate Edge Function: `export default { fetch }` so tests can import the handler;
 * `main.ts` starts the server. Settings come from the environment (Supabase secrets), see
 * docs/function.md.
 */
import { createHandler } from "./http/handler.ts";
import { engineFor, sqlFor } from "./db.ts";
import { checkUserSession } from "./identity/session.ts";
import { FUNCTION_VERSION } from "./version.ts";
import { loadParser } from "../../../shared/sql/index.ts";
import { checkDbUrl } from "../../../shared/protocol/db-url.ts";

declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined;

// Compile the SQL parser's WebAssembly while the isolate boots, not in the first apply (a failure shows
// there, when the engine awaits the same load).
loadParser().catch(() => {});

// Say at start-up, in the function's log, that the database URL cannot work — described, never shown (it
// holds the password). Requests then answer 500 not-configured with the same description.
for (const name of ["SUPAMIGRATE_DB_URL", "SUPABASE_DB_URL"]) {
  const url = Deno.env.get(name);
  if (!url) continue;
  const checked = checkDbUrl(url);
  if (!checked.ok) console.error(`supamigrate: ${name} ${checked.problem}`);
  break; // SUPAMIGRATE_DB_URL, when set, is the one used
}

const fetch = createHandler({
  env: (name) => Deno.env.get(name),
  engine: engineFor,
  userSession: (config, user) => checkUserSession(sqlFor(config), user),
  version: FUNCTION_VERSION,
  // On Supabase, keep the worker alive until a run the client stopped reading has finished.
  waitUntil: typeof EdgeRuntime !== "undefined" ? (promise) => EdgeRuntime!.waitUntil(promise) : undefined,
});

export default { fetch };
