// `verify --schema` and `diff` end to end: the CLI process, the live catalog from real PostgreSQL 15
// (through the function in real Deno, or --db-url), the expected one from the PGlite shadow.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { startServe } from "../../cli/serve/index.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { seedScripts } from "../support/seed-scripts.ts";
import { lines, makeProject, runCli, SMALL_SET } from "../cli/support/cli.ts";

const ADMIN_EMAIL = "ops+admin@studley.ai";
let pg: PostgresServer;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  pg = await startPostgres();
});
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await pg?.stop();
});

async function byHand(dbUrl: string, text: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(text);
  } finally {
    await sql.end();
  }
}

/** Output lines from verify's own verdict on (the event log's head line varies). */
const fromVerdict = (stdout: string) => lines(stdout).filter((line) => !line.startsWith("Event log: "));

test("after a clean apply of scripts/ on PostgreSQL 15, verify --schema finds no difference from the PGlite shadow", async () => {
  const dbUrl = await pg.createDatabase();
  await byHand(dbUrl, `insert into auth.users (id, email) values (gen_random_uuid(), '${ADMIN_EMAIL}')`);
  const cwd = makeProject(seedScripts());
  const applied = await runCli(["apply", "--db-url", dbUrl, "--set", `admin_email=${ADMIN_EMAIL}`], { cwd });
  assert.equal(applied.status, 0, applied.stdout + applied.stderr);

  const started = performance.now();
  const verified = await runCli(["verify", "--schema", "--db-url", dbUrl, "--set", `admin_email=${ADMIN_EMAIL}`], { cwd });
  const elapsed = Math.round(performance.now() - started);
  assert.equal(verified.stderr, "");
  assert.deepEqual(fromVerdict(verified.stdout), [
    "Verified: 10 deployed files match scripts/ (0 pending).",
    // 012 promotes an existing user: on the empty shadow its DO block fails, and it declares no schema anyway.
    `note: scripts/012_create_admin_user.sql:7:1: left out of the expected schema, it fails on an empty shadow database: no auth.users row has the email ${ADMIN_EMAIL}`,
    "Schema verified: the live database matches the 10 applied migrations (350 objects compared).",
  ]);
  assert.equal(verified.status, 0);
  console.log(`verify --schema of the seed set (10 files): ${elapsed} ms, CLI start and shadow included`);
});

test("a column added in the dashboard: verify --schema (through the function) names it and exits 1; diff adopts it; verify is clean", async () => {
  const dbUrl = await pg.createDatabase();
  // From source: a function bundle built before the catalog route would not answer it.
  const serve = await startServe({ dbUrl, source: true });
  cleanups.push(() => serve.stop());
  const env = { SUPAMIGRATE_URL: serve.url, SUPAMIGRATE_TOKEN: serve.token };
  const cwd = makeProject(SMALL_SET);
  assert.equal((await runCli(["apply"], { cwd, env })).status, 0);
  await byHand(dbUrl, "alter table public.teams add column nickname text");

  const text = await runCli(["verify", "--schema"], { cwd, env });
  assert.deepEqual(fromVerdict(text.stdout), [
    "Verified: 3 deployed files match scripts/ (0 pending).",
    "schema: public.teams.nickname is in the live database but not in the applied migrations (added by hand or in the dashboard?)",
    "Schema check failed: 1 difference between the live database and the 3 applied migrations; `supamigrate diff` writes a migration for what was changed on the live database.",
  ]);
  assert.equal(text.status, 1);

  const json = await runCli(["verify", "--schema", "--format", "json"], { cwd, env });
  assert.equal(json.status, 1);
  const answer = JSON.parse(json.stdout);
  assert.equal(answer.ok, false);
  assert.deepEqual(answer.schema.differences, [{
    kind: "extra", object: "public.teams.nickname", objectKind: "column", detail: "",
    message: "public.teams.nickname is in the live database but not in the applied migrations (added by hand or in the dashboard?)",
  }]);

  const github = await runCli(["verify", "--schema", "--format", "github"], { cwd, env });
  assert.equal(github.status, 1);
  assert.ok(lines(github.stdout).includes(
    "::error title=schema extra::public.teams.nickname is in the live database but not in the applied migrations (added by hand or in the dashboard?)",
  ), github.stdout);

  const diffed = await runCli(["diff", "--name", "adopt_nickname"], { cwd, env });
  assert.equal(diffed.stderr, "");
  assert.deepEqual(lines(diffed.stdout), ["created scripts/004_adopt_nickname.sql", "created scripts/rollback/004_adopt_nickname.sql"]);
  assert.equal(diffed.status, 0);
  const migration = readFileSync(join(cwd, "scripts/004_adopt_nickname.sql"), "utf8");
  assert.ok(migration.includes("-- live only: public.teams.nickname\nalter table public.teams add column if not exists nickname text;\n"), migration);
  const rollback = readFileSync(join(cwd, "scripts/rollback/004_adopt_nickname.sql"), "utf8");
  assert.ok(rollback.includes("alter table public.teams drop column if exists nickname;\n"), rollback);

  // Applied to the database it came from, the migration changes nothing there; the migrations now declare the column.
  const applied = await runCli(["apply"], { cwd, env });
  assert.equal(applied.status, 0, applied.stdout);
  const clean = await runCli(["verify", "--schema"], { cwd, env });
  assert.deepEqual(fromVerdict(clean.stdout).slice(-1), ["Schema verified: the live database matches the 4 applied migrations (12 objects compared)."]);
  assert.equal(clean.status, 0);
});

