/**
 * Progress of an `apply` or `rollback` run, in the chosen format: a live spinner line per migration
 * on a TTY, plain lines otherwise (plus workflow annotations for `github`), NDJSON for `json`.
 */
import { firstOfEachWarning } from "../../shared/client/warnings.ts";
import type { ApplyEvent } from "../../shared/protocol/types.ts";
import { colorsFor } from "./colors.ts";
import { jsonProgress } from "./progress-json.ts";
import { lineProgress } from "./progress-lines.ts";
import { ttyProgress } from "./progress-tty.ts";
import type { RunSummary } from "./summary.ts";

export type OutputFormat = "text" | "json" | "github";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "github"];

export interface Progress {
  event(event: ApplyEvent): void;
  /** The function stopped for its time budget and the client calls again. */
  resumed(round: number): void;
  finish(summary: RunSummary): void;
}

export interface ProgressOptions {
  readonly format: OutputFormat;
  readonly kind: "apply" | "rollback";
  /** The migrations folder as the user named it, for failure paths (`scripts/019_x.sql`). */
  readonly dir: string;
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function createProgress(options: ProgressOptions): Promise<Progress> {
  const write = (line: string) => options.stream.write(`${line}\n`);
  const pathOf = (name: string) => `${options.dir.replace(/\/+$/, "")}/${options.kind === "rollback" ? "rollback/" : ""}${name}`;
  if (options.format === "json") return jsonProgress(write);
  const colors = colorsFor(options.stream);
  if (options.format === "text" && showsLiveLines(options.stream)) return onceEachWarning(await ttyProgress(options.stream, colors, pathOf));
  return onceEachWarning(lineProgress(write, colors, pathOf, options.format === "github"));
}

/**
 * A terminal that can redraw a line in place: a TTY that reports its width. A pseudo-terminal without a
 * size (`script` in a CI job, some `docker run -t`) reports 0 columns, and ora, which divides by the
 * width to count the lines it drew, then clears lines without end (100 % CPU, memory growing, and
 * SIGINT never handled). Plain lines suit it.
 */
function showsLiveLines(stream: { isTTY?: boolean; columns?: number }): boolean {
  return Boolean(stream.isTTY) && (stream.columns ?? 0) > 0;
}

/** For people (text, github): a warning that a resumed call repeats is shown once. json passes every event on. */
function onceEachWarning(progress: Progress): Progress {
  const first = firstOfEachWarning();
  return {
    event(event) {
      if (first(event)) progress.event(event);
    },
    resumed: (round) => progress.resumed(round),
    finish: (summary) => progress.finish(summary),
  };
}
