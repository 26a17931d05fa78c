/**
 * The function's HTTP contract as types (DESIGN.md, "Edge Function supamigrate"): shared by the
 * engine, the function's HTTP shell and the client the CLI and the extension use.
 */

import type { CatalogDifference } from "./catalog.ts";

/** One migration in a request: a bare contract file name, its SQL, its rollback SQL or null. */
export interface MigrationPayload {
  readonly name: string;
  readonly sql: string;
  readonly rollback: string | null;
}

/** Provenance recorded with each applied file. */
export interface ApplyMeta {
  readonly gitSha?: string | null;
  readonly ciRun?: string | null;
  readonly actor?: string | null;
  /** Why this apply went ahead without the target it requires (`apply --skip-staging --reason`); logged with apply-started. */
  readonly skippedStaging?: string | null;
}

/** A file the client says is applied with this checksum, sent without its text (`ApplyRequest.applied`). */
export interface AppliedReference {
  readonly name: string;
  /** SHA-256 of the file's text, lowercase hex (shared/migrations/checksum.ts). */
  readonly checksum: string;
}

/** `POST apply` and `POST plan` bodies. */
export interface ApplyRequest {
  readonly migrations: readonly MigrationPayload[];
  /**
   * Files of the folder already applied, by checksum instead of text: a large folder need not send
   * what has run. Drift is still checked (a checksum that differs from the recorded one is drift); a
   * file listed here that is not applied is refused with 409 `text-needed`, and the client sends its text.
   */
  readonly applied?: readonly AppliedReference[];
  /**
   * Take no backups before destructive statements (docs/engine.md, "Backups"), for this request; the
   * reason goes into the event log. For a table above the backup cap that was backed up by other means.
   */
  readonly skipBackups?: { readonly reason: string };
  /**
   * With `dryRun`: trace each statement — the locks its file's transaction holds on tables that existed
   * before, rewrites, rows, time — and give each file a verdict (`trace` and `verdict` events).
   */
  readonly trace?: boolean;
  readonly dryRun?: boolean;
  /** Stop after this file name (inclusive); null applies everything pending. */
  readonly to?: string | null;
  readonly placeholders?: Readonly<Record<string, string>>;
  readonly meta?: ApplyMeta;
}

/** `POST rollback` body: newest first, `steps` files or down to (not including) `to`. */
export interface RollbackRequest {
  readonly steps?: number;
  readonly to?: string | null;
  readonly dryRun?: boolean;
  readonly meta?: ApplyMeta;
}

/** Every non-2xx answer: `{"error": {"code", "message"}}`; the message says how to fix it. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

/** A failure inside a migration, at its position in the file (1-based; UTF-16 columns). */
export interface MigrationFailure {
  readonly name: string;
  /** SQLSTATE (e.g. `42P07`) or a supamigrate code (e.g. `statement-timeout`). */
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly detail?: string;
  readonly hint?: string;
}

export type StoppedBy = null | "time-budget" | "error";

/** The NDJSON stream's last line. */
export interface DoneEvent {
  readonly event: "done";
  readonly applied: string[];
  readonly failed: MigrationFailure | null;
  readonly stoppedBy: StoppedBy;
}

/** One line of the `apply`/`rollback` NDJSON stream. */
export type ApplyEvent =
  | { readonly event: "start"; readonly pending: string[]; readonly dryRun: boolean }
  | {
    readonly event: "warning";
    readonly code: string;
    readonly message: string;
    readonly name?: string;
    /**
     * The file the warning is about when it is not the migration `name` itself, relative to the migrations
     * folder (`rollback/020_x.sql`), with the 1-based place in it when known (a dry run's rollback round trip).
     */
    readonly file?: string;
    readonly line?: number;
    readonly column?: number;
    /** A rollback round trip's finding (`rollback-incomplete`): the object the rollback does not put back. */
    readonly difference?: CatalogDifference;
  }
  | { readonly event: "migration-start"; readonly name: string }
  | { readonly event: "applied"; readonly name: string; readonly durationMs: number; readonly dryRun: boolean }
  | { readonly event: "rolled-back"; readonly name: string; readonly durationMs: number; readonly dryRun: boolean }
  | ({ readonly event: "failed" } & MigrationFailure)
  | ({ readonly event: "trace"; readonly name: string } & TracedStatement)
  | { readonly event: "verdict"; readonly name: string; readonly safeOnline: boolean; readonly message: string; readonly hint: string | null }
  | DoneEvent;

/** A lock a traced statement's transaction holds on a table that existed before its file. */
export interface TraceLock {
  /** `public.profiles`. */
  readonly relation: string;
  /** As SQL spells it: `ACCESS EXCLUSIVE`. */
  readonly mode: string;
  /** The everyday queries it makes wait until the file commits (`SELECT`, `INSERT`, …); empty: none. */
  readonly blocks: readonly string[];
  /** The table's row estimate before the file (pg_class.reltuples); null when never analyzed. */
  readonly rows: number | null;
  /** True when the statement gave the table a new relfilenode: it was rewritten. */
  readonly rewritten: boolean;
}

