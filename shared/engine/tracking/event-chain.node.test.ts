// The event log's hash chain on a real PostgreSQL 15: intact after applies, refusals and a dry run;
// each kind of tampering (a changed, deleted or smuggled-in event) reported at the right event.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type PostgresServer, startPostgres } from "../../../test/support/postgres.ts";
import { apply, refusal, session } from "../engine-harness.node.test.ts";
import { EVENT_CHAIN_LOCK_KEY } from "./event-chain.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const file = (n: number, sql = `create table if not exists public.t_${n} (id int);`) => ({ name: `00${n}_t.sql`, sql, rollback: null });
const ids = async (sql: import("postgres").Sql) => (await sql`select id::int, seq::int, hash from supamigrate.events order by id`) as unknown as Array<{ id: number; seq: number | null; hash: string | null }>;

async function withHistory(run: (db: ReturnType<typeof session>) => Promise<void>): Promise<void> {
  const db = session(await server.createDatabase());
  try {
    assert.deepEqual((await apply(db.engine, { migrations: [file(1), file(2)] })).done.applied, ["001_t.sql", "002_t.sql"]);
    await refusal(db.engine.prepareApply({ migrations: [file(1, "select 1;"), file(2)] })); // drift-refused, an event too
    assert.deepEqual((await apply(db.engine, { migrations: [file(1), file(2), file(3)], dryRun: true })).done.applied, ["003_t.sql"]);
    assert.deepEqual((await apply(db.engine, { migrations: [file(1), file(2), file(3)] })).done.applied, ["003_t.sql"]);
    await run(db);
  } finally {
    await db.close();
  }
}

test("an untouched log is one intact chain: seq 1..n, each event linked to the one before, the head the newest hash", async () => {
  await withHistory(async (db) => {
    const rows = await ids(db.sql);
    // apply-started, applied ×2, drift-refused, apply-started, applied: the dry run left no event.
    assert.deepEqual(rows.map((r) => r.seq), [1, 2, 3, 4, 5, 6]);
    const { eventLog } = await db.engine.status();
    assert.deepEqual(eventLog, { events: 6, chained: 6, head: rows.at(-1)!.hash, broken: null });
  });
});

test("a changed event, a deleted one and one inserted past the trigger are each reported at that event", async () => {
  await withHistory(async (db) => {
    const rows = await ids(db.sql);
    const bypass = (statement: string) =>
      db.sql.unsafe(`alter table supamigrate.events disable trigger user; ${statement}; alter table supamigrate.events enable trigger user`);

    await bypass(`update supamigrate.events set actor = 'someone-else' where id = ${rows[2].id}`);
    assert.deepEqual((await db.engine.status()).eventLog?.broken, { id: rows[2].id, reason: "does not match its hash: it was changed after it was written" });
    await bypass(`update supamigrate.events set actor = (select actor from supamigrate.events where id = ${rows[1].id}) where id = ${rows[2].id}`);
    assert.equal((await db.engine.status()).eventLog?.broken, null, "put back as it was, the chain is intact again");

    await bypass(`delete from supamigrate.events where id = ${rows[3].id}`);
    assert.deepEqual((await db.engine.status()).eventLog?.broken, { id: rows[4].id, reason: "follows a gap in the chain (seq 3 → 5): events were deleted" });
  });
  await withHistory(async (db) => {
    await db.sql.unsafe(`alter table supamigrate.events disable trigger events_chain;
      insert into supamigrate.events (event, name, actor) values ('applied', '009_never_ran.sql', 'forger');
      alter table supamigrate.events enable trigger events_chain`);
    const [{ id }] = await db.sql`select id::int from supamigrate.events where actor = 'forger'`;
    const { eventLog } = await db.engine.status();
    assert.deepEqual(eventLog?.broken, { id, reason: "is not in the chain: it was inserted with the chain's trigger disabled" });
  });
});

test("a dry run does not hold the chain's lock while it runs, so refusals by other callers are logged at once", async () => {
  const db = session(await server.createDatabase());
  try {
    assert.deepEqual((await apply(db.engine, { migrations: [file(1)] })).done.applied, ["001_t.sql"]);
    // 002's event is written (in the dry run's transaction) before 003 sleeps.
    const prepared = await db.engine.prepareApply({ migrations: [file(1), file(2), file(3, "select pg_sleep(1);")], dryRun: true });
    assert.ok(prepared.ok);
    let sleeping: () => void;
    const inThird = new Promise<void>((resolve) => (sleeping = resolve));
    const running = prepared.run.run((event) => {
      if (event.event === "migration-start" && event.name === "003_t.sql") sleeping();
    });
    await inThird;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const key = BigInt(EVENT_CHAIN_LOCK_KEY);
    const [{ held }] = await db.sql`select count(*)::int as held from pg_locks where locktype = 'advisory'
      and classid = ${Number(key >> 32n)} and objid = ${Number(key & 0xffffffffn)} and objsubid = 1`;
    assert.equal(held, 0, "nobody holds the chain's lock during the dry run");
    assert.deepEqual((await running).applied, ["002_t.sql", "003_t.sql"]);
    assert.equal((await db.engine.status()).eventLog?.broken, null);
  } finally {
    await db.close();
  }
});
