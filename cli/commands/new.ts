/**
 * `supamigrate new <name> [--dir scripts] [--rollback]`: creates the next numbered migration from a
 * template that follows the guidelines (and, with --rollback, its `rollback/` file). The number is the
 * highest in the folder + 1, keeping the folder's digit width; a folder of 14-digit timestamps gets the
 * current UTC time. A missing folder is created, with a note. Exit 0, or 2 on a bad name, an existing
 * file or an unreadable folder.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InvalidMigrationName, migrationTemplate, nextMigrationName, rollbackTemplate } from "../../shared/migrations/new-migration.ts";
import { reportError, UsageError } from "../output/errors.ts";
import { newMigrationRollbacks } from "./generate-rollback.ts";
import { type CliProject, DIR_HELP, openProject } from "../project.ts";

export { migrationTemplate, nextMigrationName, rollbackTemplate };

export interface NewMigrationOptions {
  readonly dir: string;
  readonly name: string;
  readonly rollback: boolean;
  /** For tests: the clock used for timestamped folders. */
  readonly now?: Date;
  /** Where `dir` came from (cli/project.ts), for the note when the folder is created. */
  readonly dirSource?: CliProject["dirSource"];
  /** The rollback of the new file's text (generate-rollback.ts), or null to keep the rollback template. */
  readonly rollbackText?: (fileName: string, migrationText: string) => string | null;
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
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`${dir} is a file, not a migrations folder: pass --dir <folder> or set "migrationsDir" in supamigrate.json.`);
  }
  const now = options.now ?? new Date();
  let next: { fileName: string; notes: string[] };
  try {
    next = nextMigrationName(existsSync(dir) ? readdirSync(dir) : [], options.name, now);
  } catch (error) {
    throw error instanceof InvalidMigrationName ? new UsageError(error.message) : error;
  }
  const { fileName } = next;
  const notes = [...createFolder(dir, options.dirSource ?? "override"), ...next.notes];
  const path = join(dir, fileName);
  const rollbackPath = join(dir, "rollback", fileName);
  for (const target of options.rollback ? [path, rollbackPath] : [path]) {
    if (existsSync(target)) throw new UsageError(`${target} already exists; not overwriting it.`);
  }
  const migrationText = migrationTemplate(fileName, options.name, now);
  writeFileSync(path, migrationText, { flag: "wx" });
  const created = [path];
  if (options.rollback) {
    mkdirSync(join(dir, "rollback"), { recursive: true });
    writeFileSync(rollbackPath, options.rollbackText?.(fileName, migrationText) ?? rollbackTemplate(fileName), { flag: "wx" });
    created.push(rollbackPath);
  }
  return { fileName, created, notes };
}

/** Creates the migrations folder when it is missing; the note says so and where the folder came from. */
function createFolder(dir: string, source: CliProject["dirSource"]): string[] {
  if (existsSync(dir)) return [];
  mkdirSync(dir, { recursive: true });
  const why = source === "config"
    ? '"migrationsDir" in supamigrate.json'
    : source === "override"
    ? "--dir"
    : 'no supamigrate.json sets "migrationsDir", and there is no scripts/ or supabase/migrations/ here';
  return [`note: created the migrations folder ${dir.replace(/\/+$/, "")}/ (${why}).`];
}

export function register(program: Command): void {
  program.command("new")
    .description("create the next numbered migration file from the guidelines' template")
    .argument("<name>", "what the migration does: letters, digits, '_' and '-' (e.g. add_invoices_table)")
    .option("--dir <dir>", DIR_HELP)
    .option("--rollback", "also create its rollback file in <dir>/rollback/", false)
    .action(async (name: string, flags: { dir?: string; rollback: boolean }) => {
      try {
        const { dir, dirSource } = await openProject(flags.dir);
        // The rollback is derived from the template (drop what it creates), after the folder's migrations.
        const rollbackText = flags.rollback ? await newMigrationRollbacks(dir) : undefined;
        const result = createMigration({ dir, dirSource, name, rollback: flags.rollback, rollbackText });
        for (const note of result.notes) process.stderr.write(`${note}\n`);
        for (const path of result.created) process.stdout.write(`created ${path}\n`);
        process.exitCode = 0;
      } catch (error) {
        process.exitCode = reportError("new", error, false);
      }
    });
}
