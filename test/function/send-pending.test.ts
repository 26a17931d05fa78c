// A large folder sends only what is needed (issue 18.4): the client asks the status, sends applied files
// by checksum and only the pending file's text; the function still refuses drift by checksum, answers
// 409 text-needed for a file sent by checksum that is not applied, and the client then sends its text.
// The built bundle in real Deno, real PostgreSQL 15, the shared HTTP client.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createClient, FunctionCallError } from "../../shared/client/index.ts";
import { migrationChecksum } from "../../shared/migrations/index.ts";
import type { MigrationPayload } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { expectError, post, type RunningFunction, startBundledFunction, TOKEN } from "./support.ts";

let pg: PostgresServer;
let fn: RunningFunction;

before(async () => {
  pg = await startPostgres();
  fn = await startBundledFunction({ SUPABASE_DB_URL: await pg.createDatabase(), SUPAMIGRATE_TOKEN: TOKEN });
});
after(async () => {
  await fn?.stop();
  await pg?.stop();
});

/** 3-digit migrations of ~2 KiB each (a comment pads them). */
const file = (n: number, extra = ""): MigrationPayload => ({
  name: `${String(n).padStart(3, "0")}_t${n}.sql`,
  sql: `-- ${"padding ".repeat(250)}\ncreate table if not exists public.t${n} (id int);\n${extra}`,
  rollback: null,
});

/** A client whose requests are recorded: route and body size in bytes. */
function recordingClient(sent: Array<{ route: string; bytes: number; body: unknown }>, sendPendingOnlyAbove?: number) {
  const recording: typeof fetch = async (input, init) => {
    const body = typeof init?.body === "string" ? init.body : "";
    sent.push({ route: String(input).split("/").at(-1)!, bytes: new TextEncoder().encode(body).length, body: body ? JSON.parse(body) : null });
    return await fetch(input, init);
  };
  return createClient({ url: fn.base, token: TOKEN, fetch: recording, sendPendingOnlyAbove });
}

test("with 40 applied files and 1 pending, the apply sends one file's text and 40 checksums, and applies the pending one", async () => {
  const folder = Array.from({ length: 40 }, (_, i) => file(i + 1));
  const first: Array<{ route: string; bytes: number; body: unknown }> = [];
  await recordingClient(first, 16 * 1024).apply({ migrations: folder });
  assert.deepEqual(first.map((s) => s.route), ["status", "apply"], "the first apply asks the status (nothing applied yet) and sends every text");
  assert.equal((first[1].body as { migrations: unknown[] }).migrations.length, 40);

  const next = [...folder, file(41)];
  const sent: Array<{ route: string; bytes: number; body: unknown }> = [];
  const done = await recordingClient(sent, 16 * 1024).apply({ migrations: next });
  assert.deepEqual(done.applied, ["041_t41.sql"]);
  assert.deepEqual(sent.map((s) => s.route), ["status", "apply"]);
  const body = sent[1].body as { migrations: MigrationPayload[]; applied: Array<{ name: string; checksum: string }> };
  assert.deepEqual(body.migrations.map((m) => m.name), ["041_t41.sql"]);
  assert.equal(body.applied.length, 40);
  assert.equal(body.applied[0].checksum, await migrationChecksum(folder[0].sql));
  assert.ok(sent[1].bytes < 8 * 1024, `the apply body is ${sent[1].bytes} bytes (all 41 texts: ${first[1].bytes} bytes)`);

  // Below the threshold everything goes in one request, as before.
  const small: Array<{ route: string; bytes: number; body: unknown }> = [];
  await recordingClient(small).apply({ migrations: next, dryRun: true });
  assert.deepEqual(small.map((s) => s.route), ["apply"]);
  assert.equal((small[0].body as { migrations: unknown[] }).migrations.length, 41);
});

test("a file sent by checksum is still checked: a different checksum is drift, one not applied is text-needed", async () => {
  const folder = [file(101), file(102)];
  await createClient({ url: fn.base, token: TOKEN, sendPendingOnlyAbove: 0 }).apply({ migrations: [...Array.from({ length: 41 }, (_, i) => file(i + 1)), ...folder] });

  const drifted = await post(fn.base, "apply", { migrations: [], applied: [{ name: "101_t101.sql", checksum: "0".repeat(64) }] });
  const driftError = await expectError(drifted, 409, "drift");
  assert.match(driftError, /101_t101\.sql \(deployed [0-9a-f]{64}, local 0{64}\)/);

  const notApplied = await post(fn.base, "apply", {
    migrations: [],
    applied: [{ name: "103_t103.sql", checksum: await migrationChecksum(file(103).sql) }],
  });
  assert.equal(notApplied.status, 409);
  assert.deepEqual((await notApplied.json()).error.details, { names: ["103_t103.sql"] });

  const invalid = await post(fn.base, "apply", { migrations: [], applied: [{ name: "104_x.sql", checksum: "abc" }] });
  await expectError(invalid, 400, "invalid-request");
});

test("when the function needs a text after all (the file was rolled back since the status), the client sends it and asks again", async () => {
  const folder = [...Array.from({ length: 41 }, (_, i) => file(i + 1)), file(101), file(102)];
  const extra = file(200);
  const sent: Array<{ route: string; bytes: number; body: unknown }> = [];
  const client = recordingClient(sent, 0);
  // A status that says 200 is applied, as if it were rolled back between the status and the apply.
  const stale = { ...client, status: async () => ({ ...(await client.status()), applied: [...(await client.status()).applied, { name: extra.name, checksum: await migrationChecksum(extra.sql), appliedAt: "", appliedBy: null, durationMs: 0, hasRollback: false, transactional: true, gitSha: null, ciRun: null }] }) };
  const { sendingOnlyPending } = await import("../../shared/client/send-pending.ts");
  const done = await sendingOnlyPending(stale, 0).apply({ migrations: [...folder, extra] });
  assert.deepEqual(done.applied, ["200_t200.sql"]);
  const applies = sent.filter((s) => s.route === "apply").map((s) => (s.body as { migrations: MigrationPayload[] }).migrations.map((m) => m.name));
  assert.deepEqual(applies.slice(-2), [[], ["200_t200.sql"]], "first sent by checksum only, then with its text");
  await assert.rejects(
    sendingOnlyPending(stale, 0).apply({ migrations: [...folder, { ...extra, sql: `${extra.sql}-- edited\n` }] }),
    (error: unknown) => error instanceof FunctionCallError && error.code === "drift",
  );
});
