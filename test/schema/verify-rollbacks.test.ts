// `verify --rollbacks` and `apply --dry-run` end to end: the CLI process, the engine (--db-url), real
// PostgreSQL 15. A rollback that forgets something is a finding at the rollback file, in every format.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { lines, makeProject, runCli } from "../cli/support/cli.ts";

let pg: PostgresServer;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

const PROJECT = {
  "001_create_teams.sql": "create table if not exists public.teams (id bigint primary key, name text not null);\nalter table public.teams enable row level security;\n",
  "rollback/001_create_teams.sql": "drop table if exists public.teams;\n",
  "002_team_slug.sql": "alter table public.teams add column if not exists slug text;\ncreate unique index if not exists teams_slug_key on public.teams (slug);\n",
  // Forgets the column.
  "rollback/002_team_slug.sql": "drop index if exists public.teams_slug_key;\n",
  "003_team_notes.sql": "create table if not exists public.team_notes (id bigint primary key, body text);\nalter table public.team_notes enable row level security;\n",
};

const withoutTimings = (stdout: string) => lines(stdout).filter((line) => !line.startsWith("Event log: "));

test("verify --rollbacks: a rollback that forgets a column fails it, at the rollback file (text, json, github)", async () => {
  const dbUrl = await pg.createDatabase();
  const cwd = makeProject(PROJECT);

  const text = await runCli(["verify", "--rollbacks", "--db-url", dbUrl], { cwd });
  assert.equal(text.stderr, "");
  assert.deepEqual(withoutTimings(text.stdout), [
    "Verified: 0 deployed files match scripts/ (3 pending).",
    "scripts/rollback/002_team_slug.sql:1:1: error rollback-incomplete: rollback/002_team_slug.sql leaves public.teams.slug behind",
    "Rollback check failed: 1 finding in 1 rollback (1 pending file has no rollback: not checked).",
  ]);
  assert.equal(text.status, 1);

  const github = await runCli(["verify", "--rollbacks", "--db-url", dbUrl, "--format", "github"], { cwd });
  assert.equal(github.status, 1);
  assert.ok(lines(github.stdout).includes(
    "::error file=scripts/rollback/002_team_slug.sql,line=1,col=1,title=rollback-incomplete::rollback/002_team_slug.sql leaves public.teams.slug behind",
  ), github.stdout);

  const json = await runCli(["verify", "--rollbacks", "--db-url", dbUrl, "--format", "json"], { cwd });
  assert.equal(json.status, 1);
  const answer = JSON.parse(json.stdout);
  assert.equal(answer.ok, false);
  assert.deepEqual(answer.rollbacks, {
    ok: false,
    checked: ["001_create_teams.sql", "002_team_slug.sql"],
    withoutRollback: ["003_team_notes.sql"],
    findings: [{
      name: "002_team_slug.sql", file: "rollback/002_team_slug.sql", line: 1, column: 1, code: "rollback-incomplete",
      message: "rollback/002_team_slug.sql leaves public.teams.slug behind",
      difference: { kind: "extra", object: "public.teams.slug", objectKind: "column", detail: "" },
    }],
    failed: null,
    stoppedEarly: false,
  });

  // apply --dry-run shows the same finding as a warning and still exits 0 (a dry run reports; verify judges).
  const dry = await runCli(["apply", "--dry-run", "--db-url", dbUrl], { cwd });
  assert.deepEqual(lines(dry.stdout), [
    "✓ 001_create_teams.sql  <t> (dry run)",
    "✓ 002_team_slug.sql  <t> (dry run)",
    "! rollback/002_team_slug.sql leaves public.teams.slug behind",
    "✓ 003_team_notes.sql  <t> (dry run)",
    "Dry run: would apply 3, skipped 0 (already applied), failed 0 — <t>; nothing was committed",
  ]);
  assert.equal(dry.status, 0);
});

test("verify --rollbacks passes when every rollback undoes its file, and says so when nothing is pending", async () => {
  const dbUrl = await pg.createDatabase();
  const cwd = makeProject({ ...PROJECT, "rollback/002_team_slug.sql": "drop index if exists public.teams_slug_key;\nalter table public.teams drop column if exists slug;\n" });
  const pending = await runCli(["verify", "--rollbacks", "--db-url", dbUrl], { cwd });
  assert.deepEqual(withoutTimings(pending.stdout).slice(1), [
    "Rollbacks verified: 2 rollbacks of the pending migrations undo their file exactly (1 pending file has no rollback: not checked).",
  ]);
  assert.equal(pending.status, 0);
  assert.equal((await runCli(["apply", "--db-url", dbUrl], { cwd })).status, 0);
  const none = await runCli(["verify", "--rollbacks", "--db-url", dbUrl], { cwd });
  assert.deepEqual(withoutTimings(none.stdout), [
    "Verified: 3 deployed files match scripts/ (0 pending).",
    "Rollbacks verified: no pending migration, nothing to check.",
  ]);
  assert.equal(none.status, 0);
});

test("verify --rollbacks: a rollback that fails is an error at its line", async () => {
  const dbUrl = await pg.createDatabase();
  const cwd = makeProject({ ...PROJECT, "rollback/002_team_slug.sql": "drop index if exists public.teams_slug_key;\nselect slug_typo from public.teams;\n" });
  const failed = await runCli(["verify", "--rollbacks", "--db-url", dbUrl, "--format", "github"], { cwd });
  const output = withoutTimings(failed.stdout);
  assert.deepEqual(output.filter((line) => line.includes("rollback-failed-in-dry-run")), [
    "scripts/rollback/002_team_slug.sql:2:8: error rollback-failed-in-dry-run: rollback/002_team_slug.sql fails in the dry run at line 2, " +
    'column 8: column "slug_typo" does not exist [42703]',
    "::error file=scripts/rollback/002_team_slug.sql,line=2,col=8,title=rollback-failed-in-dry-run::rollback/002_team_slug.sql fails in " +
    'the dry run at line 2, column 8: column "slug_typo" does not exist [42703]',
  ]);
  assert.equal(failed.status, 1);
});
