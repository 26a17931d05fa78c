/**
 * Runs one file: transactional files in one transaction (or, in a dry run, one savepoint of the outer
 * transaction) with the tracking change written inside it; a file whose only statement cannot run in
 * a transaction runs alone, and is recorded only once it succeeded.
 *
 * A transactional file of an apply goes out in one go, without waiting for any answer: BEGIN with the
 * two SET LOCAL timeouts and the lock-session check as one query, each statement as its own
 * simple-protocol query, then the tracking row, the event row, COMMIT and RESET ALL as one query.
 * Postgres runs them in order; once one fails, the transaction is aborted and it refuses the rest
 * (25P02) without running them — COMMIT included, since it is in the same query as the tracking rows
 * — so the outcome is exactly that of sending them one by one, and the first failed query names the
 * statement, with Postgres's `position` relative to that statement's text.
 *
 * Because nothing waits, the runner sends the next file while this one runs. That is safe for the same
 * reason: behind a failed file the session stays in its aborted transaction, so the next file's BEGIN
 * and statements are refused too; and should the failure come at COMMIT itself (a deferred constraint),
 * which ends the transaction, the next file's opening checks that this file's tracking row exists and
 * fails otherwise. Either way nothing after a failed file runs.
 *
 * The duration is the server's (transaction start to the tracking row), so it can be written before
 * the file has run. A dry run (savepoints) and a recorder that checks its results (rollback) wait for
 * the statements first, with the duration measured here, as before.
 */
import type postgres from "postgres";
import type { ApplyEvent, MigrationFailure } from "../../protocol/types.ts";
import { endsSession, failureFromError, isPostgresError } from "./errors.ts";
import { assertLockSession, type HeldLock, LockLostError } from "../tracking/lock.ts";
import { quoteIdent } from "../../sql/names.ts";
import type { RunnableFile, RunnableStatement } from "./split.ts";
import { sqlLiteral } from "../tracking/rows.ts";
import { newFileMarker, openingGuard, recordGuard } from "./file-guard.ts";

type Sql = postgres.Sql;

export interface FileRunSettings {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Inside the dry run's outer transaction: use a savepoint instead of BEGIN/COMMIT. */
  readonly dryRun: boolean;
  /** A traced dry run (trace/): statements one at a time, the tracer told before the first and after each. */
  readonly tracer?: StatementTracer | null;
}

/** Told what a traced dry run's file does, in its savepoint: before its first statement, after each one. */
export interface StatementTracer {
  before(conn: Sql): Promise<void>;
  after(conn: Sql, statement: RunnableStatement, durationMs: number): Promise<void>;
}

/** Writes the tracking change (row + event) in the file's transaction. */
export interface Recorder {
  /**
   * The statements, values inlined as literals (they go in one simple-protocol query, with COMMIT); the
   * duration is RECORDED_DURATION_SQL (tracking.ts), set just before them.
   */
  readonly sql: () => string;
  /**
   * Checks what `sql` returned before the file commits (throwing rolls the file back); with it, COMMIT
   * takes a round trip of its own.
   */
  readonly verify?: (results: readonly (readonly Record<string, unknown>[])[]) => void;
  /** Events to report after the file succeeded (what `verify` learned from the results, e.g. data restored). */
  readonly notes?: () => readonly ApplyEvent[];
}

export type FileOutcome = { readonly ok: true; readonly durationMs: number } | { readonly ok: false; readonly failure: MigrationFailure };

const SAVEPOINT = "supamigrate_file";

/** Milliseconds since the file's transaction began, by the server's clock. */
const SERVER_DURATION = "round(extract(epoch from pg_catalog.clock_timestamp() - pg_catalog.transaction_timestamp()) * 1000)";

/** Sets the duration the recorder's statements read (RECORDED_DURATION_SQL), and returns it. */
function recordDuration(expression: string): string {
  return `select pg_catalog.set_config('supamigrate.duration_ms', ((${expression})::int)::text, true)::int as duration_ms`;
}

