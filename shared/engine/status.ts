/** status(): the tracking table, the lock and the event log's chain, read only; never locks or creates anything. */
import type postgres from "postgres";
import type { StatusResponse } from "../protocol/types.ts";
import { checkEventChain } from "./tracking/event-chain.ts";
import { lockHolder } from "./tracking/lock.ts";
import { readTrackingRows, toAppliedMigration } from "./tracking/rows.ts";

export async function status(sql: postgres.Sql): Promise<StatusResponse> {
  const rows = await readTrackingRows(sql);
  return { applied: rows.map(toAppliedMigration), lock: await lockHolder(sql), eventLog: await checkEventChain(sql) };
}
