/** status(): the tracking table, the lock and the event log's chain, read only; never locks or creates anything. */
import type postgres from "postgres";
import type { AppliedMigration, StatusResponse } from "../protocol/types.ts";
import { readBaselined } from "./tracking/baselined.ts";
import { checkEventChain } from "./tracking/event-chain.ts";
import { readBackups } from "./backups/list.ts";
import { lockHolder } from "./tracking/lock.ts";
import { readTrackingRows, toAppliedMigration } from "./tracking/rows.ts";

export async function status(sql: postgres.Sql): Promise<StatusResponse> {
  const rows = await readTrackingRows(sql);
  const baselined = rows.length > 0 ? await readBaselined(sql) : new Map<string, string | null>();
  const applied = rows.map((row): AppliedMigration => {
    const migration = toAppliedMigration(row);
    return baselined.has(row.name) ? { ...migration, baselined: true, source: baselined.get(row.name) ?? null } : migration;
  });
  const backups = rows.length > 0 ? await readBackups(sql) : [];
  return { applied, lock: await lockHolder(sql), eventLog: await checkEventChain(sql), ...(backups.length > 0 ? { backups } : {}) };
}
