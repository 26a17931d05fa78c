import { before, test } from "node:test";
import assert from "node:assert/strict";
import { loadParser, parseSql, positionOfLocation, TextIndex } from "./index.ts";

before(async () => {
  await loadParser();
});

test("one broken statement after non-ASCII text still yields the others, with the error's exact UTF-16 position", () => {
  const text = [
    "-- café 📚 notes",
    "create table if not exists public.a (id uuid primary key, note text default 'naïve 📚');",
    "create tabel public.b (id int);",
    "create table if not exists public.c (id int);",
  ].join("\n");
  const parsed = parseSql(text);
  assert.deepEqual(parsed.statements.map((s) => s.kind), ["CreateStmt", null, "CreateStmt"]);
  assert.equal(parsed.errors.length, 1);
  const [error] = parsed.errors;
  assert.equal(error.message, 'syntax error at or near "tabel"');
  assert.deepEqual(error.position, { line: 3, column: 8 });
  assert.equal(text.slice(error.offset, error.offset + 5), "tabel");
  assert.equal(error.statementIndex, 1);
});

test("a syntax error on a line after an emoji counts columns in UTF-16 code units", () => {
  const text = "select '📚📚' as x, 1 +;";
  const [error] = parseSql(text).errors;
  // The cursor is at the `;`: UTF-16 index 23 (each emoji is two code units; 21 code points before it).
  assert.deepEqual(error.position, { line: 1, column: text.indexOf(";") + 1 });
  assert.equal(text.indexOf(";"), 23);
});

test("statements start at their first token, not at the comments before them", () => {
  const text = "-- first\ncreate table if not exists x (id int);\n\n/* block */\n-- second\nselect 1;\n";
  const parsed = parseSql(text);
  assert.deepEqual(parsed.statements.map((s) => parsed.index.positionAt(s.start)), [
    { line: 2, column: 1 },
    { line: 6, column: 1 },
  ]);
  assert.equal(parsed.statements[1].text, "select 1;");
  assert.equal(text.slice(parsed.statements[1].gapStart, parsed.statements[1].start), "\n\n/* block */\n-- second\n");
});

test("semicolons inside strings, dollar quotes, comments and BEGIN ATOMIC bodies do not split", () => {
  const text = `
create or replace function public.f() returns trigger language plpgsql as $fn$
begin new.updated_at = now(); return new; end; $fn$;
insert into t values ('a;b'); -- c;d
create or replace function g() returns int language sql begin atomic select 1; select case when true then 2 end; end;
select 3;`;
  const parsed = parseSql(text);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.statements.map((s) => s.kind), ["CreateFunctionStmt", "InsertStmt", "CreateFunctionStmt", "SelectStmt"]);
});

test("an unterminated dollar quote keeps the statements before it and reports the rest", () => {
  const text = "create table if not exists a (id int);\nselect 2;\ncreate function f() returns int as $$ select 1;\nselect 4;\n";
  const parsed = parseSql(text);
  assert.deepEqual(parsed.statements.map((s) => s.kind), ["CreateStmt", "SelectStmt", null]);
  assert.equal(parsed.statements[2].unscannable, true);
  assert.equal(parsed.errors.length, 1);
  assert.equal(parsed.errors[0].position.line, 3);
  assert.match(parsed.errors[0].message, /unterminated dollar-quoted string/);
});

test("empty, comment-only and binary text give no statements and no crash", () => {
  assert.deepEqual(parseSql("").statements, []);
  assert.deepEqual(parseSql("-- nothing here\n/* still nothing */").statements, []);
  assert.deepEqual(parseSql(";;\n;").statements, []);
  const binary = parseSql("select 1;\u0000\u0001");
  assert.equal(binary.errors.length, 1);
  assert.match(binary.errors[0].message, /NUL byte/);
});

test("AST byte locations map to file positions after multi-byte text", () => {
  const text = "-- é📚\nalter table public.users add column bio text;";
  const parsed = parseSql(text);
  const stmt = parsed.statements[0];
  const relation = (stmt.node as { AlterTableStmt: { relation: { location: number } } }).AlterTableStmt.relation;
  assert.deepEqual(positionOfLocation(parsed.index, stmt, relation.location), { line: 2, column: 13 });
});

