/**
 * What an apply request would do against the tracking rows: pending files in contract order (up to
 * `to`), drift, files applied but no longer listed, late duplicates, unresolved placeholders. Pure:
 * reads nothing, writes nothing.
 */
import { compareFileNames, compareWithApplied, migrationChecksum, missingPlaceholders, placeholderNames, sortByContractOrder } from "../../migrations/index.ts";
import type { ApplyRequest, MigrationPayload, PlanResponse } from "../../protocol/types.ts";
import { type PlaceholderProblem, textNeeded, unknownTarget } from "./rejections.ts";
import type { TrackingRow } from "../tracking/rows.ts";
import type { Rejection } from "../types.ts";

export interface PendingFile extends MigrationPayload {
  readonly checksum: string;
}

export interface Evaluation {
  readonly pending: PendingFile[];
  readonly plan: PlanResponse;
  /** Placeholders with no value, including those in pending files' rollbacks. */
  readonly unresolved: PlaceholderProblem[];
  /** For each out-of-order file, the newest applied file it sorts before. */
  readonly outOfOrderBefore: ReadonlyMap<string, string>;
}

/**
 * `checksums` (optional) remembers checksums by file text across calls for the same request: an apply
 * evaluates its request before and again under the lock.
 */
export async function evaluate(request: ApplyRequest, rows: readonly TrackingRow[], checksums?: Map<string, string>): Promise<{ ok: true; evaluation: Evaluation } | { ok: false; rejection: Rejection }> {
  const listed = sortByContractOrder(request.migrations);
  const references = request.applied ?? [];
  const to = request.to ?? null;
  if (to !== null && !listed.some((m) => m.name === to) && !references.some((r) => r.name === to)) {
    return { ok: false, rejection: unknownTarget(to, "one of the migrations in the request") };
  }
  const values = request.placeholders ?? {};
  // All at once: crypto.subtle digests run concurrently.
  const known = checksums ?? new Map<string, string>();
  const missingTexts = [...new Set(listed.map((m) => m.sql).filter((text) => !known.has(text)))];
  const digests = await Promise.all(missingTexts.map((text) => migrationChecksum(text)));
  missingTexts.forEach((text, i) => known.set(text, digests[i]));
  const byName = new Map(listed.map((m) => [m.name, m]));
  const comparison = compareWithApplied(rows, [...listed.map((m) => ({ name: m.name, checksum: known.get(m.sql)! })), ...references]);
  const pendingNames = comparison.pending.filter((name) => to === null || compareFileNames(name, to) <= 0);
  // A file sent by checksum that has not run (rolled back since the client looked, or never applied): its text is needed.
  const withoutText = pendingNames.filter((name) => !byName.has(name));
  if (withoutText.length > 0) return { ok: false, rejection: textNeeded(withoutText) };
  const pending: PendingFile[] = pendingNames.map((name) => ({ ...byName.get(name)!, checksum: known.get(byName.get(name)!.sql)! }));
  const { applied, drifted } = comparison;
  const missing = [...comparison.missing].sort(compareFileNames);
  const newestApplied = rows.map((r) => r.name).sort(compareFileNames).at(-1) ?? null;
  const outOfOrderBefore = new Map<string, string>();
  if (newestApplied !== null) {
    for (const file of pending) if (compareFileNames(file.name, newestApplied) < 0) outOfOrderBefore.set(file.name, newestApplied);
  }
  const unresolved: PlaceholderProblem[] = pending.flatMap((file) => [
    ...missingPlaceholders(file.sql, values).map((placeholder) => ({ name: file.name, placeholder, inRollback: false })),
    ...(file.rollback === null ? [] : missingPlaceholders(file.rollback, values)
      .filter((placeholder) => !placeholderNames(file.sql).includes(placeholder)) // reported once, for the file
      .map((placeholder) => ({ name: file.name, placeholder, inRollback: true }))),
  ]);
  const plan: PlanResponse = {
    pending: pending.map((f) => f.name),
    applied,
    drifted,
    missing,
    outOfOrder: [...outOfOrderBefore.keys()],
    unresolvedPlaceholders: dedupe(unresolved.map((u) => ({ name: u.name, placeholder: u.placeholder }))),
  };
  return { ok: true, evaluation: { pending, plan, unresolved, outOfOrderBefore } };
}

function dedupe(items: Array<{ name: string; placeholder: string }>): Array<{ name: string; placeholder: string }> {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.name}\u0000${item.placeholder}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
