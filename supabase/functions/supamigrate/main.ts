/**
 * Starts the function: on Supabase the runtime picks the port; locally (`supamigrate serve`, the
 * bundle test) SUPAMIGRATE_PORT=<n> listens on 127.0.0.1:<n> (0 picks a free port) and prints
 * `listening on http://127.0.0.1:<port>` once ready.
 */
import handler from "./index.ts";

const port = Deno.env.get("SUPAMIGRATE_PORT");
if (port === undefined) {
  Deno.serve(handler.fetch);
} else {
  Deno.serve({
    hostname: "127.0.0.1",
    port: Number(port),
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  }, handler.fetch);
}
