// Baseline on a database whose migrations were run by hand (real PostgreSQL 15): engine, CLI (--db-url).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { createEngine } from "../../shared/engine/index.ts";
import type { MigrationEngine } from "../../shared/engine/types.ts";
import { type PostgresServer, psql, startPostgres } from "../support/postgres.ts";
import { runCli } from "../cli/support/cli.ts";
import { ADMIN_EMAIL, applyByHand, projectCopy, seed } from "./support.ts";

let pg: PostgresServer;
const files = seed();
const names = files.map((f) => f.name);
const open: Array<{ engine: MigrationEngine }> = [];

before(async () => {
  pg = await startPostgres();
});
after(async () => {
  for (const o of open) await o.engine.close().catch(() => {});
  await pg?.stop();
});

async function handRun(): Promise<{ url: string; engine: MigrationEngine; sql: postgres.Sql }> {
  const url = await pg.createDatabase();
  applyByHand(url);
  const engine = createEngine(postgres(url, { max: 2, onnotice: () => {} }), { defaultActor: "tester" });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  open.push({ engine }, { engine: { close: () => sql.end() } as unknown as MigrationEngine });
  return { url, engine, sql };
}

test("baseline records every hand-run file without running it; a following apply runs nothing", async () => {
  const { engine, sql } = await handRun();
  const dry = await engine.baseline!({ migrations: files, dryRun: true });
  assert.ok(dry.ok);
  assert.equal(dry.result.dryRun, true);
  assert.deepEqual(dry.result.recorded, []);
  assert.deepEqual(dry.result.mismatched, [], JSON.stringify(dry.result.files, null, 1));
  assert.equal(await sql`select to_regclass('supamigrate.migrations') as t`.then(([r]) => r.t), null, "a dry run creates nothing");
  assert.deepEqual(dry.result.files.find((f) => f.name === "012_create_admin_user.sql"),
    { name: "012_create_admin_user.sql", checksum: dry.result.files.find((f) => f.name === "012_create_admin_user.sql")!.checksum, status: "unchecked", checked: 0, problems: [] });
  assert.equal(dry.result.files.find((f) => f.name === "013_create_ai_workspace_tables.sql")!.status, "ok");

  const done = await engine.baseline!({ migrations: files, meta: { actor: "alice" } });
  assert.ok(done.ok, JSON.stringify(done));
  assert.deepEqual(done.result.recorded, names);
  const rows = await sql`select name, applied_by, baselined, source, duration_ms from supamigrate.migrations order by name`;
  assert.deepEqual(rows.map((r) => ({ ...r })), names.map((name) => ({ name, applied_by: "alice", baselined: true, source: "baseline", duration_ms: 0 })));
  const events = await sql`select event, name, actor, details->>'source' as source from supamigrate.events order by id`;
  assert.deepEqual(events.map((e) => ({ ...e })), names.map((name) => ({ event: "baselined", name, actor: "alice", source: "baseline" })));

  const plan = await engine.plan({ migrations: files, placeholders: { admin_email: ADMIN_EMAIL } });
  assert.ok(plan.ok);
  assert.deepEqual(plan.plan.pending, []);
  assert.deepEqual(plan.plan.applied, names);
  const prepared = await engine.prepareApply({ migrations: files, placeholders: { admin_email: ADMIN_EMAIL } });
  assert.ok(prepared.ok);
  const result = await prepared.run.run(() => {});
  assert.deepEqual(result, { event: "done", applied: [], failed: null, stoppedBy: null });

  // A second baseline refuses: the tracking table is in use.
  const again = await engine.baseline!({ migrations: files });
  assert.equal(again.ok, false);
  assert.equal(!again.ok && again.rejection.code, "already-tracked");
  assert.equal(!again.ok && again.rejection.status, 409);
});

