import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintOk } from "../../testing.ts";
import type { Finding } from "../../types.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "constraint-without-guard";

function summary(f: Finding) {
  return { range: f.range, message: f.message, edits: f.fixes?.[0]?.edits };
}

test("constraint-without-guard: a named CHECK without a guard, from ALTER through its name; the fix drops it first", async () => {
  const sql = "-- titles\nALTER TABLE public.notes ADD CONSTRAINT notes_title_len CHECK (length(title) < 200);\n";
  const [finding, ...rest] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.equal(rest.length, 0);
  assert.deepEqual(summary(finding), {
    range: { line: 2, column: 1, endLine: 2, endColumn: 56 },
    message: 'ADD CONSTRAINT notes_title_len on public.notes fails with "already exists" when the migration runs again: ' +
      "ALTER TABLE has no ADD CONSTRAINT IF NOT EXISTS",
    edits: [{ range: { line: 2, column: 1, endLine: 2, endColumn: 1 }, newText: "ALTER TABLE public.notes DROP CONSTRAINT IF EXISTS notes_title_len;\n" }],
  });
  assert.equal(finding.severity, "warning");
  assert.equal(
    finding.help,
    "Drop it first: put `ALTER TABLE public.notes DROP CONSTRAINT IF EXISTS notes_title_len;` before it (as the guidelines do for " +
      "policies), or add it in a DO block that checks pg_constraint.",
  );
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(
    fixed,
    "-- titles\nALTER TABLE public.notes DROP CONSTRAINT IF EXISTS notes_title_len;\nALTER TABLE public.notes ADD CONSTRAINT notes_title_len CHECK (length(title) < 200);\n",
  );
  await lintOk(RULE, { "001_x.sql": fixed });
});

test("constraint-without-guard: each ADD CONSTRAINT of one ALTER TABLE is its own finding; a later one is ranged from ADD", async () => {
  const sql = 'alter table if exists notes add constraint "Author" foreign key (a) references users (id),\n  add constraint notes_pkey primary key (id);\n';
  const findings = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(findings.map(summary), [
    {
      range: { line: 1, column: 1, endLine: 1, endColumn: 52 },
      message: 'ADD CONSTRAINT "Author" on notes fails with "already exists" when the migration runs again: ALTER TABLE has no ADD CONSTRAINT IF NOT EXISTS',
      edits: [{ range: { line: 1, column: 1, endLine: 1, endColumn: 1 }, newText: 'alter table if exists notes drop constraint if exists "Author";\n' }],
    },
    {
      range: { line: 2, column: 3, endLine: 2, endColumn: 28 },
      message: 'ADD CONSTRAINT notes_pkey on notes fails with "multiple primary keys … are not allowed" when the migration runs again: ' +
        "ALTER TABLE has no ADD CONSTRAINT IF NOT EXISTS",
      edits: undefined,
    },
  ]);
  // A primary key gets the DO-block guard, not a drop (it owns an index and foreign keys may reference it).
  assert.match(findings[1].help!, /^Add it only when it is missing: `do \$\$ begin if not exists \(select 1 from pg_constraint where conname = 'notes_pkey' and conrelid = 'notes'::regclass\)/);
  assert.match(findings[1].help!, /fails while foreign keys reference it/);
});

test("constraint-without-guard: an unnamed constraint cannot be guarded: name it", async () => {
  const findings = await lintErrors(RULE, { "001_x.sql": "alter table t add check (a > 0), add primary key (id), add unique (b);\n" });
  assert.deepEqual(findings.map((f) => [f.range.column, f.range.endColumn, f.message, f.fixes]), [
    [1, 24, "ADD CHECK on t has no constraint name: each run of the migration adds another copy of the constraint", undefined],
    [34, 45, 'ADD PRIMARY KEY on t fails with "multiple primary keys for table … are not allowed" when the migration runs again', undefined],
    [56, 66, "ADD UNIQUE on t has no constraint name: each run of the migration adds another copy of the constraint", undefined],
  ]);
  assert.equal(
    findings[0].help,
    "Name it (`add constraint <name> check …`) so it can be guarded: put `alter table t drop constraint if exists <name>;` before it, " +
      "or add it in a DO block that checks pg_constraint.",
  );
  assert.equal(findings[2].help, "Name it (`add constraint <name> unique …`) so it can be guarded: add it in a DO block that checks pg_constraint.");
});

test("constraint-without-guard: guarded forms are not flagged", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      // An earlier DROP CONSTRAINT IF EXISTS of the same constraint on the same table (public.t = t).
      "alter table public.t drop constraint if exists c;",
      "alter table t add constraint c check (a > 0);",
      // Dropped and added by one ALTER TABLE.
      'alter table t drop constraint if exists "D", add constraint "D" foreign key (b) references u (id);',
      // The table is dropped with IF EXISTS first: new on every run.
      "drop table if exists public.fresh;",
      "create table public.fresh (a int);",
      "alter table fresh add constraint fresh_a check (a > 0), add unique (a);",
      // Inside a DO block (not read at top level).
      "do $$ begin alter table t add constraint e check (a < 9); exception when duplicate_object then null; end $$;",
      // Other ALTER TABLE commands.
      "alter table t add column if not exists z int, validate constraint c, drop constraint if exists gone;",
    ].join("\n"),
  });
});

test("constraint-without-guard: a drop without IF EXISTS, of another constraint, or on another table is no guard", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": [
      "alter table t drop constraint c;",
      "alter table t add constraint c check (a > 0);",
      "alter table t drop constraint if exists other;",
      "alter table t add constraint d check (a > 0);",
      "alter table u drop constraint if exists e;",
      "alter table t add constraint e check (a > 0);",
      "alter table t add constraint f check (a > 0);",
      "alter table t drop constraint if exists f;",
    ].join("\n"),
  });
  assert.deepEqual(findings.map((f) => f.range.line), [2, 4, 6, 7]);
});

test("constraint-without-guard: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts());
});
