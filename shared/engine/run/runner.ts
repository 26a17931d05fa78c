/**
 * The loop shared by apply and rollback: start event, one file after another under the held lock (an
 * apply sends the next file while one runs, see run-file.ts; they still run and are reported in order),
 * the time budget checked before each file (the first always runs, so every call makes progress),
 * the first failure stops the run, and a dry run happens inside one outer transaction that is rolled
 * back at the end. The lock is released in `finally`, whatever happens.
 */
import type postgres from "postgres";
import type { ApplyEvent, DoneEvent, MigrationFailure, StoppedBy } from "../../protocol/types.ts";
import { endsSession, isConnectionError, isPostgresError } from "./errors.ts";
import type { HeldLock } from "../tracking/lock.ts";
import type { ResolvedOptions } from "../options.ts";
import { type FileOutcome, type Recorder, runNonTransactionalFile, runTransactionalFile } from "./run-file.ts";
import { type RunnableFile, statementPosition } from "./split.ts";
import type { RoundTrip } from "./round-trip.ts";
import { type EventName, logEvent } from "../tracking/rows.ts";
import { upgradeTrackingSchemaInTransaction } from "../tracking/schema.ts";
import type { PreparedRun } from "../types.ts";
import { fileTracer, untriedVerdict } from "../trace/file-tracer.ts";

type Sql = postgres.Sql;

export interface RunUnit {
  readonly name: string;
  readonly file: RunnableFile;
  readonly record: Recorder;
  /** A dry run's check of the file's rollback (round-trip.ts); null or absent: none. */
  readonly roundTrip?: RoundTrip | null;
}

export interface RunSpec {
  readonly verb: "apply" | "rollback";
  readonly lock: HeldLock;
  readonly units: readonly RunUnit[];
  readonly dryRun: boolean;
  readonly options: ResolvedOptions;
  /** When the time budget started (performance.now()). */
  readonly startedAt: number;
  readonly actor: string | null;
  /** Emitted right after `start`. */
  readonly warnings: readonly ApplyEvent[];
  /** Logged with the apply-started / rollback-started event. */
  readonly startDetails: Record<string, unknown>;
  /** How to continue after the time budget, e.g. "call apply again to continue (applied files are skipped)". */
  readonly resumeHint: (remaining: number) => string;
  /** A traced dry run: `trace` events a statement and a `verdict` a file (trace/). */
  readonly trace?: boolean;
}

const EVENTS: Record<RunSpec["verb"], { started: EventName; ok: "applied" | "rolled-back"; failed: EventName }> = {
  apply: { started: "apply-started", ok: "applied", failed: "failed" },
  rollback: { started: "rollback-started", ok: "rolled-back", failed: "rollback-failed" },
};

export function preparedRun(spec: RunSpec): PreparedRun {
  let state: "ready" | "running" | "finished" = "ready";
  return {
    pending: spec.units.map((u) => u.name),
    async run(emit) {
      if (state !== "ready") throw new Error(`this ${spec.verb} has already ${state === "running" ? "started" : "finished"}`);
      state = "running";
      try {
        return await execute(spec, safe(emit));
      } finally {
        state = "finished";
        await spec.lock.release();
        if (spec.lock.dead) spec.options.onSessionLost?.();
      }
    },
    async cancel() {
      if (state === "ready") {
        state = "finished";
        await spec.lock.release();
      }
    },
  };
}

/** The shell streams events to a client that may have gone away; the run finishes its file cleanly regardless. */
function safe(emit: (event: ApplyEvent) => void): (event: ApplyEvent) => void {
  return (event) => {
    try {
      emit(event);
    } catch {
      // ignored: the outcome is in the tracking table and the event log
    }
  };
}

