// What a CI user reads, end to end (the CLI process → the served function, real Deno → a real
// PostgreSQL 15): status names files, verify's github/json formats, refusals as ::error annotations, exit 3
// for a refused token, one-line usage errors, lint's colours, and a plain PostgreSQL database explained.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { type PostgresServer, psql, startPostgres } from "../support/postgres.ts";
import { lines, makeProject, runCli, serveFunction, type ServedFunction, SMALL_SET } from "./support/cli.ts";

let pg: PostgresServer;
const cleanups: Array<() => Promise<void> | void> = [];

before(async () => {
  pg = await startPostgres();
});
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await pg?.stop();
});

async function fixture(files: Record<string, string> = SMALL_SET, dbUrl?: string): Promise<{ cwd: string; fn: ServedFunction; dbUrl: string }> {
  const url = dbUrl ?? await pg.createDatabase();
  const fn = await serveFunction(url);
  const cwd = makeProject(files);
  cleanups.push(() => fn.serve.stop(), () => rmSync(cwd, { recursive: true, force: true }));
  return { cwd, fn, dbUrl: url };
}

/** A database of plain PostgreSQL: no auth, extensions or storage schema (the cluster's roles are there). */
async function plainDatabase(name: string): Promise<string> {
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template template0`);
  } finally {
    await admin.end();
  }
  return pg.adminUrl.replace(/\/postgres$/, `/${name}`);
}

test("status names pending and drifted files and marks baselined ones; verify and apply in github and json formats", async () => {
  const { cwd, fn, dbUrl } = await fixture();
  // 001 and 002 were run by hand, then recorded with baseline; 003 is pending.
  for (const name of ["001_create_teams.sql", "002_create_members.sql"]) assert.equal(psql(dbUrl, ["-1"], SMALL_SET[name]).status, 0);
  const baselined = await runCli(["baseline", "--to", "002_create_members.sql"], { cwd, env: { ...fn.env, GITHUB_ACTOR: "octocat" } });
  assert.equal(baselined.status, 0, baselined.stderr);

  const clean = await runCli(["status"], { cwd, env: fn.env });
  assert.equal(clean.status, 0, clean.stderr);
  const table = lines(clean.stdout);
  assert.equal(table[0], "name                    applied at            by                               duration");
  assert.match(table[1], /^001_create_teams\.sql {4}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ  token:default \(client: octocat\)  baselined$/);
  assert.match(table[2], /^002_create_members\.sql  \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ  token:default \(client: octocat\)  baselined$/);
  assert.deepEqual(table.slice(3), [
    "baselined: recorded as applied without running (supamigrate baseline, or import-history from the Supabase CLI's history)",
    "2 applied, 1 pending, 0 drifted (compared with scripts/)",
    "pending  scripts/003_create_team_sizes.sql",
  ]);
  const json = JSON.parse((await runCli(["status", "--format", "json"], { cwd, env: fn.env })).stdout);
  assert.deepEqual(json.applied.map((r: { name: string; baselined?: boolean; source?: string }) => [r.name, r.baselined, r.source]), [
    ["001_create_teams.sql", true, "baseline"], ["002_create_members.sql", true, "baseline"],
  ]);
  assert.deepEqual(json.local, { pending: ["003_create_team_sizes.sql"], drifted: [], missing: [] });

  // 002 edited after it was deployed; 004 added.
  writeFileSync(join(cwd, "scripts/002_create_members.sql"), `${SMALL_SET["002_create_members.sql"]}-- edited\n`);
  writeFileSync(join(cwd, "scripts/004_add_motto.sql"), "alter table public.teams add column if not exists motto text;\n");
  const drifted = await runCli(["status"], { cwd, env: fn.env });
  assert.equal(drifted.status, 0);
  assert.deepEqual(lines(drifted.stdout).slice(4), [
    "2 applied, 2 pending, 1 drifted (compared with scripts/)",
    "pending  scripts/003_create_team_sizes.sql",
    "pending  scripts/004_add_motto.sql",
    "drifted  scripts/002_create_members.sql: edited after it was deployed",
    "Run `supamigrate verify` for the checksums and how to fix each drifted file.",
  ]);

  const github = await runCli(["verify", "--format", "github"], { cwd, env: fn.env });
  assert.equal(github.status, 1);
  const out = lines(github.stdout);
  const [, deployed, local] = /deployed checksum ([0-9a-f]{12}), local ([0-9a-f]{12})/.exec(out[0]) ?? [];
  assert.ok(deployed && local, out[0]);
  assert.equal(out.at(-2), "Verify failed: 1 of 2 deployed files drifted.");
  assert.equal(out.at(-1), `::error file=scripts/002_create_members.sql,title=drift::002_create_members.sql was edited after it was deployed (deployed checksum ${deployed}, local ${local}): restore the deployed text and put the change in a new migration.`);

  const verifyJson = await runCli(["verify", "--format", "json"], { cwd, env: fn.env });
  assert.equal(verifyJson.status, 1);
  const report = JSON.parse(verifyJson.stdout);
  assert.deepEqual({ ...report, drifted: report.drifted.map((f: { name: string }) => f.name), eventLog: report.eventLog.broken }, {
    ok: false, applied: 2, pending: ["003_create_team_sizes.sql", "004_add_motto.sql"], drifted: ["002_create_members.sql"], missing: [], eventLog: null,
  });

  // apply refuses (409 drift): exit 1, the message on stderr, an annotation on the file on stdout.
  const apply = await runCli(["apply", "--format", "github"], { cwd, env: fn.env });
  assert.equal(apply.status, 1);
  assert.match(apply.stderr, /^supamigrate apply: 1 applied file differs from the deployed version: 002_create_members\.sql/);
  assert.deepEqual(lines(apply.stdout), [
    `::error file=scripts/002_create_members.sql,title=drift::002_create_members.sql was edited after it was deployed (deployed checksum ${deployed}, local ${local}): restore the deployed text and put the change in a new migration. Nothing was applied.`,
  ]);
});

test("github format: a missing placeholder value is annotated on its file (exit 2); text format prints no annotation", async () => {
  const { cwd, fn } = await fixture({ ...SMALL_SET, "004_admin.sql": "select '${admin_email}'::text;\n" });
  const github = await runCli(["apply", "--format", "github"], { cwd, env: fn.env });
  assert.equal(github.status, 2);
  assert.equal(github.stdout, "::error file=scripts/004_admin.sql,title=unresolved-placeholder::no value for ${admin_email}: supply --set admin_email=<value>. Nothing was applied.\n");
  assert.match(github.stderr, /^supamigrate apply: no value for \$\{admin_email\} in 004_admin\.sql\. Supply --set admin_email=<value>/);
  const text = await runCli(["apply"], { cwd, env: fn.env });
  assert.equal(text.status, 2);
  assert.equal(text.stdout, "");
});

test("a refused token exits 3, apart from usage errors (2); github format annotates it", async () => {
  const { cwd, fn } = await fixture();
  const wrong = { ...fn.env, SUPAMIGRATE_TOKEN: "wrong-token-0123456789abcdefghijklmnop" };
  for (const args of [["status"], ["verify"], ["apply"], ["rollback"], ["lint", "--url", fn.env.SUPAMIGRATE_URL]]) {
    const result = await runCli(args, { cwd, env: wrong });
    assert.equal(result.status, 3, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, /SUPAMIGRATE_TOKEN is missing or wrong: .* refused the call \(401\) — the token is wrong\./, args.join(" "));
  }
  const github = await runCli(["verify", "--format", "github"], { cwd, env: wrong });
  assert.equal(github.status, 3);
  assert.match(github.stdout, /^::error title=unauthorized::SUPAMIGRATE_TOKEN is missing or wrong: .* refused the call \(401\)/);
  assert.doesNotMatch(github.stdout + github.stderr, /wrong-token-0123456789/);
  const noDir = await runCli(["verify", "--dir", "nope"], { cwd, env: fn.env });
  assert.equal(noDir.status, 2);

  // --db-url: the database refusing the login is the same kind of problem (a role that may not log in: 28000).
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe("create role ci_output_nologin nologin");
  } finally {
    await admin.end();
  }
  const refusedLogin = await runCli(["status", "--db-url", pg.adminUrl.replace("postgres@", "ci_output_nologin@")], { cwd });
  assert.equal(refusedLogin.status, 3, refusedLogin.stderr);
  assert.match(refusedLogin.stderr, /^supamigrate status: could not connect to the database given with --db-url: the server refused the login \(28000\): check the user name/);
});

test("a bad option value or a missing argument: one line saying so and where the options are, exit 2, not the whole help", async () => {
  const cwd = makeProject(SMALL_SET);
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const cases: Array<[string[], string]> = [
    [["rollback", "--steps", "0"], "supamigrate rollback: option '--steps <n>' argument '0' is invalid. give a whole number of files, 1 or more.\nRun `supamigrate rollback --help` for its options.\n"],
    [["rollback", "--steps", "1.5"], "supamigrate rollback: option '--steps <n>' argument '1.5' is invalid. give a whole number of files, 1 or more.\nRun `supamigrate rollback --help` for its options.\n"],
    [["serve", "--port", "abc"], "supamigrate serve: option '--port <n>' argument 'abc' is invalid. a port number from 0 to 65535\nRun `supamigrate serve --help` for its options.\n"],
    [["new"], "supamigrate new: missing required argument 'name'\nRun `supamigrate new --help` for its options.\n"],
    [["apply", "--set", "x"], "supamigrate apply: option '--set <name=value>' argument 'x' is invalid. expected name=value (name: letters, digits, underscore), e.g. --set admin_email=you@example.com.\nRun `supamigrate apply --help` for its options.\n"],
    [["verify", "--format", "xml"], "supamigrate verify: option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json, github.\nRun `supamigrate verify --help` for its options.\n"],
    [["import-history", "--accept-unmatched", "20240101000000"], "supamigrate import-history: --accept-unmatched needs --reason \"…\" (it goes into the event log with your name).\n"],
  ];
  for (const [args, stderr] of cases) {
    const result = await runCli(args, { cwd, env: { SUPAMIGRATE_URL: "http://127.0.0.1:9/functions/v1/supamigrate" } });
    assert.deepEqual({ status: result.status, stdout: result.stdout, stderr: result.stderr }, { status: 2, stdout: "", stderr }, args.join(" "));
  }
  const help = await runCli(["--help"], { cwd });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /\nExit codes:\n {2}0 {2}ok\n {2}1 {2}lint findings at error severity, a migration failed, or drift .*\n {2}2 {2}usage or I\/O error .*\n {2}3 {2}not authorized: the function refused SUPAMIGRATE_TOKEN \(401, or 403: its scope\), or the database refused the --db-url login\n$/);
});

test("lint text output: colours with FORCE_COLOR (as on a terminal), none when piped", async () => {
  const cwd = makeProject({ "001_a.sql": "create table public.a (id int primary key);\nalter table public.a enable row level security;\n" });
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const piped = await runCli(["lint", "--no-cache"], { cwd, env: { NO_COLOR: "" } });
  assert.equal(piped.status, 0);
  assert.match(piped.stdout, /^scripts\/001_a\.sql:1:1: warning require-if-not-exists: /);
  assert.equal(piped.stderr, "0 errors, 1 warning, 0 info in 1 file\n");
  const forced = await runCli(["lint", "--no-cache"], { cwd, env: { NO_COLOR: "", FORCE_COLOR: "1" } });
  assert.equal(forced.status, 0);
  assert.equal(forced.stdout.replace(/: [^:]*$/s, ""), "scripts/001_a.sql:1:1: \u001b[1m\u001b[33mwarning\u001b[39m\u001b[22m \u001b[2mrequire-if-not-exists\u001b[22m");
  assert.equal(forced.stdout.replace(/\u001b\[\d+m/g, ""), piped.stdout);
  assert.equal(forced.stderr, "\u001b[33m0 errors, 1 warning, 0 info in 1 file\u001b[39m\n");
});

const NOT_SUPABASE_ADVICE = "Every Supabase project has the auth, extensions and storage schemas and the anon, authenticated and " +
  "service_role roles, and migrations written for Supabase use them. Point --db-url (or the function's SUPABASE_DB_URL) at your " +
  "Supabase project's database; for local testing on plain PostgreSQL, load the stand-in first: psql \"<database URL>\" -f " +
  "supabase/local/supabase-bootstrap.sql (in a project that installed supamigrate: node_modules/supamigrate/supabase/local/supabase-bootstrap.sql), " +
  "or use `supamigrate serve`, whose embedded database has it.";

test("plain PostgreSQL (no Supabase schemas): the failure says the database is not a Supabase one and how to get the bootstrap", async () => {
  const direct = await plainDatabase("plain_direct");
  const cwd = makeProject({ "001_init.sql": "-- extensions\ncreate extension if not exists pgcrypto with schema extensions;\n" });
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const viaDbUrl = await runCli(["apply", "--db-url", direct], { cwd });
  assert.equal(viaDbUrl.status, 1, viaDbUrl.stderr);
  assert.deepEqual(lines(viaDbUrl.stdout), [
    "✗ 001_init.sql  <t>",
    '  scripts/001_init.sql:2:1: error 3F000: schema "extensions" does not exist',
    `  hint: this database is not a Supabase database: schema extensions is missing. ${NOT_SUPABASE_ADVICE}`,
    "Applied 0, skipped 0 (already applied), failed 1 (001_init.sql) — <t>",
  ]);

  // The function (serve --db-url) over plain PostgreSQL says the same.
  const { cwd: project, fn } = await fixture({
    "001_profiles.sql": "create table if not exists public.profiles (\n  id uuid primary key references auth.users (id)\n);\nalter table public.profiles enable row level security;\n",
  }, await plainDatabase("plain_function"));
  const viaFunction = await runCli(["apply"], { cwd: project, env: fn.env });
  assert.equal(viaFunction.status, 1, viaFunction.stderr);
  assert.deepEqual(lines(viaFunction.stdout).slice(1, 3), [
    '  scripts/001_profiles.sql:1:1: error 3F000: schema "auth" does not exist',
    `  hint: this database is not a Supabase database: schema auth is missing. ${NOT_SUPABASE_ADVICE}`,
  ]);
});
