/**
 * `supamigrate diff [--name NAME] [--dir D] [--set k=v…]`: writes the next numbered migration holding what
 * the live database has and the applied migrations do not declare (dashboard edits, hand work), guarded so
 * it changes nothing on the database it came from, and its rollback (shared/schema/rollback/). The
 * comparison is `verify --schema`'s (cli/schema/). Differences it cannot write are listed in the file as
 * `-- supamigrate: not expressed: …` and printed. Exit 0 when there is nothing left unexpressed, 1 when
 * something is (the file, if any, is still written), 2 on usage or I/O errors.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { FunctionClient } from "../../shared/client/index.ts";
import { InvalidMigrationName, nextMigrationName } from "../../shared/migrations/new-migration.ts";
import { rollbacksForNewMigrations } from "../../shared/schema/rollback/folder.ts";
import { HAND_WRITTEN_MARKER } from "../../shared/schema/rollback/generate.ts";
import { UsageError } from "../output/errors.ts";
import { collectSet } from "../options.ts";
import { DIR_HELP, openProject, readFolderOrFail } from "../project.ts";
import { type DiffBlock, type DiffMigration, liveOnlyMigration } from "../schema/diff-sql.ts";
import { checkSchema } from "../schema/verify-schema.ts";
import { runWithTarget, withTargetOptions } from "../target.ts";

export const DEFAULT_DIFF_NAME = "live_schema_changes";

export interface DiffOptions {
  readonly dir: string;
  readonly name: string;
  readonly placeholders: Readonly<Record<string, string>>;
  readonly now?: Date;
  readonly write: (line: string) => void;
}

/** Compares, writes the files when there is something to write; resolves to the exit code. */
export async function diff(client: FunctionClient, options: DiffOptions): Promise<0 | 1> {
  const folder = await readFolderOrFail(options.dir);
  // The name is checked before the (slow) comparison.
  let next: { fileName: string; notes: string[] };
  try {
    next = nextMigrationName(readdirSync(options.dir), options.name, options.now);
  } catch (error) {
    throw error instanceof InvalidMigrationName ? new UsageError(error.message) : error;
  }
  const check = await checkSchema(client, folder, options.placeholders);
  const folderPath = options.dir.replace(/\/+$/, "");
  for (const note of check.notes) {
    options.write(`note: ${folderPath}/${note.name}:${note.line}:${note.column}: left out of the expected schema, it fails on an empty shadow database: ${note.message}`);
  }
  if (check.differences.length === 0) {
    options.write(`Nothing to write: the live database matches the ${check.applied.length} applied migrations (${check.objects} objects compared).`);
    return 0;
  }
  const migration = liveOnlyMigration(check.differences, check.live);
  if (migration.blocks.length > 0) {
    const { fileName } = next;
    const path = join(options.dir, fileName);
    const rollbackPath = join(options.dir, "rollback", fileName);
    for (const target of [path, rollbackPath]) if (existsSync(target)) throw new UsageError(`${target} already exists; not overwriting it.`);
    const text = migrationText(fileName, migration, options.now ?? new Date());
    const generated = (await rollbacksForNewMigrations(folder))(fileName, text.text);
    writeFileSync(path, text.text, { flag: "wx" });
    mkdirSync(join(options.dir, "rollback"), { recursive: true });
    writeFileSync(rollbackPath, withInverses(generated ?? `-- rollback/${fileName}\n`, fileName, text.doBlocks), { flag: "wx" });
    for (const note of next.notes) options.write(note);
    options.write(`created ${folderPath}/${fileName}`);
    options.write(`created ${folderPath}/rollback/${fileName}`);
  }
  for (const line of migration.notExpressed) options.write(`not expressed: ${line}`);
  if (migration.blocks.length === 0) options.write("Nothing written: no difference above is one diff can write.");
  return migration.notExpressed.length > 0 ? 1 : 0;
}

/** The migration file, and the blocks in it whose inverse diff writes itself (their first line and inverse), for the rollback. */
export function migrationText(fileName: string, migration: DiffMigration, now: Date): { text: string; doBlocks: Array<{ line: number; inverse: string }> } {
  const lines = [
    `-- ${fileName}`,
    `-- Written by \`supamigrate diff\` on ${now.toISOString().slice(0, 10)}: what the live database has that the applied migrations`,
    "-- did not declare (changes made in the dashboard or by hand), so that the migrations describe it again. Every",
    "-- statement is guarded (IF NOT EXISTS, DROP … IF EXISTS first, a catalog check), so applying it to that database",
    "-- changes nothing there; on a new database it creates what the live one has. Review it before applying.",
  ];
  const doBlocks: Array<{ line: number; inverse: string }> = [];
  for (const block of migration.blocks as readonly DiffBlock[]) {
    lines.push("", `-- live only: ${block.about}`);
    if (block.inverse !== null) doBlocks.push({ line: lines.length + 1, inverse: block.inverse });
    lines.push(...block.sql.split("\n"));
  }
  if (migration.notExpressed.length > 0) lines.push("");
  for (const line of migration.notExpressed) lines.push(`-- supamigrate: not expressed: ${line.replace(/\s*\n\s*/g, " ")}`);
  return { text: `${lines.join("\n")}\n`, doBlocks };
}

/**
 * The generated rollback with diff's own inverse in place of the generator's marker for each block it
 * marks (the generator cannot see inside a DO block; diff knows what its own blocks create), and a warning
 * that on the live database the rollback drops what was there before the migration.
 */
export function withInverses(rollback: string, fileName: string, doBlocks: ReadonlyArray<{ line: number; inverse: string }>): string {
  let text = rollback;
  for (const { line, inverse } of doBlocks) {
    // The marker line names the statement and its line; the hint line follows it.
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.startsWith(`${HAND_WRITTEN_MARKER}: `) && l.endsWith(` (line ${line} of ${fileName})`));
    if (at < 0) continue;
    lines.splice(at, 2, inverse);
    text = lines.join("\n");
  }
  const caution = "-- Caution: on the database diff read, these objects existed before this migration ran: this rollback drops them there, with their data.\n";
  const firstBlank = text.indexOf("\n\n");
  return firstBlank < 0 ? `${text}${caution}` : `${text.slice(0, firstBlank + 1)}${caution}${text.slice(firstBlank + 1)}`;
}

export function register(program: Command): void {
  withTargetOptions(program.command("diff"))
    .description("write a migration (and its rollback) for what the live database has that the applied migrations do not declare")
    .option("--name <name>", `the new migration's name: letters, digits, '_' and '-' (default: ${DEFAULT_DIFF_NAME})`)
    .option("--dir <dir>", DIR_HELP)
    .option("--set <name=value>", "a placeholder value the applied migrations need, e.g. --set admin_email=you@example.com (repeatable)", collectSet, {})
    .action(async (flags: { url?: string; dbUrl?: string; dir?: string; name?: string; set: Record<string, string> }) => {
      process.exitCode = await runWithTarget("diff", flags, false, async (client) =>
        diff(client, {
          dir: (await openProject(flags.dir)).dir,
          name: flags.name ?? DEFAULT_DIFF_NAME,
          placeholders: flags.set,
          write: (line) => process.stdout.write(`${line}\n`),
        }));
    });
}