/** One statement of a traced dry run. */
export interface TracedStatement {
  readonly line: number;
  readonly column: number;
  /** The statement's kind from the parser, `AlterTableStmt`; null when unknown. */
  readonly statement: string | null;
  readonly durationMs: number;
  readonly locks: readonly TraceLock[];
}

/** `GET health` answer: the function is up, and which version it runs. */
export interface HealthResponse {
  readonly ok: true;
  readonly version: string;
}

/** One tracking-table row as `GET status` reports it. */
export interface AppliedMigration {
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: string;
  readonly appliedBy: string | null;
  readonly durationMs: number;
  readonly hasRollback: boolean;
  readonly transactional: boolean;
  readonly gitSha: string | null;
  readonly ciRun: string | null;
  /** Present (true) when the row was recorded without running its file (docs/adoption.md); absent otherwise. */
  readonly baselined?: true;
  /** With `baselined`: where the row came from, `baseline` or `supabase-cli` (import-history). */
  readonly source?: string | null;
}

/** `GET status` answer. */
export interface StatusResponse {
  readonly applied: AppliedMigration[];
  /** Present when a lock is held: who and since when. */
  readonly lock: { readonly holder: string; readonly since: string } | null;
  /** The event log's hash chain, checked (absent from functions older than the chain). */
  readonly eventLog?: EventLogCheck;
  /** Backups kept in supamigrate_backup (absent from functions older than tracking schema 5). */
  readonly backups?: readonly BackupSummary[];
}

/** A copy of data taken before a destructive statement (docs/engine.md, "Backups"). */
export interface BackupSummary {
  readonly id: number;
  /** The migration whose statement it was taken before. */
  readonly migration: string;
  /** `table` (DROP TABLE), `column` (DROP COLUMN, type change), `deleted-rows`/`updated-rows` (DELETE/UPDATE without WHERE, TRUNCATE). */
  readonly kind: "table" | "column" | "deleted-rows" | "updated-rows";
  /** The table it was taken of, `public.invoices`. */
  readonly source: string;
  readonly column: string | null;
  /** Where the copy is, `supamigrate_backup.<name>`. */
  readonly backupTable: string;
  readonly rows: number;
  readonly bytes: number;
  readonly createdAt: string;
  /** When a rollback put the data back (the copy is kept until pruned). */
  readonly restoredAt: string | null;
}

/** `POST backups-prune` body: which backups to drop (one of the three), and whether only to say so. */
export interface BackupsPruneRequest {
  readonly migration?: string;
  readonly olderThanDays?: number;
  readonly all?: boolean;
  readonly dryRun?: boolean;
  readonly meta?: ApplyMeta;
}

export interface BackupsPruneResponse {
  readonly dryRun: boolean;
  /** The backups dropped (or, in a dry run, that would be). */
  readonly pruned: readonly BackupSummary[];
}

/** `POST null-counts` body: columns a pending NOT NULL would meet (`table` is `schema.table`). */
export interface NullCountsRequest {
  readonly columns: ReadonlyArray<{ readonly table: string; readonly column: string }>;
  readonly meta?: ApplyMeta;
}

/** `POST null-counts` answer, one entry a requested column, in order: rows null = no such table, nulls null = no such column. */
export interface NullCountsResponse {
  readonly counts: ReadonlyArray<{ readonly table: string; readonly column: string; readonly rows: number | null; readonly nulls: number | null }>;
}

/** `POST deployed` body: the files whose deployed text is wanted. */
export interface DeployedRequest {
  readonly names: readonly string[];
  /** Accepted like every POST body's, and not recorded: reading records nothing. */
  readonly meta?: ApplyMeta;
}

/** `POST deployed` answer: one entry per requested file that is tracked (untracked names are left out). */
export interface DeployedResponse {
  readonly files: ReadonlyArray<{
    readonly name: string;
    readonly checksum: string;
    /** The text as deployed; null for rows recorded before tracking schema 4. */
    readonly sql: string | null;
  }>;
}

/** The event log's hash chain as `status` finds it (shared/engine/event-chain.ts). */
export interface EventLogCheck {
  /** Events in the log. */
  readonly events: number;
  /** Events in the chain (those written before the chain began are not). */
  readonly chained: number;
  /** The newest event's hash: keep it outside the database to notice a rewrite of the whole chain. */
  readonly head: string | null;
  /** The first event that does not fit the chain, and why; null when the chain is intact. */
  readonly broken: { readonly id: number; readonly reason: string } | null;
}

/** `POST plan` answer: what `apply` would do, without running anything. */
export interface PlanResponse {
  /** Files that would run, in order. */
  readonly pending: string[];
  /** Listed files already applied with the same checksum. */
  readonly applied: string[];
  /** Listed files applied with a different checksum (apply would answer 409). */
  readonly drifted: Array<{ readonly name: string; readonly deployedChecksum: string; readonly localChecksum: string }>;
  /** Applied files not in the request (deleted or renamed locally). */
  readonly missing: string[];
  /** Pending files that sort before an applied one (a late duplicate number from parallel work). */
  readonly outOfOrder: string[];
  /** Placeholders used by pending files with no value supplied. */
  readonly unresolvedPlaceholders: Array<{ readonly name: string; readonly placeholder: string }>;
}
