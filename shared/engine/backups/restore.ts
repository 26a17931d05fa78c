/**
 * Putting backed-up data back: a rollback calls supamigrate.restore_backups (schema.ts) after the
 * rollback's statements, in the same transaction, and reports what came back as `backup-restored`
 * warnings (or `backup-not-restored`, saying why and where the copy is).
 */
import type { ApplyEvent } from "../../protocol/types.ts";
import { sqlLiteral } from "../tracking/rows.ts";

/** The statement that restores every backup taken when `migration` was applied (newest first). */
export function RESTORE_BACKUPS_SQL(migration: string): string {
  return `select supamigrate.restore_backups(${sqlLiteral(migration)}) as restored`;
}

interface Restored {
  readonly kind: string;
  readonly source: string;
  readonly column: string | null;
  readonly rows: number;
  readonly backupTable: string;
  readonly note: string | null;
}

/** The events for what restore_backups returned (found among the recorder's results by its column name). */
export function restoredNotes(migration: string, results: readonly (readonly Record<string, unknown>[])[]): ApplyEvent[] {
  const row = results.find((result) => result.length === 1 && "restored" in result[0])?.[0];
  const list = (typeof row?.restored === "string" ? JSON.parse(row.restored) : row?.restored) as Restored[] | undefined;
  return (list ?? []).map((r) => {
    const what = r.column ? `${r.source}.${r.column}` : r.source;
    return r.note === null
      ? { event: "warning", code: "backup-restored", name: migration, message: `restored ${r.rows} row${r.rows === 1 ? "" : "s"} of ${what} from ${r.backupTable} (copied when ${migration} was applied)` }
      : { event: "warning", code: "backup-not-restored", name: migration, message: `${what}: ${r.note}; the data is kept in ${r.backupTable}` };
  });
}
