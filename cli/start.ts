// `npm start` until the function exists: parse every migration in scripts/ and print the run order
// with checksums.
import { readMigrationFolder } from "./read-folder.ts";
import { migrationChecksum } from "../shared/migrations/index.ts";
import { loadParser, parseSql } from "../shared/sql/index.ts";

await loadParser();
const folder = readMigrationFolder("scripts");
let errors = 0;
console.log("Run order (contract order: number, then file name):");
for (const [i, migration] of folder.migrations.entries()) {
  const parsed = parseSql(migration.sql);
  for (const error of parsed.errors) {
    errors++;
    console.log(`${migration.path}:${error.position.line}:${error.position.column}: error syntax-error: ${error.message}`);
  }
  const checksum = await migrationChecksum(migration.sql);
  const rollback = migration.rollback === null ? "no rollback" : "rollback ✓";
  console.log(`${String(i + 1).padStart(3)}. ${migration.name.padEnd(44)} ${checksum.slice(0, 12)}  ${parsed.statements.length} statements, ${rollback}`);
}
for (const path of folder.invalidNames) console.log(`${path}:1:1: error invalid-filename: not a migration name`);
process.exitCode = errors + folder.invalidNames.length > 0 ? 1 : 0;