test("a file whose objects were dropped is reported and refused without --force; --force records it", async () => {
  const { engine, sql } = await handRun();
  await sql.unsafe("drop table public.workspace_documents cascade");
  const refused = await engine.baseline!({ migrations: files });
  assert.equal(refused.ok, false);
  if (refused.ok) return;
  assert.equal(refused.rejection.status, 409);
  assert.equal(refused.rejection.code, "baseline-mismatch");
  const report = (refused.rejection.details as { files: Array<{ name: string; status: string; problems: string[] }> }).files;
  const bad = report.filter((f) => f.status === "mismatch");
  assert.equal(bad.length, 1, JSON.stringify(bad));
  assert.equal(bad[0].name, "013_create_ai_workspace_tables.sql");
  assert.ok(bad[0].problems.includes("table public.workspace_documents is missing"), bad[0].problems.join("\n"));
  assert.match(refused.rejection.message, /013_create_ai_workspace_tables\.sql: table public\.workspace_documents is missing/);
  assert.deepEqual(await sql`select count(*)::int as n from supamigrate.migrations`.then(([r]) => r.n), 0, "nothing recorded");

  const forced = await engine.baseline!({ migrations: files, force: true });
  assert.ok(forced.ok);
  assert.deepEqual(forced.result.recorded, names);
  assert.deepEqual(forced.result.mismatched, ["013_create_ai_workspace_tables.sql"]);
  const [row] = await sql`select details->>'comparison' as comparison, details->>'forced' as forced from supamigrate.events
    where event = 'baselined' and name = '013_create_ai_workspace_tables.sql'`;
  assert.deepEqual({ ...row }, { comparison: "mismatch", forced: "true" });
});

test("baseline --to records only the files up to NAME; apply then runs the rest", async () => {
  const url = await pg.createDatabase();
  const upTo = names.indexOf("013_create_ai_workspace_tables.sql");
  applyByHand(url, files.slice(0, upTo + 1));
  const engine = createEngine(postgres(url, { max: 2, onnotice: () => {} }));
  open.push({ engine });
  const done = await engine.baseline!({ migrations: files, to: "013_create_ai_workspace_tables.sql" });
  assert.ok(done.ok, JSON.stringify(done));
  assert.deepEqual(done.result.recorded, names.slice(0, upTo + 1));
  const plan = await engine.plan({ migrations: files, placeholders: { admin_email: ADMIN_EMAIL } });
  assert.ok(plan.ok);
  assert.deepEqual(plan.plan.pending, names.slice(upTo + 1));
});

test("CLI: baseline --dry-run shows the comparison, baseline records, a second one refuses (exit 2)", async () => {
  const url = await pg.createDatabase();
  applyByHand(url);
  psql(url, ["-c", "drop table public.workspace_documents cascade"]);
  const cwd = projectCopy();
  const dry = await runCli(["baseline", "--db-url", url, "--dry-run"], { cwd });
  assert.equal(dry.status, 1, dry.stderr);
  const lines = dry.stdout.trim().split("\n");
  assert.ok(lines.includes("MISMATCH  013_create_ai_workspace_tables.sql: table public.workspace_documents is missing"), dry.stdout);
  assert.ok(lines.includes("unchecked 012_create_admin_user.sql declares nothing checkable (data changes only, or objects a later file replaced): not compared"), dry.stdout);
  assert.equal(lines.at(-1), "Dry run: 1 file(s) do not match the database; baseline would refuse without --force.");

  const refused = await runCli(["baseline", "--db-url", url], { cwd });
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stdout, /Baseline refused: 1 file\(s\) do not match the database; nothing was recorded\./);

  const forced = await runCli(["baseline", "--db-url", url, "--force"], { cwd });
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(forced.stdout.trim().split("\n").at(-1), `Baselined ${names.length} file(s) as applied without running them (forced despite 1 mismatch(es)).`);

  const again = await runCli(["baseline", "--db-url", url], { cwd });
  assert.equal(again.status, 2);
  assert.match(again.stderr, /^supamigrate baseline: the tracking table already has 10 applied file\(s\)/);

  const apply = await runCli(["apply", "--db-url", url, "--set", `admin_email=${ADMIN_EMAIL}`], { cwd });
  assert.equal(apply.status, 0, apply.stderr + apply.stdout);
});
