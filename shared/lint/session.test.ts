import { before, test } from "node:test";
import assert from "node:assert/strict";
import { loadParser, parseSql } from "../sql/index.ts";
import { reparseSql } from "./incremental-parse.ts";
import { rules } from "./registry.ts";
import { createLintSession } from "./session.ts";

before(async () => {
  await loadParser();
});

const RULES = rules.filter((r) => ["unknown-reference", "syntax-error", "duplicate-number"].includes(r.id));

test("session: update re-lints one file and reports the other files whose findings changed", async () => {
  const session = await createLintSession({
    dir: "scripts",
    rules: RULES,
    listing: [
      { relativePath: "001_a.sql", text: "create table if not exists a (id int);\n" },
      { relativePath: "002_b.sql", text: "alter table a enable row level security;\n" },
    ],
  });
  assert.equal(session.files, 2);
  assert.deepEqual([...session.findings.keys()], []);
  // Renaming the table in 001 breaks 002, which the update reports as changed.
  const renamed = await session.update("scripts/001_a.sql", "create table if not exists z (id int);\n");
  assert.deepEqual(renamed.file, []);
  assert.deepEqual([...renamed.changed].map(([path, list]) => [path, list.map((f) => f.message)]), [
    ["scripts/002_b.sql", ["ALTER TABLE alters public.a, which no earlier migration creates and Supabase does not provide"]],
  ]);
  const broken = await session.update("001_a.sql", "create tabel z (id int);\n");
  assert.deepEqual(broken.file.map((f) => [f.rule, f.range.line, f.range.column]), [["syntax-error", 1, 8]]);
  assert.deepEqual([...broken.changed.keys()], []);
  // A new file with 001's number, and deleting it again.
  const added = await session.update("scripts/001_c.sql", "create table if not exists a (id int);\n");
  assert.deepEqual(added.file.map((f) => f.rule), ["duplicate-number"]);
  assert.deepEqual([...added.changed.keys()], ["scripts/001_a.sql", "scripts/002_b.sql"]);
  const removed = await session.update("scripts/001_c.sql", null);
  assert.deepEqual(removed.file, []);
  assert.equal(session.files, 2);
});

test("incremental parse: every edit gives exactly what a fresh parse gives", () => {
  const base = "-- head\ncreate table a (id int);\nselect 'x;y';\ndo $$ begin perform 1; end $$;\n\nselect 2;\ncreate function f() returns int begin atomic select 1; end;\n";
  const edits: Array<[number, number, string]> = [
    [0, 0, "select 0;\n"], [20, 21, "b"], [30, 30, "'"], [40, 45, ""], [base.length, base.length, "select 3"],
    [base.indexOf("select 2;") + 8, base.indexOf("select 2;") + 9, ""], [10, 10, "$$"], [0, base.length, ""],
    [base.indexOf("perform"), base.indexOf("perform"), "é📚 "], [base.indexOf(";\n") , base.indexOf(";\n") + 1, ";;"],
  ];
  for (const [from, to, insert] of edits) {
    const edited = base.slice(0, from) + insert + base.slice(to);
    const strip = (p: ReturnType<typeof parseSql>) => JSON.stringify({ statements: p.statements, errors: p.errors });
    assert.equal(strip(reparseSql(edited, parseSql(base))), strip(parseSql(edited)), `edit ${JSON.stringify([from, to, insert])}`);
  }
});
