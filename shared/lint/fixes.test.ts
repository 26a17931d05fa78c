import { before, test } from "node:test";
import assert from "node:assert/strict";
import { loadParser, parseSql, TextIndex } from "../sql/index.ts";
import { applyEdits, deleteStatement, indentationAt, insertLineAfter, insertLineBefore, keywordCase, replaceSpan } from "./fixes.ts";

before(async () => {
  await loadParser();
});

test("applyEdits applies edits in any order, counting columns in UTF-16, and refuses overlaps", () => {
  const text = "-- 📚\nselect 1;\n";
  const index = new TextIndex(text);
  const edits = [replaceSpan(index, text.indexOf("1"), text.indexOf("1") + 1, "2"), replaceSpan(index, 3, 5, "ok")];
  assert.deepEqual(edits[1].range, { line: 1, column: 4, endLine: 1, endColumn: 6 });
  assert.equal(applyEdits(text, edits), "-- ok\nselect 2;\n");
  assert.throws(() => applyEdits(text, [replaceSpan(index, 0, 4, ""), replaceSpan(index, 2, 6, "")]), /overlapping/);
});

test("insertLineBefore keeps the statement's indentation; mid-line statements move to a new line", () => {
  const text = "  create policy p on t;\nselect 1; create policy q on t;";
  const index = new TextIndex(text);
  const [first, second] = parseSql(text).statements.filter((s) => s.kind === "CreatePolicyStmt");
  assert.equal(indentationAt(text, first.start), "  ");
  assert.equal(indentationAt(text, second.start), "");
  const fixed = applyEdits(text, [insertLineBefore(index, first.start, "drop p;"), insertLineBefore(index, second.start, "drop q;")]);
  assert.equal(fixed, "  drop p;\n  create policy p on t;\nselect 1; drop q;\ncreate policy q on t;");
});

test("insertLineAfter adds the line at the statement's indentation, terminating the statement first when needed", () => {
  const text = "  create table t (a int);\ncreate table u (a int)";
  const index = new TextIndex(text);
  const [t, u] = parseSql(text).statements;
  assert.equal(applyEdits(text, [insertLineAfter(index, t, "x;"), insertLineAfter(index, u, "y;")]), "  create table t (a int);\n  x;\ncreate table u (a int);\ny;");
});

test("deleteStatement removes whole lines when the statement is alone on them, else only the statement", () => {
  const text = "begin;\r\nselect 1;  commit; -- c\n  end  \n";
  const index = new TextIndex(text);
  const [begin, , commit, end] = parseSql(text).statements;
  assert.equal(applyEdits(text, [deleteStatement(index, begin), deleteStatement(index, commit), deleteStatement(index, end)]), "select 1;  -- c\n");
});

test("keywordCase follows the statement's first keyword", () => {
  assert.equal(keywordCase("create table t ()")(" IF NOT EXISTS"), " if not exists");
  assert.equal(keywordCase("CREATE TABLE t ()")(" if not exists"), " IF NOT EXISTS");
  assert.equal(keywordCase("Create table t ()")("on"), "ON");
});
