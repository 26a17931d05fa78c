/**
 * Runs one file: transactional files in one transaction (or, in a dry run, one savepoint of the outer
 * transaction) with the tracking change written inside it; a file whose only statement cannot run in
 * a transaction runs alone, and is recorded only once it succeeded.
 */
import type postgres from "postgres";
import type { MigrationFailure } from "../protocol/types.ts";
import { endsSession, failureFromError } from "./errors.ts";
import { assertLockSession, type HeldLock } from "./lock.ts";
import type { RunnableFile, RunnableStatement } from "./split.ts";

type Sql = postgres.Sql;

export interface FileRunSettings {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Inside the dry run's outer transaction: use a savepoint instead of BEGIN/COMMIT. */
  readonly dryRun: boolean;
}

/** Writes the tracking change (row + event) in the file's transaction. */
export type Recorder = (conn: Sql, durationMs: number) => Promise<void>;

export type FileOutcome = { readonly ok: true; readonly durationMs: number } | { readonly ok: false; readonly failure: MigrationFailure };

const SAVEPOINT = "supamigrate_file";

export async function runTransactionalFile(lock: HeldLock, name: string, file: RunnableFile, settings: FileRunSettings, record: Recorder): Promise<FileOutcome> {
  const conn = lock.conn as unknown as Sql;
  const { dryRun } = settings;
  await conn.unsafe(dryRun ? `savepoint ${SAVEPOINT}` : "begin");
  let current: RunnableStatement | null = null;
  let committing = false;
  const started = performance.now();
  try {
    await conn.unsafe(`set local lock_timeout = ${settings.lockTimeoutMs}`);
    await conn.unsafe(`set local statement_timeout = ${settings.statementTimeoutMs}`);
    await assertLockSession(conn, lock.pid);
    for (const statement of file.statements) {
      current = statement;
      await conn.unsafe(statement.text);
    }
    current = null;
    const durationMs = Math.round(performance.now() - started);
    await record(conn, durationMs);
    committing = true;
    await conn.unsafe(dryRun ? `release savepoint ${SAVEPOINT}` : "commit");
    return { ok: true, durationMs };
  } catch (error) {
    if (endsSession(error)) lock.markDead();
    // A failed COMMIT has already ended the transaction; anything else is still open and is undone here.
    else if (!committing || dryRun) await conn.unsafe(dryRun ? `rollback to savepoint ${SAVEPOINT}` : "rollback").catch(() => {});
    return { ok: false, failure: failureFromError(error, { name, file, statement: current, ...settings }) };
  } finally {
    // A plain SET in a migration (pg_dump's set_config('search_path', '', false)) must not leak into the next file.
    if (!lock.dead) await conn.unsafe("reset all").catch(() => {});
  }
}

export async function runNonTransactionalFile(lock: HeldLock, name: string, file: RunnableFile, settings: FileRunSettings, record: Recorder): Promise<FileOutcome> {
  const conn = lock.conn as unknown as Sql;
  const statement = file.statements[0];
  const index = concurrentIndexTarget(statement);
  const existedBefore = index ? await invalidIndex(conn, index).then((found) => found.exists) : false;
  const started = performance.now();
  try {
    await assertLockSession(conn, lock.pid);
    await conn.unsafe(`set lock_timeout = ${settings.lockTimeoutMs}`);
    await conn.unsafe(`set statement_timeout = ${settings.statementTimeoutMs}`);
    await conn.unsafe(statement.text);
  } catch (error) {
    const failure = failureFromError(error, { name, file, statement, ...settings });
    if (endsSession(error)) {
      lock.markDead();
      return { ok: false, failure: { ...failure, message: failure.message + await cleanUpIndex(conn, index, true) } };
    }
    await conn.unsafe("reset all").catch(() => {});
    return { ok: false, failure: { ...failure, message: failure.message + await cleanUpIndex(conn, index, existedBefore) } };
  }
  await conn.unsafe("reset all").catch(() => {});
  const durationMs = Math.round(performance.now() - started);
  await conn.unsafe("begin");
  try {
    await assertLockSession(conn, lock.pid);
    await record(conn, durationMs);
    await conn.unsafe("commit");
    return { ok: true, durationMs };
  } catch (error) {
    if (endsSession(error)) lock.markDead();
    else await conn.unsafe("rollback").catch(() => {});
    const failure = failureFromError(error, { name, file, statement: null, ...settings });
    return {
      ok: false,
      failure: {
        ...failure,
        message: `${failure.message} — the statement itself ran, but recording it failed, so the next apply runs it again: ` +
          "make it idempotent (IF NOT EXISTS / IF EXISTS).",
      },
    };
  }
}

interface IndexTarget {
  readonly index: string;
  readonly table: string;
  readonly schema: string | null;
}

function concurrentIndexTarget(statement: RunnableStatement): IndexTarget | null {
  const body = statement.node?.IndexStmt as { idxname?: string; relation?: { relname?: string; schemaname?: string }; concurrent?: boolean } | undefined;
  if (!body?.concurrent || !body.relation?.relname) return null;
  return { index: body.idxname ?? "", table: body.relation.relname, schema: body.relation.schemaname ?? null };
}

/** Whether the index exists (in its table's schema), whether it is invalid, and its qualified name. */
async function invalidIndex(conn: Sql, target: IndexTarget): Promise<{ exists: boolean; invalid: boolean; qualified: string | null }> {
  if (!target.index) return { exists: false, invalid: false, qualified: null };
  const table = target.schema ? `${quoteIdent(target.schema)}.${quoteIdent(target.table)}` : quoteIdent(target.table);
  const rows = await conn`
    select format('%I.%I', n.nspname, c.relname) as qualified, not i.indisvalid as invalid
    from pg_class c
    join pg_index i on i.indexrelid = c.oid
    join pg_namespace n on n.oid = c.relnamespace
    where c.relname = ${target.index}
      and c.relnamespace = (select relnamespace from pg_class where oid = to_regclass(${table}))`;
  const row = rows[0];
  return row ? { exists: true, invalid: row.invalid === true, qualified: row.qualified } : { exists: false, invalid: false, qualified: null };
}

/** After a failed CREATE INDEX CONCURRENTLY: drop the invalid index it left, or say how to. */
async function cleanUpIndex(conn: Sql, target: IndexTarget | null, existedBefore: boolean): Promise<string> {
  if (!target) return "";
  const howTo = " If it left an invalid index behind, find it with `select indexrelid::regclass from pg_index where not indisvalid` " +
    "and drop it with DROP INDEX CONCURRENTLY before applying again.";
  if (!target.index || existedBefore) return howTo;
  try {
    const found = await invalidIndex(conn, target);
    if (!found.exists || !found.invalid || !found.qualified) return "";
    try {
      await conn.unsafe(`drop index concurrently if exists ${found.qualified}`);
      return ` The invalid index ${found.qualified} it left behind was dropped.`;
    } catch {
      return ` It left the invalid index ${found.qualified} behind: drop it with DROP INDEX CONCURRENTLY ${found.qualified}; before applying again.`;
    }
  } catch {
    return howTo;
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
