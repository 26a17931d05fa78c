import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintFixture, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "require-concurrent-index-creation";
const ON = { severities: { [RULE]: "warning" as const } };
const TABLE = { "030_notes.sql": "create table if not exists public.notes (id int, user_id uuid);\n" };

test("require-concurrent-index-creation: off by default (an online-safety rule); on, it flags an index on a table an earlier migration made", async () => {
  const files = { ...TABLE, "031_idx.sql": "-- by owner\ncreate index if not exists notes_user_id_idx on public.notes (user_id);\n" };
  await lintOk(RULE, files);
  const [finding, ...rest] = await lintErrors(RULE, files, ON);
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { file: finding.file, range: finding.range, severity: finding.severity, message: finding.message, help: finding.help },
    {
      file: "scripts/031_idx.sql",
      range: { line: 2, column: 1, endLine: 2, endColumn: 61 },
      severity: "warning",
      message: "CREATE INDEX notes_user_id_idx on existing table public.notes without CONCURRENTLY blocks every write to public.notes " +
        "(a SHARE lock) until the index is built",
      help: "Write CREATE INDEX CONCURRENTLY: alone in its file, the statement runs outside a transaction, as CONCURRENTLY needs.",
    },
  );
  // Alone in its file: the fix adds CONCURRENTLY, and neither this rule nor non-transactional-statement reports the result.
  const fixed = applyEdits(files["031_idx.sql"], finding.fixes![0].edits!);
  assert.equal(fixed, "-- by owner\ncreate index concurrently if not exists notes_user_id_idx on public.notes (user_id);\n");
  const after = await lintFixture({ ...TABLE, "031_idx.sql": fixed }, { severities: { [RULE]: "warning", "require-timeout-settings": "warning" } });
  assert.deepEqual(after.filter((f) => f.file === "scripts/031_idx.sql").map((f) => f.rule), []);
});

test("require-concurrent-index-creation: beside other statements there is no fix: the help says to move it into a file of its own", async () => {
  const files = { ...TABLE, "031_idx.sql": "alter table public.notes add column if not exists title text;\nCREATE UNIQUE INDEX notes_title ON notes (title);\n" };
  const [finding] = await lintErrors(RULE, files, ON);
  assert.deepEqual(finding.range, { line: 2, column: 1, endLine: 2, endColumn: 41 });
  assert.equal(finding.fixes, undefined);
  assert.equal(
    finding.help,
    "Build it with `create index concurrently if not exists …` in a migration file of its own: supamigrate runs a file holding only " +
      "that statement outside a transaction, as CONCURRENTLY needs (non-transactional-statement).",
  );
  // Auth's tables exist before any migration; an unknown table is already in the database.
  const others = await lintErrors(RULE, { "001_x.sql": "create index i on auth.users (email);\ncreate index j on legacy (a);\n" }, ON);
  assert.deepEqual(others.map((f) => f.range.line), [1, 2]);
});

test("require-concurrent-index-creation: an index on a table the same file creates, CONCURRENTLY, or on a view is not flagged", async () => {
  await lintOk(RULE, {
    ...TABLE,
    "031_more.sql": [
      "create table if not exists public.tags (id int);",
      "create index if not exists tags_id on public.tags (id);",
      // Dropped and created again in this file: empty.
      "drop table if exists public.notes;",
      "create table public.notes (id int);",
      "create index if not exists notes_id on public.notes (id);",
      "create materialized view if not exists public.mv as select 1 as a;",
      "create index if not exists mv_a on public.mv (a);",
    ].join("\n"),
    "032_idx.sql": "create index concurrently if not exists notes_id2 on public.notes (id);\n",
  }, ON);
});

test("require-concurrent-index-creation: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts(), ON);
});
