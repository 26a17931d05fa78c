/**
 * Runs the `supamigrate` command line over a set of commands: each command's module is loaded only when
 * that command runs (all of them for help or an unknown command), so `apply` never loads the SQL parser
 * or PGlite. main.ts gives it every command; the bundle's `lint` path (startup/lint-bundle.ts) gives it
 * only `lint`, whose module it already holds.
 */
import { Command, CommanderError } from "commander";
import { dropOutputOnceReaderLeaves } from "./output/closed-pipe.ts";
import { setV8Flags } from "./startup/v8-flags.ts";
import { configureUsage } from "./output/usage.ts";
import { version } from "./version.ts";

export type CommandModule = { register(program: Command): void };

/** Parses process.argv and runs the command; sets process.exitCode. */
export async function runCli(commands: Readonly<Record<string, () => Promise<CommandModule>>>): Promise<void> {
  dropOutputOnceReaderLeaves(process.stdout);
  dropOutputOnceReaderLeaves(process.stderr);

  const program = new Command("supamigrate")
    .description("Lint, apply, verify and roll back Supabase migrations through the supamigrate Edge Function.")
    .version(version)
    .showHelpAfterError()
    .exitOverride();

  // The program itself has no options that take a value, so the first argument not starting with "-" is the command.
  const args = process.argv.slice(2);
  const invoked = args.find((arg) => !arg.startsWith("-"));
  const onlyVersion = invoked === undefined && args.length > 0 && args.every((arg) => arg === "-V" || arg === "--version");
  const needed = onlyVersion ? [] : invoked !== undefined && Object.hasOwn(commands, invoked) ? [invoked] : Object.keys(commands);
  setV8Flags(invoked); // WebAssembly at Liftoff only, but for `serve` (startup/v8-flags.ts)
  const modules = await Promise.all(needed.map((name) => commands[name]()));
  for (const module of modules) module.register(program);
  configureUsage(program);

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
}
