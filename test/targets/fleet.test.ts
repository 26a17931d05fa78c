// `apply --targets all` over 20 targets: 20 databases on one PostgreSQL 15, each reached with dbUrlEnv
// (the engine runs in the CLI process, as with --db-url). One target already has a table a file creates.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { lines, runCli } from "../cli/support/cli.ts";
import { appliedNames, FILES, targetsProject, withDatabase } from "./support.ts";

let pg: PostgresServer;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

const NAMES = Array.from({ length: 20 }, (_, i) => `t${String(i + 1).padStart(2, "0")}`);
const FAILING = "t07";

test("apply --targets all: 20 targets, at most 4 at a time, one line per target as it finishes, a summary table, exit 1 for the one that failed", async () => {
  const env: Record<string, string> = {};
  for (const name of NAMES) env[`${name.toUpperCase()}_DB_URL`] = await pg.createDatabase();
  await withDatabase(env[`${FAILING.toUpperCase()}_DB_URL`], (sql) => sql`create table public.members (id bigint primary key)`);
  const cwd = targetsProject(Object.fromEntries(NAMES.map((name) => [name, { dbUrlEnv: `${name.toUpperCase()}_DB_URL` }])));

  // Connections to the server while the fleet runs: each running target holds at most 2 (its engine's pool).
  let most = 0;
  let watching = true;
  const watcher = withDatabase(pg.adminUrl, async (sql) => {
    while (watching) {
      const [{ count }] = await sql`select count(*)::int as count from pg_stat_activity where application_name = 'supamigrate-cli'`;
      most = Math.max(most, count);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  const result = await runCli(["apply", "--targets", "all"], { cwd, env });
  watching = false;
  await watcher;
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stderr, "");

  const out = lines(result.stdout);
  const perTarget = out.slice(0, 21);
  const ok = NAMES.filter((name) => name !== FAILING).map((name) => `✓ ${name}  applied 3, skipped 0 — <t>`);
  // As each finishes: the order varies, the lines do not.
  assert.deepEqual([...perTarget].sort(), [
    ...ok,
    `✗ ${FAILING}  002_create_members.sql failed (applied 1, skipped 0) — <t>`,
    '  scripts/002_create_members.sql:1:1: error 42P07: relation "members" already exists',
  ].sort());
  const failedAt = perTarget.indexOf(`✗ ${FAILING}  002_create_members.sql failed (applied 1, skipped 0) — <t>`);
  assert.equal(perTarget[failedAt + 1], '  scripts/002_create_members.sql:1:1: error 42P07: relation "members" already exists');
  assert.deepEqual(out.slice(21), [
    "target  result  applied  skipped  detail",
    ...NAMES.map((name) => name === FAILING ? `${name}     failed  1        0        002_create_members.sql: 42P07` : `${name}     ok      3        0`),
    `19 of 20 targets succeeded; not: ${FAILING} — <t>`,
  ]);
  assert.ok(most > 0 && most <= 4 * 2, `at most 4 targets (2 connections each) at a time; saw ${most} connections`);

  for (const name of NAMES) {
    assert.deepEqual(await appliedNames(env[`${name.toUpperCase()}_DB_URL`]), name === FAILING ? ["001_create_teams.sql"] : Object.keys(FILES), name);
  }

  // Again, as JSON, one at a time: the 19 have nothing to do, the failing one fails again.
  const again = await runCli(["apply", "--targets", NAMES.join(","), "--concurrency", "1", "--format", "json"], { cwd, env });
  assert.equal(again.status, 1, again.stderr);
  const events = again.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(events.slice(0, 20).map((e) => [e.event, e.target, e.ok, e.applied.length, e.skipped, e.failed?.code ?? null]),
    NAMES.map((name) => ["target-done", name, name !== FAILING, 0, name === FAILING ? 1 : 3, name === FAILING ? "42P07" : null]));
  assert.deepEqual({ ...events[20], durationMs: 0 }, { event: "done", targets: 20, succeeded: 19, failed: [FAILING], durationMs: 0 });

  const bad = await runCli(["apply", "--targets", "all", "--concurrency", "0"], { cwd, env });
  assert.deepEqual([bad.status, bad.stderr], [2, "supamigrate apply: --concurrency takes a whole number of targets at a time, from 1 to 64.\n"]);
});
