// Reads a migrations folder from disk into the runtime-neutral listing that shared/ understands.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { collectMigrations, type MigrationFolder } from "../shared/migrations/index.ts";
import { decodeSqlBytes } from "../shared/lint/decode.ts";
import type { LintListedFile } from "../shared/lint/engine.ts";

/** An entry of `<dir>` or `<dir>/rollback`, by its path relative to `dir`. */
interface FolderEntry {
  readonly relativePath: string;
  readonly path: string;
  readonly isFile: boolean;
}

/** The entries of `<dir>` then `<dir>/rollback` (when it exists), each sorted by name. */
function folderEntries(dir: string): FolderEntry[] {
  const list = (sub: string): FolderEntry[] => {
    let names: string[];
    try {
      names = readdirSync(join(dir, sub)).sort();
    } catch (error) {
      if (sub === "") throw error;
      return []; // no rollback folder: no rollbacks
    }
    return names.map((name) => {
      const relativePath = sub ? `${sub}/${name}` : name;
      const path = join(dir, relativePath);
      return { relativePath, path, isFile: statSync(path).isFile() };
    });
  };
  return [...list(""), ...list("rollback")];
}

const isSql = (entry: FolderEntry) => entry.relativePath.toLowerCase().endsWith(".sql");

/** A folder read from disk: its migrations, and the `.sql` files whose bytes are not UTF-8 text. */
export interface LocalMigrationFolder extends MigrationFolder {
  /** `<relative path>: <what is wrong and how to fix it>`, one per file that is not UTF-8. */
  readonly undecodable: readonly string[];
}

/**
 * The folder's migrations and rollbacks (only `.sql` files are read), sorted into migrations. Files are
 * decoded as the linter decodes them: a leading BOM dropped, and bytes that are not UTF-8 reported in
 * `undecodable` rather than sent as replacement characters.
 */
export function readMigrationFolder(dir: string): LocalMigrationFolder {
  const { listing } = readLintListing(dir);
  const undecodable = listing.filter((file) => file.decodeError).map((file) => `${file.relativePath}: ${file.decodeError}`);
  return { ...collectMigrations(dir, listing), undecodable };
}

/**
 * The folder's listing for the linter: every `.sql` file of `<dir>` and `<dir>/rollback`, read as bytes
 * and decoded strictly (a file that is not UTF-8 carries its decode error and is reported, not guessed
 * at). `ignored` lists the rest (other files, sub-folders other than rollback/).
 */
export function readLintListing(dir: string): { listing: LintListedFile[]; ignored: string[] } {
  const listing: LintListedFile[] = [];
  const ignored: string[] = [];
  for (const entry of folderEntries(dir)) {
    if (entry.isFile && isSql(entry)) {
      const { text, error } = decodeSqlBytes(readFileSync(entry.path));
      listing.push({ relativePath: entry.relativePath, text, decodeError: error });
    } else if (entry.relativePath !== "rollback") {
      ignored.push(entry.relativePath);
    }
  }
  return { listing, ignored };
}
