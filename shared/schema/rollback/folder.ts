/**
 * Generates the rollback of one migration of a folder (the CLI's `rollback --generate` and `new
 * --rollback`; the editor can use it the same way): parses the folder, builds the schema model, inverts.
 */
import { type MigrationFolder, rollbackPathFor } from "../../migrations/index.ts";
import { parseSql, splitStatements, TextIndex } from "../../sql/index.ts";
import { type ParsedMigration, parseMigrations } from "../migrations.ts";
import { type GeneratedRollback, generateRollback } from "./generate.ts";

/** The rollback of the migration named `name` (a bare file name) in `folder`, or null when there is no such migration. */
export async function generateRollbackInFolder(folder: MigrationFolder, name: string): Promise<GeneratedRollback | null> {
  const at = folder.migrations.findIndex((m) => m.name === name);
  if (at < 0) return null;
  // Later migrations cannot change what was there before this one: parse only up to it.
  const files = await parseMigrations({ ...folder, migrations: folder.migrations.slice(0, at + 1) });
  return generateRollback(files[at], files);
}

/**
 * For a migration about to be written (`supamigrate new`): a function from its file name and text to its
 * rollback, derived after the folder's migrations; null when nothing in it is derivable (the caller then
 * keeps its template). The folder's files are parsed once, here.
 */
export async function rollbacksForNewMigrations(folder: MigrationFolder): Promise<(fileName: string, text: string) => string | null> {
  const files = await parseMigrations(folder);
  const dir = folder.migrations[0]?.path.slice(0, -folder.migrations[0].name.length) ?? "";
  return (fileName, text) => {
    const parsed = parseSql(text);
    const migration: ParsedMigration = {
      path: `${dir}${fileName}`,
      name: fileName,
      text,
      parsed,
      rollback: null,
      rollbackPath: rollbackPathFor(`${dir}${fileName}`),
      order: files.length,
      // Not needed to derive a rollback (and the file's checksum is computed when it is linted or applied).
      checksum: "",
    };
    const generated = generateRollback(migration, [...files, migration]);
    return splitStatements(new TextIndex(generated.text)).length > 0 ? generated.text : null;
  };
}
