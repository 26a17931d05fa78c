/**
 * The project as every command sees it (shared/project on Node's fs): the migrations folder from
 * `--dir`, else supamigrate.json (found by walking up), else detected; the folder read strictly.
 */
import { relative, resolve, sep } from "node:path";
import { collectMigrations, migrationChecksum, type MigrationFolder } from "../shared/migrations/index.ts";
import { type Listing, readListing, resolveProject } from "../shared/project/index.ts";
import type { Checksummed } from "../shared/migrations/index.ts";
import { nodeFileSystem } from "./node-file-system.ts";
import { UsageError } from "./output/errors.ts";

export interface CliProject {
  /** The migrations folder as messages and findings show it: relative to the current folder when inside it. */
  readonly dir: string;
  /** The configuration file's path, or null when there is none. */
  readonly configPath: string | null;
  readonly rules: Readonly<Record<string, import("../shared/lint/types.ts").SeveritySetting>>;
  /** Where the folder came from: --dir, supamigrate.json, detected (scripts/, supabase/migrations/), or the default. */
  readonly dirSource: "override" | "config" | "detected" | "default";
}

/** The project's migrations folder and rules; `dir`: the --dir flag, if given. */
export async function openProject(dir?: string): Promise<CliProject> {
  const resolved = await resolveProject(nodeFileSystem, absolute("."), { migrationsDir: dir ?? null });
  if (!resolved.ok) throw new UsageError(resolved.errors.join("\n"));
  const { migrationsDir, rules, configPath, dirSource } = resolved.project;
  return { dir: displayPath(migrationsDir), rules, configPath, dirSource };
}

/** A folder read from disk: its migrations, and the `.sql` files whose bytes are not UTF-8 text. */
export interface LocalMigrationFolder extends MigrationFolder {
  /** `<relative path>: <what is wrong and how to fix it>`, one per file that is not UTF-8. */
  readonly undecodable: readonly string[];
}

/** The folder's listing, or a usage error saying where the folder was looked for. */
export async function readListingOrFail(dir: string): Promise<Listing> {
  const listing = await readListing(nodeFileSystem, absolute(dir));
  if (!listing) throw new UsageError(`no migrations folder at ${dir}: run from the project root, pass --dir <folder>, or set "migrationsDir" in supamigrate.json.`);
  return listing;
}

/** The folder's migrations and rollbacks, decoded as the linter decodes them. */
export async function readFolderOrFail(dir: string): Promise<LocalMigrationFolder> {
  const { listing, undecodable } = await readListingOrFail(dir);
  return { ...collectMigrations(dir, listing), undecodable };
}

export async function localChecksums(folder: MigrationFolder): Promise<Checksummed[]> {
  return await Promise.all(folder.migrations.map(async (m) => ({ name: m.name, checksum: await migrationChecksum(m.sql) })));
}

/** A path as the project module wants it: absolute, with `/`. */
function absolute(path: string): string {
  return resolve(path).split(sep).join("/");
}

/** A path as messages and findings show it: relative to the current folder with `/` when inside it, else absolute. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path)).split(sep).join("/");
  if (rel === "") return ".";
  return rel.startsWith("..") ? absolute(path) : rel;
}

/** The `--dir` option's help, the same for every command. */
export const DIR_HELP = 'the migrations folder (default: "migrationsDir" in supamigrate.json, else scripts/ or supabase/migrations/)';
