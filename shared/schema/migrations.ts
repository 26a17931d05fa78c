/**
 * A folder's migrations parsed in contract order, each with its checksum: what the schema model walks
 * and the lint rules read. The linter passes hooks (a cache of unchanged files, an incremental parse);
 * the engine's catalog check uses the plain parse.
 */
import { type MigrationFile, type MigrationFolder, migrationChecksum, rollbackPathFor } from "../migrations/index.ts";
import { loadParser, type ParsedSql, parseSql } from "../sql/index.ts";

/** A migration as the schema model and the rules see it. */
export interface ParsedMigration {
  /** Path as reported, e.g. `scripts/019_recreate_results_tables.sql`. */
  readonly path: string;
  /** Bare file name, e.g. `019_recreate_results_tables.sql`. */
  readonly name: string;
  readonly text: string;
  readonly parsed: ParsedSql;
  /** The rollback file's text, or null when there is none. */
  readonly rollback: string | null;
  /** Where the rollback file is (or would be): `scripts/rollback/<name>`. */
  readonly rollbackPath: string;
  /** Position in contract order among the project's migrations (0-based). */
  readonly order: number;
  /**
   * The contract checksum of `text`; null when the caller did not ask for checksums (`ParseHooks.checksums`:
   * a lint without deployed state to compare with has no use for them).
   */
  readonly checksum: string | null;
}

export interface ParseHooks {
  /** A file parsed before with this very text, to use as is (its order and rollback are brought up to date). */
  readonly reuse?: (migration: MigrationFile) => ParsedMigration | null;
  /** How to parse a file's text; parseSql by default. */
  readonly parse?: (migration: MigrationFile) => ParsedSql;
  /** False: leave `checksum` null (default true). A reused file without one gets it when asked for. */
  readonly checksums?: boolean;
}

/** Checksums asked for (the default): every file has one. */
export function parseMigrations(folder: MigrationFolder, hooks?: ParseHooks & { readonly checksums?: true }): Promise<Array<ParsedMigration & { readonly checksum: string }>>;
export function parseMigrations(folder: MigrationFolder, hooks: ParseHooks): Promise<ParsedMigration[]>;
export async function parseMigrations(folder: MigrationFolder, hooks: ParseHooks = {}): Promise<ParsedMigration[]> {
  await loadParser();
  const reusable = folder.migrations.map((migration) => hooks.reuse?.(migration) ?? null);
  // Checksums are computed off the main thread (crypto.subtle): start them all now, so hashing overlaps parsing.
  // Not asked for, none: the first use of crypto.subtle loads Node's WebCrypto, a few ms of a cold `lint`.
  const wanted = hooks.checksums ?? true;
  const checksums = folder.migrations.map((migration, order) =>
    !wanted || (reusable[order] && reusable[order].checksum !== null) ? null : migrationChecksum(migration.sql));
  const parse = hooks.parse ?? ((migration: MigrationFile) => parseSql(migration.sql));
  const files: ParsedMigration[] = [];
  for (const [order, migration] of folder.migrations.entries()) {
    const reuse = reusable[order];
    if (reuse) {
      const checksum = checksums[order] === null ? reuse.checksum : await checksums[order];
      const same = reuse.order === order && reuse.rollback === migration.rollback && reuse.checksum === checksum;
      files.push(same ? reuse : { ...reuse, order, rollback: migration.rollback, checksum });
      continue;
    }
    files.push({
      path: migration.path,
      name: migration.name,
      text: migration.sql,
      parsed: parse(migration),
      rollback: migration.rollback,
      rollbackPath: rollbackPathFor(migration.path),
      order,
      checksum: checksums[order] === null ? null : await checksums[order],
    });
  }
  return files;
}
