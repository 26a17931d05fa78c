// The staging gate on PostgreSQL 15: `apply --target production` ("requires": "staging") runs only files
// staging has with the same checksum; --skip-staging --reason goes ahead and logs the reason.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { migrationChecksum } from "../../shared/migrations/index.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { lines, runCli } from "../cli/support/cli.ts";
import { appliedNames, FILES, short, tableExists, targetsProject, withDatabase } from "./support.ts";

let pg: PostgresServer;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

const TARGETS = { staging: { dbUrlEnv: "STAGING_DB_URL" }, production: { dbUrlEnv: "PRODUCTION_DB_URL", requires: "staging" } };
const EDITED_002 = "create table public.members (id bigint primary key);\n";

test("production is refused before staging has the files (nothing applied there), then applied once staging has them", async () => {
  const env = { STAGING_DB_URL: await pg.createDatabase(), PRODUCTION_DB_URL: await pg.createDatabase() };
  const cwd = targetsProject(TARGETS);
  // Staging gets 001 as it is here and 002 with another text (from another checkout), not 003.
  const other = targetsProject(TARGETS, { "001_create_teams.sql": FILES["001_create_teams.sql"], "002_create_members.sql": EDITED_002 });
  const onStaging = await runCli(["apply", "--target", "staging"], { cwd: other, env });
  assert.equal(onStaging.status, 0, onStaging.stderr);

  const refused = await runCli(["apply", "--target", "production"], { cwd, env });
  assert.equal(refused.status, 1);
  assert.equal(refused.stdout, "");
  assert.equal(refused.stderr, [
    "supamigrate apply: production requires staging first: 2 of the 3 files pending on production are not applied on staging with the same checksum:",
    `  002_create_members.sql: applied on staging with checksum ${short(await migrationChecksum(EDITED_002))}, the local file's is ${short(await migrationChecksum(FILES["002_create_members.sql"]))}`,
    "  003_add_team_name.sql: not applied on staging",
    'Apply them to staging first (supamigrate apply --target staging), or pass --skip-staging --reason "…" (the reason goes into production\'s event log). Nothing was applied.',
    "",
  ].join("\n"));
  assert.deepEqual(await appliedNames(env.PRODUCTION_DB_URL), []);
  assert.equal(await tableExists(env.PRODUCTION_DB_URL, "teams"), false);

  // The same refusal for CI: one JSON line, or an annotation on each file.
  const json = await runCli(["apply", "--target", "production", "--format", "json"], { cwd, env });
  assert.equal(json.status, 1);
  const line = JSON.parse(json.stdout);
  assert.deepEqual([line.event, line.code, line.requires, line.files.map((f: { name: string; requiredChecksum: string | null }) => [f.name, f.requiredChecksum === null])],
    ["error", "staging-required", "staging", [["002_create_members.sql", false], ["003_add_team_name.sql", true]]]);
  const github = await runCli(["apply", "--target", "production", "--format", "github"], { cwd, env });
  assert.equal(github.status, 1);
  assert.deepEqual(lines(github.stdout).map((l) => l.replace(/checksum \w+, the local file's is \w+/, "checksum <c>, the local file's is <c>")), [
    "::error file=scripts/002_create_members.sql,title=staging-required::002_create_members.sql: applied on staging with checksum <c>, the local file's is <c>: production requires staging first. Nothing was applied.",
    "::error file=scripts/003_add_team_name.sql,title=staging-required::003_add_team_name.sql: not applied on staging: production requires staging first. Nothing was applied.",
  ]);

  // A dry run is never gated: it commits nothing.
  const dry = await runCli(["apply", "--target", "production", "--dry-run"], { cwd, env });
  assert.equal(dry.status, 0, dry.stderr);
  assert.equal(lines(dry.stdout).at(-1), "Dry run: would apply 3, skipped 0 (already applied), failed 0 — <t>; nothing was committed");
  assert.deepEqual(await appliedNames(env.PRODUCTION_DB_URL), []);

  // A staging that has the files as they are here lets production through.
  const fixed = { ...env, STAGING_DB_URL: await pg.createDatabase() };
  const staged = await runCli(["apply", "--target", "staging"], { cwd, env: fixed });
  assert.equal(staged.status, 0, staged.stderr);
  const applied = await runCli(["apply", "--target", "production"], { cwd, env: fixed });
  assert.equal(applied.status, 0, applied.stderr);
  assert.deepEqual(lines(applied.stdout), [
    "✓ 001_create_teams.sql  <t>",
    "✓ 002_create_members.sql  <t>",
    "✓ 003_add_team_name.sql  <t>",
    "Applied 3, skipped 0 (already applied), failed 0 — <t>",
  ]);
  assert.deepEqual(await appliedNames(fixed.PRODUCTION_DB_URL), Object.keys(FILES));
});

test("--skip-staging --reason applies without staging and the reason is in production's event log", async () => {
  const env = { STAGING_DB_URL: await pg.createDatabase(), PRODUCTION_DB_URL: await pg.createDatabase() };
  const cwd = targetsProject(TARGETS);
  const noReason = await runCli(["apply", "--target", "production", "--skip-staging"], { cwd, env });
  assert.equal(noReason.status, 2);
  assert.match(noReason.stderr, /--skip-staging needs --reason "…" \(why the files go ahead without the required target: it goes into the target's event log\)\./);
  const notGated = await runCli(["apply", "--target", "staging", "--skip-staging", "--reason", "x"], { cwd, env });
  assert.deepEqual([notGated.status, notGated.stderr], [2,
    'supamigrate apply: --skip-staging: target staging requires no other target ("requires" in supamigrate.json); drop --skip-staging and --reason.\n']);
  assert.deepEqual(await appliedNames(env.STAGING_DB_URL), []);

  const reason = "hotfix INC-42: staging is being restored";
  const skipped = await runCli(["apply", "--target", "production", "--skip-staging", "--reason", reason], { cwd, env: { ...env, GITHUB_ACTOR: "dana" } });
  assert.equal(skipped.status, 0, skipped.stderr);
  assert.equal(lines(skipped.stdout).at(-1), "Applied 3, skipped 0 (already applied), failed 0 — <t>");
  assert.deepEqual(await appliedNames(env.PRODUCTION_DB_URL), Object.keys(FILES));
  assert.deepEqual(await appliedNames(env.STAGING_DB_URL), []);
  const events = await withDatabase(env.PRODUCTION_DB_URL, (sql) =>
    sql`select actor, details->>'skippedStaging' as reason, details->'pending' as pending from supamigrate.events where event = 'apply-started'`);
  assert.deepEqual(events.map((row) => ({ ...row })), [{ actor: "dana", reason, pending: Object.keys(FILES) }]);
});

test("the gate reports a staging it cannot read, and a fleet applies staging before production", async () => {
  const env = { STAGING_DB_URL: "postgres://postgres@127.0.0.1:1/staging", PRODUCTION_DB_URL: await pg.createDatabase() };
  const cwd = targetsProject(TARGETS);
  const unreachable = await runCli(["apply", "--target", "production"], { cwd, env });
  assert.deepEqual([unreachable.status, unreachable.stderr], [2,
    "supamigrate apply: production requires staging first, and staging's status could not be read: could not connect to the database given with " +
    "$STAGING_DB_URL (target staging): the connection was refused (ECONNREFUSED): check the host and port in the URL, and that the database is running.\n"]);
  assert.deepEqual(await appliedNames(env.PRODUCTION_DB_URL), []);

  // Named production first: it still waits for staging, and the gate then finds every file there.
  const fleetEnv = { ...env, STAGING_DB_URL: await pg.createDatabase() };
  const fleet = await runCli(["apply", "--targets", "production,staging"], { cwd, env: fleetEnv });
  assert.equal(fleet.status, 0, fleet.stderr);
  assert.deepEqual(lines(fleet.stdout), [
    "✓ staging  applied 3, skipped 0 — <t>",
    "✓ production  applied 3, skipped 0 — <t>",
    "target      result  applied  skipped  detail",
    "staging     ok      3        0",
    "production  ok      3        0",
    "2 of 2 targets succeeded — <t>",
  ]);
  assert.deepEqual(await appliedNames(fleetEnv.PRODUCTION_DB_URL), Object.keys(FILES));
});
