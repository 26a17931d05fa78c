// The client against a small node:http server that speaks the contract (the real function is tested
// end to end in test/cli/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { applyAll, createClient, FunctionCallError, STREAM_ENDED_MESSAGE } from "./index.ts";
import type { ApplyEvent, ApplyRequest } from "../protocol/types.ts";

const TOKEN = "s3cret-token-value";
const request: ApplyRequest = { migrations: [{ name: "001_a.sql", sql: "select 1", rollback: null }] };
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(handler: Handler, port = 0): Promise<{ url: string; server: Server; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      calls.push(`${req.method} ${req.url}`);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${address.port}/functions/v1/supamigrate`, server, calls };
}

const close = (server: Server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fast = { tries: 3, baseDelayMs: 10 };

function ndjson(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "application/x-ndjson" });
}

function jsonError(res: ServerResponse, status: number, code: string, message: string, details?: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code, message, details } }));
}

test("apply posts the batch with the bearer token and reads events split across chunks as they arrive", async (t) => {
  let seen: { auth?: string; type?: string; body?: unknown } = {};
  const { url, server } = await serve(async (req, res, body) => {
    seen = { auth: req.headers.authorization, type: req.headers["content-type"], body: JSON.parse(body) };
    ndjson(res);
    res.write('{"event":"start","pending":["001_a.sql"],"dryRun":false}\n{"event":"migration-');
    await wait(20);
    res.write('start","name":"001_a.sql"}\n{"event":"applied","name":"001_a.sql","durationMs":4,"dry');
    await wait(20);
    res.end('Run":false}\n{"event":"done","applied":["001_a.sql"],"failed":null,"stoppedBy":null}');
  });
  t.after(() => close(server));
  const events: ApplyEvent[] = [];
  const done = await createClient({ url, token: TOKEN }).apply(request, (event) => events.push(event));
  assert.deepEqual(seen, { auth: `Bearer ${TOKEN}`, type: "application/json", body: request });
  assert.deepEqual(events.map((e) => e.event), ["start", "migration-start", "applied"]);
  assert.deepEqual(done, { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: null });
});

test("a region goes out as x-region on every call, streaming or not; without one there is no such header", async (t) => {
  const seen: Array<string | undefined> = [];
  const { url, server } = await serve((req, res) => {
    seen.push(req.headers["x-region"] as string | undefined);
    if (req.url?.endsWith("/status")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ applied: [], lock: null }));
      return;
    }
    ndjson(res);
    res.end('{"event":"done","applied":[],"failed":null,"stoppedBy":null}\n');
  });
  t.after(() => close(server));
  const pinned = createClient({ url, token: TOKEN, region: "eu-central-1" });
  await pinned.status();
  await pinned.apply(request);
  await createClient({ url, token: TOKEN }).status();
  assert.deepEqual(seen, ["eu-central-1", "eu-central-1", undefined]);
});

test("a stream that ends without done is a clear error", async (t) => {
  const { url, server } = await serve((_req, res) => {
    ndjson(res);
    res.end('{"event":"migration-start","name":"001_a.sql"}\n');
  });
  t.after(() => close(server));
  await assert.rejects(createClient({ url, token: TOKEN }).apply(request), (error: unknown) => {
    assert.ok(error instanceof FunctionCallError);
    assert.equal(error.code, "connection-ended");
    assert.equal(error.message, STREAM_ENDED_MESSAGE);
    return true;
  });
});

test("a connection cut mid-stream is the same clear error", async (t) => {
  const { url, server } = await serve((_req, res) => {
    ndjson(res);
    res.write('{"event":"migration-start","name":"001_a.sql"}\n');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  t.after(() => close(server));
  await assert.rejects(createClient({ url, token: TOKEN }).apply(request), { code: "connection-ended", message: STREAM_ENDED_MESSAGE });
});

test("a refused connection is retried, then the call succeeds", async (t) => {
  const probe = await serve(() => {});
  const port = Number(new URL(probe.url).port);
  await close(probe.server);
  let attempts = 0;
  let started: Awaited<ReturnType<typeof serve>> | null = null;
  const countingFetch: typeof fetch = async (input, init) => {
    attempts++;
    try {
      return await fetch(input, init);
    } catch (error) {
      // the first attempt found nothing listening: bring the server up before the retry
      started ??= await serve((_req, res) => { res.writeHead(200); res.end('{"applied":[],"lock":null}'); }, port);
      throw error;
    }
  };
  t.after(() => started && close(started.server));
  const status = await createClient({ url: probe.url, token: TOKEN, fetch: countingFetch, retry: fast }).status();
  assert.deepEqual(status, { applied: [], lock: null });
  assert.equal(attempts, 2);
});

test("an unreachable host fails after the retries with a message that says what to check", async () => {
  const probe = await serve(() => {});
  await close(probe.server);
  let attempts = 0;
  const countingFetch: typeof fetch = (input, init) => { attempts++; return fetch(input, init); };
  await assert.rejects(createClient({ url: probe.url, token: TOKEN, fetch: countingFetch, retry: fast }).status(), (error: unknown) => {
    assert.ok(error instanceof FunctionCallError);
    assert.equal(error.code, "unreachable");
    assert.equal(
      error.message,
      `could not reach ${probe.url} (ECONNREFUSED) after 3 attempts: is the function deployed / is \`supamigrate serve\` running? Check --url or SUPAMIGRATE_URL and your network.`,
    );
    return true;
  });
  assert.equal(attempts, 3);
});