test("diff writes what it can (a table with a serial key and a foreign key, an index, a policy) and lists what it cannot", async () => {
  const dbUrl = await pg.createDatabase();
  const cwd = makeProject(SMALL_SET);
  assert.equal((await runCli(["apply", "--db-url", dbUrl], { cwd })).status, 0);
  await byHand(dbUrl, `
    create table public.notes (id serial primary key, team_id bigint references public.teams (id), body text not null default '');
    create index teams_name_idx on public.teams (name);
    create policy "teams: members read" on public.teams for select to authenticated using (true);
    alter table public.members disable row level security;`);

  const diffed = await runCli(["diff", "--db-url", dbUrl], { cwd });
  assert.deepEqual(lines(diffed.stdout), [
    "created scripts/004_live_schema_changes.sql",
    "created scripts/rollback/004_live_schema_changes.sql",
    "not expressed: public.members: row level security disabled live, enabled expected — row level security was turned off on the live " +
    "database: turn it back on there (alter table public.members enable row level security) rather than adopt this",
  ]);
  assert.equal(diffed.status, 1, "a difference is left unexpressed");
  const migration = readFileSync(join(cwd, "scripts/004_live_schema_changes.sql"), "utf8");
  for (const statement of [
    "create sequence if not exists public.notes_id_seq as integer increment by 1 minvalue 1 maxvalue 2147483647 start with 1 cache 1;",
    "create table if not exists public.notes (\n  id integer default nextval('public.notes_id_seq'::regclass) not null,\n  team_id bigint,\n" +
    "  body text default ''::text not null,\n  constraint notes_pkey PRIMARY KEY (id)\n);",
    "alter sequence public.notes_id_seq owned by public.notes.id;",
    "create index if not exists teams_name_idx ON public.teams USING btree (name);",
    'drop policy if exists "teams: members read" on public.teams;\ncreate policy "teams: members read" on public.teams\n  as permissive for select to authenticated\n  using (true);',
    "    alter table public.notes add constraint notes_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.teams(id);",
    "-- supamigrate: not expressed: public.members: row level security disabled live, enabled expected",
  ]) assert.ok(migration.includes(statement), `${statement}\n--- not in ---\n${migration}`);
  const rollback = readFileSync(join(cwd, "scripts/rollback/004_live_schema_changes.sql"), "utf8");
  assert.ok(!rollback.includes("needs a hand-written inverse"), rollback);
  for (const statement of [
    "alter table public.notes drop constraint if exists notes_team_id_fkey;",
    "alter sequence if exists public.notes_id_seq owned by none;",
    "drop table if exists public.notes;",
    "drop index if exists public.teams_name_idx;",
  ]) assert.ok(rollback.includes(statement), `${statement}\n--- not in ---\n${rollback}`);

  assert.equal((await runCli(["apply", "--db-url", dbUrl], { cwd })).status, 0);
  const after = await runCli(["verify", "--schema", "--db-url", dbUrl], { cwd });
  assert.deepEqual(fromVerdict(after.stdout).slice(1), [
    "schema: public.members: row level security disabled live, enabled expected",
    "Schema check failed: 1 difference between the live database and the 4 applied migrations; `supamigrate diff` writes a migration for what was changed on the live database.",
  ]);
  // The migration's own rollback round-trips cleanly on a fresh database (it drops exactly what it creates).
  const fresh = await pg.createDatabase();
  const dry = await runCli(["verify", "--rollbacks", "--db-url", fresh], { cwd });
  assert.deepEqual(fromVerdict(dry.stdout).slice(-1), ["Rollbacks verified: 4 rollbacks of the pending migrations undo their file exactly."]);
  assert.equal(dry.status, 0);
});
