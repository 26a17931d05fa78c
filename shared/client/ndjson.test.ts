import { test } from "node:test";
import assert from "node:assert/strict";
import { readNdjson } from "./ndjson.ts";
import { FunctionCallError } from "./errors.ts";

function streamOf(chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function collect(chunks: Array<string | Uint8Array>): Promise<unknown[]> {
  const values: unknown[] = [];
  await readNdjson(streamOf(chunks), (value) => values.push(value));
  return values;
}

test("lines split across chunks, CRLF and a last line without a newline", async () => {
  const values = await collect(['{"a":', '1}\n{"b"', ":2}\r\n\n", '{"c":3}']);
  assert.deepEqual(values, [{ a: 1 }, { b: 2 }, { c: 3 }]);
});

test("a multi-byte character split between chunks", async () => {
  const bytes = new TextEncoder().encode('{"name":"café"}\n');
  const cut = bytes.indexOf(0xc3) + 1; // inside "é"
  const values = await collect([bytes.slice(0, cut), bytes.slice(cut)]);
  assert.deepEqual(values, [{ name: "café" }]);
});

test("a line that is not JSON is a protocol error", async () => {
  await assert.rejects(collect(['{"a":1}\n', "<html>\n"]), (error: unknown) => {
    assert.ok(error instanceof FunctionCallError);
    assert.equal(error.code, "bad-stream");
    assert.match(error.message, /not JSON: <html>/);
    return true;
  });
});
