import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "rls-not-enabled";

test("rls-not-enabled: a public table with no ENABLE ROW LEVEL SECURITY, fixed by a line after it", async () => {
  const sql = "-- notes\n  create table if not exists public.notes (\n    id uuid primary key\n  );\n";
  const [finding, ...rest] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { range: finding.range, severity: finding.severity, message: finding.message, help: finding.help, fixes: finding.fixes },
    {
      range: { line: 2, column: 3, endLine: 2, endColumn: 42 },
      severity: "warning",
      message: "Table public.notes is in the API-exposed public schema without ENABLE ROW LEVEL SECURITY: " +
        "anyone with the anon key can read and change its rows through the Data API",
      help: "Add `alter table public.notes enable row level security;` (in this migration or a later one), then policies for the roles that need access.",
      fixes: [{
        title: "Enable row level security",
        edits: [{ range: { line: 4, column: 5, endLine: 4, endColumn: 5 }, newText: "\n  alter table public.notes enable row level security;" }],
      }],
    },
  );
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(fixed, "-- notes\n  create table if not exists public.notes (\n    id uuid primary key\n  );\n  alter table public.notes enable row level security;\n");
  await lintOk(RULE, { "001_x.sql": fixed });
});

test("rls-not-enabled: unqualified tables and CREATE TABLE AS are in public; the fix keeps the name as written and the case", async () => {
  const sql = 'CREATE TABLE "Notes" (id int)';
  const [finding] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(finding.range, { line: 1, column: 1, endLine: 1, endColumn: 21 });
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(fixed, 'CREATE TABLE "Notes" (id int);\nALTER TABLE "Notes" ENABLE ROW LEVEL SECURITY;');
  await lintOk(RULE, { "001_x.sql": fixed });
  const [asSelect] = await lintErrors(RULE, { "001_x.sql": "create table if not exists copy as select 1 as a;" });
  assert.match(asSelect.message, /^Table public\.copy /);
});

test("rls-not-enabled: enabling it anywhere in the file or in a later file counts; an earlier file does not", async () => {
  await lintOk(RULE, {
    "001_a.sql": "alter table notes enable row level security;\ncreate table if not exists public.notes (id int);\n",
    "002_b.sql": "create table if not exists tags (id int);\n",
    "003_c.sql": "alter table only public.tags enable row level security, force row level security;\n",
  });
  const findings = await lintErrors(RULE, {
    "001_a.sql": "alter table if exists public.t enable row level security;\n",
    "002_b.sql": "create table if not exists t (id int);\nalter table t force row level security;\nalter table other enable row level security;\n",
  });
  assert.deepEqual(findings.map((f) => [f.file, f.range.line]), [["scripts/002_b.sql", 1]]);
});

test("rls-not-enabled: tables outside public, temporary tables, views and tables dropped later are not flagged", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      "create schema if not exists private;",
      "create table if not exists private.secrets (id int);",
      "create temp table scratch (id int);",
      "create or replace view public.v as select 1;",
      "create materialized view if not exists public.mv as select 1;",
      "create table if not exists public.staging (id int);",
    ].join("\n"),
    "002_y.sql": "drop table if exists staging;\n",
  });
});

test("rls-not-enabled: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts());
});
