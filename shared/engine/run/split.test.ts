import { test } from "node:test";
import assert from "node:assert/strict";
import { loadParser } from "../../sql/index.ts";
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

test("a file wrapped whole in BEGIN … COMMIT runs without the pair; a COMMIT elsewhere is still refused", async () => {
  await loadParser();
  const file = runnable("-- pasted\nbegin;\ncreate table a (id int);\ncreate table b (id int);\ncommit;\n");
  assert.deepEqual([file.unwrapped, file.statements.map((s) => s.text)], [true, ["create table a (id int);", "create table b (id int);"]]);
  assert.equal(runnable("start transaction;\nselect 1;\nend;").unwrapped, true);
  assert.deepEqual(prepareFile("begin;\nselect 1;\ncommit;\nselect 2;\n", {}), { problem: "explicit-transaction", line: 1 });
  assert.deepEqual(prepareFile("begin;\nselect 1;\nrollback;\n", {}), { problem: "explicit-transaction", line: 1 });
  assert.deepEqual(prepareFile("begin;\ncommit;\n", {}), { problem: "empty-migration" });
  assert.equal((prepareFile("begin;\ncreate index concurrently i on t (a);\ncommit;\n", {}) as { problem?: string }).problem, "non-transactional-mixed");
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
  // A syntax error anywhere: the file is refused at the parser's position, nothing of it is sent.
  assert.deepEqual(prepareFile("select 1;\nselect from from;\nselect 3", {}), {
    problem: "syntax-error",
    line: 2,
    column: 13,
    message: 'syntax error at or near "from"',
  });
});

test("what the parser cannot read is refused: NUL bytes, unterminated text, a broken later statement", async () => {
  await loadParser();
  const problem = (text: string) => {
    const result = prepareFile(text, {});
    return "problem" in result ? result : null;
  };
  // Parsed before, a NUL byte left no statements, and the file was recorded as applied having run nothing.
  assert.deepEqual(problem("create table a (id int);\u0000\ncreate table b (id int);"), {
    problem: "syntax-error",
    line: 1,
    column: 25,
    message: "the file contains a NUL byte: it is binary, not SQL",
  });
  assert.equal(problem("create table a (id int);\nselect 'unterminated;\n")?.problem, "syntax-error");
  assert.equal(problem("create table a (id int);\nselect $$ open body;\n")?.problem, "syntax-error");
  // A placeholder outside quotes does not parse as written; the file is judged with its values in.
  const unquoted = "create schema if not exists ${name};";
  assert.equal("problem" in prepareFile(unquoted, { name: "app" }), false);
  assert.equal(problem(unquoted)?.problem, "syntax-error", "no value: judged as written");
  assert.equal((prepareFile(unquoted, { name: "1 2" }) as { problem?: string }).problem, "syntax-error");
});

test("a file with no statement is refused: empty, blank, comments only, semicolons only", async () => {
  await loadParser();
  for (const text of ["", "  \n\t\n", "-- only a comment\n", "/* block */\n-- and line\n", ";\n ; ;"]) {
    assert.deepEqual(prepareFile(text, {}), { problem: "empty-migration" }, JSON.stringify(text));
  }
  assert.equal("problem" in prepareFile("-- a comment\nselect 1;", {}), false);
});

test("a change to how the server reads SQL text is refused: standard_conforming_strings, client_encoding, RESET ALL", async () => {
  await loadParser();
  const cases: Array<[string, string]> = [
    ["set standard_conforming_strings = off;\nselect 'a\\';", "standard_conforming_strings"],
    ["select 1;\nset local Standard_Conforming_Strings to off;", "standard_conforming_strings"],
    ["select pg_catalog.set_config('standard_conforming_strings', 'off', false);", "standard_conforming_strings"],
    ["do $$ begin execute 'set standard_conforming_strings = off'; end $$;", "standard_conforming_strings"],
    ["alter role postgres set standard_conforming_strings = off;", "standard_conforming_strings"],
    ["set names 'SJIS';", "client_encoding"],
    ["set client_encoding = 'LATIN1';", "client_encoding"],
    ["create table a (id int);\n\nreset all;", "RESET ALL"],
  ];
  for (const [text, setting] of cases) {
    const result = prepareFile(text, {});
    assert.ok("problem" in result && result.problem === "reading-setting" && result.setting === setting, `${text}: ${JSON.stringify(result)}`);
  }
  assert.deepEqual(prepareFile("create table a (id int);\n\nreset all;", {}), { problem: "reading-setting", setting: "RESET ALL", line: 3 });
  // Other settings are the file's business (and are reset after it).
  for (const text of ["set search_path = public;", "set local statement_timeout = 0;", "reset search_path;"]) {
    assert.equal("problem" in prepareFile(text, {}), false, text);
  }
});