/**
 * The file's transaction (or savepoint) with its timeouts, and the lock-session check: postgres.js may
 * reconnect a dropped connection, and that session would not hold the lock. The check divides by zero
 * (22012) in another session, which aborts the transaction, so none of the file's statements pipelined
 * behind it runs; inside the file's transaction it covers every statement of it. `after`: the file sent
 * just before this one, whose tracking row must exist (it committed), checked the same way.
 * client_connection_check_interval (PostgreSQL 14+): if the function dies mid-statement, Postgres notices
 * the dead client within a second and rolls the file back, instead of holding the lock and the half-done
 * transaction until the statement ends.
 */
function opening(settings: FileRunSettings, pid: number, after: string | null, marker: string): string {
  const committed = after === null
    ? ""
    : `, 1 / (select pg_catalog.count(*)::int from supamigrate.migrations where name = ${sqlLiteral(after)}) as previous_committed`;
  return `${settings.dryRun ? `savepoint ${SAVEPOINT}` : "begin"};
set local lock_timeout = ${Math.floor(settings.lockTimeoutMs)};
set local statement_timeout = ${Math.floor(settings.statementTimeoutMs)};
set local client_connection_check_interval = 1000;
${openingGuard(marker)};${settings.dryRun ? "\nselect pg_catalog.set_config('supamigrate.dry_run', 'on', true) as dry_run;" : ""}
select 1 / (case when pg_catalog.pg_backend_pid() = ${Math.floor(pid)} then 1 else 0 end) as lock_session${committed}`;
}

/**
 * A statement of the file, sent with the extended protocol: Postgres parses its text as exactly one
 * statement or refuses it (42601) before running anything, so no text the splitter read as one
 * statement can ever run as two — whatever a setting or a server version makes of its quotes.
 */
export function sendStatement(conn: Sql, text: string) {
  return conn.unsafe(text, [], EXTENDED_PROTOCOL);
}

/** postgres.js 3.4's unsafe() reads `simple` (without parameters it defaults to true), though its types leave it out. */
const EXTENDED_PROTOCOL = { simple: false } as unknown as postgres.UnsafeQueryOptions;

/**
 * The tracking change with a duration measured here, then `end` (COMMIT or RELEASE, and what goes with
 * it): with the end in the same query, or — when the recorder checks its results — after that check.
 */
async function writeRecord(conn: Sql, record: Recorder, durationMs: number, end: string, marker: string | null): Promise<void> {
  const recordSql = `${recordDuration(String(durationMs))};\n${record.sql()}`;
  const ran = await pipeline(conn, [recordGuard(marker), record.verify ? recordSql : `${recordSql};\n${end}`]);
  if (ran.failed) throw ran.failed.error;
  if (record.verify) {
    record.verify(resultsOf(ran.last).slice(1));
    await conn.unsafe(end);
  }
}

/** A multi-statement simple query resolves to one result per statement, a single statement to its rows. */
function resultsOf(results: unknown): Array<readonly Record<string, unknown>[]> {
  const list = results as { command?: unknown };
  return typeof list.command === "string" ? [results as readonly Record<string, unknown>[]] : (results as Array<readonly Record<string, unknown>[]>);
}

/** The engine's own SQL (a string, possibly several statements, simple protocol) or one statement of the file. */
type Query = string | { readonly statement: string };

interface PipelineResult {
  /** The first query that failed, if any. */
  readonly failed: { readonly index: number; readonly error: unknown } | null;
  /** What the last query returned (when nothing failed). */
  readonly last: unknown;
}

/**
 * Sends `queries` back to back (postgres.js pipelines queries on a connection) and waits for all of
 * them. Every promise is handled, so the refusals after a failure (25P02) or a lost connection are
 * never unhandled.
 */
async function pipeline(conn: Sql, queries: readonly Query[]): Promise<PipelineResult> {
  const outcomes = await Promise.all(queries.map((query, index) =>
    (typeof query === "string" ? conn.unsafe(query) : sendStatement(conn, query.statement)).then((result: unknown) => ({ index, result, error: null, ok: true }), (error: unknown) => ({ index, result: null, error, ok: false }))
  ));
  const failed = outcomes.find((outcome) => !outcome.ok);
  return { failed: failed ? { index: failed.index, error: failed.error } : null, last: outcomes.at(-1)?.result };
}

