/** The last line of `apply` and `rollback`: counts and total time. */
import type { DoneEvent } from "../../shared/protocol/types.ts";
import { formatDuration } from "./duration.ts";

export interface RunSummary {
  readonly kind: "apply" | "rollback";
  readonly result: DoneEvent & { readonly rounds?: number };
  /** Files sent that were already applied (apply only). */
  readonly skipped: readonly string[];
  readonly dryRun: boolean;
  readonly totalMs: number;
}

export function summaryLines(summary: RunSummary): string[] {
  const { result, dryRun } = summary;
  const done = result.applied.length;
  const failed = result.failed ? `failed 1 (${result.failed.name})` : "failed 0";
  const counts = summary.kind === "apply"
    ? `${dryRun ? "would apply" : "applied"} ${done}, skipped ${summary.skipped.length} (already applied), ${failed}`
    : `${dryRun ? "would roll back" : "rolled back"} ${done}, ${failed}`;
  const rounds = (result.rounds ?? 1) > 1 ? ` in ${result.rounds} calls (resumed after the function's time budget)` : "";
  const lines = [`${capitalize(dryRun ? `dry run: ${counts}` : counts)} — ${formatDuration(summary.totalMs)}${rounds}${dryRun ? "; nothing was committed" : ""}`];
  if (result.stoppedBy === "time-budget" && !result.failed) {
    lines.push("Stopped by the function's time budget before the end: run the command again to continue (applied files are skipped).");
  }
  return lines;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
