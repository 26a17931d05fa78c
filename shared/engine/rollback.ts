/**
 * prepareRollback: the newest applied files first (applied order), `steps` of them or down to — not
 * including — `to`; each file's stored rollback runs in its own transaction that also removes its
 * tracking row. A file without a stored rollback refuses the whole request before anything runs.
 */
import type postgres from "postgres";
import type { ApplyEvent, RollbackRequest } from "../protocol/types.ts";
import { MAX_ROLLBACK_STEPS } from "../protocol/validate.ts";
import { loadParser } from "../sql/index.ts";
import { fileRejection } from "./checks/checks.ts";
import type { ResolvedOptions } from "./options.ts";
import { poolerRejection } from "./checks/pooler.ts";
import { conflictingRollbackTarget, invalidSteps, noRollback, unknownTarget } from "./checks/rejections.ts";
import { preparedRun, type RunUnit } from "./run/runner.ts";
import { prepareFile } from "./run/split.ts";
import { deleteTrackingRowSql, logEventSql, readTrackingRows, RECORDED_DURATION_SQL, type TrackingRow } from "./tracking/rows.ts";
import { takeLock } from "./tracking/take-lock.ts";
import { forgetInSupabaseHistorySql } from "./adoption/supabase-history.ts";
import { RESTORE_BACKUPS_SQL, restoredNotes } from "./backups/restore.ts";
import type { Prepared, Rejection } from "./types.ts";

type Sql = postgres.Sql;


export async function prepareRollback(sql: Sql, request: RollbackRequest, options: ResolvedOptions): Promise<Prepared> {
  const startedAt = performance.now();
  const pooler = poolerRejection(sql, options);
  if (pooler) return { ok: false, rejection: pooler };
  const invalid = validate(request);
  if (invalid) return { ok: false, rejection: invalid };
  await loadParser();
  const actor = request.meta?.actor ?? options.defaultActor;
  const dryRun = request.dryRun === true;

  const first = select(request, await readTrackingRows(sql));
  if (!first.ok) return first;

  // Nothing to roll back means no tracking schema to create: rollback never creates it.
  // There are rows to roll back, so the schema exists: bring it up to date (restore_backups is in version 5); a dry run does that in its own transaction.
  const locked = await takeLock(sql, options, actor, { create: !dryRun, refusal: { dryRun, rollback: true } });
  if (!locked.ok) return locked;
  const { lock } = locked;
  try {
    const selected = select(request, await readTrackingRows(lock.conn, locked));
    if (!selected.ok) {
      await lock.release();
      return selected;
    }
    const units: RunUnit[] = [];
    for (const row of selected.rows) {
      const file = prepareFile(row.rollbackSql!, {});
      if ("problem" in file) {
        await lock.release();
        return { ok: false, rejection: fileRejection(row.name, file, true) };
      }
      let restored: ApplyEvent[] = [];
      units.push({
        name: row.name,
        file,
        record: {
          sql: () =>
            `${logEventSql("rolled-back", row.name, actor, { checksum: row.checksum, appliedAt: row.appliedAt }, { durationMs: RECORDED_DURATION_SQL })};\n` +
            `${RESTORE_BACKUPS_SQL(row.name)};\n` +
            (options.syncSupabaseHistory ? `${forgetInSupabaseHistorySql(row.name)};\n` : "") +
            deleteTrackingRowSql(row.name),
          verify: (results) => {
            // Someone removed the row by hand: stop rather than guess.
            if (results.at(-1)?.length !== 1) throw new Error(`the tracking row of ${row.name} disappeared during the rollback`);
            restored = restoredNotes(row.name, results);
          },
          notes: () => restored,
        },
      });
    }
    return {
      ok: true,
      run: preparedRun({
        verb: "rollback", lock, units, dryRun, options, startedAt, actor, warnings: [],
        startDetails: { names: units.map((u) => u.name) },
        resumeHint: (remaining) =>
          request.to != null
            ? `call rollback again with the same target (${request.to}) to continue.`
            : `call rollback again with steps ${remaining} to finish.`,
      }),
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

function validate(request: RollbackRequest): Rejection | null {
  if (request.to != null && request.steps !== undefined) return conflictingRollbackTarget();
  if (request.steps !== undefined && (!Number.isInteger(request.steps) || request.steps < 1 || request.steps > MAX_ROLLBACK_STEPS)) {
    return invalidSteps(request.steps);
  }
  return null;
}

/** The rows to roll back, newest first, or the refusal. */
function select(request: RollbackRequest, rows: readonly TrackingRow[]): { ok: true; rows: TrackingRow[] } | { ok: false; rejection: Rejection } {
  const newestFirst = [...rows].reverse();
  let chosen: TrackingRow[];
  if (request.to != null) {
    const at = newestFirst.findIndex((row) => row.name === request.to);
    if (at < 0) return { ok: false, rejection: unknownTarget(request.to, "an applied migration (see status)") };
    chosen = newestFirst.slice(0, at);
  } else {
    chosen = newestFirst.slice(0, request.steps ?? 1);
  }
  const without = chosen.filter((row) => row.rollbackSql === null).map((row) => row.name);
  if (without.length > 0) return { ok: false, rejection: noRollback(without) };
  return { ok: true, rows: chosen };
}
