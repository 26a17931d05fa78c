import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintFixture, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "adding-not-nullable-field";
const ON = { severities: { [RULE]: "warning" as const } };
const TABLE = { "030_notes.sql": "create table if not exists public.notes (id int, title text, body text);\n" };

test("adding-not-nullable-field: off by default; on, SET NOT NULL on a column of an existing table, ranged over its command", async () => {
  const files = { ...TABLE, "031_x.sql": "alter table public.notes alter column body drop default,\n  alter column title set not null;\n" };
  await lintOk(RULE, files);
  const [finding, ...rest] = await lintErrors(RULE, files, ON);
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { range: finding.range, message: finding.message, help: finding.help, fixes: finding.fixes },
    {
      range: { line: 2, column: 3, endLine: 2, endColumn: 34 },
      message: "SET NOT NULL on column title of existing table public.notes scans every row under an ACCESS EXCLUSIVE lock (no reads " +
        "or writes of the table until it finishes), and fails if a row holds NULL",
      help: "In one migration add `alter table public.notes add constraint notes_title_not_null check (title is not null) not valid;`; " +
        "in a later one `alter table public.notes validate constraint notes_title_not_null;` then SET NOT NULL: PostgreSQL 12+ skips " +
        "the scan when a valid CHECK (… IS NOT NULL) constraint proves it. Fill in the NULLs before validating.",
      fixes: undefined,
    },
  );
});

test("adding-not-nullable-field: the help's two migrations pass it and the other online-safety rules' not-valid check", async () => {
  const files = {
    ...TABLE,
    "031_check.sql": "alter table public.notes drop constraint if exists notes_title_not_null;\n" +
      "alter table public.notes add constraint notes_title_not_null check (title is not null) not valid;\n",
    "032_required.sql": "alter table public.notes validate constraint notes_title_not_null;\nalter table public.notes alter column title set not null;\n",
  };
  const found = await lintFixture(files, { severities: { [RULE]: "warning", "constraint-missing-not-valid": "warning" } });
  assert.deepEqual(found.filter((f) => [RULE, "constraint-missing-not-valid", "constraint-without-guard"].includes(f.rule)), []);
  // Without the VALIDATE, or with the check dropped again, or on another column, the scan is still needed.
  const cases = [
    "alter table public.notes alter column title set not null;",
    "alter table notes drop constraint notes_title_not_null;\nalter table notes validate constraint x;\nalter table notes alter column title set not null;",
    "alter table notes validate constraint notes_title_not_null;\nalter table notes alter column body set not null;",
  ];
  for (const sql of cases) {
    const [finding] = await lintErrors(RULE, { ...TABLE, "031_check.sql": files["031_check.sql"], "032_required.sql": sql }, ON);
    assert.equal(finding.file, "scripts/032_required.sql", sql);
  }
});

test("adding-not-nullable-field: new tables and columns, and a check added valid before, are not flagged", async () => {
  await lintOk(RULE, {
    ...TABLE,
    "031_x.sql": [
      "create table if not exists public.fresh (a int);",
      "alter table public.fresh alter column a set not null;",
      "alter table public.notes add column if not exists slug text default '';",
      "alter table public.notes alter column slug set not null;",
      "alter table notes add constraint body_nn check (body is not null);",
      "alter table notes alter column body set not null;",
      "alter table notes alter column id drop not null;",
    ].join("\n"),
  }, ON);
});

test("adding-not-nullable-field: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts(), ON);
});
