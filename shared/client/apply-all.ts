/**
 * Applies a whole batch, resuming after the function stops for its wall-clock budget
 * (`stoppedBy: "time-budget"`): the next call skips what was applied and carries on.
 */
import type { ApplyRequest, DoneEvent } from "../protocol/types.ts";
import type { EventHandler, FunctionClient } from "./client.ts";
import { FunctionCallError } from "./errors.ts";

export interface ApplyAllResult extends DoneEvent {
  /** Calls made (1 when nothing hit the time budget). */
  readonly rounds: number;
}

export interface ApplyAllOptions {
  /** Upper bound on calls (default 50). */
  readonly maxRounds?: number;
  /** Told before each resumed call, with the round number (2, 3, …). */
  readonly onResume?: (round: number) => void;
}

export async function applyAll(
  client: FunctionClient,
  request: ApplyRequest,
  onEvent?: EventHandler,
  options: ApplyAllOptions = {},
): Promise<ApplyAllResult> {
  const maxRounds = options.maxRounds ?? 50;
  const applied: string[] = [];
  for (let round = 1; ; round++) {
    if (round > 1) options.onResume?.(round);
    const done = await client.apply(request, onEvent);
    applied.push(...done.applied);
    const resume = done.stoppedBy === "time-budget" && done.failed === null && !request.dryRun;
    if (!resume) return { event: "done", applied, failed: done.failed, stoppedBy: done.stoppedBy, rounds: round };
    if (done.applied.length === 0) {
      throw new FunctionCallError(0, "no-progress", "the function stopped for its time budget without applying a file: one migration takes longer than the budget. Apply it with `supamigrate apply --db-url` or raise the function's time budget.");
    }
    if (round >= maxRounds) {
      throw new FunctionCallError(0, "too-many-rounds", `still pending after ${round} calls (each stopped by the function's time budget); run apply again to continue.`);
    }
  }
}
