/**
 * Everything an apply request is checked for before anything runs, in the order a user fixes them:
 * unknown target, drift, missing placeholder values, unsafe values, files that cannot run as written.
 */
import { placeholderNames, substitutePlaceholders, unsafePlaceholderValue } from "../../migrations/index.ts";
import type { ApplyRequest } from "../../protocol/types.ts";
import { type Evaluation, evaluate, type PendingFile } from "./evaluate.ts";
import {
  drift,
  emptyMigration,
  explicitTransaction,
  invalidPlaceholder,
  nonTransactionalMixed,
  readingSetting,
  syntaxError,
  unresolvedPlaceholders,
} from "./rejections.ts";
import { type FileProblem, prepareFile, type RunnableFile } from "../run/split.ts";
import type { TrackingRow } from "../tracking/rows.ts";
import type { Rejection } from "../types.ts";

export interface CheckedFile {
  readonly pending: PendingFile;
  readonly file: RunnableFile;
  /** The rollback with placeholders substituted (what is stored), or null. */
  readonly rollbackSql: string | null;
}

export type CheckResult =
  | { readonly ok: true; readonly evaluation: Evaluation; readonly files: CheckedFile[] }
  | { readonly ok: false; readonly rejection: Rejection };

/**
 * What checking a request computed that does not depend on the tracking rows — checksums and the
 * split, substituted files — kept so the check under the lock does not redo it.
 */
export interface CheckCache {
  readonly checksums: Map<string, string>;
  readonly files: Map<string, { readonly file: RunnableFile; readonly rollbackSql: string | null } | { readonly rejection: Rejection }>;
}

export function newCheckCache(): CheckCache {
  return { checksums: new Map(), files: new Map() };
}

/** Checks a request against the tracking rows (the parser must be loaded). */
export async function checkApply(request: ApplyRequest, rows: readonly TrackingRow[], cache: CheckCache = newCheckCache()): Promise<CheckResult> {
  const evaluated = await evaluate(request, rows, cache.checksums);
  if (!evaluated.ok) return evaluated;
  const { evaluation } = evaluated;
  const { drifted, missing } = evaluation.plan;
  if (drifted.length > 0 || missing.length > 0) return { ok: false, rejection: drift(drifted, missing) };
  if (evaluation.unresolved.length > 0) return { ok: false, rejection: unresolvedPlaceholders(evaluation.unresolved) };
  const values = request.placeholders ?? {};
  for (const pending of evaluation.pending) {
    for (const placeholder of placeholderNames(pending.sql + "\n" + (pending.rollback ?? ""))) {
      const reason = unsafePlaceholderValue(values[placeholder]);
      if (reason) return { ok: false, rejection: invalidPlaceholder(placeholder, reason, pending.name) };
    }
  }
  const files: CheckedFile[] = [];
  for (const pending of evaluation.pending) {
    const key = `${pending.name}\u0000${pending.sql}\u0000${pending.rollback ?? ""}`;
    let prepared = cache.files.get(key);
    if (!prepared) {
      prepared = prepareChecked(pending, values);
      cache.files.set(key, prepared);
    }
    if ("rejection" in prepared) return { ok: false, rejection: prepared.rejection };
    files.push({ pending, ...prepared });
  }
  return { ok: true, evaluation, files };
}

function prepareChecked(pending: PendingFile, values: Readonly<Record<string, string>>): { file: RunnableFile; rollbackSql: string | null } | { rejection: Rejection } {
  const file = prepareFile(pending.sql, values);
  if ("problem" in file) return { rejection: fileRejection(pending.name, file, false) };
  const rollbackSql = pending.rollback === null ? null : substitutePlaceholders(pending.rollback, values);
  if (rollbackSql !== null) {
    const rollback = prepareFile(rollbackSql, {});
    // An empty rollback is refused when it is used (rollback), not when the file it belongs to applies.
    if ("problem" in rollback && rollback.problem !== "empty-migration") return { rejection: fileRejection(pending.name, rollback, true) };
  }
  return { file, rollbackSql };
}

/** True when two reads of the tracking rows give the same check result (it depends on names and checksums only). */
export function sameTrackingRows(a: readonly TrackingRow[], b: readonly TrackingRow[]): boolean {
  return a.length === b.length && a.every((row, i) => row.name === b[i].name && row.checksum === b[i].checksum);
}

export function fileRejection(name: string, problem: FileProblem, rollback: boolean): Rejection {
  switch (problem.problem) {
    case "explicit-transaction":
      return explicitTransaction(name, problem.line, rollback);
    case "non-transactional-mixed":
      return nonTransactionalMixed(name, problem.kind, problem.line, problem.statements, rollback);
    case "syntax-error":
      return syntaxError(name, problem.line, problem.column, problem.message, rollback);
    case "empty-migration":
      return emptyMigration(name, rollback);
    case "reading-setting":
      return readingSetting(name, problem.setting, problem.line, rollback);
  }
}
