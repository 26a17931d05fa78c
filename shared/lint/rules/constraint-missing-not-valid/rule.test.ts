import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintFixture, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "constraint-missing-not-valid";
const ON = { severities: { [RULE]: "warning" as const } };
const TABLE = { "030_notes.sql": "create table if not exists public.notes (id int, author_id uuid, n int);\n" };

test("constraint-missing-not-valid: off by default; on, a FOREIGN KEY on an existing table without NOT VALID, fixed by appending it", async () => {
  const sql = "alter table public.notes drop constraint if exists notes_author_fkey;\nalter table public.notes add constraint notes_author_fkey\n" +
    "  foreign key (author_id) references auth.users (id) on delete cascade;\n";
  const files = { ...TABLE, "031_fk.sql": sql };
  await lintOk(RULE, files);
  const [finding, ...rest] = await lintErrors(RULE, files, ON);
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { range: finding.range, message: finding.message, help: finding.help, title: finding.fixes?.[0].title },
    {
      range: { line: 2, column: 1, endLine: 3, endColumn: 71 },
      message: "ADD FOREIGN KEY notes_author_fkey on existing table public.notes without NOT VALID checks every row while holding a " +
        "SHARE ROW EXCLUSIVE lock on public.notes and auth.users: writes to both wait until it finishes",
      help: "Add it NOT VALID (rows written from then on are checked at once), then run `alter table public.notes validate constraint " +
        "notes_author_fkey;` in a later migration: validating takes only a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on.",
      title: "Add NOT VALID (validate in a later migration)",
    },
  );
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(fixed, "alter table public.notes drop constraint if exists notes_author_fkey;\nalter table public.notes add constraint notes_author_fkey\n" +
    "  foreign key (author_id) references auth.users (id) on delete cascade not valid;\n");
  // The fixed file and the later VALIDATE pass this rule and constraint-without-guard.
  const after = await lintFixture({ ...TABLE, "031_fk.sql": fixed, "032_validate.sql": "alter table public.notes validate constraint notes_author_fkey;\n" }, ON);
  assert.deepEqual(after.filter((f) => f.rule === RULE || f.rule === "constraint-without-guard"), []);
});

test("constraint-missing-not-valid: a CHECK takes ACCESS EXCLUSIVE; each command of an ALTER TABLE is its own finding", async () => {
  const sql = "ALTER TABLE notes ADD CONSTRAINT n_pos CHECK (n > 0), ADD CONSTRAINT n_small CHECK (n < 9) NOT VALID, ADD CHECK (n <> 5);";
  const findings = await lintErrors(RULE, { ...TABLE, "031_x.sql": sql }, ON);
  assert.deepEqual(findings.map((f) => [f.range.column, f.range.endColumn, f.message]), [
    [1, 53, "ADD CHECK n_pos on existing table notes without NOT VALID checks every row while holding an ACCESS EXCLUSIVE lock: " +
      "reads and writes of notes wait until it finishes"],
    [103, 121, "ADD CHECK on existing table notes without NOT VALID checks every row while holding an ACCESS EXCLUSIVE lock: " +
      "reads and writes of notes wait until it finishes"],
  ]);
  assert.match(findings[1].help!, /validate constraint <name>;/);
  assert.equal(
    applyEdits(sql, findings.flatMap((f) => f.fixes![0].edits!)),
    "ALTER TABLE notes ADD CONSTRAINT n_pos CHECK (n > 0) NOT VALID, ADD CONSTRAINT n_small CHECK (n < 9) NOT VALID, ADD CHECK (n <> 5) NOT VALID;",
  );
});

test("constraint-missing-not-valid: VALIDATE in the same file as the NOT VALID add is flagged", async () => {
  const sql = "alter table notes add constraint n_pos check (n > 0) not valid;\nalter table notes validate constraint n_pos;\n";
  const [finding] = await lintErrors(RULE, { ...TABLE, "031_x.sql": sql }, ON);
  assert.deepEqual([finding.range, finding.message, finding.fixes], [
    { line: 2, column: 1, endLine: 2, endColumn: 44 },
    "VALIDATE CONSTRAINT n_pos in the same migration that adds it NOT VALID: the file's one transaction still holds the ADD's lock " +
    "on notes while the validation scans every row",
    undefined,
  ]);
});

test("constraint-missing-not-valid: new tables, NOT VALID, other constraint types and ADD COLUMN … REFERENCES are not flagged", async () => {
  await lintOk(RULE, {
    ...TABLE,
    "031_x.sql": [
      "create table if not exists public.fresh (id int, n int);",
      "alter table public.fresh add constraint fresh_n check (n > 0), add constraint fresh_fk foreign key (id) references public.notes (id);",
      "alter table notes add constraint notes_n check (n > 0) not valid;",
      "alter table notes add constraint notes_id_key unique (id);",
      "alter table notes add column if not exists parent int references public.notes (id);",
    ].join("\n"),
    "032_validate.sql": "alter table notes validate constraint notes_n;\n",
  }, ON);
});

test("constraint-missing-not-valid: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts(), ON);
});
