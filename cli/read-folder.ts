// Reads a migrations folder from disk into the runtime-neutral listing that shared/ understands.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { collectMigrations, type ListedFile, type MigrationFolder } from "../shared/migrations/index.ts";

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