/** The opening alone, then each statement on its own with the tracer after it; failures numbered as if sent together. */
async function traced(conn: Sql, open: string, statements: readonly RunnableStatement[], tracer: StatementTracer): Promise<PipelineResult> {
  const opened = await pipeline(conn, [open]);
  if (opened.failed) return opened;
  await tracer.before(conn);
  for (const [i, statement] of statements.entries()) {
    const started = performance.now();
    try {
      await sendStatement(conn, statement.text);
    } catch (error) {
      return { failed: { index: i + 1, error }, last: null };
    }
    await tracer.after(conn, statement, performance.now() - started);
  }
  return { failed: null, last: null };
}

/** The opening alone, then (if it worked) the statements; failures numbered as if sent together. */
async function openedFirst(conn: Sql, open: string, statements: readonly Query[]): Promise<PipelineResult> {
  const opened = await pipeline(conn, [open]);
  if (opened.failed) return opened;
  const ran = await pipeline(conn, statements);
  return ran.failed ? { ...ran, failed: { index: ran.failed.index + 1, error: ran.failed.error } } : ran;
}

/**
 * Runs a transactional file. Everything it sends without waiting is sent before the returned promise
 * is first awaited, so the caller may send the next file (with `after`) before awaiting this one.
 */
export async function runTransactionalFile(
  lock: HeldLock,
  name: string,
  file: RunnableFile,
  settings: FileRunSettings,
  record: Recorder,
  after: string | null = null,
): Promise<FileOutcome> {
  const conn = lock.conn as unknown as Sql;
  const { dryRun } = settings;
  const undo = `${dryRun ? `rollback to savepoint ${SAVEPOINT}` : "rollback"};\nreset all`;
  const finish = dryRun ? `release savepoint ${SAVEPOINT}` : "commit";
  const statements: Query[] = file.statements.map((s) => ({ statement: s.text }));
  const oneGo = !dryRun && !record.verify;
  const marker = newFileMarker();
  // RESET ALL: a plain SET in a migration (pg_dump's set_config('search_path', '', false)) must not leak into the next file.
  const sent = oneGo
    ? pipeline(conn, [
      opening(settings, lock.pid, after, marker),
      ...statements,
      recordGuard(marker),
      `${recordDuration(SERVER_DURATION)};\n${record.sql()};\n${finish};\nreset all`,
    ])
    : null;
  // The statement that failed; null when the failure came before (opening) or after them (tracking, COMMIT).
  let current: RunnableStatement | null = null;
  const started = performance.now();
  try {
    // In a dry run the opening is a SAVEPOINT, which fails outside a transaction block: wait for it, so that
    // nothing can ever run outside the outer transaction that is rolled back. (BEGIN cannot fail that way.)
    const ran = sent
      ? await sent
      : dryRun && settings.tracer
      ? await traced(conn, opening(settings, lock.pid, null, marker), file.statements, settings.tracer)
      : dryRun
      ? await openedFirst(conn, opening(settings, lock.pid, null, marker), statements)
      : await pipeline(conn, [opening(settings, lock.pid, null, marker), ...statements]);
    const { failed } = ran;
    if (failed) {
      if (failed.index > 0 && failed.index <= statements.length) current = file.statements[failed.index - 1];
      else if (failed.index === 0 && isPostgresError(failed.error) && failed.error.code === "22012") throw new LockLostError();
      throw failed.error;
    }
    if (sent) return { ok: true, durationMs: Number(resultsOf(ran.last)[0][0].duration_ms) };
    const durationMs = Math.round(performance.now() - started);
    await writeRecord(conn, record, durationMs, `${finish};\nreset all`, marker);
    return { ok: true, durationMs };
  } catch (error) {
    if (endsSession(error)) lock.markDead();
    // Whatever failed, the file's transaction (or savepoint) is undone; after a failed COMMIT there is no
    // transaction any more and ROLLBACK only warns.
    else await conn.unsafe(undo).catch(() => {});
    return { ok: false, failure: failureFromError(error, { name, file, statement: current, ...settings }) };
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
    await sendStatement(conn, statement.text);
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
    await writeRecord(conn, record, durationMs, "commit", null);
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
