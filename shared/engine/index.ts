/**
 * The apply engine: `createEngine(sql, options)` over a postgres.js instance the caller creates (the
 * function from SUPABASE_DB_URL, the CLI from --db-url). See docs/engine.md for the decisions.
 */
import postgres from "postgres";
import { prepareApply } from "./apply.ts";
import { baseline } from "./adoption/baseline.ts";
import { endsSession } from "./run/errors.ts";
import { importHistory } from "./adoption/import-history.ts";
import { repair } from "./adoption/repair.ts";
import { resolveOptions } from "./options.ts";
import { prepareRollback } from "./rollback.ts";
import { plan } from "./plan.ts";
import { status } from "./status.ts";
import { deployed } from "./deployed.ts";
import { countNulls } from "./checks/null-counts.ts";
import { pruneBackups } from "./backups/prune.ts";
import { catalogSnapshot } from "./catalog/read.ts";
import type { EngineOptions, MigrationEngine, Prepared, PreparedRun } from "./types.ts";

export type { EngineOptions, MigrationEngine, Prepared, PreparedRun, Rejection } from "./types.ts";
export { MIGRATION_LOCK_KEY } from "./tracking/lock.ts";
export { ENGINE_SESSION_PARAMETERS } from "./session-parameters.ts";
export { TRACKING_SCHEMA_VERSION } from "./tracking/schema.ts";
export { TRANSACTION_POOLER_PORT } from "./checks/pooler.ts";
export { syncSupabaseHistorySetting } from "./adoption/supabase-history.ts";

/** The engine createEngine makes: with the pool it uses now. */
export type DatabaseEngine = MigrationEngine & { database(): postgres.Sql };

export function createEngine(given: postgres.Sql, engineOptions?: EngineOptions): DatabaseEngine {
  const open = new Set<PreparedRun>();
  let closed = false;
  let sql = given;
  let ownsSql = resolveOptions(engineOptions).endConnectionOnClose;
  let sessionLost = false;
  const options = { ...resolveOptions(engineOptions), onSessionLost: () => (sessionLost = true) };

  /**
   * The pool to use now. A session that ended in the middle of a run's pipelined queries leaves
   * postgres.js 3.4.9's connection object with a stale current query, so the next session on that
   * object hands each answer to the query before it (a status read got no rows, then the wrong ones).
   * The object cannot be taken out of its pool, so the pool is replaced once no run is using it.
   */
  const database = (): postgres.Sql => {
    if (sessionLost && open.size === 0) {
      sessionLost = false;
      const retired = sql;
      if (ownsSql) retired.end({ timeout: 5 }).catch(() => {});
      sql = postgres(retired.options as unknown as postgres.Options<Record<string, never>>);
      ownsSql = true;
    }
    return sql;
  };

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
    status: () => (ensureOpen(), againIfSessionEnded(() => status(database()))),
    deployed: (request) => (ensureOpen(), againIfSessionEnded(() => deployed(database(), request))),
    nullCounts: async (request) => (ensureOpen(), { counts: await againIfSessionEnded(() => countNulls(database(), request.columns)) }),
    catalog: () => (ensureOpen(), againIfSessionEnded(() => catalogSnapshot(database()))),
    plan: (request) => (ensureOpen(), againIfSessionEnded(() => plan(database(), request))),
    prepareApply: async (request) => (ensureOpen(), track(await againIfSessionEnded(() => prepareApply(database(), request, options)))),
    prepareRollback: async (request) => (ensureOpen(), track(await againIfSessionEnded(() => prepareRollback(database(), request, options)))),
    baseline: (request) => (ensureOpen(), baseline(database(), request, options)),
    repair: (request) => (ensureOpen(), repair(database(), request, options)),
    importHistory: (request) => (ensureOpen(), importHistory(database(), request, options)),
    pruneBackups: (request) => (ensureOpen(), pruneBackups(database(), request, options)),
    database,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...open].map((run) => run.cancel().catch(() => {})));
      if (ownsSql) await sql.end({ timeout: 5 });
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
