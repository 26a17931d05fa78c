/**
 * `backups prune`: drops backup tables that are no longer wanted — those of one migration, those older
 * than N days, or all — and marks their rows pruned (kept, for the record), with one `backups-pruned`
 * event, in one transaction under the migration lock. A dry run says what it would drop.
 */
import type postgres from "postgres";
import type { BackupsPruneRequest, BackupsPruneResponse } from "../../protocol/types.ts";
import { type AdoptionResult, inTransaction, underLock } from "../adoption/baseline.ts";
import type { ResolvedOptions } from "../options.ts";
import { logEventSql, sqlLiteral } from "../tracking/rows.ts";
import { quoteIdent } from "../../sql/names.ts";
import { BACKUP_SCHEMA_PREFIX, readBackups } from "./list.ts";

export async function pruneBackups(sql: postgres.Sql, request: BackupsPruneRequest, options: ResolvedOptions): Promise<AdoptionResult<BackupsPruneResponse>> {
  const actor = request.meta?.actor ?? options.defaultActor;
  const dryRun = request.dryRun === true;
  return await underLock(sql, options, actor, async (conn) => {
    const cutoff = request.olderThanDays === undefined ? null : Date.now() - request.olderThanDays * 86_400_000;
    const chosen = (await readBackups(conn)).filter((b) =>
      (request.migration === undefined || b.migration === request.migration) && (cutoff === null || Date.parse(b.createdAt) < cutoff)
    );
    if (!dryRun && chosen.length > 0) {
      await inTransaction(conn, [
        ...chosen.map((b) => `drop table if exists supamigrate_backup.${quoteIdent(b.backupTable.slice(BACKUP_SCHEMA_PREFIX.length))}`),
        `update supamigrate.backups set pruned_at = pg_catalog.now() where id in (${chosen.map((b) => sqlLiteral(b.id)).join(", ")})`,
        logEventSql("backups-pruned", request.migration ?? null, actor, {
          ids: chosen.map((b) => b.id), bytes: chosen.reduce((sum, b) => sum + b.bytes, 0),
          olderThanDays: request.olderThanDays ?? null, all: request.all === true,
        }),
      ]);
    }
    return { ok: true, result: { dryRun, pruned: chosen } };
  });
}
