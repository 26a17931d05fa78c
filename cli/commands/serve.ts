/**
 * `supamigrate serve [--db-url URL] [--port N]`: the function locally, in real Deno, at
 * http://127.0.0.1:<port>/functions/v1/supamigrate; against --db-url or an embedded PGlite
 * database in .supamigrate/pglite/. Prints `url: <base>` and, when it made the token,
 * `token: <token>`; runs until Ctrl-C / SIGTERM.
 */
import { createServer } from "node:net";
import { type Command, InvalidArgumentError } from "commander";
import { UsageError } from "../output/errors.ts";

export function register(program: Command): void {
  program
    .command("serve")
    .description("run the supamigrate function locally (real Deno) against --db-url or an embedded PGlite database")
    .option("--db-url <url>", "Postgres URL to apply to (default: embedded PGlite in .supamigrate/pglite/)")
    .option("--port <n>", "port on 127.0.0.1 (default: a free port)", parsePort)
    .option("--source", "run the function's source instead of the built bundle")
    .action(async (options: { dbUrl?: string; port?: number; source?: boolean }) => {
      if (options.port) await assertPortFree(options.port);
      (await import("../serve/deno.ts")).denoBinary(); // Deno missing: said before the database starts
      if (!options.dbUrl) console.error("starting the embedded PGlite database (.supamigrate/pglite/; the first start takes a few seconds)…");
      // Loaded here, not at start-up: PGlite is heavy and only serve needs it.
      const { startServe } = await import("../serve/index.ts");
      const serve = await startServe({
        dbUrl: options.dbUrl,
        port: options.port,
        source: options.source,
        onOutput: (line) => console.error(line),
      });
      console.log(`url: ${serve.url}`);
      if (serve.tokenGenerated) console.log(`token: ${serve.token}`);
      console.error(`database: ${serve.embedded ? "embedded PGlite (.supamigrate/pglite/)" : "--db-url"}; Ctrl-C to stop`);
      let stopping = false;
      await new Promise<void>((resolve) => {
        const stop = () => {
          stopping = true;
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void serve.stop().then(resolve, (error) => {
            console.error(`supamigrate serve: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
            process.exitCode = 1;
            resolve();
          });
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
        void serve.exited.then((code) => {
          if (stopping) return;
          // Killed by a signal: Ctrl-C reaches Deno too (same process group); just finish stopping.
          if (code === null) return stop();
          console.error(`supamigrate serve: the function process exited (code ${code}); its output is above`);
          process.exitCode = 1;
          stop();
        });
      });
    });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new InvalidArgumentError("a port number from 0 to 65535");
  return port;
}

/**
 * Checked before the embedded database starts: otherwise a port already taken (often by another
 * `supamigrate serve`) showed only after that start, as Deno's AddrInUse stack trace.
 */
async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EADDRINUSE") reject(error);
      else reject(new UsageError(`port ${port} on 127.0.0.1 is already in use (another \`supamigrate serve\`?): pass another --port, or leave --port out for a free one.`));
    });
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}
