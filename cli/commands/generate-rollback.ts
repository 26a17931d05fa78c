/**
 * `supamigrate rollback --generate FILE [--force] [--dir D]`: writes `<dir>/rollback/<file name>` with the
 * inverse of every statement of the migration that can be derived (shared/schema/rollback/), and a marker
 * line for each one that needs a hand-written inverse. Local only: no function, no database. Exit 0, or 2
 * on an unknown file or an existing rollback (without --force). Also the rollback `new --rollback` writes.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { describeNamingRule, parseMigrationName } from "../../shared/migrations/index.ts";
import { generateRollbackInFolder, rollbacksForNewMigrations } from "../../shared/schema/rollback/folder.ts";
import type { HandWrittenItem } from "../../shared/schema/rollback/generate.ts";
import { reportError, UsageError } from "../output/errors.ts";
import { displayPath, openProject, readFolderOrFail } from "../project.ts";

export interface GenerateRollbackOptions {
  /** The migration: its file name (`026_add_invoices.sql`) or its path (`scripts/026_add_invoices.sql`). */
  readonly file: string;
  /** The --dir flag, if given. */
  readonly dir?: string;
  readonly force: boolean;
}

export interface GenerateRollbackResult {
  /** The rollback file written, as messages show paths. */
  readonly path: string;
  readonly handWritten: readonly HandWrittenItem[];
}

/** Generates and writes the rollback file; a UsageError (exit 2) says what is wrong and how to fix it. */
export async function generateRollbackFile(options: GenerateRollbackOptions): Promise<GenerateRollbackResult> {
  const name = basename(options.file);
  const given = options.file.includes("/") || options.file.includes("\\") ? displayPath(dirname(options.file)) : null;
  const dir = options.dir !== undefined || given === null ? (await openProject(options.dir)).dir : given;
  if (given !== null && resolve(given) !== resolve(dir)) {
    throw new UsageError(`${options.file} is not in the migrations folder ${dir}: give a migration of ${dir}, or the folder that holds it with --dir.`);
  }
  if (!parseMigrationName(name)) throw new UsageError(`${name} is not a migration file name: ${describeNamingRule()}.`);
  const folder = await readFolderOrFail(dir);
  if (!folder.migrations.some((m) => m.name === name)) {
    throw new UsageError(`there is no migration ${name} in ${dir}: give the file name or path of one of its migrations.`);
  }
  const path = join(dir, "rollback", name);
  if (existsSync(path) && !options.force) {
    throw new UsageError(`${displayPath(path)} already exists; not overwriting it (pass --force to replace it with the generated rollback).`);
  }
  const generated = (await generateRollbackInFolder(folder, name))!;
  mkdirSync(join(dir, "rollback"), { recursive: true });
  writeFileSync(path, generated.text);
  return { path: displayPath(path), handWritten: generated.handWritten };
}

/** What `rollback --generate` prints: the file, and the statements that still need a hand-written inverse. */
export function generatedRollbackReport(result: GenerateRollbackResult): string {
  const count = result.handWritten.length;
  const lines = [`wrote ${result.path}`];
  if (count === 0) lines.push("every statement's inverse was derived: review it, then test it on staging.");
  else {
    lines.push(`${count} ${count === 1 ? "statement needs" : "statements need"} a hand-written inverse (marked "-- supamigrate: needs a hand-written inverse" in the file):`);
    for (const item of result.handWritten) lines.push(`  line ${item.line}: ${item.what}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * For `new --rollback`: a function from the new file's name and text to its rollback, derived after the
 * folder's migrations (null when nothing in it is derivable: `new` keeps the template then).
 */
export async function newMigrationRollbacks(dir: string): Promise<(fileName: string, text: string) => string | null> {
  const folder = existsSync(dir) ? await readFolderOrFail(dir) : { migrations: [], invalidNames: [], orphanRollbacks: [] };
  return await rollbacksForNewMigrations(folder);
}

/** The flags of `rollback` that `--generate` reads or refuses. */
export interface GenerateFlags {
  readonly generate?: string;
  readonly force: boolean;
  readonly dir?: string;
  readonly url?: string;
  readonly dbUrl?: string;
  readonly projectUrl?: string;
  readonly steps?: number;
  readonly to?: string;
  readonly dryRun: boolean;
  readonly format: string;
}

/** `rollback --generate FILE`: writes the file and prints the report; resolves to the exit code (0, or 2 on a usage error). */
export async function runGenerate(flags: GenerateFlags): Promise<number> {
  try {
    if (flags.generate === undefined) throw new UsageError("--force goes with --generate FILE (it replaces an existing rollback file).");
    const remote = [flags.url && "--url", flags.dbUrl && "--db-url", flags.projectUrl && "--project-url", flags.steps !== undefined && "--steps",
      flags.to !== undefined && "--to", flags.dryRun && "--dry-run", flags.format !== "text" && "--format"].filter(Boolean);
    if (remote.length > 0) {
      throw new UsageError(`--generate writes a rollback file from the local migration and runs nothing: drop ${remote.join(" and ")}.`);
    }
    const result = await generateRollbackFile({ file: flags.generate, dir: flags.dir, force: flags.force });
    process.stdout.write(generatedRollbackReport(result));
    return 0;
  } catch (error) {
    return reportError("rollback", error, false);
  }
}
