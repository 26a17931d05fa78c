import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "drop-policy-before-create";

test("drop-policy-before-create: flags CREATE POLICY with no DROP POLICY IF EXISTS before it, with the fix at its indentation", async () => {
  const sql = "alter table public.t enable row level security;\n\n  create policy \"Own rows\" on public.t\n    for select using (true);\n";
  const [finding, ...rest] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { range: finding.range, severity: finding.severity, message: finding.message, help: finding.help, fixes: finding.fixes },
    {
      range: { line: 3, column: 3, endLine: 3, endColumn: 27 },
      severity: "warning",
      message: 'CREATE POLICY "Own rows" on public.t is not preceded by DROP POLICY IF EXISTS: ' +
        "running the migration again fails with 'policy \"Own rows\" for table \"t\" already exists'",
      help: 'RLS Policy Conflicts → drop existing policies before recreating: put `drop policy if exists "Own rows" on public.t;` on the line before it.',
      fixes: [{
        title: 'Add DROP POLICY IF EXISTS "Own rows"',
        edits: [{ range: { line: 3, column: 3, endLine: 3, endColumn: 3 }, newText: 'drop policy if exists "Own rows" on public.t;\n  ' }],
      }],
    },
  );
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(fixed, 'alter table public.t enable row level security;\n\n  drop policy if exists "Own rows" on public.t;\n  create policy "Own rows" on public.t\n    for select using (true);\n');
  await lintOk(RULE, { "001_x.sql": fixed });
});

test("drop-policy-before-create: the fix follows the statement's keyword case and quotes names that need it", async () => {
  const sql = 'SELECT 1; CREATE POLICY p ON "Notes" USING (true);';
  const [finding] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(finding.range, { line: 1, column: 11, endLine: 1, endColumn: 26 });
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(fixed, 'SELECT 1; DROP POLICY IF EXISTS "p" ON "Notes";\nCREATE POLICY p ON "Notes" USING (true);');
  await lintOk(RULE, { "001_x.sql": fixed });
});

test("drop-policy-before-create: a drop of another policy, another table, or without IF EXISTS does not count", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": [
      'drop policy if exists "a" on t;',
      'create policy "b" on t using (true);', // other policy
      'drop policy if exists "c" on private.t;',
      'create policy "c" on t using (true);', // other table (public.t)
      'drop policy "d" on t;',
      'create policy "d" on t using (true);', // no IF EXISTS
      'create policy "e" on t using (true);',
      'drop policy if exists "e" on t;', // after, not before
    ].join("\n"),
  });
  assert.deepEqual(findings.map((f) => f.range.line), [2, 4, 6, 7]);
});

test("drop-policy-before-create: names compare as PostgreSQL folds them; any earlier drop in the file counts", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      "drop policy if exists Reader on Public.Notes;",
      'drop policy if exists "Writer" on notes;',
      "create table if not exists notes (id int);",
      'create policy "reader" on notes using (true);',
      'create policy "Writer" on public.notes using (true);',
    ].join("\n"),
  });
  // Quoted names keep their case: "Reader" is not reader.
  await lintErrors(RULE, { "001_x.sql": 'drop policy if exists reader on t;\ncreate policy "Reader" on t using (true);' });
});

test("drop-policy-before-create: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts());
});
