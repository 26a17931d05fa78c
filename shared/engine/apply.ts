/**
 * prepareApply: every check before anything runs, the lock, then a PreparedRun that applies the
 * pending files in contract order, each in its own transaction together with its tracking row.
 */
import type postgres from "postgres";
import type { ApplyEvent, ApplyRequest } from "../protocol/types.ts";
import { loadParser } from "../sql/index.ts";
import { type CheckResult, checkApply, newCheckCache, sameTrackingRows } from "./checks/checks.ts";
import type { HeldLock } from "./tracking/lock.ts";
import type { ResolvedOptions } from "./options.ts";
import { poolerRejection } from "./checks/pooler.ts";
import { preparedRun, type RunUnit } from "./run/runner.ts";
import { insertTrackingRowSql, logEventIfTracked, logEventSql, readTrackingRows, RECORDED_DURATION_SQL } from "./tracking/rows.ts";
import { takeLock } from "./tracking/take-lock.ts";
import { recordInSupabaseHistorySql } from "./adoption/supabase-history.ts";
import { withBackups } from "./backups/take.ts";
import { farFromDatabase, farFromDatabaseWarning } from "./run/distance.ts";
import { rollbackRoundTrip } from "./run/round-trip.ts";
import type { Prepared } from "./types.ts";

type Sql = postgres.Sql;

export async function prepareApply(sql: Sql, request: ApplyRequest, options: ResolvedOptions): Promise<Prepared> {
  const startedAt = performance.now();
  const pooler = poolerRejection(sql, options);
  if (pooler) return { ok: false, rejection: pooler };
  await loadParser();
  const actor = request.meta?.actor ?? options.defaultActor;
  const dryRun = request.dryRun === true;

  // First pass without the lock, so a bad request is refused without contending for it.
  const cache = newCheckCache();
  const rowsBefore = await readTrackingRows(sql);
  const first = await checkApply(request, rowsBefore, cache);
  if (!first.ok) return await refuse(sql, first, actor);

  // A dry run leaves no trace: it creates the tracking schema only inside its rolled-back transaction.
  const locked = await takeLock(sql, options, actor, { create: !dryRun, refusal: { dryRun } });
  if (!locked.ok) return locked;
  const { lock } = locked;
  try {
    // Second pass under the lock: another apply may have finished between the first pass and now. The
    // same rows give the same answer; other rows are checked again, reusing checksums and split files.
    const rows = await readTrackingRows(lock.conn, locked);
    const checked = sameTrackingRows(rowsBefore, rows) ? first : await checkApply(request, rows, cache);
    if (!checked.ok) {
      const rejection = await refuse(lock.conn, checked, actor);
      await lock.release();
      return rejection;
    }
    // Measured on the connection that runs the files, and only when there are files to run.
    const distanceMs = checked.files.length > 0 ? await farFromDatabase(lock.conn) : null;
    const far = distanceMs === null ? [] : [farFromDatabaseWarning(distanceMs, checked.files.length, options.farFromDatabaseAdvice)];
    return { ok: true, run: applyRun(lock, checked, request, options, actor, dryRun, startedAt, far) };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function refuse(sql: Sql, result: CheckResult & { ok: false }, actor: string | null): Promise<Prepared> {
  if (result.rejection.code === "drift") await logEventIfTracked(sql, "drift-refused", null, actor, result.rejection.details);
  return result;
}

function applyRun(
  lock: HeldLock, checked: CheckResult & { ok: true }, request: ApplyRequest, options: ResolvedOptions, actor: string | null, dryRun: boolean,
  startedAt: number, farWarnings: readonly ApplyEvent[],
) {
  const gitSha = request.meta?.gitSha ?? null;
  const ciRun = request.meta?.ciRun ?? null;
  const skipBackups = request.skipBackups?.reason ?? null;
  const units: RunUnit[] = checked.files.map(({ pending, file, rollbackSql }) => ({
    name: pending.name,
    file: skipBackups === null ? withBackups(file, pending.name, options.backupMaxBytes) : file,
    roundTrip: dryRun ? rollbackRoundTrip(lock, pending.name, rollbackSql, options) : null,
    record: {
      sql: () => {
        const row = {
          name: pending.name,
          checksum: pending.checksum,
          appliedBy: actor,
          rollbackSql,
          transactional: file.transactional,
          gitSha,
          ciRun,
          statements: file.statements.length,
          sql: pending.sql,
        };
        const { rollbackSql: _stored, name: _name, sql: _text, ...details } = row;
        const history = options.syncSupabaseHistory ? `;\n${recordInSupabaseHistorySql(pending.name, pending.sql)}` : "";
        return `${insertTrackingRowSql(row)};\n${logEventSql("applied", pending.name, actor, details, { durationMs: RECORDED_DURATION_SQL })}${history}`;
      },
    },
  }));
  const outOfOrder: ApplyEvent[] = [...checked.evaluation.outOfOrderBefore].map(([name, newest]) => ({
    event: "warning",
    code: "out-of-order",
    name,
    message: `${name} sorts before ${newest}, which is already applied (a late duplicate number from parallel work?). ` +
      `It runs now, after it: check that it does not depend on running before ${newest}.`,
  }));
  const unwrapped: ApplyEvent[] = checked.files.filter(({ file }) => file.unwrapped).map(({ pending }) => ({
    event: "warning",
    code: "transaction-wrapper",
    name: pending.name,
    message: `${pending.name} is wrapped in BEGIN … COMMIT: that pair was left out, since supamigrate runs every file in a ` +
      "transaction of its own (with its tracking row). Remove it from the file.",
  }));
  const warnings = [...farWarnings, ...outOfOrder, ...unwrapped];
  return preparedRun({
    verb: "apply", lock, units, dryRun, options, startedAt, actor, warnings,
    startDetails: {
      pending: units.map((u) => u.name), gitSha, ciRun, ...(skipBackups === null ? {} : { backupsSkipped: skipBackups }),
      ...(request.meta?.skippedStaging ? { skippedStaging: request.meta.skippedStaging } : {}),
    },
    resumeHint: () => "call apply again to continue (applied files are skipped).",
    trace: dryRun && request.trace === true,
  });
}
