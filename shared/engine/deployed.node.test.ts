// The deployed text of each tracked file (tracking schema 4): what ran, as sent, for comparing an
// edited file with it; kept through baseline and repair, null for rows recorded before schema 4.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type PostgresServer, startPostgres } from "../../test/support/postgres.ts";
import { apply, session } from "./engine-harness.node.test.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const ONE = "-- who: ${owner}\ncreate table if not exists public.one (id int);\n";
const TWO = "create table if not exists public.two (id int);\n";

test("deployed answers each tracked file's text as sent (placeholders unsubstituted) and leaves untracked names out", async () => {
  const db = session(await server.createDatabase());
  try {
    assert.deepEqual(await db.engine.deployed({ names: ["001_one.sql"] }), { files: [] }, "no tracking schema yet");
    await apply(db.engine, { migrations: [{ name: "001_one.sql", sql: ONE, rollback: null }], placeholders: { owner: "ops" } });
    const answer = await db.engine.deployed({ names: ["002_two.sql", "001_one.sql"] });
    assert.equal(answer.files.length, 1);
    assert.equal(answer.files[0].name, "001_one.sql");
    assert.equal(answer.files[0].sql, ONE);
    assert.match(answer.files[0].checksum, /^[0-9a-f]{64}$/);
  } finally {
    await db.close();
  }
});

test("baseline records the file's text, repair accept-checksum replaces it, and a row from before schema 4 answers null", async () => {
  const db = session(await server.createDatabase());
  try {
    await apply(db.engine, { migrations: [{ name: "001_one.sql", sql: ONE.replace("${owner}", "x"), rollback: null }] });
    // A row as schema 3 left it: no text.
    await db.sql`update supamigrate.migrations set sql = null`;
    assert.equal((await db.engine.deployed({ names: ["001_one.sql"] })).files[0].sql, null);

    await db.sql.unsafe(TWO);
    const baselined = await db.engine.baseline({ migrations: [{ name: "001_one.sql", sql: ONE.replace("${owner}", "x"), rollback: null }, { name: "002_two.sql", sql: TWO, rollback: null }], force: true });
    assert.equal(baselined.ok, true, JSON.stringify(baselined));
    assert.equal((await db.engine.deployed({ names: ["002_two.sql"] })).files[0].sql, TWO);

    const edited = `${TWO}-- a comment added after deploy\n`;
    const repaired = await db.engine.repair({ action: "accept-checksum", name: "002_two.sql", sql: edited, reason: "comment only" });
    assert.equal(repaired.ok, true);
    assert.equal((await db.engine.deployed({ names: ["002_two.sql"] })).files[0].sql, edited);
  } finally {
    await db.close();
  }
});
