/**
 * `baseline`: record files that were already run by hand as applied, without running them. Before
 * recording, what the files declare is compared with the live catalog (catalog.ts) so a file that never
 * ran is not silently marked done. Under the migration lock; one transaction for every row and event.
 */
import type postgres from "postgres";
import { compareFileNames, missingPlaceholders, sortByContractOrder, substitutePlaceholders } from "../../migrations/index.ts";
import type { BaselineFileReport, BaselineRequest, BaselineResponse } from "../../protocol/adoption.ts";
import type { MigrationPayload } from "../../protocol/types.ts";
import { compareFilesWithCatalog, describeReport, readCatalog } from "./catalog.ts";
import type { ResolvedOptions } from "../options.ts";
import { poolerRejection } from "../checks/pooler.ts";
import { unknownTarget } from "../checks/rejections.ts";
import { takeLock } from "../tracking/take-lock.ts";
import { recordInSupabaseHistorySql } from "./supabase-history.ts";
import { logEventSql, readTrackingRows, sqlLiteral, type TrackingRow } from "../tracking/rows.ts";
import type { AdoptionResult, Rejection } from "../types.ts";

type Sql = postgres.Sql;

export type { AdoptionResult };

/** A row recorded without running its file (baseline, import-history). */
export interface BaselinedRow {
  readonly name: string;
  readonly checksum: string;
  readonly rollbackSql: string | null;
  /** The file's text as it stands now: the deployed version from here on. */
  readonly sql: string;
  readonly source: "baseline" | "supabase-cli";
  readonly details: Record<string, unknown>;
}

/** The insert + `baselined` event for one row, values inlined (see sqlLiteral). */
export function baselinedRowSql(row: BaselinedRow, actor: string | null, gitSha: string | null, ciRun: string | null): string {
  const values = [row.name, row.checksum, actor, 0, row.rollbackSql, true, gitSha, ciRun, null, true, row.source, row.sql];
  return "insert into supamigrate.migrations (name, checksum, applied_by, duration_ms, rollback_sql, transactional, git_sha, ci_run, statements, baselined, source, sql) " +
    `values (${values.map(sqlLiteral).join(", ")});\n` +
    logEventSql("baselined", row.name, actor, { checksum: row.checksum, source: row.source, ...row.details });
}

/** The stored rollback: placeholders substituted when every one has a value, else null (rollback then needs a new file). */
export function storedRollback(migration: MigrationPayload, placeholders: Readonly<Record<string, string>>): string | null {
  if (migration.rollback === null) return null;
  if (missingPlaceholders(migration.rollback, placeholders).length > 0) return null;
  return substitutePlaceholders(migration.rollback, placeholders);
}

export function alreadyTracked(rows: readonly TrackingRow[], what: string): Rejection {
  return {
    status: 409,
    code: "already-tracked",
    message: `the tracking table already has ${rows.length} applied file(s) (${rows.slice(0, 3).map((r) => r.name).join(", ")}${rows.length > 3 ? ", …" : ""}): ` +
      `${what} is for a database supamigrate has not tracked yet. Use apply for new files, or pass --force (request "force": true) ` +
      "to record only the files not tracked yet. Nothing was recorded.",
    details: { tracked: rows.map((r) => r.name) },
  };
}

/**
 * Runs a write under the migration lock on a reserved connection, with the tracking schema upgraded.
 * `work` returns a rejection to refuse (nothing written) or the result.
 */
export async function underLock<T>(sql: Sql, options: ResolvedOptions, actor: string | null, work: (conn: postgres.ReservedSql) => Promise<AdoptionResult<T>>): Promise<AdoptionResult<T>> {
  const pooler = poolerRejection(sql, options);
  if (pooler) return { ok: false, rejection: pooler };
  const locked = await takeLock(sql, options, actor, { create: true });
  if (!locked.ok) return locked;
  const { lock } = locked;
  try {
    return await work(lock.conn);
  } finally {
    await lock.release();
  }
}

