/** A failed call to the function, with the contract's error code and a message that says how to fix it. */
export class FunctionCallError extends Error {
  readonly status: number;
  readonly code: string;
  /** The error body's `details`, when the function sent any (drifted files, the lock holder…). */
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "FunctionCallError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** What the client says when a stream ends without its `done` line. */
export const STREAM_ENDED_MESSAGE =
  "the connection ended before the function finished; run apply again — applied files are skipped, and a file that was mid-way was rolled back by its transaction";
