/**
 * The apply engine's interface: what the function's HTTP shell and the CLI's `--db-url` mode call.
 * Everything that can be refused is refused before anything runs (a Rejection, written nowhere);
 * once a run starts it reports progress as events and ends with a DoneEvent.
 */
import type postgres from "postgres";
import type {
  ApplyEvent, ApplyRequest, BackupsPruneRequest, BackupsPruneResponse, DoneEvent, PlanResponse, RollbackRequest, StatusResponse,
} from "../protocol/types.ts";
import type { BaselineRequest, BaselineResponse, ImportHistoryRequest, ImportHistoryResponse, RepairRequest, RepairResponse } from "../protocol/adoption.ts";
import type { RouteEngine } from "../protocol/route-engine.ts";

/** The answer of an adoption call: the result, or a refusal before anything was written. */
export type AdoptionResult<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly rejection: Rejection };

/** A refusal before anything ran: the HTTP status, a kebab-case code and a message saying how to fix it. */
export interface Rejection {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 500 | 503;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** A run that passed every check and holds the lock; `run` releases it when it ends. */
export interface PreparedRun {
  /** Files that will run, in order. */
  readonly pending: readonly string[];
  run(emit: (event: ApplyEvent) => void): Promise<DoneEvent>;
  /** Releases the lock without running (the caller could not start streaming). */
  cancel(): Promise<void>;
}

export type Prepared = { readonly ok: true; readonly run: PreparedRun } | { readonly ok: false; readonly rejection: Rejection };

export interface EngineOptions {
  /** Stop starting new files after this long (default 120 000 ms, under the Edge wall-clock limit). */
  readonly timeBudgetMs?: number;
  /** `lock_timeout` for each migration (default 5 000 ms): never queue behind production traffic for long. */
  readonly lockTimeoutMs?: number;
  /** `statement_timeout` for each migration (default 60 000 ms). */
  readonly statementTimeoutMs?: number;
  /** How long a second apply waits for the migration lock before answering 409 (default 0: at once). */
  readonly lockWaitMs?: number;
  /** Who is calling, recorded as applied_by when the request's meta names no actor. */
  readonly defaultActor?: string;
  /**
   * What sits between the engine and Postgres. Default: detected from the connection's port (6543 is
   * Supabase's transaction pooler). Under a transaction pooler a session advisory lock is unsafe, so
   * apply and rollback are refused (503 `transaction-pooler`); status and plan still work.
   */
  readonly pooler?: "transaction" | "session" | "direct";
  /**
   * What an apply's `far-from-database` warning advises (default: "Run supamigrate next to the
   * database."): the function names the region options, the CLI's --db-url mode the function.
   */
  readonly farFromDatabaseAdvice?: string;
  /** Whether `close()` ends the postgres.js instance given to `createEngine` (default true). */
  readonly endConnectionOnClose?: boolean;
  /**
   * Keep the Supabase CLI's history (supabase_migrations.schema_migrations) in step with the tracking
   * table: apply and baseline add a file's row, rollback removes it (adoption/supabase-history.ts). Default false.
   */
  readonly syncSupabaseHistory?: boolean;
  /**
   * The largest table (pg_total_relation_size, bytes) copied before a destructive statement; a bigger
   * one refuses the file (SM003) unless the request skips backups. Default DEFAULT_BACKUP_MAX_BYTES (256 MiB).
   */
  readonly backupMaxBytes?: number;
}

/**
 * The engine. It extends RouteEngine — every call the route table (shared/protocol/routes.ts) makes, in
 * the contract's types — so the compiler checks here that it answers every route; its own methods below
 * answer with the engine's types (Rejection, Prepared).
 */
export interface MigrationEngine extends RouteEngine {
  status(): Promise<StatusResponse>;
  plan(request: ApplyRequest): Promise<{ readonly ok: true; readonly plan: PlanResponse } | { readonly ok: false; readonly rejection: Rejection }>;
  prepareApply(request: ApplyRequest): Promise<Prepared>;
  prepareRollback(request: RollbackRequest): Promise<Prepared>;
  /**
   * Adoption (docs/adoption.md): record files run by hand as applied without running them, repair a
   * tracking row, import the Supabase CLI's history. Required like the rest: every route of the table
   * (shared/protocol/routes.ts) makes its engine call, so there is no "not implemented" answer.
   */
  baseline(request: BaselineRequest): Promise<AdoptionResult<BaselineResponse>>;
  repair(request: RepairRequest): Promise<AdoptionResult<RepairResponse>>;
  importHistory(request: ImportHistoryRequest): Promise<AdoptionResult<ImportHistoryResponse>>;
  /** Drops backup tables no longer wanted (backups/prune.ts). */
  pruneBackups(request: BackupsPruneRequest): Promise<AdoptionResult<BackupsPruneResponse>>;
  /**
   * The postgres.js instance the engine uses now: the one given to createEngine until a session that
   * ended mid-run made the engine replace it. Other users of the same database (the function's user
   * session check) take their connections from here. Optional so that stand-in engines need not have one.
   */
  database?(): postgres.Sql;
  /** Closes the engine's connections. */
  close(): Promise<void>;
}
