// `supamigrate serve`: startServe() with the embedded PGlite database (one connection, pool of 1)
// applies the seed set over HTTP; the CLI prints the contract's `url:` and `token:` lines and stops
// cleanly on SIGTERM.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { type Serve, startServe } from "../../cli/serve/index.ts";
import type { StatusResponse } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { ADMIN_EMAIL, CREATE_ADMIN_USER, events, post, seedMigrations } from "./support.ts";

let serve: Serve;
let pgliteDir: string;
let firstStartMs = 0;

before(async () => {
  pgliteDir = mkdtempSync(join(tmpdir(), "supamigrate-pglite-"));
  const started = Date.now();
  serve = await startServe({ pgliteDir, token: undefined });
  firstStartMs = Date.now() - started;
  console.log(`# serve with a new PGlite database started in ${firstStartMs} ms`);
});

after(async () => {
  await serve?.stop();
  rmSync(pgliteDir, { recursive: true, force: true });
});

test("startServe: the contract's base URL and a token", () => {
  assert.match(serve.url, /^http:\/\/127\.0\.0\.1:\d+\/functions\/v1\/supamigrate$/);
  assert.equal(serve.embedded, true);
  if (!process.env.SUPAMIGRATE_TOKEN) {
    assert.equal(serve.tokenGenerated, true);
    assert.match(serve.token, /^[A-Za-z0-9_-]{43}$/);
  }
});

test("serve with PGlite applies the seed set, then status lists it", async () => {
  // The admin user exists before 012 runs, as the seed requires (created in the Auth dashboard).
  const sql = postgres(serve.dbUrl, { max: 1, prepare: false, onnotice: () => {} });
  await sql.unsafe(CREATE_ADMIN_USER);
  await sql.end();

  const seed = seedMigrations();
  const list = await events(await post(serve.url, "apply", { migrations: seed, placeholders: { admin_email: ADMIN_EMAIL } }, serve.token));
  assert.deepEqual(list.at(-1), { event: "done", applied: seed.map((m) => m.name), failed: null, stoppedBy: null });
  const status = await fetch(`${serve.url}/status`, { headers: { authorization: `Bearer ${serve.token}` } });
  assert.equal(status.status, 200);
  const body = (await status.json()) as StatusResponse;
  assert.deepEqual(body.applied.map((m) => m.name), seed.map((m) => m.name));
  assert.equal(body.lock, null);
});

let pg: PostgresServer | undefined;
after(async () => {
  await pg?.stop();
});

test("the CLI prints `url:` and `token:` lines and stops Deno on SIGTERM", async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  const env = { ...process.env };
  delete env.SUPAMIGRATE_TOKEN;
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "serve", "--db-url", dbUrl, "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  try {
    const deadline = Date.now() + 60_000;
    while (!/^token: .+\n/m.test(stdout) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const url = /^url: (http:\/\/127\.0\.0\.1:\d+\/functions\/v1\/supamigrate)$/m.exec(stdout)?.[1];
    const token = /^token: ([A-Za-z0-9_-]{43})$/m.exec(stdout)?.[1];
    assert.ok(url && token, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    assert.equal(stdout, `url: ${url}\ntoken: ${token}\n`, "stdout holds exactly the two contract lines");
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const status = await fetch(`${url}/status`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(status.status, 200);
    assert.deepEqual(await status.json(), { applied: [], lock: null, eventLog: { events: 0, chained: 0, head: null, broken: null } });
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    await assert.rejects(fetch(`${url}/health`), "Deno is gone after SIGTERM");
    assert.doesNotMatch(stderr, new RegExp(token));
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
