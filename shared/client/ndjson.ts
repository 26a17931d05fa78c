/**
 * Reads an `application/x-ndjson` body line by line as it arrives: lines split across chunks, CRLF,
 * and a last line without a newline are all handled. A line that is not JSON is a protocol error.
 */
import { FunctionCallError } from "./errors.ts";

export async function readNdjson(body: ReadableStream<Uint8Array>, onValue: (value: unknown) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const flushLine = (line: string) => {
    const trimmed = line.replace(/\r$/, "").trim();
    if (trimmed === "") return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw new FunctionCallError(0, "bad-stream", `the function sent a line that is not JSON: ${trimmed.slice(0, 120)}`);
    }
    onValue(value);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        flushLine(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
    }
    buffer += decoder.decode();
    flushLine(buffer);
  } finally {
    reader.releaseLock();
  }
}
