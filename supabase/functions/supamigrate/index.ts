/**
 * The supamigrate Edge Function: `export default { fetch }` so tests can import the handler;
 * `main.ts` starts the server. Settings come from the environment (Supabase secrets), see
 * docs/function.md.
 */
import { createHandler } from "./http/handler.ts";
import { engineFor } from "./db.ts";
import { FUNCTION_VERSION } from "./version.ts";
import { loadParser } from "../../../shared/sql/index.ts";

declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined;

// Compile the SQL parser's WebAssembly while the isolate boots, not in the first apply (a failure shows
// there, when the engine awaits the same load).
loadParser().catch(() => {});

const fetch = createHandler({
  env: (name) => Deno.env.get(name),
  engine: engineFor,
  version: FUNCTION_VERSION,
  // On Supabase, keep the worker alive until a run the client stopped reading has finished.
  waitUntil: typeof EdgeRuntime !== "undefined" ? (promise) => EdgeRuntime!.waitUntil(promise) : undefined,
});

export default { fetch };
