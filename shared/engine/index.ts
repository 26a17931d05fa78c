/**
 * The apply engine: `createEngine(sql, options)` over a postgres.js instance the caller creates (the
 * function from SUPABASE_DB_URL, the CLI from --db-url). See docs/engine.md for the decisions.
 */
import type postgres from "postgres";
import { prepareApply } from "./apply.ts";
import { baseline } from "./baseline.ts";
import { importHistory } from "./import-history.ts";
import { repair } from "./repair.ts";
import { resolveOptions } from "./options.ts";
import { prepareRollback } from "./rollback.ts";
import { plan, status } from "./status.ts";
import type { EngineOptions, MigrationEngine, Prepared, PreparedRun } from "./types.ts";

export type { EngineOptions, MigrationEngine, Prepared, PreparedRun, Rejection } from "./types.ts";
export { MIGRATION_LOCK_KEY } from "./lock.ts";
export { TRACKING_SCHEMA_VERSION } from "./tracking-schema.ts";
export { TRANSACTION_POOLER_PORT } from "./pooler.ts";

export function createEngine(sql: postgres.Sql, engineOptions?: EngineOptions): MigrationEngine {
  const options = resolveOptions(engineOptions);
  const open = new Set<PreparedRun>();
  let closed = false;

  /** Tracks prepared runs so close() can release locks nobody will run. */
  const track = (prepared: Prepared): Prepared => {
    if (!prepared.ok) return prepared;
    const inner = prepared.run;
    const run: PreparedRun = {
      pending: inner.pending,
      run: (emit) => inner.run(emit).finally(() => open.delete(run)),
      cancel: () => inner.cancel().finally(() => open.delete(run)),
    };
    open.add(run);
    return { ok: true, run };
  };
  /**
   * The connection warm() is opening, which every call waits for: a call that queried meanwhile would
   * make the pool open a second connection, and an extra idle connection is one more that a database
   * restart can leave stale (its next query then gets the old server's FATAL).
   */
  let warming: Promise<void> | null = null;
  const ready = async () => {
    if (closed) throw new Error("the engine is closed");
    if (warming) await warming;
  };

  return {
    status: async () => (await ready(), await status(sql)),
    plan: async (request) => (await ready(), await plan(sql, request)),
    prepareApply: async (request) => (await ready(), track(await prepareApply(sql, request, options))),
    prepareRollback: async (request) => (await ready(), track(await prepareRollback(sql, request, options))),
    baseline: async (request) => (await ready(), await baseline(sql, request, options)),
    repair: async (request) => (await ready(), await repair(sql, request, options)),
    importHistory: async (request) => (await ready(), await importHistory(sql, request, options)),
    warm() {
      // Reserving opens a connection when the pool has none idle; released at once, it waits in the pool.
      if (closed || warming) return;
      warming = sql.reserve().then((connection) => connection.release(), () => {}).finally(() => (warming = null));
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...open].map((run) => run.cancel().catch(() => {})));
      if (options.endConnectionOnClose) await sql.end({ timeout: 5 });
    },
  };
}
