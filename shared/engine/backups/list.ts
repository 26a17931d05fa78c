/** The backups kept in supamigrate_backup (not pruned), oldest first, read only. */
import type postgres from "postgres";
import type { BackupSummary } from "../../protocol/types.ts";

/** How a backup table is named to users: `supamigrate_backup.<table>`. */
export const BACKUP_SCHEMA_PREFIX = "supamigrate_backup.";

export async function readBackups(sql: postgres.Sql): Promise<BackupSummary[]> {
  const [table] = await sql`select pg_catalog.to_regclass('supamigrate.backups') is not null as exists`;
  if (!table.exists) return [];
  const rows = await sql`
    select id::int, migration, kind, source, source_column, backup_table, rows::text, bytes::text, created_at, restored_at
    from supamigrate.backups where pruned_at is null order by id`;
  return rows.map((r) => ({
    id: r.id as number,
    migration: r.migration as string,
    kind: r.kind as BackupSummary["kind"],
    source: r.source as string,
    column: (r.source_column as string | null) ?? null,
    backupTable: `${BACKUP_SCHEMA_PREFIX}${r.backup_table as string}`,
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    createdAt: iso(r.created_at),
    restoredAt: r.restored_at === null ? null : iso(r.restored_at),
  }));
}

function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
