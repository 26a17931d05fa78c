/**
 * Bytes sent and time taken by an apply of 500 applied files + 1 pending, with the client sending applied
 * files by checksum only (its default above ~256 KiB of SQL: a status call, then the pending file's
 * text) and with every text sent (as before issue 18.4). Both are dry runs of the one pending file
 * through the served function, `delayMs` each way between the client and the function.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServe } from "../../cli/serve/index.ts";
import { createClient } from "../../shared/client/index.ts";
import type { MigrationPayload } from "../../shared/protocol/types.ts";
import type { PostgresServer } from "../../test/support/postgres.ts";
import { startDelayProxy } from "../../test/support/delay-proxy.ts";
import { writeMigrations } from "./generate.ts";

export interface SendPendingResult {
  readonly applied: number;
  readonly pendingOnly: { readonly bytes: number; readonly requests: number; readonly ms: number };
  readonly everyText: { readonly bytes: number; readonly requests: number; readonly ms: number };
}

export async function measureSendPending(pg: PostgresServer, applied: number, delayMs: number, rounds: number): Promise<SendPendingResult> {
  const dir = mkdtempSync(join(tmpdir(), "supamigrate-bench-send-"));
  const names = writeMigrations(dir, applied + 1);
  const files: MigrationPayload[] = names.map((name) => ({ name, sql: readFileSync(join(dir, name), "utf8"), rollback: null }));
  rmSync(dir, { recursive: true, force: true });
  const serve = await startServe({ dbUrl: await pg.createDatabase() });
  const proxy = delayMs > 0 ? await startDelayProxy({ host: new URL(serve.url).hostname, port: Number(new URL(serve.url).port) }, delayMs) : null;
  const url = proxy ? proxy.via(serve.url) : serve.url;
  try {
    await createClient({ url: serve.url, token: serve.token }).apply({ migrations: files.slice(0, applied) });
    const measure = async (sendPendingOnlyAbove: number) => {
      const times: number[] = [];
      let bytes = 0;
      let requests = 0;
      for (let round = 0; round < rounds; round++) {
        bytes = 0;
        requests = 0;
        const counting: typeof fetch = (input, init) => {
          requests++;
          if (typeof init?.body === "string") bytes += Buffer.byteLength(init.body);
          return fetch(input, init);
        };
        const started = performance.now();
        const done = await createClient({ url, token: serve.token, fetch: counting, sendPendingOnlyAbove }).apply({ migrations: files, dryRun: true });
        times.push(performance.now() - started);
        if (done.applied.length !== 1) throw new Error(`expected 1 pending file, the dry run applied ${done.applied.length}`);
      }
      return { bytes, requests, ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)] };
    };
    return { applied, pendingOnly: await measure(256 * 1024), everyText: await measure(Number.POSITIVE_INFINITY) };
  } finally {
    await proxy?.close();
    await serve.stop();
  }
}

export function reportSendPending(result: SendPendingResult, delayMs: number): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  return `Send only pending (${result.applied} applied + 1 pending, dry run, +${delayMs} ms each way): ` +
    `${kb(result.pendingOnly.bytes)} in ${result.pendingOnly.requests} requests, ${result.pendingOnly.ms.toFixed(0)} ms; ` +
    `every text: ${kb(result.everyText.bytes)} in ${result.everyText.requests} request, ${result.everyText.ms.toFixed(0)} ms ` +
    `(${(result.everyText.bytes / result.pendingOnly.bytes).toFixed(1)}× fewer bytes)`;
}
