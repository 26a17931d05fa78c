/**
 * The client's `fetch` for the CLI, on node:http/https. Node's global fetch (undici) is loaded on
 * first use, and that costs about 100 ms on a 2-core runner: measured, a first POST of 80 KB took
 * 107–127 ms through fetch and 24–27 ms through node:http — most of `apply --url`'s start-up.
 *
 * It does what the client needs and nothing more: method, headers, a string body, an AbortSignal;
 * the answer's `ok`, `status`, `headers.get`, a streaming `body`, `text()` and `json()`. Like fetch, a
 * connection failure rejects with a TypeError whose `cause` is the system error (ECONNREFUSED…), and
 * an abort rejects with the signal's reason.
 */
import { type IncomingMessage, request as httpRequest } from "node:http";

/** An answer with the part of the Response interface the client reads. */
class NodeResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array>;

  constructor(message: IncomingMessage) {
    this.status = message.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = {
      get: (name) => {
        const value = message.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    };
    this.body = new ReadableStream<Uint8Array>({
      start(controller) {
        message.on("data", (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
        message.on("end", () => controller.close());
        // The connection ended mid-answer: a TypeError, as fetch reports it.
        message.on("error", (error) => controller.error(new TypeError("terminated", { cause: error })));
        message.on("aborted", () => controller.error(new TypeError("terminated")));
      },
      cancel() {
        message.destroy();
      },
    });
  }

  async text(): Promise<string> {
    const decoder = new TextDecoder();
    let text = "";
    const reader = this.body.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) text += decoder.decode(next.value, { stream: true });
    return text + decoder.decode();
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

export const nodeFetch = (async (input: RequestInfo | URL, init: RequestInit = {}): Promise<NodeResponse> => {
  const url = new URL(String(input));
  const signal = init.signal ?? null;
  // node:https (TLS) costs ~5–10 ms to load: only for an https URL.
  const send = url.protocol === "https:" ? (await import("node:https")).request : httpRequest;
  return await new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const outgoing = send(url, { method: init.method ?? "GET", headers: init.headers as Record<string, string> | undefined });
    const onAbort = () => outgoing.destroy(signal!.reason instanceof Error ? signal!.reason : new DOMException("aborted", "AbortError"));
    signal?.addEventListener("abort", onAbort, { once: true });
    outgoing.on("response", (message) => resolve(new NodeResponse(message)));
    outgoing.on("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
    });
    outgoing.on("close", () => signal?.removeEventListener("abort", onAbort));
    outgoing.end(typeof init.body === "string" ? init.body : undefined);
  });
}) as unknown as typeof fetch;
