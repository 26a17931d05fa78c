// What "Move my change into a new migration" takes from an edited deployed file. Run by the root's Node test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { changedLines, movedMigrationText } from "./moved-change.ts";

const DEPLOYED = "-- 001_a.sql\ncreate table if not exists a (\n  id int\n);\nalter table a enable row level security;\n";

test("an appended statement: only its lines, at their lines in the edited file", () => {
  const edited = `${DEPLOYED}\nalter table a add column if not exists name text;\n`;
  assert.deepEqual(changedLines(DEPLOYED, edited), {
    added: [{ line: 7, text: "alter table a add column if not exists name text;" }], // the blank line 6 matches the deployed file's end
    removed: [],
  });
});

test("a changed line is added (new text) and removed (old text); untouched lines around it are not moved", () => {
  const edited = DEPLOYED.replace("  id int", "  id bigint");
  assert.deepEqual(changedLines(DEPLOYED, edited), { added: [{ line: 3, text: "  id bigint" }], removed: [{ line: 3, text: "  id int" }] });
});

test("an insertion in the middle and a deletion elsewhere; CRLF and a BOM are not changes", () => {
  const edited = "\ufeff-- 001_a.sql\r\ncreate table if not exists a (\r\n  id int,\r\n  name text\r\n);\r\n";
  assert.deepEqual(changedLines(DEPLOYED, edited), {
    added: [{ line: 3, text: "  id int," }, { line: 4, text: "  name text" }],
    removed: [{ line: 3, text: "  id int" }, { line: 5, text: "alter table a enable row level security;" }],
  });
  assert.deepEqual(changedLines(DEPLOYED, DEPLOYED.replace(/\n/g, "\r\n")), { added: [], removed: [] });
});

test("a file that lost its final newline (no line changed) or gained lines at the top", () => {
  assert.deepEqual(changedLines("select 1;\n", "select 1;"), { added: [], removed: [] });
  assert.deepEqual(changedLines("select 1;\n", "select 0;\nselect 1;\n"), { added: [{ line: 1, text: "select 0;" }], removed: [] });
});

test("the new migration: header, removed lines as comments, then the added lines as they were", () => {
  const text = movedMigrationText("006_add_name.sql", "001_a.sql", {
    added: [{ line: 7, text: "alter table a add column if not exists name text;" }],
    removed: [{ line: 5, text: "alter table a enable row level security;" }],
  });
  assert.equal(text, [
    "-- 006_add_name.sql",
    "-- Moved from 001_a.sql, which was edited after it was deployed (001_a.sql is restored to its deployed text).",
    "-- These are the lines that edit added or changed, as they were: check that they run on their own",
    "-- (a column added inside a CREATE TABLE must become ALTER TABLE … ADD COLUMN IF NOT EXISTS here).",
    "-- The edit also removed these lines; write what undoes them (a DROP, an ALTER) yourself:",
    "--   001_a.sql:5: alter table a enable row level security;",
    "",
    "alter table a add column if not exists name text;",
    "",
  ].join("\n"));
});