test("HTTP errors are not retried", async (t) => {
  const { url, server, calls } = await serve((_req, res) => jsonError(res, 500, "internal", "boom"));
  t.after(() => close(server));
  await assert.rejects(createClient({ url, token: TOKEN, retry: fast }).status(), { status: 500, code: "internal", message: "boom" });
  assert.deepEqual(calls, ["GET /functions/v1/supamigrate/status"]);
});

test("401 says the token is missing or wrong, and never shows it", async (t) => {
  const { url, server } = await serve((_req, res) => jsonError(res, 401, "unauthorized", "missing or invalid bearer token"));
  t.after(() => close(server));
  for (const token of [TOKEN, null]) {
    await assert.rejects(createClient({ url, token }).status(), (error: unknown) => {
      assert.ok(error instanceof FunctionCallError);
      assert.equal(error.status, 401);
      assert.match(error.message, /^SUPAMIGRATE_TOKEN is missing or wrong: /);
      assert.match(error.message, token ? /the token is wrong/ : /SUPAMIGRATE_TOKEN is not set/);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
  }
});

test("404 (not JSON) says the URL should end in /functions/v1/supamigrate", async (t) => {
  const { url, server } = await serve((_req, res) => { res.writeHead(404); res.end("Not Found"); });
  t.after(() => close(server));
  await assert.rejects(createClient({ url: url.replace("/supamigrate", "/supamigrat"), token: TOKEN }).status(), (error: unknown) => {
    assert.ok(error instanceof FunctionCallError);
    assert.equal(error.code, "not-found");
    assert.match(error.message, /answered 404: the URL should be the supamigrate function's base URL, ending in \/functions\/v1\/supamigrate/);
    return true;
  });
});

test("409 drift lists the files; 409 lock-held says who holds it and since when; 413 says how to split", async (t) => {
  const answers: Array<() => [number, string, string, unknown]> = [
    () => [409, "drift", "2 applied files were edited", { drifted: [{ name: "001_a.sql" }, { name: "002_b.sql" }] }],
    () => [409, "lock-held", "another run holds the migration lock", { holder: "ci (run 42)", since: "2025-01-01T10:00:00Z" }],
    () => [413, "body-too-large", "the body is 12 MB; the limit is 10 MB", undefined],
  ];
  let i = 0;
  const { url, server } = await serve((_req, res) => {
    const [status, code, message, details] = answers[i++]();
    jsonError(res, status, code, message, details);
  });
  t.after(() => close(server));
  const client = createClient({ url, token: TOKEN });
  await assert.rejects(client.apply(request), {
    status: 409,
    code: "drift",
    message: "2 applied files were edited. Drifted: 001_a.sql, 002_b.sql. Put back the deployed text and make the change in a new migration; `supamigrate verify` lists every drifted file.",
  });
  await assert.rejects(client.apply(request), {
    code: "lock-held",
    message: "another run holds the migration lock. It is held by ci (run 42) since 2025-01-01T10:00:00Z. Wait for it to finish, then run the command again.",
  });
  await assert.rejects(client.apply(request), {
    status: 413,
    message: "the request is too large for the function (413): the body is 12 MB; the limit is 10 MB. Apply in smaller batches with --to NAME (files already applied are skipped).",
  });
});

test("a non-streaming call that gets no answer times out", async (t) => {
  const { url, server } = await serve(() => { /* never answers */ });
  t.after(() => close(server));
  await assert.rejects(createClient({ url, token: TOKEN, timeoutMs: 100 }).status(), { code: "timeout" });
});

test("applyAll resumes after a time-budget stop and returns the combined result", async (t) => {
  const dones = [
    { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: "time-budget" },
    { event: "done", applied: ["002_b.sql"], failed: null, stoppedBy: null },
  ];
  let i = 0;
  const { url, server, calls } = await serve((_req, res) => { ndjson(res); res.end(`${JSON.stringify(dones[i++])}\n`); });
  t.after(() => close(server));
  const resumed: number[] = [];
  const result = await applyAll(createClient({ url, token: TOKEN }), request, undefined, { onResume: (round) => resumed.push(round) });
  assert.deepEqual(result, { event: "done", applied: ["001_a.sql", "002_b.sql"], failed: null, stoppedBy: null, rounds: 2 });
  assert.deepEqual(resumed, [2]);
  assert.equal(calls.length, 2);
});
