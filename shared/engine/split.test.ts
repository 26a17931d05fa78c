import { test } from "node:test";
import assert from "node:assert/strict";
import { loadParser } from "../sql/index.ts";
import { nonTransactionalKind, prepareFile, type RunnableFile, writtenOffset } from "./split.ts";

function runnable(text: string, values: Record<string, string> = {}): RunnableFile {
  const file = prepareFile(text, values);
  if ("problem" in file) throw new Error(`unexpected problem ${file.problem}`);
  return file;
}

test("statements are split with their file offsets (comments excluded) and placeholders substituted", async () => {
  await loadParser();
  const text = "-- header\ncreate table a (id int);\n\n/* c */ select '${who}', 1;\n";
  const file = runnable(text, { who: "Zoë" });
  assert.deepEqual(file.statements.map((s) => [s.text, s.fileStart, s.kind]), [
    ["create table a (id int);", 10, "CreateStmt"],
    ["select 'Zoë', 1;", text.indexOf("select"), "SelectStmt"],
  ]);
  assert.equal(file.transactional, true);
});

test("an offset in the substituted text maps back to the file as written", async () => {
  await loadParser();
  const text = "select '${a}' || '${bb}', x;";
  const file = runnable(text, { a: "long value", bb: "" });
  const [statement] = file.statements;
  assert.equal(statement.text, "select 'long value' || '', x;");
  const at = (needle: string) => statement.text.indexOf(needle);
  assert.equal(writtenOffset(statement, 0), 0, "before any substitution");
  assert.equal(writtenOffset(statement, at("long")), text.indexOf("${a}"), "the start of a value");
  assert.equal(writtenOffset(statement, at("value")), text.indexOf("${a}"), "inside a value: the placeholder's start");
  assert.equal(writtenOffset(statement, at("' ||")), text.indexOf("' ||"), "after the first value");
  assert.equal(writtenOffset(statement, at("x;")), text.indexOf("x;"), "after an empty value");
});

test("non-transactional statements are recognized and must be alone in their file", async () => {
  await loadParser();
  const kinds: Array<[string, string | null]> = [
    ["create index concurrently i on t (a);", "CREATE INDEX CONCURRENTLY"],
    ["create index i on t (a);", null],
    ["drop index concurrently if exists i;", "DROP INDEX CONCURRENTLY"],
    ["reindex index concurrently i;", "REINDEX CONCURRENTLY"],
    ["reindex table t;", null],
    ["vacuum t;", "VACUUM"],
    ["analyze t;", null],
    ["alter system set work_mem = '64MB';", "ALTER SYSTEM"],
    ["create database d;", "CREATE DATABASE"],
  ];
  for (const [sql, kind] of kinds) {
    const file = runnable(sql);
    assert.equal(nonTransactionalKind(file.statements[0]), kind, sql);
    assert.equal(file.transactional, kind === null, sql);
  }
  assert.deepEqual(prepareFile("create table t (a int);\n\nvacuum t;", {}), { problem: "non-transactional-mixed", kind: "VACUUM", line: 3, statements: 2 });
});

test("BEGIN, COMMIT and ROLLBACK are refused; savepoints are not", async () => {
  await loadParser();
  for (const sql of ["begin;\nselect 1;", "select 1;\ncommit;", "select 1;\n  rollback;", "start transaction;"]) {
    const result = prepareFile(sql, {});
    assert.ok("problem" in result && result.problem === "explicit-transaction", sql);
  }
  assert.deepEqual(prepareFile("select 1;\n\n  commit;", {}), { problem: "explicit-transaction", line: 3 });
  assert.equal("problem" in prepareFile("savepoint a; select 1; release savepoint a;", {}), false);
});

test("a file that parses as a whole is split by the parser exactly as by the scanner (one that does not, by the scanner)", async () => {
  await loadParser();
  const text = [
    "-- header",
    "select 1; /* a /* nested */ comment */ create function f() returns int language sql",
    "begin atomic select 1; select 2; end;",
    "",
    "select 'é📚;' as \"x;y\", $$;$$, E'\\';' -- after",
    "  ;;",
    "select 2 -- no semicolon, a trailing comment",
    "/* and a block one */",
  ].join("\n");
  const file = runnable(text);
  assert.deepEqual(file.statements.map((s) => [s.text, s.fileStart, s.kind]), [
    ["select 1;", text.indexOf("select 1"), "SelectStmt"],
    ["create function f() returns int language sql\nbegin atomic select 1; select 2; end;", text.indexOf("create"), "CreateFunctionStmt"],
    ["select 'é📚;' as \"x;y\", $$;$$, E'\\';' -- after\n  ;", text.indexOf("select 'é"), "SelectStmt"],
    ["select 2", text.lastIndexOf("select 2"), "SelectStmt"],
  ]);
  // A syntax error anywhere: every statement still comes back, the broken one without a tree.
  const broken = runnable("select 1;\nselect from from;\nselect 3");
  assert.deepEqual(broken.statements.map((s) => [s.text, s.fileStart, s.kind]), [
    ["select 1;", 0, "SelectStmt"],
    ["select from from;", 10, null],
    ["select 3", 28, "SelectStmt"],
  ]);
  assert.deepEqual(runnable("-- only a comment\n").statements, []);
});
