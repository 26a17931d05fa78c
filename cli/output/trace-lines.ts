/**
 * A traced dry run's events as lines under their file (`apply --dry-run --trace`): the statements that
 * lock a table that already exists, then the file's verdict and the safer pattern.
 */
import type { ApplyEvent } from "../../shared/protocol/types.ts";
import type { Colors } from "./colors.ts";
import { formatDuration } from "./duration.ts";

type TraceEvent = Extract<ApplyEvent, { event: "trace" | "verdict" }>;

export function traceLines(event: TraceEvent, colors: Colors): string[] {
  if (event.event === "trace") {
    return event.locks.map((lock) => {
      const rows = lock.rows === null ? "rows unknown" : `≈${lock.rows} rows`;
      const blocks = lock.blocks.length === 0 ? "blocks nothing" : `blocks ${lock.blocks.join(", ")}`;
      return `    line ${event.line}: ${lock.mode} on ${lock.relation} (${rows}${lock.rewritten ? ", rewritten" : ""}): ${blocks}  ${colors.dim(formatDuration(event.durationMs))}`;
    });
  }
  if (event.safeOnline) return [`  ${colors.green("✓")} ${event.message}`];
  return [`  ${colors.yellow("!")} ${event.message}`, ...(event.hint ? [`    ${colors.dim(`safer: ${event.hint}`)}`] : [])];
}
