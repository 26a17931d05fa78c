import type { MigrationFile } from "../migrations/index.ts";
import type { MigrationPayload } from "./types.ts";

/** A request's `migrations` from the files of a migrations folder (name, SQL, rollback SQL or null). */
export function migrationPayloads(migrations: readonly MigrationFile[]): MigrationPayload[] {
  return migrations.map((m) => ({ name: m.name, sql: m.sql, rollback: m.rollback }));
}