/** Runs `statements` in one transaction on `conn`. */
export async function inTransaction(conn: postgres.ReservedSql, statements: readonly string[]): Promise<void> {
  await conn.unsafe("begin");
  try {
    for (const statement of statements) await conn.unsafe(statement);
    await conn.unsafe("commit");
  } catch (error) {
    await conn.unsafe("rollback").catch(() => {});
    throw error;
  }
}

export async function baseline(sql: Sql, request: BaselineRequest, options: ResolvedOptions): Promise<AdoptionResult<BaselineResponse>> {
  const listed = sortByContractOrder(request.migrations);
  const to = request.to ?? null;
  if (to !== null && !listed.some((m) => m.name === to)) return { ok: false, rejection: unknownTarget(to, "one of the migrations in the request") };
  const files = listed.filter((m) => to === null || compareFileNames(m.name, to) <= 0);
  const force = request.force === true;
  const dryRun = request.dryRun === true;
  const actor = request.meta?.actor ?? options.defaultActor;
  const placeholders = request.placeholders ?? {};

  const evaluate = async (db: Sql, rows: readonly TrackingRow[]): Promise<BaselineFileReport[]> => {
    const tracked = new Set(rows.map((r) => r.name));
    const report = await compareFilesWithCatalog(files, await readCatalog(db));
    return report.map((f) => (tracked.has(f.name) ? { ...f, status: "tracked" as const } : f));
  };
  const respond = (report: BaselineFileReport[], recorded: string[]): BaselineResponse => ({
    dryRun,
    forced: force,
    recorded,
    files: report,
    mismatched: report.filter((f) => f.status === "mismatch").map((f) => f.name),
  });

  if (dryRun) {
    const rows = await readTrackingRows(sql);
    return { ok: true, result: respond(await evaluate(sql, rows), []) };
  }
  // Refuse early, without the lock, when the answer is already known.
  const before = await readTrackingRows(sql);
  if (before.length > 0 && !force) return { ok: false, rejection: alreadyTracked(before, "baseline") };

  return await underLock(sql, options, actor, async (conn) => {
    const rows = await readTrackingRows(conn, { schemaExists: true });
    if (rows.length > 0 && !force) return { ok: false, rejection: alreadyTracked(rows, "baseline") };
    const report = await evaluate(conn, rows);
    const mismatched = report.filter((f) => f.status === "mismatch");
    if (mismatched.length > 0 && !force) {
      await conn.unsafe(logEventSql("baseline-refused", null, actor, { mismatched: mismatched.map((f) => f.name) })).catch(() => {});
      return {
        ok: false,
        rejection: {
          status: 409,
          code: "baseline-mismatch",
          message: `${mismatched.length} file(s) declare objects the database does not have, so they may never have run: ` +
            `${describeReport(mismatched).join("; ")}. Run the missing part by hand (or apply those files), or pass --force ` +
            "(request \"force\": true) to record them anyway. Nothing was recorded.",
          details: { files: report },
        },
      };
    }
    const reported = new Map(report.map((f) => [f.name, f]));
    const toRecord = files.filter((m) => reported.get(m.name)?.status !== "tracked");
    const statements = toRecord.map((m) => {
      const { status, checksum } = reported.get(m.name)!;
      return baselinedRowSql(
        { name: m.name, checksum, rollbackSql: storedRollback(m, placeholders), sql: m.sql, source: "baseline", details: { comparison: status, forced: force } },
        actor,
        request.meta?.gitSha ?? null,
        request.meta?.ciRun ?? null,
      ) + (options.syncSupabaseHistory ? `;\n${recordInSupabaseHistorySql(m.name, m.sql)}` : "");
    });
    await inTransaction(conn, statements);
    return { ok: true, result: respond(report, toRecord.map((m) => m.name)) };
  });
}
