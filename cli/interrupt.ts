/**
 * Ctrl-C during an apply or a rollback, or a cancelled CI job (GitHub Actions sends SIGINT, then
 * SIGTERM): what has started cannot be taken back from here, so before exiting the CLI says what the
 * interrupted run leaves behind and where to look. Exit 130 / 143, as a shell reports a process ended
 * by SIGINT / SIGTERM.
 */
import { reportError } from "./output/errors.ts";

/** What stopping this CLI mid-run does to the run, by where the run happens (`Target.whenInterrupted`). */
export const INTERRUPTED_FUNCTION_RUN =
  "The function does not stop a run it has started: it finishes the files of the current call, each in its own transaction, " +
  "and records them; no further call is made. `supamigrate status` shows what ran.";
export const INTERRUPTED_DIRECT_RUN =
  "The database rolls back the file that was running when this process's connection ends; the files done before it " +
  "stay done and recorded. `supamigrate status --db-url …` shows what ran.";

class Interrupted extends Error {
  readonly code = "interrupted";
}

/** Until the returned function is called, SIGINT and SIGTERM report `consequence` and exit. */
export function explainInterruption(command: string, consequence: string, json: boolean): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    // Off a live progress line (the TTY spinner) before the message.
    if (process.stdout.isTTY) process.stdout.write("\n");
    reportError(command, new Interrupted(`interrupted (${signal}). ${consequence}`), json);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