async function execute(spec: RunSpec, emit: (event: ApplyEvent) => void): Promise<DoneEvent> {
  const { conn } = spec.lock;
  const sql = conn as unknown as Sql;
  const events = EVENTS[spec.verb];
  const { dryRun, options } = spec;
  const done: string[] = [];
  let failed: MigrationFailure | null = null;
  let stoppedBy: StoppedBy = null;
  let current: RunUnit | null = null;
  let outerOpen = false;

  emit({ event: "start", pending: spec.units.map((u) => u.name), dryRun });
  for (const warning of spec.warnings) emit(warning);
  try {
    if (dryRun) {
      await sql.unsafe("begin");
      outerOpen = true;
      await upgradeTrackingSchemaInTransaction(sql);
    } else if (spec.units.length > 0) {
      await logEvent(sql, events.started, null, spec.actor, spec.startDetails);
    }
    // A transactional file of an apply is sent while the one before it still runs (see run-file.ts): at
    // most one file ahead, whose outcome is awaited before the next is reported.
    let ahead: { readonly unit: RunUnit; readonly outcome: Promise<FileOutcome> } | null = null;
    /** Reports a file's outcome; false when it failed (the run stops). */
    const report = async (unit: RunUnit, outcome: FileOutcome, sentAfter: Promise<FileOutcome> | null): Promise<boolean> => {
      if (outcome.ok) {
        done.push(unit.name);
        emit({ event: events.ok, name: unit.name, durationMs: outcome.durationMs, dryRun });
        for (const note of unit.record.notes?.() ?? []) emit(note);
        return true;
      }
      // The file sent behind it was refused (aborted transaction, or its check that this one committed): wait for that first.
      await sentAfter;
      failed = outcome.failure;
      stoppedBy = "error";
      emit({ event: "failed", ...outcome.failure });
      if (!dryRun && !spec.lock.dead) await logEvent(sql, events.failed, unit.name, spec.actor, outcome.failure).catch(() => {});
      return false;
    };
    const aheadName = (): string | null => ahead?.unit.name ?? null;
    /** Waits for the file sent ahead, if any, and reports it; `next`: what was sent behind it meanwhile. */
    const settle = async (next: Promise<FileOutcome> | null = null): Promise<boolean> => {
      if (!ahead) return true;
      const { unit, outcome } = ahead;
      ahead = null;
      return await report(unit, await outcome, next);
    };
    for (const [i, unit] of spec.units.entries()) {
      if (i > 0 && performance.now() - spec.startedAt >= options.timeBudgetMs) {
        if (!(await settle())) break;
        const remaining = spec.units.length - i;
        const message = `stopped before ${unit.name}: the time budget of ${options.timeBudgetMs} ms is used up, ` +
          `${remaining} file${remaining === 1 ? "" : "s"} remain${remaining === 1 ? "s" : ""}; ${spec.resumeHint(remaining)}`;
        emit({ event: "warning", code: "time-budget", message, name: unit.name });
        if (!dryRun) await logEvent(sql, "time-budget", unit.name, spec.actor, { remaining: spec.units.slice(i).map((u) => u.name) });
        stoppedBy = "time-budget";
        break;
      }
      const settings = { lockTimeoutMs: options.lockTimeoutMs, statementTimeoutMs: options.statementTimeoutMs, dryRun };
      const sentNow: Promise<FileOutcome> | null = unit.file.transactional && !dryRun && !unit.record.verify
        ? runTransactionalFile(spec.lock, unit.name, unit.file, settings, unit.record, aheadName())
        : null;
      if (!(await settle(sentNow))) break;
      current = unit;
      emit({ event: "migration-start", name: unit.name });
      if (sentNow) {
        ahead = { unit, outcome: sentNow };
        continue;
      }
      if (!unit.file.transactional && dryRun) {
        emit({
          event: "warning",
          code: "non-transactional-skipped",
          message: `${unit.name} was not tried: its statement cannot run inside a transaction, and a dry run runs everything in one that it rolls back.`,
          name: unit.name,
        });
        if (spec.trace) emit(untriedVerdict(unit.name, unit.file));
        continue;
      }
      // A dry run checks the file's rollback on the way: the catalog before the file, and after its rollback.
      const roundTrip = dryRun && unit.file.transactional && unit.roundTrip ? await unit.roundTrip.begin() : null;
      const tracer = dryRun && spec.trace && unit.file.transactional ? fileTracer(unit.name, unit.file) : null;
      const outcome = unit.file.transactional
        ? await runTransactionalFile(spec.lock, unit.name, unit.file, { ...settings, tracer }, unit.record)
        : await runNonTransactionalFile(spec.lock, unit.name, unit.file, settings, unit.record);
      if (!(await report(unit, outcome, null))) break;
      if (tracer) for (const event of tracer.events()) emit(event);
      if (roundTrip) for (const finding of await roundTrip()) emit(finding);
    }
    await settle();
  } catch (error) {
    if (endsSession(error)) spec.lock.markDead();
    // Between files (event log, dry-run setup): no file is half-applied, but the run cannot go on.
    const unit = current ?? spec.units[0] ?? null;
    const first = unit?.file.statements[0];
    const position = unit && first ? statementPosition(unit.file, first) : { line: 1, column: 1 };
    const code = isPostgresError(error) ? error.code : isConnectionError(error) ? "connection-lost" : "engine-error";
    const reason = error instanceof Error ? error.message : String(error);
    failed = {
      name: unit?.name ?? "",
      code,
      message: `the ${spec.verb} stopped between files: ${reason}. No file is half-applied (each runs in its own ` +
        `transaction); run status to see where it stopped, then ${spec.verb} again.`,
      ...position,
    };
    stoppedBy = "error";
    emit({ event: "failed", ...failed });
  } finally {
    if (outerOpen && !spec.lock.dead) await sql.unsafe("rollback").catch(() => {});
  }
  const event: DoneEvent = { event: "done", applied: done, failed, stoppedBy };
  emit(event);
  return event;
}
