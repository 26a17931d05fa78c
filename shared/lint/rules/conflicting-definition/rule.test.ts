import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintOk } from "../../testing.ts";

const RULE = "conflicting-definition";

test("conflicting-definition: a table created by two files differently, reported on the later file with the earlier as related", async () => {
  const findings = await lintErrors(RULE, {
    "001_a.sql": "-- first\ncreate table if not exists public.profiles (id uuid primary key);\n",
    "002_b.sql": "create table if not exists public.profiles (id uuid primary key, bio text);\n",
  });
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.deepEqual({ file: f.file, range: f.range, severity: f.severity, message: f.message }, {
    file: "scripts/002_b.sql",
    range: { line: 1, column: 1, endLine: 1, endColumn: 76 },
    severity: "warning",
    message: "table public.profiles is already created by scripts/001_a.sql with a different definition; " +
      "it already exists when this file runs, so this definition is silently skipped",
  });
  assert.deepEqual(f.related, [{
    file: "scripts/001_a.sql",
    range: { line: 2, column: 1, endLine: 2, endColumn: 66 },
    message: "table public.profiles first created here",
  }]);
});

test("conflicting-definition: two files with the same number: functions with the same signature, views, triggers and policies", async () => {
  const findings = await lintErrors(RULE, {
    "010_a.sql": "create or replace function f(a int) returns int language sql as $$ select a $$;\n" +
      "create or replace view v as select 1 as x;\ncreate table if not exists t (id int);\n" +
      'create policy "p" on t for select using (true);\n' +
      "create or replace trigger tr before update on t for each row execute function g();\n",
    "010_b.sql": "create or replace function public.f(b integer) returns int language sql as $$ select b + 1 $$;\n" +
      "create or replace view v as select 2 as x;\n" + 'create policy "p" on t for select using (false);\n' +
      "create or replace trigger tr after update on t for each row execute function g();\n",
  });
  assert.deepEqual(findings.map((f) => [f.file, f.range.line, f.message.split(";")[0]]), [
    ["scripts/010_b.sql", 1, "function public.f(integer) is already created by scripts/010_a.sql with a different definition"],
    ["scripts/010_b.sql", 2, "view public.v is already created by scripts/010_a.sql with a different definition"],
    ["scripts/010_b.sql", 3, 'policy "p" on public.t is already created by scripts/010_a.sql with a different definition'],
    ["scripts/010_b.sql", 4, "trigger tr on public.t is already created by scripts/010_a.sql with a different definition"],
  ]);
  assert.equal(findings[0].message.split("; ")[1],
    "this file's version replaces it, and both files are number 010: the definition that wins is the one whose file name sorts last");
  assert.equal(findings[2].message.split("; ")[1], "it already exists when this file runs, so this definition is silently skipped");
});

test("conflicting-definition: a later-numbered CREATE OR REPLACE of a function, view or trigger changes it on purpose: silent", async () => {
  await lintOk(RULE, {
    "001_a.sql": "create table if not exists t (id int);\n" +
      "create or replace function public.touch() returns trigger language plpgsql as $$ begin return new; end $$;\n" +
      "create or replace view public.v as select id from t;\n" +
      "create or replace trigger tr before update on t for each row execute function public.touch();\n",
    "002_b.sql": "create or replace function public.touch() returns trigger language plpgsql as $$ begin new.id := 1; return new; end $$;\n",
    "003_c.sql": "create or replace view public.v as select id, id + 1 as next from t;\n" +
      "create or replace trigger tr before insert or update on t for each row execute function public.touch();\n",
  });
});

test("conflicting-definition: a later-numbered IF NOT EXISTS or a policy is still reported (it is skipped, not a change)", async () => {
  const findings = await lintErrors(RULE, {
    "001_a.sql": "create table if not exists t (id int);\ncreate policy \"p\" on t for select using (true);\n",
    "002_b.sql": "create policy \"p\" on t for select using (false);\n",
  });
  assert.deepEqual(findings.map((f) => [f.file, f.range.line]), [["scripts/002_b.sql", 1]]);
});

test("conflicting-definition: identical definitions (whitespace, comments, guards aside), other signatures, other tables and drop-then-recreate are silent", async () => {
  await lintOk(RULE, {
    "001_a.sql": "create table if not exists t (id int);\ncreate or replace function f(a int) returns int language sql as $$ select a $$;\n" +
      'create table if not exists u (id int);\ncreate policy "p" on t for select using (true);\n',
    "002_b.sql": "CREATE TABLE t (\n  id   integer -- the key\n);\ncreate function f(a int) returns int language sql as $$\n  select   a\n$$;\n" +
      "create or replace function f(a text) returns int language sql as $$ select 1 $$;\n" +
      'create policy "p" on u for select using (false);\n' +
      "drop table if exists t cascade;\ncreate table if not exists t (id uuid);\n" + 'create policy "p" on t for select using (false);\n',
  });
});

test("conflicting-definition: the seed's 019 drops and recreates 015's results tables: silent", async () => {
  const table = (extra: string) => `create table if not exists public.quiz_results (id uuid primary key${extra});\n`;
  await lintOk(RULE, {
    "015_create_results_tables.sql": table("") + 'create policy "own" on public.quiz_results for select using (true);\n',
    "019_recreate_results_tables.sql": "drop table if exists public.quiz_results cascade;\n" + table(", score int") +
      'create policy "own" on public.quiz_results for all using (true);\n',
  });
});
