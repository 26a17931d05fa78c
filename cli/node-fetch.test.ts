// The CLI's node:http fetch, through the real client, against a small node:http server: the same
// outcomes the client gets from the global fetch (shared/client/client.node.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, FunctionCallError, STREAM_ENDED_MESSAGE } from "../shared/client/index.ts";
import type { ApplyEvent } from "../shared/protocol/types.ts";
import { nodeFetch } from "./node-fetch.ts";

const TOKEN = "s3cret-token-value";
const request = { migrations: [{ name: "001_a.sql", sql: "select 1", rollback: null }] };
const fast = { tries: 2, baseDelayMs: 10 };

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/functions/v1/supamigrate`, server };
}
const close = (server: Server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
const client = (url: string, extra: { timeoutMs?: number } = {}) => createClient({ url, token: TOKEN, fetch: nodeFetch, retry: fast, ...extra });

test("method, headers and body go out as given; events are read as they arrive, across chunk boundaries", async (t) => {
  let seen: unknown = null;
  const events: ApplyEvent[] = [];
  const { url, server } = await serve((req, res, body) => {
    seen = { method: req.method, path: req.url, auth: req.headers.authorization, type: req.headers["content-type"], body: JSON.parse(body) };
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.write('{"event":"start","pending":["001_a.sql"],"dryRun":false}\n{"event":"migration-');
    // The first event is handed over before the answer ends.
    const check = setInterval(() => {
      if (events.length === 0) return;
      clearInterval(check);
      res.end('start","name":"001_a.sql"}\n{"event":"done","applied":["001_a.sql"],"failed":null,"stoppedBy":null}');
    }, 5);
  });
  t.after(() => close(server));
  const done = await client(url).apply(request, (event) => events.push(event));
  assert.deepEqual(seen, { method: "POST", path: "/functions/v1/supamigrate/apply", auth: `Bearer ${TOKEN}`, type: "application/json", body: request });
  assert.deepEqual(events.map((e) => e.event), ["start", "migration-start"]);
  assert.deepEqual(done, { event: "done", applied: ["001_a.sql"], failed: null, stoppedBy: null });
});

test("JSON answers and HTTP errors: status(), and a 401 described without the token", async (t) => {
  const { url, server } = await serve((req, res) => {
    const status = req.url?.endsWith("/status") && req.headers.authorization === "Bearer right" ? 200 : 401;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(status === 200 ? '{"applied":[],"lock":null}' : '{"error":{"code":"unauthorized","message":"bad token"}}');
  });
  t.after(() => close(server));
  assert.deepEqual(await createClient({ url, token: "right", fetch: nodeFetch }).status(), { applied: [], lock: null });
  await assert.rejects(client(url).status(), (error: unknown) => {
    assert.ok(error instanceof FunctionCallError);
    assert.equal(error.status, 401);
    assert.ok(!error.message.includes(TOKEN));
    return true;
  });
});

test("nothing listening: retried, then 'could not reach … (ECONNREFUSED)'", async () => {
  const { url, server } = await serve(() => {});
  await close(server);
  await assert.rejects(client(url).status(), { code: "unreachable", message: new RegExp(`^could not reach ${url.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\(ECONNREFUSED\\) after 2 attempts`) });
});

test("no answer within the timeout is a timeout; a stream cut mid-way is connection-ended", async (t) => {
  const silent = await serve(() => { /* never answers */ });
  t.after(() => close(silent.server));
  await assert.rejects(client(silent.url, { timeoutMs: 100 }).status(), { code: "timeout" });

  const cut = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.write('{"event":"migration-start","name":"001_a.sql"}\n');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  t.after(() => close(cut.server));
  await assert.rejects(client(cut.url).apply(request), { code: "connection-ended", message: STREAM_ENDED_MESSAGE });
});
