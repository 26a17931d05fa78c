/**
 * A Postgres error (or a lost connection) while running a statement → the contract's MigrationFailure,
 * at its position in the file as written: Postgres's `position` (1-based, in code points of the text
 * sent) when it gives one, else the first token of the statement that failed.
 */
import type { MigrationFailure } from "../../protocol/types.ts";
import { offsetOfCodePoint } from "../../sql/index.ts";
import { LockLostError } from "../tracking/lock.ts";
import { notSupabaseHint } from "./not-supabase.ts";
import { type RunnableFile, type RunnableStatement, writtenOffset } from "./split.ts";

/** The fields of a postgres.js PostgresError this module reads. */
interface PostgresErrorFields {
  readonly message: string;
  readonly code: string;
  readonly position?: string;
  readonly internal_position?: string;
  readonly where?: string;
  readonly hint?: string;
  readonly detail?: string;
}

export function isPostgresError(error: unknown): error is Error & PostgresErrorFields {
  return error instanceof Error && error.name === "PostgresError" && typeof (error as { code?: unknown }).code === "string";
}

export interface FailureContext {
  readonly name: string;
  readonly file: RunnableFile;
  /** The statement that failed; null when the failure came after the statements (tracking row, COMMIT). */
  readonly statement: RunnableStatement | null;
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

/** Converts what a statement threw into a MigrationFailure. */
export function failureFromError(error: unknown, context: FailureContext): MigrationFailure {
  const { file, statement } = context;
  const anchor = statement ?? file.statements[0] ?? null;
  let offset = anchor ? anchor.fileStart : 0;
  if (statement && isPostgresError(error) && error.position) {
    const sent = offsetOfCodePoint(statement.text, Math.max(0, Number(error.position) - 1));
    offset = writtenOffset(statement, sent);
  }
  const { line, column } = file.index.positionAt(offset);
  if (error instanceof LockLostError) {
    return {
      name: context.name,
      code: "lock-lost",
      message: `${error.message} before ${context.name} ran, so nothing of it was applied and the run stopped ` +
        "(supamigrate never runs a file without the lock). Apply again: applied files are skipped.",
      line,
      column,
    };
  }
  if (!isPostgresError(error) && !isConnectionError(error)) {
    return {
      name: context.name,
      code: "engine-error",
      message: `${describe(error)} — supamigrate failed while running this file; the file's transaction was rolled ` +
        "back, so nothing of it was applied. Please report this with the message.",
      line,
      column,
    };
  }
  if (!isPostgresError(error)) {
    const outcome = statement
      ? `the connection to the database closed before ${context.name} committed, so nothing of it was applied ` +
        "(Postgres rolls back an unfinished transaction and releases the lock with the session). Apply again: applied files are skipped."
      : `the connection to the database closed while ${context.name} was being committed. Each file runs in one ` +
        "transaction together with its tracking row, so it is either fully applied and recorded or not at all: run status to see which, then apply again.";
    return { name: context.name, code: "connection-lost", message: `${describe(error)} — ${outcome}`, line, column };
  }
  const where = error.where ? ` (${error.where.split("\n")[0]})` : "";
  const suffix = endsSession(error)
    ? " — the database ended the session, so Postgres rolled the file's transaction back and released the lock; run status, then apply again"
    : statement ? "" : " (at commit, after the file's last statement)";
  return {
    name: context.name,
    code: error.code,
    message: `${error.message}${where}${suffix}`,
    line,
    column,
    ...(error.detail ? { detail: error.detail } : {}),
    ...hintFor(error, context),
  };
}

/**
 * Why a Supabase object is missing (the database is not a Supabase one), else Postgres's own hint, else
 * a fix for the failures the seed's troubleshooting section lists.
 */
function hintFor(error: PostgresErrorFields, context: FailureContext): { hint?: string } {
  const notSupabase = notSupabaseHint(error.code, error.message);
  if (notSupabase) return { hint: notSupabase };
  if (error.hint) return { hint: error.hint };
  switch (error.code) {
    case "55P03":
      return {
        hint: `another session holds a lock this statement needs, and supamigrate waits at most lock_timeout ` +
          `(${context.lockTimeoutMs} ms) rather than queue production traffic behind it. Apply again when traffic is ` +
          "lower; find the blocker with: select pid, query from pg_stat_activity where pid = any(pg_blocking_pids(<pid>)).",
      };
    case "57014":
      return {
        hint: `the statement ran longer than statement_timeout (${context.statementTimeoutMs} ms). Raise the engine's ` +
          "statementTimeoutMs, or split the work (build large indexes with CREATE INDEX CONCURRENTLY in a file of its own).",
      };
    case "42P07":
    case "42710":
      return {
        hint: "the object already exists: use IF NOT EXISTS (or DROP … IF EXISTS before CREATE for policies and " +
          "triggers), or check whether this change was already applied by hand.",
      };
    case "42501":
      return { hint: "permission denied: apply as the database owner role (postgres on Supabase)." };
    case "23503":
      return { hint: "foreign key violation: make sure the referenced table exists, holds the referenced rows, and the column types match." };
    default:
      return {};
  }
}

/** True when the error ended the session: the connection must not be used again. */
export function endsSession(error: unknown): boolean {
  if (isConnectionError(error)) return true;
  const severity = (error as { severity?: unknown } | null)?.severity;
  return isPostgresError(error) && (severity === "FATAL" || severity === "PANIC");
}

/** postgres.js's client-side connection errors (CONNECTION_CLOSED, …) and socket errors. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(CONNECTION_|ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)/.test(code);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
