/**
 * The NDJSON progress stream of `apply` and `rollback`: one JSON event per line, written as it
 * happens; the last line is `done`. If the client goes away the run is NOT cancelled: the engine
 * finishes (each file is its own transaction, so nothing is left half-applied) and releases its lock.
 */
import type { AcceptedRun } from "../../../../shared/protocol/route-engine.ts";
import type { ApplyEvent, DoneEvent } from "../../../../shared/protocol/types.ts";

export interface StreamOptions {
  /** Called once the run has ended (after the last line), with whether the client was still reading. */
  readonly onFinish: (done: DoneEvent, clientConnected: boolean) => void;
  /** Called with an unexpected exception from the engine (logged server-side, never sent). */
  readonly onError: (error: unknown) => void;
  /** Keeps the isolate alive until the run ends (Supabase: EdgeRuntime.waitUntil). */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
}

export function ndjsonResponse(run: AcceptedRun, options: StreamOptions): Response {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let connected = true;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      connected = false; // the client went away; the run goes on
    },
  });
  const write = (event: ApplyEvent) => {
    if (!connected) return;
    try {
      controller.enqueue(encoder.encode(JSON.stringify(event) + "\n"));
    } catch {
      connected = false;
    }
  };

  const finished = (async () => {
    const applied: string[] = [];
    let current: string | null = null;
    let doneWritten = false;
    let done: DoneEvent;
    try {
      done = await run.run((event) => {
        if (event.event === "migration-start") current = event.name;
        if (event.event === "applied" || event.event === "rolled-back") applied.push(event.name);
        if (event.event === "done") doneWritten = true;
        write(event);
      });
    } catch (error) {
      options.onError(error);
      done = {
        event: "done",
        applied,
        failed: {
          name: current ?? "",
          code: "internal-error",
          message: "the run stopped on an unexpected server error (details in the function's logs); files reported applied are committed — run `supamigrate status`, then apply again",
          line: 1,
          column: 1,
        },
        stoppedBy: "error",
      };
    }
    if (!doneWritten) write(done);
    if (connected) {
      try {
        controller.close();
      } catch {
        // already closed by the client
      }
    }
    options.onFinish(done, connected);
  })();
  options.waitUntil?.(finished);

  return new Response(stream, {
    status: 200,
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
