/**
 * `supamigrate status | head -5`: once the reader has gone, every write to the pipe fails with EPIPE,
 * which Node raises as an unhandled 'error' event: a stack trace and exit 1. An apply died there too,
 * so a batch that takes more than one call (resumed after a time-budget stop) stopped after the
 * current one. Output nobody reads any more is dropped instead, and the command runs to its end with
 * its own exit code, as `git log | head` does.
 */
export function dropOutputOnceReaderLeaves(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}
