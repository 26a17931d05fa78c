/**
 * `supamigrate new <name> [--dir scripts] [--rollback]`: creates the next numbered migration from a
 * template that follows the guidelines (and, with --rollback, its `rollback/` file). The number is the
 * highest in the folder + 1, keeping the folder's digit width; a folder of 14-digit timestamps gets the
 * current UTC time. Exit 0, or 2 on a bad name, an existing file or an unreadable folder.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InvalidMigrationName, migrationTemplate, nextMigrationName, rollbackTemplate } from "../../shared/migrations/new-migration.ts";
import { reportError, UsageError } from "../output/errors.ts";
import { DIR_HELP, openProject } from "../project.ts";

export { migrationTemplate, nextMigrationName, rollbackTemplate };

export interface NewMigrationOptions {
  readonly dir: string;
  readonly name: string;
  readonly rollback: boolean;
  /** For tests: the clock used for timestamped folders. */
  readonly now?: Date;
}

export interface NewMigrationResult {
  readonly fileName: string;
  /** Created paths: the migration, then its rollback when asked for. */
  readonly created: string[];
  /** Notes for the user (e.g. a duplicate highest number). */
  readonly notes: string[];
}

/** Creates the file(s); refuses to overwrite anything. */
export function createMigration(options: NewMigrationOptions): NewMigrationResult {
  const { dir } = options;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`no migrations folder at ${dir}: run from the project root or pass --dir <folder>.`);
  }
  const now = options.now ?? new Date();
  let next: { fileName: string; notes: string[] };
  try {
    next = nextMigrationName(readdirSync(dir), options.name, now);
  } catch (error) {
    throw error instanceof InvalidMigrationName ? new UsageError(error.message) : error;
  }
  const { fileName, notes } = next;
  const path = join(dir, fileName);
  const rollbackPath = join(dir, "rollback", fileName);
  for (const target of options.rollback ? [path, rollbackPath] : [path]) {
    if (existsSync(target)) throw new UsageError(`${target} already exists; not overwriting it.`);
  }
  writeFileSync(path, migrationTemplate(fileName, options.name, now), { flag: "wx" });
  const created = [path];
  if (options.rollback) {
    mkdirSync(join(dir, "rollback"), { recursive: true });
    writeFileSync(rollbackPath, rollbackTemplate(fileName), { flag: "wx" });
    created.push(rollbackPath);
  }
  return { fileName, created, notes };
}

export function register(program: Command): void {
  program.command("new")
    .description("create the next numbered migration file from the guidelines' template")
    .argument("<name>", "what the migration does: letters, digits, '_' and '-' (e.g. add_invoices_table)")
    .option("--dir <dir>", DIR_HELP)
    .option("--rollback", "also create its rollback file in <dir>/rollback/", false)
    .action(async (name: string, flags: { dir?: string; rollback: boolean }) => {
      try {
        const result = createMigration({ dir: (await openProject(flags.dir)).dir, name, rollback: flags.rollback });
        for (const note of result.notes) process.stderr.write(`${note}\n`);
        for (const path of result.created) process.stdout.write(`created ${path}\n`);
        process.exitCode = 0;
      } catch (error) {
        process.exitCode = reportError("new", error, false);
      }
    });
}
