import { isBareFileName, parseMigrationName } from "./filename.ts";
import { compareFileNames } from "./order.ts";

/** A migration file as read from the migrations folder. */
export interface MigrationFile {
  /** Bare file name, e.g. `019_recreate_results_tables.sql`. */
  readonly name: string;
  /** Path relative to the project root, e.g. `scripts/019_recreate_results_tables.sql`. */
  readonly path: string;
  readonly sql: string;
  /** Text of `scripts/rollback/<name>`, or null when there is none. */
  readonly rollback: string | null;
}

/** What a folder listing holds, sorted into the contract's categories. */
export interface MigrationFolder {
  /** Migrations in contract order. */
  readonly migrations: MigrationFile[];
  /** `.sql` files in the folder that break the naming rule (relative paths). */
  readonly invalidNames: string[];
  /** Rollback files with no migration of the same name (relative paths). */
  readonly orphanRollbacks: string[];
}

/** One entry of a folder listing: a path relative to the migrations folder (`x.sql`, `rollback/x.sql`). */
export interface ListedFile {
  readonly relativePath: string;
  readonly text: string;
}

/**
 * Sorts a listing of the migrations folder into migrations (with their rollbacks paired), invalid
 * names and orphan rollbacks. Reading the folder is the caller's job (Node, Deno or VS Code), so this
 * stays runtime-neutral. Non-`.sql` files are ignored: READMEs and notes may live beside migrations.
 */
export function collectMigrations(dir: string, files: readonly ListedFile[]): MigrationFolder {
  const prefix = dir.replace(/\/+$/, "");
  const join = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
  const rollbacks = new Map<string, string>();
  const candidates: ListedFile[] = [];
  for (const file of files) {
    const parts = file.relativePath.split("/");
    if (!file.relativePath.toLowerCase().endsWith(".sql")) continue;
    if (parts.length === 2 && parts[0] === "rollback") rollbacks.set(parts[1], file.text);
    else if (parts.length === 1) candidates.push(file);
  }
  const migrations: MigrationFile[] = [];
  const invalidNames: string[] = [];
  for (const file of candidates) {
    const name = file.relativePath;
    if (!isBareFileName(name) || !parseMigrationName(name)) {
      invalidNames.push(join(name));
      continue;
    }
    migrations.push({ name, path: join(name), sql: file.text, rollback: rollbacks.get(name) ?? null });
  }
  migrations.sort((a, b) => compareFileNames(a.name, b.name));
  const names = new Set(migrations.map((m) => m.name));
  const orphanRollbacks = [...rollbacks.keys()].filter((name) => !names.has(name)).sort(compareFileNames)
    .map((name) => join(`rollback/${name}`));
  return { migrations, invalidNames: invalidNames.sort(), orphanRollbacks };
}

/** The rollback file's path for a migration path: `scripts/rollback/<same file name>`. */
export function rollbackPathFor(migrationPath: string): string {
  const slash = migrationPath.lastIndexOf("/");
  return slash < 0 ? `rollback/${migrationPath}` : `${migrationPath.slice(0, slash)}/rollback/${migrationPath.slice(slash + 1)}`;
}
