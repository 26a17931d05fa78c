// Concurrency, the hard case: 10 simultaneous apply calls spread over THREE function processes (real
// Deno, the built bundle) that share one PostgreSQL 15 database — first on a fresh database (the
// tracking schema is created during the race), then twice more with new files. Exactly one caller
// applies everything, each file exactly once; every other caller gets the documented 409 `lock-held`
// naming the holder, or (arriving after the winner finished) applies nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import type { DoneEvent, MigrationPayload } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import {
  assertAllOrNothing, type BundleCopy, copyBundle, errorBody, expectDone, fileStates, type Fn, migrationLockHolders, postJson, slowFile, TOKEN,
} from "./support.ts";

const CALLERS = 10;
const PROCESSES = 3;
const ROUNDS = 3;
const FILES_PER_ROUND = 4;

let pg: PostgresServer;
let bundle: BundleCopy;
let sql: postgres.Sql;
let fns: Fn[] = [];
const all: MigrationPayload[] = [];
const tally = { winners: 0, lockHeld: 0, nothingToDo: 0, namedActor: 0, namedSession: 0, sample: "" };

before(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  bundle = copyBundle();
  fns = await Promise.all(Array.from({ length: PROCESSES }, () => bundle.start({ SUPABASE_DB_URL: dbUrl, SUPAMIGRATE_TOKEN: TOKEN })));
  // Warm each process (parser load) so the callers really arrive together.
  await Promise.all(fns.map((fn) => fetch(`${fn.base}/plan`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ migrations: [slowFile(999, 0)] }) }).then((r) => r.text())));
});

after(async () => {
  await bundle?.cleanup();
  await sql?.end({ timeout: 5 });
  await pg?.stop();
});

type Outcome = { kind: "done"; actor: string; done: DoneEvent } | { kind: "lock-held"; actor: string; message: string };

for (let round = 1; round <= ROUNDS; round++) {
  test(`round ${round}: ${CALLERS} simultaneous applies through ${PROCESSES} function processes${round === 1 ? " on a fresh database" : ""}`, { timeout: 60_000 }, async () => {
    const files = Array.from({ length: FILES_PER_ROUND }, (_, k) => slowFile(500 + round * 10 + k, 0.15));
    all.push(...files);
    const actors = Array.from({ length: CALLERS }, (_, i) => `r${round}-caller-${i}`);
    const eventsBefore = round === 1 ? 0 : Number((await sql`select max(id)::int as id from supamigrate.events`)[0].id);

    const outcomes: Outcome[] = await Promise.all(actors.map(async (actor, i): Promise<Outcome> => {
      const response = await postJson(fns[i % PROCESSES].base, "apply", { migrations: all, meta: { actor } });
      if (response.status === 200) return { kind: "done", actor, done: (await expectDone(response)).done };
      const error = await errorBody(response);
      assert.deepEqual([error.status, error.code], [409, "lock-held"], error.text);
      return { kind: "lock-held", actor, message: error.message };
    }));

    const winners = outcomes.filter((o): o is Extract<Outcome, { kind: "done" }> => o.kind === "done" && o.done.applied.length > 0);
    assert.equal(winners.length, 1, `exactly one caller applied files: ${JSON.stringify(outcomes)}`);
    assert.deepEqual(winners[0].done, { event: "done", applied: files.map((f) => f.name), failed: null, stoppedBy: null });
    for (const o of outcomes) {
      if (o.kind === "done" && o !== winners[0]) assert.deepEqual(o.done, { event: "done", applied: [], failed: null, stoppedBy: null }, o.actor);
      if (o.kind === "lock-held") {
        // The holder is named: the actor recorded with the lock, or, in the moment before it is recorded, the session.
        const named = /\br\d+-caller-\d+\b/.exec(o.message)?.[0];
        assert.ok(named ? actors.includes(named) : /session \d+/.test(o.message), `the 409 names the holder: ${o.message}`);
        if (named) tally.namedActor++;
        else tally.namedSession++;
        tally.sample ||= o.message;
      }
    }
    const refused = outcomes.filter((o) => o.kind === "lock-held").length;
    tally.winners += 1;
    tally.lockHeld += refused;
    tally.nothingToDo += outcomes.length - refused - 1;

    // Exactly once: one tracking row, one applied event and three rows per file; the lock is free.
    const states = await fileStates(sql, all);
    assert.deepEqual(assertAllOrNothing(states, `round ${round}`), all.map((f) => f.name));
    const [{ rows, distinct }] = await sql`select count(*)::int as rows, count(distinct name)::int as distinct from supamigrate.migrations`;
    assert.deepEqual([rows, distinct], [all.length, all.length]);
    assert.deepEqual(await migrationLockHolders(sql), []);
    // Each applied event of this round came from the winner; each 409 on an existing schema logged one lock-refused.
    const logged = await sql`select event, actor from supamigrate.events where id > ${eventsBefore} order by id`;
    assert.deepEqual([...new Set(logged.filter((e) => e.event === "applied").map((e) => e.actor))], [`token:default (client: ${winners[0].actor})`]);
    if (round > 1) assert.equal(logged.filter((e) => e.event === "lock-refused").length, refused);
  });
}

test("the races were real: callers were refused with 409 lock-held", (t) => {
  t.diagnostic(`${ROUNDS} rounds × ${CALLERS} callers over ${PROCESSES} processes: ${tally.winners} winners, ${tally.lockHeld} × 409 lock-held, ${tally.nothingToDo} found nothing to do`);
  t.diagnostic(`409 messages naming the actor: ${tally.namedActor}, naming the session: ${tally.namedSession}; e.g. ${tally.sample}`);
  assert.ok(tally.lockHeld >= ROUNDS, `contention happened: ${JSON.stringify(tally)}`);
});
