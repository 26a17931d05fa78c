/**
 * The `supamigrate` command line. Each command lives in `commands/<verb>.ts` and exports
 * `register(program)`; this file only lists them.
 */
import { Command, CommanderError } from "commander";
import { version } from "./version.ts";
import { register as serve } from "./commands/serve.ts";
import { register as lint } from "./commands/lint.ts";

const program = new Command("supamigrate")
  .description("Lint, apply, verify and roll back Supabase migrations through the supamigrate Edge Function.")
  .version(version)
  .showHelpAfterError()
  .exitOverride();

const commands: Array<(program: Command) => void> = [
  // one line per command:
  serve,
  lint,
];
for (const register of commands) register(program);

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
