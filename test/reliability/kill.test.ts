// Fault injection with real processes: the built function bundle in real Deno applies slow migrations
// over HTTP to a real PostgreSQL 15 and is SIGKILLed at a seeded random moment, 21 times. After each
// kill: every file is all-or-nothing (objects ⇔ tracking row ⇔ `applied` event), Postgres ends the dead
// session and with it the advisory lock (bounded wait, no pg_terminate_backend), a new function process
// applies exactly the rest, and at the end every file is applied exactly once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import type { MigrationPayload, StatusResponse } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import {
  assertAllOrNothing, authHeaders, type BundleCopy, copyBundle, expectDone, fileStates, type Fn, functionBackends, migrationLockHolders,
  postJson, readStream, seededRandom, slowFile, TOKEN, waitUntil,
} from "./support.ts";

const SEED = 0x5eed_2024;
const KILLS = 21;
const FILES_PER_ROUND = 4;
/** How long Postgres may take to notice a dead client and end its session (it took < 300 ms when measured). */
const RELEASE_BOUND_MS = 10_000;

let pg: PostgresServer;
let bundle: BundleCopy;
let sql: postgres.Sql;
let env: Record<string, string>;
let fn: Fn;
const random = seededRandom(SEED);
const all: MigrationPayload[] = [];
const observed = { releaseMs: [] as number[], landed: new Map<string, number>(), completedBeforeKill: 0 };

before(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  bundle = copyBundle();
  env = { SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN };
  fn = await bundle.start(env);
});

after(async () => {
  await bundle?.cleanup();
  await sql?.end({ timeout: 5 });
  await pg?.stop();
});

test("control: the all-or-nothing check rejects a half-applied file, an untracked one and one applied twice", () => {
  const all = { name: "100_x.sql", table: true, index: true, rows: 3, tracked: 1, appliedEvents: 1 };
  const none = { name: "101_x.sql", table: false, index: false, rows: 0, tracked: 0, appliedEvents: 0 };
  assert.deepEqual(assertAllOrNothing([all, none], "control"), ["100_x.sql"]);
  for (const broken of [{ ...all, index: false }, { ...none, table: true }, { ...all, rows: 6 }, { ...none, tracked: 1 }, { ...all, appliedEvents: 0 }]) {
    assert.throws(() => assertAllOrNothing([broken], "control"), /half-applied or applied twice/);
  }
});

for (let round = 0; round < KILLS; round++) {
  // The schedule is drawn here, at load time, so it depends on the seed only.
  const files = Array.from({ length: FILES_PER_ROUND }, (_, k) => slowFile(100 + round * 10 + k, 0.05 + random() * 0.1));
  const byTime = random() < 0.4;
  const delayMs = Math.round(random() * (byTime ? 700 : 120));
  const afterStarts = 1 + Math.floor(random() * FILES_PER_ROUND);
  const when = byTime ? `${delayMs} ms after the request` : `${delayMs} ms after migration-start #${afterStarts}`;

  test(`SIGKILL ${round + 1}/${KILLS} (${when}): all-or-nothing, lock released, a new process applies the rest exactly once`, { timeout: 60_000 }, async () => {
    all.push(...files);
    const victim = fn;
    const trackedBefore = assertAllOrNothing(await fileStates(sql, all), "before the kill");

    let killed: Promise<void> | null = null;
    const killNow = () => (killed ??= victim.kill());
    let starts = 0;
    const sent = postJson(victim.base, "apply", { migrations: all, meta: { actor: `kill-round-${round}` } }).catch((error) => error as Error);
    if (byTime) setTimeout(killNow, delayMs);
    const response = await sent;
    const read = response instanceof Response
      ? await readStream(response, (event) => {
        if (event.event === "migration-start" && ++starts === afterStarts && !byTime) setTimeout(killNow, delayMs);
      })
      : null;
    if (read?.done) observed.completedBeforeKill++;
    await killNow();

    // Right after the kill, before Postgres has necessarily noticed: still all-or-nothing.
    assertAllOrNothing(await fileStates(sql, all), "right after the kill");

    // Postgres ends the dead client's sessions by itself (EOF on the socket); the lock goes with them.
    const releaseMs = await waitUntil(async () => (await migrationLockHolders(sql)).length === 0 && (await functionBackends(sql)).length === 0, RELEASE_BOUND_MS);
    assert.notEqual(releaseMs, -1, `the advisory lock / the dead process's sessions were still there after ${RELEASE_BOUND_MS} ms`);
    observed.releaseMs.push(releaseMs);

    const tracked = assertAllOrNothing(await fileStates(sql, all), "once the dead sessions ended");
    assert.deepEqual(tracked.filter((n) => !files.some((f) => f.name === n)), trackedBefore, "earlier rounds' files are untouched");
    const thisRound = tracked.length - trackedBefore.length;
    const phase = read?.done ? "finished before the kill" : read && read.events.length > 0 ? `${thisRound} of ${FILES_PER_ROUND} committed` : "before the run started";
    observed.landed.set(phase, (observed.landed.get(phase) ?? 0) + 1);

    // A new function process: status shows no lock (the dead holder's row is not reported), apply finishes the rest.
    fn = await bundle.start(env);
    const status = (await (await fetch(`${fn.base}/status`, { headers: authHeaders() })).json()) as StatusResponse;
    assert.equal(status.lock, null);
    const rest = all.map((f) => f.name).filter((n) => !tracked.includes(n));
    const { done } = await expectDone(await postJson(fn.base, "apply", { migrations: all, meta: { actor: `resume-${round}` } }));
    assert.deepEqual(done, { event: "done", applied: rest, failed: null, stoppedBy: null });
    const final = assertAllOrNothing(await fileStates(sql, all), "after the resumed apply");
    assert.deepEqual(final, all.map((f) => f.name));
  });
}

test("after every kill: each file applied exactly once (one tracking row, one applied event, three rows)", async (t) => {
  const states = await fileStates(sql, all);
  assert.equal(states.length, KILLS * FILES_PER_ROUND);
  for (const s of states) assert.deepEqual(s, { name: s.name, table: true, index: true, rows: 3, tracked: 1, appliedEvents: 1 });
  const [{ n }] = await sql`select count(*)::int as n from supamigrate.migrations`;
  assert.equal(n, all.length);
  assert.deepEqual(await migrationLockHolders(sql), []);
  // The figures docs/reliability.md quotes.
  const sorted = [...observed.releaseMs].sort((a, b) => a - b);
  t.diagnostic(`kills: ${KILLS}; where they landed: ${JSON.stringify(Object.fromEntries(observed.landed))}`);
  t.diagnostic(`lock + sessions gone after the kill: median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`);
  // The schedule must actually hit mid-run moments, not only before or after the run.
  const midRun = [...observed.landed].filter(([phase]) => / of /.test(phase)).reduce((sum, [, count]) => sum + count, 0);
  assert.ok(midRun >= KILLS / 2, `at least half the kills land during the run: ${JSON.stringify(Object.fromEntries(observed.landed))}`);
});
