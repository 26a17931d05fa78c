/**
 * The `supamigrate` command line. Each command lives in `commands/<verb>.ts` and exports
 * `register(program)`; this file only lists them. A command's module is loaded only when that command
 * runs (all of them for help or an unknown command), so `apply` never loads the SQL parser or PGlite.
 */
import { setFlagsFromString } from "node:v8";
import { Command, CommanderError } from "commander";
import { dropOutputOnceReaderLeaves } from "./output/closed-pipe.ts";
import { version } from "./version.ts";

type CommandModule = { register(program: Command): void };

dropOutputOnceReaderLeaves(process.stdout);
dropOutputOnceReaderLeaves(process.stderr);

const program = new Command("supamigrate")
  .description("Lint, apply, verify and roll back Supabase migrations through the supamigrate Edge Function.")
  .version(version)
  .showHelpAfterError()
  .exitOverride();

const commands: Record<string, () => Promise<CommandModule>> = {
  // one line per command:
  serve: () => import("./commands/serve.ts"),
  status: () => import("./commands/status.ts"),
  apply: () => import("./commands/apply.ts"),
  rollback: () => import("./commands/rollback.ts"),
  verify: () => import("./commands/verify.ts"),
  lint: () => import("./commands/lint.ts"),
  new: () => import("./commands/new.ts"),
  baseline: () => import("./commands/baseline.ts"),
  repair: () => import("./commands/repair.ts"),
  "import-history": () => import("./commands/import-history.ts"),
};
// The program itself has no options that take a value, so the first argument not starting with "-" is the command.
const args = process.argv.slice(2);
const invoked = args.find((arg) => !arg.startsWith("-"));
const onlyVersion = invoked === undefined && args.length > 0 && args.every((arg) => arg === "-V" || arg === "--version");
const needed = onlyVersion ? [] : invoked !== undefined && Object.hasOwn(commands, invoked) ? [invoked] : Object.keys(commands);
// V8 tiers hot WebAssembly up from baseline (Liftoff) to optimized (TurboFan) code in background threads,
// and Node waits for that before it exits. The first call into the 1.7 MB libpg-query parser is enough to
// make V8 recompile its two largest functions (the grammar and the JSON writer, ~180 KB of code) with
// TurboFan: ~0.5 s of CPU that no command parses enough SQL to earn back on a 2-core machine.
// Measured with Liftoff only: linting one 1,000-statement file took 0.30–0.44 s instead of 0.54–0.64 s (a
// 1,000-file folder was no slower); `apply --db-url` of 100 generated files used 0.50–0.57 s of CPU instead
// of 0.86–1.01 s, and of 500 files 1.21–1.48 s instead of 1.63–1.82 s. (Talking to the function through
// node:http, whose HTTP parser is native, no WebAssembly runs and the flag changes nothing.)
// Not for `serve`: there this process runs the embedded database (PGlite, Postgres in WebAssembly) for as
// long as it serves, which is what TurboFan is for.
if (invoked !== undefined && invoked !== "serve") setFlagsFromString("--liftoff-only");
const modules = await Promise.all(needed.map((name) => commands[name]()));
for (const module of modules) module.register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version exit 0; usage errors exit 2 (the contract's "usage or I/O error").
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    console.error(`supamigrate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}

