/** Plain progress lines (no TTY, or `--format github`): `✓ 001_initialize_database.sql  42 ms`. */
import type { ApplyEvent } from "../../shared/protocol/types.ts";
import type { Colors } from "./colors.ts";
import { formatDuration } from "./duration.ts";
import { traceLines } from "./trace-lines.ts";
import { failureLines, failureMessage } from "./failure.ts";
import { annotation } from "./github.ts";
import type { Progress } from "./progress.ts";
import { summaryLines } from "./summary.ts";

export function lineProgress(write: (line: string) => void, colors: Colors, pathOf: (name: string) => string, github: boolean): Progress {
  const started = new Map<string, number>();
  return {
    event(event: ApplyEvent) {
      switch (event.event) {
        case "migration-start":
          started.set(event.name, performance.now());
          break;
        case "applied":
        case "rolled-back":
          write(`${colors.green("✓")} ${event.name}  ${colors.dim(formatDuration(event.durationMs))}${event.dryRun ? " (dry run)" : ""}${event.event === "rolled-back" ? " rolled back" : ""}`);
          break;
        case "failed": {
          const since = started.get(event.name);
          const elapsed = since === undefined ? "" : `  ${colors.dim(formatDuration(performance.now() - since))}`;
          write(`${colors.red("✗")} ${event.name}${elapsed}`);
          for (const line of failureLines(event, pathOf(event.name))) write(`  ${line}`);
          if (github) write(annotation("error", { file: pathOf(event.name), line: event.line, col: event.column, title: event.code }, failureMessage(event)));
          break;
        }
        case "warning":
          // The client resumes by itself after a time-budget stop, and says so on the next line.
          if (event.code === "time-budget") break;
          write(`${colors.yellow("!")} ${event.name && !event.file ? `${event.name}: ` : ""}${event.message}`);
          if (github) {
            // A rollback round trip's finding sits on the rollback file (event.file), at its line when known.
            const file = event.file ? pathOf(event.file) : event.name ? pathOf(event.name) : undefined;
            write(annotation("warning", { file, line: event.line, col: event.column, title: event.code }, event.message));
          }
          break;
        case "trace":
        case "verdict":
          for (const line of traceLines(event, colors)) write(line);
          if (github && event.event === "verdict" && !event.safeOnline) {
            write(annotation("warning", { file: pathOf(event.name), title: "maintenance-window" }, `${event.message}${event.hint ? `. Safer: ${event.hint}` : ""}`));
          }
          break;
        default:
          break;
      }
    },
    resumed: (round) => write(`… the function stopped for its time budget; resuming (call ${round})`),
    finish: (summary) => summaryLines(summary).forEach((line) => write(line)),
  };
}
