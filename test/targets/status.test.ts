// `status --all-targets` on PostgreSQL 15: one table across targets, a failing target in its column.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { migrationChecksum } from "../../shared/migrations/index.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { runCli } from "../cli/support/cli.ts";
import { FILES, short, targetsProject } from "./support.ts";

let pg: PostgresServer;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

const LEGACY = "create view public.team_ids as select id from public.teams;\n";
const EDITED_002 = "create table public.members (id bigint primary key);\n";

test("status --all-targets: a row per file, a column per target (✓, drifted, pending, not in the folder), an unreachable target in its column", async () => {
  const env = { STAGING_DB_URL: await pg.createDatabase(), PRODUCTION_DB_URL: await pg.createDatabase(), BROKEN_DB_URL: "postgres://postgres@127.0.0.1:1/broken" };
  const targets = { staging: { dbUrlEnv: "STAGING_DB_URL" }, production: { dbUrlEnv: "PRODUCTION_DB_URL" } };
  // Staging: the three files and a fourth this checkout no longer has; production: 001, and 002 with another text.
  const withLegacy = targetsProject(targets, { ...FILES, "004_legacy_view.sql": LEGACY });
  const older = targetsProject(targets, { "001_create_teams.sql": FILES["001_create_teams.sql"], "002_create_members.sql": EDITED_002 });
  assert.equal((await runCli(["apply", "--target", "staging"], { cwd: withLegacy, env })).status, 0);
  assert.equal((await runCli(["apply", "--target", "production"], { cwd: older, env })).status, 0);
  const legacy = short(await migrationChecksum(LEGACY));
  const edited = short(await migrationChecksum(EDITED_002));

  const cwd = targetsProject({ ...targets, broken: { dbUrlEnv: "BROKEN_DB_URL" } });
  const text = await runCli(["status", "--all-targets"], { cwd, env });
  assert.equal(text.status, 2, text.stderr);
  assert.equal(text.stderr, "");
  assert.equal(text.stdout, [
    "migration                              staging         production            broken",
    "001_create_teams.sql                   ✓               ✓                     error: unreachable",
    `002_create_members.sql                 ✓               drifted ${edited}  error: unreachable`,
    "003_add_team_name.sql                  ✓               pending               error: unreachable",
    `004_legacy_view.sql (not in scripts/)  ✓ ${legacy}  -                     error: unreachable`,
    "staging     4 applied, 0 pending, 1 drifted",
    "production  2 applied, 1 pending, 1 drifted",
    "broken      error: could not connect to the database given with $BROKEN_DB_URL (target broken): the connection was refused (ECONNREFUSED): " +
    "check the host and port in the URL, and that the database is running.",
    "",
  ].join("\n"));

  const json = await runCli(["status", "--all-targets", "--format", "json"], { cwd, env });
  assert.equal(json.status, 2);
  const answer = JSON.parse(json.stdout);
  assert.deepEqual(answer.targets.map((t: { name: string; ok: boolean; error?: { code: string } }) => [t.name, t.ok, t.error?.code ?? null]),
    [["staging", true, null], ["production", true, null], ["broken", false, "unreachable"]]);
  assert.deepEqual(answer.migrations[1], {
    name: "002_create_members.sql",
    local: await migrationChecksum(FILES["002_create_members.sql"]),
    targets: {
      staging: { state: "applied", checksum: await migrationChecksum(FILES["002_create_members.sql"]) },
      production: { state: "drifted", checksum: await migrationChecksum(EDITED_002) },
      broken: { state: "error" },
    },
  });
  assert.deepEqual(answer.migrations.map((row: { name: string; local: string | null }) => [row.name, row.local === null]), [
    ["001_create_teams.sql", false], ["002_create_members.sql", false], ["003_add_team_name.sql", false], ["004_legacy_view.sql", true],
  ]);

  // Every target answering: exit 0, drift or not (verify is the command that fails on drift).
  const reachable = await runCli(["status", "--all-targets"], { cwd: targetsProject(targets), env });
  assert.equal(reachable.status, 0, reachable.stderr);
  const both = await runCli(["status", "--all-targets", "--target", "staging"], { cwd, env });
  assert.deepEqual([both.status, both.stderr], [2, "supamigrate status: --all-targets reads every target of supamigrate.json: drop --target.\n"]);
});
