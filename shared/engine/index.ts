/**
 * The apply engine: `createEngine(sql, options)` over a postgres.js instance the caller creates (the
 * function from SUPABASE_DB_URL, the CLI from --db-url). See docs/engine.md for the decisions.
 */
import type postgres from "postgres";
import { prepareApply } from "./apply.ts";
import { baseline } from "./baseline.ts";
import { endsSession } from "./errors.ts";
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
  const ensureOpen = () => {
    if (closed) throw new Error("the engine is closed");
  };

  return {
    status: () => (ensureOpen(), againIfSessionEnded(() => status(sql))),
    plan: (request) => (ensureOpen(), againIfSessionEnded(() => plan(sql, request))),
    prepareApply: async (request) => (ensureOpen(), track(await againIfSessionEnded(() => prepareApply(sql, request, options)))),
    prepareRollback: async (request) => (ensureOpen(), track(await againIfSessionEnded(() => prepareRollback(sql, request, options)))),
    baseline: (request) => (ensureOpen(), baseline(sql, request, options)),
    repair: (request) => (ensureOpen(), repair(sql, request, options)),
    importHistory: (request) => (ensureOpen(), importHistory(sql, request, options)),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...open].map((run) => run.cancel().catch(() => {})));
      if (options.endConnectionOnClose) await sql.end({ timeout: 5 });
    },
  };
}

/**
 * Runs a call that writes nothing before its run starts (status, plan, the prepare of apply and
 * rollback: reads, the idempotent tracking schema, the lock) once more when a session ended under it.
 * postgres.js 3.4.9 keeps the FATAL of a session that ended mid-query (killed with
 * pg_terminate_backend, or a server restart) on its connection object, and hands it to the next query
 * that reconnects that object; the failed call clears it, so the second one runs on a fresh session.
 * A database that is really down fails the second call at once as well.
 */
async function againIfSessionEnded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!endsSession(error)) throw error;
    return await call();
  }
}
