/**
 * What the CLI says about its own usage. A usage error that commander finds (a bad option value such
 * as `rollback --steps 0`, a missing argument, an unknown option) prints one line, prefixed like every
 * other error, and where the options are listed — not the whole help, which buries the error; exit 2
 * (cli/main.ts). `--help` ends with the exit codes (docs/ci.md). Only commander's types here: main.ts
 * loads this before any command.
 */
import type { Command } from "commander";

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  lint findings at error severity, a migration failed, or drift (a deployed file edited or deleted)
  2  usage or I/O error (bad flags, no migrations folder, the function unreachable, the lock held)
  3  not authorized: the function refused SUPAMIGRATE_TOKEN (401, or 403: its scope), or the database refused the --db-url login`;

/** Call after every command is registered: it sets each command and subcommand (`backups prune`). */
export function configureUsage(program: Command): void {
  program.addHelpText("after", EXIT_CODES_HELP);
  const configure = (commands: readonly Command[], parents: string) => {
    for (const command of commands) {
      const name = `${parents}${command.name()}`;
      command
        .configureOutput({ outputError: (text, write) => write(`supamigrate ${name}: ${text.replace(/^error: /, "")}`) })
        .showHelpAfterError(`Run \`supamigrate ${name} --help\` for its options.`);
      configure(command.commands, `${name} `);
    }
  };
  configure(program.commands, "");
}
