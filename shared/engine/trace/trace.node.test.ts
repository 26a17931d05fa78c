// The dry-run trace (issue 20.1) on PostgreSQL 15: locks, rewrites, rows and a verdict per file.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type PostgresServer, startPostgres } from "../../../test/support/postgres.ts";
import { apply, migrationFile as file, session } from "../engine-harness.node.test.ts";
import type { ApplyEvent } from "../../protocol/types.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const PROFILES = file("001_profiles.sql", "create table if not exists public.profiles (id bigint primary key, name text);\n");

type Trace = Extract<ApplyEvent, { event: "trace" }>;
type Verdict = Extract<ApplyEvent, { event: "verdict" }>;

test("ADD COLUMN with a volatile default on a 100k-row table: ACCESS EXCLUSIVE and a rewrite; a new table's index is safe online", async () => {
  const db = session(await server.createDatabase());
  try {
    await apply(db.engine, { migrations: [PROFILES] });
    await db.sql`insert into public.profiles select g, 'p' || g from generate_series(1, 100000) g`;
    await db.sql`analyze public.profiles`;
    const rewrite = file("002_add_token.sql", "-- a token per profile\nalter table public.profiles add column if not exists token uuid default gen_random_uuid();\n");
    const fresh = file("003_notes.sql", "create table if not exists public.notes (id bigint primary key, body text);\ncreate index if not exists notes_body_idx on public.notes (body);\n");
    const { events, done } = await apply(db.engine, { migrations: [PROFILES, rewrite, fresh], dryRun: true, trace: true });
    assert.deepEqual(done.applied, ["002_add_token.sql", "003_notes.sql"]);
    const traces = events.filter((e): e is Trace => e.event === "trace");
    const [addToken] = traces.filter((t) => t.name === "002_add_token.sql");
    assert.deepEqual({ ...addToken, durationMs: 0 }, {
      event: "trace", name: "002_add_token.sql", line: 2, column: 1, statement: "AlterTableStmt", durationMs: 0,
      locks: [{ relation: "public.profiles", mode: "ACCESS EXCLUSIVE", blocks: ["SELECT", "INSERT", "UPDATE", "DELETE", "other schema changes"], rows: 100000, rewritten: true }],
    });
    const verdicts = events.filter((e): e is Verdict => e.event === "verdict");
    assert.equal(verdicts.length, 2);
    assert.equal(verdicts[0].safeOnline, false);
    assert.match(verdicts[0].message, /^blocks reads and writes on public\.profiles \(≈100k rows, rewritten\) for ~\d+(\.\d)? (ms|s) \(ACCESS EXCLUSIVE from line 2 until the file commits\): schedule a maintenance window/);
    assert.match(verdicts[0].hint ?? "", /^avoid the rewrite/);
    assert.deepEqual({ ...verdicts[1] }, {
      event: "verdict", name: "003_notes.sql", safeOnline: true, hint: null,
      message: "safe online: no lock that makes reads or writes wait on a table that already exists",
    });
    // Nothing stayed: a dry run.
    assert.equal((await db.sql`select count(*)::int as n from information_schema.columns where table_name = 'profiles' and column_name = 'token'`)[0].n, 0);
  } finally {
    await db.close();
  }
});

test("CREATE INDEX blocks writes (SHARE) with CONCURRENTLY as the hint; CREATE INDEX CONCURRENTLY is safe online", async () => {
  const db = session(await server.createDatabase());
  try {
    await apply(db.engine, { migrations: [PROFILES] });
    await db.sql`insert into public.profiles select g, 'p' || g from generate_series(1, 1000) g`;
    const plain = file("002_name_idx.sql", "create index if not exists profiles_name_idx on public.profiles (name);\n");
    const concurrent = file("003_name_idx2.sql", "create index concurrently if not exists profiles_name2_idx on public.profiles (name);\n");
    const { events } = await apply(db.engine, { migrations: [PROFILES, plain, concurrent], dryRun: true, trace: true });
    const verdicts = events.filter((e): e is Verdict => e.event === "verdict");
    assert.deepEqual(verdicts.map((v) => [v.name, v.safeOnline]), [["002_name_idx.sql", false], ["003_name_idx2.sql", true]]);
    assert.match(verdicts[0].message, /^blocks writes on public\.profiles \(rows unknown: never analyzed\) for ~\d+ ms \(SHARE from line 1/);
    assert.equal(verdicts[0].hint, "create the index with CREATE INDEX CONCURRENTLY, in a migration file of its own (it cannot run in a transaction)");
    assert.match(verdicts[1].message, /^safe online: CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE/);
  } finally {
    await db.close();
  }
});

test("trace goes with a dry run only", async () => {
  const db = session(await server.createDatabase());
  try {
    const { validateApplyRequest } = await import("../../protocol/validate.ts");
    const refused = validateApplyRequest({ migrations: [PROFILES], trace: true });
    assert.deepEqual(refused.ok ? null : [refused.code, refused.message], ["invalid-request", "\"trace\" goes with \"dryRun\": true (a trace runs the files and rolls them back)"]);
  } finally {
    await db.close();
  }
});
