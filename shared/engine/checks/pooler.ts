/**
 * Session advisory locks need a session: behind a transaction pooler (Supabase's port 6543, pgbouncer
 * in transaction mode) consecutive statements may run on different server connections, so the lock
 * could be taken on one and the migration run on another — or released by someone else's session.
 * supamigrate never runs unlocked, so apply and rollback are refused there; status and plan still work.
 */
import type postgres from "postgres";
import type { ResolvedOptions } from "../options.ts";
import { transactionPooler } from "./rejections.ts";
import type { Rejection } from "../types.ts";

/** Supabase's transaction-mode pooler port (Supavisor / pgbouncer). */
export const TRANSACTION_POOLER_PORT = 6543;

export function poolerRejection(sql: postgres.Sql, options: ResolvedOptions): Rejection | null {
  if (options.pooler === "session" || options.pooler === "direct") return null;
  const ports = (sql as { options?: { port?: unknown } }).options?.port;
  const list = Array.isArray(ports) ? ports.map(Number) : [];
  if (options.pooler === "transaction") return transactionPooler(list[0] ?? null);
  return list.includes(TRANSACTION_POOLER_PORT) ? transactionPooler(TRANSACTION_POOLER_PORT) : null;
}
