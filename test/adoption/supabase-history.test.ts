// Coexisting with the Supabase CLI (issue 18.7): with syncSupabaseHistory on, what supamigrate applies,
// baselines and rolls back is mirrored in supabase_migrations.schema_migrations, so the real Supabase CLI
// (2.117.0) lists the files as applied and `db push` finds nothing to push. Real PostgreSQL 15.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { createEngine, syncSupabaseHistorySetting } from "../../shared/engine/index.ts";
import type { MigrationPayload } from "../../shared/protocol/types.ts";
import { type PostgresServer, startPostgres } from "../support/postgres.ts";
import { ROOT } from "../cli/support/cli.ts";

const SUPABASE_CLI = join(ROOT, "node_modules", ".bin", "supabase");
let pg: PostgresServer;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

const A = "create table if not exists public.notes (id bigint primary key, body text not null);\n";
const B = "alter table public.notes add column if not exists created_at timestamptz not null default now();\n";
const files: MigrationPayload[] = [
  { name: "20240101120000_create_notes.sql", sql: A, rollback: "drop table if exists public.notes;\n" },
  { name: "20240102090000_add_created_at.sql", sql: B, rollback: "alter table public.notes drop column if exists created_at;\n" },
];

function supabase(project: string, args: string[]) {
  const result = spawnSync(SUPABASE_CLI, args, {
    cwd: project, encoding: "utf8", timeout: 120_000, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", NO_COLOR: "1" },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "supamigrate-supa-sync-"));
  mkdirSync(join(dir, "supabase", "migrations"), { recursive: true });
  writeFileSync(join(dir, "supabase", "config.toml"), 'project_id = "sync"\n');
  for (const file of files) writeFileSync(join(dir, "supabase", "migrations", file.name), file.sql);
  return dir;
}

test("apply and rollback keep the Supabase CLI's history in step: migration list agrees and db push has nothing to do", async () => {
  const url = await pg.createDatabase();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const engine = createEngine(postgres(url, { max: 2, onnotice: () => {} }), { syncSupabaseHistory: true });
  try {
    const prepared = await engine.prepareApply({ migrations: files });
    assert.ok(prepared.ok);
    assert.deepEqual((await prepared.run.run(() => {})).applied, files.map((f) => f.name));
    const history = await sql`select version, name, statements from supabase_migrations.schema_migrations order by version`;
    assert.deepEqual(history.map((r) => ({ ...r })), [
      { version: "20240101120000", name: "create_notes", statements: [A] },
      { version: "20240102090000", name: "add_created_at", statements: [B] },
    ]);
    const dir = project();
    const listed = supabase(dir, ["migration", "list", "--db-url", `${url}?sslmode=disable`]);
    assert.equal(listed.status, 0, listed.output);
    for (const version of ["20240101120000", "20240102090000"]) {
      assert.match(listed.output, new RegExp(`${version}\`? *\\| *\`?${version}`), `local and remote both list ${version}:\n${listed.output}`);
    }
    const pushed = supabase(dir, ["db", "push", "--db-url", `${url}?sslmode=disable`, "--yes"]);
    assert.equal(pushed.status, 0, pushed.output);
    assert.match(pushed.output, /Remote database is up to date/);

    const rolledBack = await engine.prepareRollback({ steps: 1 });
    assert.ok(rolledBack.ok);
    await rolledBack.run.run(() => {});
    assert.deepEqual((await sql`select version from supabase_migrations.schema_migrations order by version`).map((r) => r.version), ["20240101120000"]);
    const dry = supabase(dir, ["db", "push", "--db-url", `${url}?sslmode=disable`, "--dry-run"]);
    assert.equal(dry.status, 0, dry.output);
    assert.match(dry.output, /20240102090000_add_created_at\.sql/, "db push would run the rolled-back file, as supamigrate would");
  } finally {
    await engine.close();
    await sql.end();
  }
});

test("off by default: apply writes no Supabase CLI history; baseline with the sync on records it", async () => {
  const url = await pg.createDatabase();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const plain = createEngine(postgres(url, { max: 2, onnotice: () => {} }));
  const syncing = createEngine(postgres(url, { max: 2, onnotice: () => {} }), { syncSupabaseHistory: true });
  try {
    const prepared = await plain.prepareApply({ migrations: files.slice(0, 1) });
    assert.ok(prepared.ok);
    await prepared.run.run(() => {});
    assert.equal((await sql`select to_regclass('supabase_migrations.schema_migrations') as t`)[0].t, null);
    await sql.unsafe(B);
    const baselined = await syncing.baseline({ migrations: files, force: true });
    assert.ok(baselined.ok, JSON.stringify(baselined));
    assert.deepEqual((await sql`select version, name from supabase_migrations.schema_migrations`).map((r) => ({ ...r })), [
      { version: "20240102090000", name: "add_created_at" },
    ]);
  } finally {
    await plain.close();
    await syncing.close();
    await sql.end();
  }
});

test("the switch: unset, \"\" and \"false\" are off, \"true\" is on, anything else is refused", () => {
  assert.deepEqual([undefined, "", "false", "true", "yes", "1"].map(syncSupabaseHistorySetting), [false, false, false, true, null, null]);
});
