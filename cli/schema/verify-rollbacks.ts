/**
 * `verify --rollbacks`: a dry run of the pending migrations, whose rollback round trips
 * (shared/engine/run/round-trip.ts) check that each rollback undoes its file on the real database. Every
 * finding — a rollback that leaves something behind, drops or changes what was there, or fails — fails
 * the check; so does a dry run that fails or stops before the last file.
 */
import type { FunctionClient } from "../../shared/client/index.ts";
import { applyAll } from "../../shared/client/index.ts";
import type { CatalogDifference } from "../../shared/protocol/catalog.ts";
import { migrationPayloads } from "../../shared/protocol/payloads.ts";
import type { ApplyEvent, MigrationFailure } from "../../shared/protocol/types.ts";
import { failureLines, failureMessage } from "../output/failure.ts";
import { annotation } from "../output/github.ts";
import { runMeta } from "../meta.ts";
import type { LocalMigrationFolder } from "../project.ts";

/** The warnings of a dry run that are findings of the round trip. */
const ROUND_TRIP_CODES = new Set(["rollback-incomplete", "rollback-failed-in-dry-run"]);

export interface RollbackFinding {
  /** The migration whose rollback it is. */
  readonly name: string;
  /** Relative to the migrations folder: `rollback/020_x.sql`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
  readonly difference?: CatalogDifference;
}

export interface RollbackCheck {
  readonly ok: boolean;
  /** Pending files whose rollback was checked (their dry run ran). */
  readonly checked: readonly string[];
  /** Pending files without a rollback: nothing to check. */
  readonly withoutRollback: readonly string[];
  readonly findings: readonly RollbackFinding[];
  /** The migration that failed in the dry run (the files after it were not tried). */
  readonly failed: MigrationFailure | null;
  /** The function stopped for its time budget before the last pending file. */
  readonly stoppedEarly: boolean;
}

export async function checkRollbacks(client: FunctionClient, folder: LocalMigrationFolder, placeholders: Readonly<Record<string, string>>): Promise<RollbackCheck> {
  const findings: RollbackFinding[] = [];
  let pending: readonly string[] = [];
  const onEvent = (event: ApplyEvent) => {
    if (event.event === "start") pending = event.pending;
    if (event.event !== "warning" || !ROUND_TRIP_CODES.has(event.code) || !event.name) return;
    findings.push({
      name: event.name,
      file: event.file ?? `rollback/${event.name}`,
      line: event.line ?? 1,
      column: event.column ?? 1,
      code: event.code,
      message: event.message,
      ...(event.difference ? { difference: event.difference } : {}),
    });
  };
  const done = await applyAll(client, {
    migrations: migrationPayloads(folder.migrations),
    dryRun: true,
    placeholders,
    meta: runMeta(),
  }, onEvent);
  const rollbacks = new Map(folder.migrations.map((m) => [m.name, m.rollback !== null]));
  const ran = new Set(done.applied);
  const stoppedEarly = done.stoppedBy === "time-budget";
  return {
    ok: findings.length === 0 && done.failed === null && !stoppedEarly,
    checked: pending.filter((name) => ran.has(name) && rollbacks.get(name)),
    withoutRollback: pending.filter((name) => !rollbacks.get(name)),
    findings,
    failed: done.failed,
    stoppedEarly,
  };
}

/** Text lines: one a finding (`scripts/rollback/020_x.sql:1:1: error rollback-incomplete: …`), then the verdict. */
export function rollbackLines(check: RollbackCheck, dir: string): string[] {
  const folder = dir.replace(/\/+$/, "");
  const lines = check.findings.map((f) => `${folder}/${f.file}:${f.line}:${f.column}: error ${f.code}: ${f.message}`);
  if (check.failed) {
    const f = check.failed;
    lines.push(...failureLines(f, `${folder}/${f.name}`));
    lines.push(`Rollback check incomplete: ${f.name} failed in the dry run, so the files after it were not tried.`);
  }
  if (check.stoppedEarly) {
    lines.push("Rollback check incomplete: the function stopped the dry run for its time budget; run verify --rollbacks with --db-url to check every file in one go.");
  }
  const without = check.withoutRollback.length > 0
    ? ` (${check.withoutRollback.length} pending file${check.withoutRollback.length === 1 ? " has" : "s have"} no rollback: not checked)`
    : "";
  const files = (n: number) => `${n} rollback${n === 1 ? "" : "s"}`;
  if (check.findings.length > 0) {
    const bad = new Set(check.findings.map((f) => f.file)).size;
    lines.push(`Rollback check failed: ${check.findings.length} finding${check.findings.length === 1 ? "" : "s"} in ${files(bad)}${without}.`);
  } else if (check.failed === null && !check.stoppedEarly) {
    lines.push(check.checked.length === 0 && check.withoutRollback.length === 0
      ? "Rollbacks verified: no pending migration, nothing to check."
      : `Rollbacks verified: ${files(check.checked.length)} of the pending migrations undo${check.checked.length === 1 ? "es" : ""} their file exactly${without}.`);
  }
  return lines;
}

/** `--format github`: an `::error` on the rollback file of each finding (and on a migration that failed). */
export function rollbackAnnotations(check: RollbackCheck, dir: string): string[] {
  const folder = dir.replace(/\/+$/, "");
  const lines = check.findings.map((f) => annotation("error", { file: `${folder}/${f.file}`, line: f.line, col: f.column, title: f.code }, f.message));
  if (check.failed) {
    const f = check.failed;
    lines.push(annotation("error", { file: `${folder}/${f.name}`, line: f.line, col: f.column, title: f.code }, failureMessage(f)));
  }
  return lines;
}
