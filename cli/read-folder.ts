// Reads a migrations folder from disk into the runtime-neutral listing that shared/ understands.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { collectMigrations, type ListedFile, type MigrationFolder } from "../shared/migrations/index.ts";
import { decodeSqlBytes } from "../shared/lint/decode.ts";
import type { LintListedFile } from "../shared/lint/engine.ts";

/** Lists `<dir>/*` and `<dir>/rollback/*` (files only) and sorts them into migrations. */
export function readMigrationFolder(dir: string): MigrationFolder {
  const listed: ListedFile[] = [];
  const add = (relativePath: string) => {
    const path = join(dir, relativePath);
    if (statSync(path).isFile()) listed.push({ relativePath, text: readFileSync(path, "utf8") });
  };
  for (const entry of readdirSync(dir)) add(entry);
  const rollbackDir = join(dir, "rollback");
  try {
    for (const entry of readdirSync(rollbackDir)) add(`rollback/${entry}`);
  } catch {
    // no rollback folder: no rollbacks
  }
  return collectMigrations(dir, listed);
}

/**
 * The folder's listing for the linter: every file of `<dir>` and `<dir>/rollback`, read as bytes and
 * decoded strictly (a file that is not UTF-8 carries its decode error and is reported, not guessed at).
 * `ignored` lists what is not a file (sub-folders other than rollback/).
 */
export function readLintListing(dir: string): { listing: LintListedFile[]; ignored: string[] } {
  const listing: LintListedFile[] = [];
  const ignored: string[] = [];
  const add = (relativePath: string) => {
    const path = join(dir, relativePath);
    if (!statSync(path).isFile()) {
      if (relativePath !== "rollback") ignored.push(relativePath);
      return;
    }
    if (!relativePath.toLowerCase().endsWith(".sql")) {
      ignored.push(relativePath);
      return;
    }
    const { text, error } = decodeSqlBytes(readFileSync(path));
    listing.push({ relativePath, text, decodeError: error });
  };
  for (const entry of readdirSync(dir).sort()) add(entry);
  let rollbacks: string[] = [];
  try {
    rollbacks = readdirSync(join(dir, "rollback")).sort();
  } catch {
    // no rollback folder: no rollbacks
  }
  for (const entry of rollbacks) add(`rollback/${entry}`);
  return { listing, ignored };
}
