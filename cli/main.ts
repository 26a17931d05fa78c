/**
 * The `supamigrate` command line. Each command lives in `commands/<verb>.ts` and exports
 * `register(program)`; this file only lists them. A command's module is loaded only when that command
 * runs (all of them for help or an unknown command), so `apply` never loads the SQL parser or PGlite.
 */
import { setFlagsFromString } from "node:v8";
import { Command, CommanderError } from "commander";
import { version } from "./version.ts";

type CommandModule = { register(program: Command): void };

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
// and Node waits for that before it exits. Talking to the function, the only WebAssembly that runs is
// fetch's HTTP parser (a few KB of answer): left to itself V8 optimizes it anyway, 0.2–0.4 s after the last
// line of every `apply --url`. `lint` runs the 1.7 MB libpg-query parser for well under a second, too short
// for TurboFan to pay off on a 2-core machine: with Liftoff only, linting one 1,000-statement file took
// 0.30–0.44 s instead of 0.54–0.64 s, and a 1,000-file folder was no slower (1.25–1.41 s vs 1.38–1.60 s).
// Not with --db-url, where the SQL parser does real work in this (longer-lived) process.
const LIFTOFF_ONLY = new Set(["status", "apply", "rollback", "verify", "lint"]);
const dbUrl = args.some((arg) => arg === "--db-url" || arg.startsWith("--db-url="));
if (invoked !== undefined && LIFTOFF_ONLY.has(invoked) && !dbUrl) setFlagsFromString("--liftoff-only");
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