test("TextIndex converts bytes, code units and line/column both ways", () => {
  const index = new TextIndex("a📚b\nc");
  assert.equal(index.byteOfOffset(3), 5);
  assert.equal(index.offsetOfByte(5), 3);
  assert.equal(index.offsetOfByte(1), 1);
  assert.deepEqual(index.positionAt(5), { line: 2, column: 1 });
  assert.equal(index.offsetAt({ line: 2, column: 1 }), 5);
});

test("parsing a file in one parser call gives exactly the per-statement parse: spans, trees, locations, errors", async () => {
  const { parseSpan, splitStatements } = await import("./index.ts");
  const { readdirSync, readFileSync } = await import("node:fs");
  const texts = [
    "-- c\nselect 1;\n/* x */ ;; select 2 /* y */ ;\n-- z\nselect 3 -- tail\n",
    ";\nselect 1",
    "select 1;  ",
    "select 'é📚', 1 ; select  2 -- x",
    "create table t (role text check (role in ('user', 'admin')), n int default 0);\ninsert into t values ('x', 1), ('y', 2);",
    "select 1;\nselect (;\nselect 2; selec 3; select 4;\ncreate table if not exists x (a int check (a in (1, 2)));",
    "create table x (a int",
    "select 1; select '",
    "create function g() returns int begin atomic select 1; end; select 2;",
    "do $$ begin perform 1; end $$;\n/* a /* nested */ comment */ select /* in */ 2;",
    "",
    "  \n-- only a comment",
  ];
  const dir = new URL("../../scripts/", import.meta.url);
  for (const name of readdirSync(dir)) if (name.endsWith(".sql")) texts.push(readFileSync(new URL(name, dir), "utf8"));
  for (const text of texts) {
    const index = new TextIndex(text);
    const perStatement = splitStatements(index).map((span) => parseSpan(index, span));
    assert.deepEqual(parseSql(text).statements, perStatement, text.slice(0, 60));
  }
});

test("a file big enough to be parsed in pieces gives exactly the per-statement parse, whatever crosses a piece's end", async () => {
  const { parseSpan, splitStatements } = await import("./index.ts");
  const pieces = [
    "create table if not exists public.t (id int, note text default 'a;\nb');\n",
    "select 'x;\n';\n",
    "/* c;\n */ select 1;\n",
    "do $$ begin perform 1;\n end $$;\n",
    "-- note;\nselect \"odd;\nname\" from t;\n",
    "insert into t values (1, 'é📚');\n",
  ];
  const parts: string[] = [];
  for (let i = 0, size = 0; size < 700_000; i++) {
    parts.push(pieces[i % pieces.length]);
    size += parts[parts.length - 1].length;
  }
  for (const text of [parts.join(""), `${parts.join("")}select 2 -- no semicolon`]) {
    const index = new TextIndex(text);
    const perStatement = splitStatements(index).map((span) => parseSpan(index, span));
    const parsed = parseSql(text);
    assert.equal(parsed.statements.length, perStatement.length);
    assert.equal(JSON.stringify(parsed.statements), JSON.stringify(perStatement));
  }
});

test("a file with many syntax errors is parsed in capped runs and still gives exactly the per-statement parse", async () => {
  const { parseSpan, splitStatements } = await import("./index.ts");
  // ~60 KB, an error every seventh statement: several runs of RUN_CHARS, errors on both sides of each cut.
  const lines: string[] = [];
  for (let i = 0; i < 1500; i++) lines.push(i % 7 === 3 ? `create table t_${i} (id int,, x int);` : `create table if not exists t_${i} (id int, note text default 'é;📚');`);
  const text = lines.join("\n");
  const index = new TextIndex(text);
  const perStatement = splitStatements(index).map((span) => parseSpan(index, span));
  const parsed = parseSql(text);
  assert.equal(parsed.errors.length, Math.ceil((1500 - 3) / 7));
  assert.equal(JSON.stringify(parsed.statements), JSON.stringify(perStatement));
});
