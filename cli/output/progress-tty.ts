/** Live progress on a terminal: a spinner line per migration with its elapsed time, then ✓ or ✗. */
import type { Ora } from "ora";
import type { ApplyEvent } from "../../shared/protocol/types.ts";
import type { Colors } from "./colors.ts";
import { formatDuration } from "./duration.ts";
import { traceLines } from "./trace-lines.ts";
import { failureLines } from "./failure.ts";
import type { Progress } from "./progress.ts";
import { summaryLines } from "./summary.ts";

/** ora is loaded only for a terminal: it is the slowest import of the CLI, and CI never needs it. */
export async function ttyProgress(stream: NodeJS.WritableStream, colors: Colors, pathOf: (name: string) => string): Promise<Progress> {
  const { default: ora } = await import("ora");
  let current: { name: string; spinner: Ora; startedAt: number; timer: ReturnType<typeof setInterval> } | null = null;
  const write = (line: string) => stream.write(`${line}\n`);
  const stop = (symbol: string, text: string) => {
    if (current) {
      clearInterval(current.timer);
      current.spinner.stopAndPersist({ symbol, text });
      current = null;
    } else {
      write(`${symbol} ${text}`);
    }
  };
  return {
    event(event: ApplyEvent) {
      switch (event.event) {
        case "migration-start": {
          const startedAt = performance.now();
          // Live mode was chosen because the stream is a TTY; ora on its own would go static when CI is set.
          const spinner = ora({ text: event.name, stream, color: colors.enabled ? "cyan" : false, discardStdin: false, isEnabled: true }).start();
          const timer = setInterval(() => {
            spinner.text = `${event.name}  ${colors.dim(formatDuration(performance.now() - startedAt))}`;
          }, 100);
          current = { name: event.name, spinner, startedAt, timer };
          break;
        }
        case "applied":
        case "rolled-back":
          stop(colors.green("✓"), `${event.name}  ${colors.dim(formatDuration(event.durationMs))}${event.dryRun ? " (dry run)" : ""}${event.event === "rolled-back" ? " rolled back" : ""}`);
          break;
        case "failed": {
          const elapsed = current ? `  ${colors.dim(formatDuration(performance.now() - current.startedAt))}` : "";
          stop(colors.red("✗"), `${event.name}${elapsed}`);
          for (const line of failureLines(event, pathOf(event.name))) write(`  ${line}`);
          break;
        }
        case "warning":
          // The client resumes by itself after a time-budget stop, and says so on the next line.
          if (event.code === "time-budget") break;
          write(`${colors.yellow("!")} ${event.name && !event.file ? `${event.name}: ` : ""}${event.message}`);
          break;
        case "trace":
        case "verdict":
          for (const line of traceLines(event, colors)) write(line);
          break;
        default:
          break;
      }
    },
    resumed: (round) => write(colors.dim(`… the function stopped for its time budget; resuming (call ${round})`)),
    finish(summary) {
      if (current) stop(colors.red("✗"), current.name);
      for (const line of summaryLines(summary)) write(summary.result.failed ? colors.red(line) : colors.bold(line));
    },
  };
}
