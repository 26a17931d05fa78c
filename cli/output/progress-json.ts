/**
 * `--format json`: the function's events as NDJSON, as they arrive, except each call's own `done`;
 * the last line is one combined `done` with the run's totals (`rounds`, `skipped`, `dryRun`, `durationMs`).
 */
import type { ApplyEvent } from "../../shared/protocol/types.ts";
import type { Progress } from "./progress.ts";

export function jsonProgress(write: (line: string) => void): Progress {
  return {
    event: (event: ApplyEvent) => write(JSON.stringify(event)),
    resumed: (round) => write(JSON.stringify({ event: "resume", round })),
    finish(summary) {
      const { result } = summary;
      write(JSON.stringify({
        event: "done",
        applied: result.applied,
        failed: result.failed,
        stoppedBy: result.stoppedBy,
        rounds: result.rounds ?? 1,
        skipped: summary.skipped,
        dryRun: summary.dryRun,
        durationMs: Math.round(summary.totalMs),
      }));
    },
  };
}
