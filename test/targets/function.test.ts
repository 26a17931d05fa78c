// Function targets ("url" + "tokenEnv"): staging and production are two served functions (real Deno),
// each over its own PostgreSQL 15 database and with its own token.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { lines, runCli, serveFunction, type ServedFunction } from "../cli/support/cli.ts";
import { appliedNames, FILES, targetsProject, withDatabase } from "./support.ts";

let pg: PostgresServer;
const served: ServedFunction[] = [];
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await Promise.all(served.map((fn) => fn.serve.stop()));
  await pg?.stop();
});

test("through the functions: production is refused before staging, the tokens come from each target's variable, and --skip-staging's reason is logged", async () => {
  const stagingDb = await pg.createDatabase();
  const productionDb = await pg.createDatabase();
  const [staging, production] = await Promise.all([serveFunction(stagingDb), serveFunction(productionDb)]);
  served.push(staging, production);
  const cwd = targetsProject({
    staging: { url: staging.serve.url, tokenEnv: "SUPAMIGRATE_STAGING_TOKEN" },
    production: { url: production.serve.url, tokenEnv: "SUPAMIGRATE_PRODUCTION_TOKEN", requires: "staging" },
  });
  // SUPAMIGRATE_URL / SUPAMIGRATE_TOKEN point at production, to show a named target does not read them.
  const env = {
    SUPAMIGRATE_STAGING_TOKEN: staging.serve.token, SUPAMIGRATE_PRODUCTION_TOKEN: production.serve.token,
    SUPAMIGRATE_URL: production.serve.url, SUPAMIGRATE_TOKEN: production.serve.token, GITHUB_ACTOR: "erin",
  };

  const refused = await runCli(["apply", "--target", "production"], { cwd, env });
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stderr, /^supamigrate apply: production requires staging first: 3 of the 3 files pending on production are not applied on staging with the same checksum:\n/);
  assert.deepEqual(await appliedNames(productionDb), []);

  const wrongToken = await runCli(["status", "--target", "staging"], { cwd, env: { ...env, SUPAMIGRATE_STAGING_TOKEN: production.serve.token } });
  assert.equal(wrongToken.status, 3, wrongToken.stderr);

  const onStaging = await runCli(["apply", "--target", "staging", "--to", "002_create_members.sql"], { cwd, env });
  assert.equal(onStaging.status, 0, onStaging.stderr);
  assert.deepEqual(await appliedNames(stagingDb), ["001_create_teams.sql", "002_create_members.sql"]);
  const partly = await runCli(["apply", "--target", "production", "--to", "002_create_members.sql"], { cwd, env });
  assert.equal(partly.status, 0, partly.stderr);
  assert.deepEqual(await appliedNames(productionDb), ["001_create_teams.sql", "002_create_members.sql"]);

  const reason = "staging is down for its upgrade; 003 only adds a column";
  const skipped = await runCli(["apply", "--target", "production", "--skip-staging", "--reason", reason], { cwd, env });
  assert.equal(skipped.status, 0, skipped.stderr);
  assert.deepEqual(lines(skipped.stdout), ["✓ 003_add_team_name.sql  <t>", "Applied 1, skipped 2 (already applied), failed 0 — <t>"]);
  assert.deepEqual(await appliedNames(productionDb), Object.keys(FILES));
  const events = await withDatabase(productionDb, (sql) =>
    sql`select details->>'skippedStaging' as reason, details->'pending' as pending from supamigrate.events where event = 'apply-started' order by id`);
  assert.deepEqual(events.map((row) => ({ ...row })), [
    { reason: null, pending: ["001_create_teams.sql", "002_create_members.sql"] },
    { reason, pending: ["003_add_team_name.sql"] },
  ]);
});

test("lint --target checks the files deployed on that target for edits, through its function or its database", async () => {
  const db = await pg.createDatabase();
  const staging = await serveFunction(db);
  served.push(staging);
  const cwd = targetsProject({
    staging: { url: staging.serve.url, tokenEnv: "SUPAMIGRATE_STAGING_TOKEN" },
    local: { dbUrlEnv: "LOCAL_DB_URL" },
  });
  const env = { SUPAMIGRATE_STAGING_TOKEN: staging.serve.token, LOCAL_DB_URL: db };
  const applied = await runCli(["apply", "--target", "staging", "--to", "001_create_teams.sql"], { cwd, env });
  assert.equal(applied.status, 0, applied.stderr);
  writeFileSync(join(cwd, "scripts/001_create_teams.sql"), "create table public.teams (id bigint primary key, name text);\n");

  for (const target of ["staging", "local"]) {
    const edited = await runCli(["lint", "--target", target, "--no-cache"], { cwd, env });
    assert.equal(edited.status, 1, edited.stderr);
    assert.deepEqual(lines(edited.stdout).filter((line) => line.includes("no-edit-after-deploy")).map((line) => line.split(": error ")[0]),
      ["scripts/001_create_teams.sql:1:1"], target);
  }

  const both = await runCli(["lint", "--target", "staging", "--url", staging.serve.url], { cwd, env });
  assert.deepEqual([both.status, both.stderr], [2, "supamigrate lint: --target staging takes where to go from supamigrate.json: drop --url.\n"]);
  const unknown = await runCli(["lint", "--target", "prod"], { cwd, env });
  assert.deepEqual([unknown.status, unknown.stderr], [2, "supamigrate lint: --target prod: no such target in supamigrate.json; the targets are staging, local.\n"]);
  const refused = await runCli(["lint", "--target", "staging", "--no-cache"], { cwd, env: { ...env, SUPAMIGRATE_STAGING_TOKEN: "wrong" } });
  assert.equal(refused.status, 3, refused.stderr);
  assert.match(refused.stderr, /^supamigrate lint: could not fetch the deployed state of staging: /);
});
