// `supamigrate new`: next number (digit width kept, duplicates, timestamps), the template, refusals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrationTemplate, nextMigrationName } from "../../cli/commands/new.ts";
import { lintProject } from "../../shared/lint/engine.ts";
import { runCli } from "../cli/support/cli.ts";

function project(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "supamigrate-new-"));
  mkdirSync(join(root, "scripts"));
  for (const name of files) writeFileSync(join(root, "scripts", name), "select 1;\n");
  return root;
}

test("next number: highest + 1 with the folder's digit width; a shared highest number is called out", () => {
  assert.deepEqual(nextMigrationName(["001_a.sql", "025_b.sql", "rollback", "README.md"], "add_x"), { fileName: "026_add_x.sql", notes: [] });
  assert.deepEqual(nextMigrationName(["0001_a.sql", "0009_b.sql"], "c"), { fileName: "0010_c.sql", notes: [] });
  assert.deepEqual(nextMigrationName(["099_a.sql"], "c").fileName, "100_c.sql");
  assert.deepEqual(nextMigrationName([], "first").fileName, "001_first.sql");
  assert.deepEqual(nextMigrationName(["007_a.sql", "010_x.sql", "010_y.sql"], "z"), {
    fileName: "011_z.sql",
    notes: ["note: 010_x.sql and 010_y.sql share the number 010 (two branches raced earlier; both run, in name order); the new file takes the next number."],
  });
});

test("timestamped folders get the current UTC timestamp (or highest + 1 when the clock is behind)", () => {
  const now = new Date(Date.UTC(2026, 10, 25, 8, 5, 9));
  assert.equal(nextMigrationName(["20240101120000_a.sql"], "b", now).fileName, "20261125080509_b.sql");
  assert.equal(nextMigrationName(["20300101120000_a.sql"], "b", now).fileName, "20300101120001_b.sql");
});

test("names: letters, digits, '_' and '-' only", () => {
  for (const bad of ["", "has space", "a/b", "../x", "x.sql", "é"]) assert.throws(() => nextMigrationName([], bad), /may use only letters, digits, '_' and '-'/);
  assert.equal(nextMigrationName([], "Add-Thing_2").fileName, "001_Add-Thing_2.sql");
});

test("the template follows the guidelines: the linter finds nothing in it", async () => {
  const text = migrationTemplate("026_create_invoices.sql", "create_invoices", new Date(Date.UTC(2026, 0, 2)));
  assert.match(text, /^-- 026_create_invoices\.sql\n-- Purpose: create invoices\n-- Created: 2026-01-02\n/);
  assert.match(text, /create table if not exists public\.invoices \(/);
  assert.match(text, /alter table public\.invoices enable row level security;/);
  assert.match(text, /drop policy if exists "invoices: authenticated can read" on public\.invoices;\ncreate policy "invoices: authenticated can read"/);
  assert.match(text, /Add a rollback/);
  const result = await lintProject({ dir: "scripts", listing: [{ relativePath: "026_create_invoices.sql", text }] });
  assert.deepEqual(result.findings.map((f) => `${f.rule}: ${f.message}`), []);
});

test("CLI: creates the file (and rollback), prints the paths, refuses to overwrite; duplicates and timestamps", async () => {
  const cwd = project(["001_a.sql", "024_b.sql", "025_c.sql", "025_d.sql"]);
  const made = await runCli(["new", "add_invoices", "--rollback"], { cwd });
  assert.equal(made.status, 0, made.stderr);
  assert.equal(made.stdout, "created scripts/026_add_invoices.sql\ncreated scripts/rollback/026_add_invoices.sql\n");
  assert.equal(made.stderr, "note: 025_c.sql and 025_d.sql share the number 025 (two branches raced earlier; both run, in name order); the new file takes the next number.\n");
  assert.match(readFileSync(join(cwd, "scripts/026_add_invoices.sql"), "utf8"), /^-- 026_add_invoices\.sql\n/);
  assert.match(readFileSync(join(cwd, "scripts/rollback/026_add_invoices.sql"), "utf8"), /^-- rollback\/026_add_invoices\.sql\n/);

  const next = await runCli(["new", "second"], { cwd });
  assert.equal(next.stdout, "created scripts/027_second.sql\n");
  assert.equal(next.stderr, "");

  const bad = await runCli(["new", "bad name"], { cwd });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^supamigrate new: the migration name "bad name" may use only letters/);

  // A rollback file already there (left from another branch) is never overwritten.
  writeFileSync(join(cwd, "scripts/rollback/028_third.sql"), "keep me\n");
  const clash = await runCli(["new", "third", "--rollback"], { cwd });
  assert.equal(clash.status, 2);
  assert.equal(clash.stderr, "supamigrate new: scripts/rollback/028_third.sql already exists; not overwriting it.\n");
  assert.equal(readFileSync(join(cwd, "scripts/rollback/028_third.sql"), "utf8"), "keep me\n");
  assert.ok(!readdirSync(join(cwd, "scripts")).includes("028_third.sql"));

  const stamped = project(["20240101120000_init.sql"]);
  const ts = await runCli(["new", "add_notes", "--dir", "scripts"], { cwd: stamped });
  assert.equal(ts.status, 0, ts.stderr);
  const [, stamp] = /^created scripts\/(\d{14})_add_notes\.sql\n$/.exec(ts.stdout) ?? [];
  assert.ok(stamp, ts.stdout);
  const [, y, mo, d, h, mi, se] = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(stamp)!.map(Number);
  const at = Date.UTC(y, mo - 1, d, h, mi, se);
  assert.ok(Math.abs(Date.now() - at) < 120_000, `${stamp} is the current UTC time`);

  // A folder that is not there is created, and new says so and where the folder came from.
  const nofolder = await runCli(["new", "x", "--dir", "db/migrations"], { cwd });
  assert.deepEqual(nofolder, {
    status: 0,
    stdout: "created db/migrations/001_x.sql\n",
    stderr: "note: created the migrations folder db/migrations/ (--dir).\n",
  });
  assert.deepEqual(readdirSync(join(cwd, "db/migrations")), ["001_x.sql"]);
  writeFileSync(join(cwd, "notafolder"), "");
  const file = await runCli(["new", "x", "--dir", "notafolder"], { cwd });
  assert.equal(file.status, 2);
  assert.equal(file.stderr, "supamigrate new: notafolder is a file, not a migrations folder: pass --dir <folder> or set \"migrationsDir\" in supamigrate.json.\n");
});

test("CLI: the migrations folder from supamigrate.json (or the default) is created when missing, with a note; a bad name creates nothing", async () => {
  const configured = mkdtempSync(join(tmpdir(), "supamigrate-new-"));
  writeFileSync(join(configured, "supamigrate.json"), '{"migrationsDir": "database/migrations"}\n');
  mkdirSync(join(configured, "app"));
  const bad = await runCli(["new", "bad name"], { cwd: join(configured, "app") });
  assert.equal(bad.status, 2);
  assert.deepEqual(readdirSync(configured).sort(), ["app", "supamigrate.json"]);
  // Run from a subfolder: the folder is the config's, relative to supamigrate.json (shown absolute, being outside the current folder).
  const made = await runCli(["new", "create_notes", "--rollback"], { cwd: join(configured, "app") });
  const folder = `${configured}/database/migrations`;
  assert.deepEqual(made, {
    status: 0,
    stdout: `created ${folder}/001_create_notes.sql\ncreated ${folder}/rollback/001_create_notes.sql\n`,
    stderr: `note: created the migrations folder ${folder}/ ("migrationsDir" in supamigrate.json).\n`,
  });
  const again = await runCli(["new", "second"], { cwd: configured });
  assert.deepEqual(again, { status: 0, stdout: "created database/migrations/002_second.sql\n", stderr: "" });

  const empty = mkdtempSync(join(tmpdir(), "supamigrate-new-"));
  const first = await runCli(["new", "init"], { cwd: empty });
  assert.deepEqual(first, {
    status: 0,
    stdout: "created scripts/001_init.sql\n",
    stderr: 'note: created the migrations folder scripts/ (no supamigrate.json sets "migrationsDir", and there is no scripts/ or supabase/migrations/ here).\n',
  });
});
