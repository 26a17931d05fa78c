import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintOk } from "../../testing.ts";
import type { Finding } from "../../types.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "require-if-not-exists";

function summary(f: Finding) {
  return { range: f.range, message: f.message, edits: f.fixes?.[0]?.edits };
}

/** Lints one file, applies the first finding's fix, and checks the fixed SQL is silent. */
async function fixesCleanly(sql: string): Promise<string> {
  const findings = await lintErrors(RULE, { "001_x.sql": sql });
  const fixed = applyEdits(sql, findings.flatMap((f) => f.fixes?.[0]?.edits ?? []));
  await lintOk(RULE, { "001_x.sql": fixed });
  return fixed;
}

test("require-if-not-exists: CREATE TABLE without IF NOT EXISTS, ranged over `create table <name>`, fix in the file's case", async () => {
  const findings = await lintErrors(RULE, { "001_x.sql": "-- users\nCREATE TABLE Public.Users (\n  id int\n);\n" });
  assert.deepEqual(findings.map(summary), [{
    range: { line: 2, column: 1, endLine: 2, endColumn: 26 },
    message: 'CREATE TABLE Public.Users without IF NOT EXISTS fails with "already exists" when the table is already there',
    edits: [{ range: { line: 2, column: 13, endLine: 2, endColumn: 13 }, newText: " IF NOT EXISTS" }],
  }]);
  assert.equal(findings[0].severity, "warning");
  assert.match(findings[0].help!, /CREATE TABLE IF NOT EXISTS Public\.Users/);
  assert.equal(await fixesCleanly("CREATE TABLE Public.Users (id int);\n"), "CREATE TABLE IF NOT EXISTS Public.Users (id int);\n");
});

test("require-if-not-exists: every IF NOT EXISTS kind gets the keyword before its name", async () => {
  const cases: Record<string, string> = {
    "create index concurrently i on t (a);": "create index concurrently if not exists i on t (a);",
    "create unique index i on t (a);": "create unique index if not exists i on t (a);",
    "create schema private;": "create schema if not exists private;",
    "create extension pg_trgm with schema extensions;": "create extension if not exists pg_trgm with schema extensions;",
    "create sequence s;": "create sequence if not exists s;",
    "create materialized view mv as select 1;": "create materialized view if not exists mv as select 1;",
    "create table t2 as select 1 as a;": "create table if not exists t2 as select 1 as a;",
    "create unlogged table u (a int);": "create unlogged table if not exists u (a int);",
    "create foreign table f (a int) server s;": "create foreign table if not exists f (a int) server s;",
    'create table "Odd" . "na me" (a int);': 'create table if not exists "Odd" . "na me" (a int);',
  };
  for (const [sql, expected] of Object.entries(cases)) assert.equal(await fixesCleanly(sql), expected, sql);
});

test("require-if-not-exists: functions, procedures, views and triggers need OR REPLACE", async () => {
  const cases: Record<string, string> = {
    "create function public.f() returns int language sql return 1;": "create or replace function public.f() returns int language sql return 1;",
    "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; END;": "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
    "create view v as select 1;": "create or replace view v as select 1;",
    "create trigger tr before update on t for each row execute function f();":
      "create or replace trigger tr before update on t for each row execute function f();",
  };
  for (const [sql, expected] of Object.entries(cases)) assert.equal(await fixesCleanly(sql), expected, sql);
  const [finding] = await lintErrors(RULE, { "001_x.sql": "create function public.f() returns int language sql return 1;" });
  assert.deepEqual(summary(finding).range, { line: 1, column: 1, endLine: 1, endColumn: 25 });
  assert.equal(finding.message, 'CREATE FUNCTION public.f without OR REPLACE fails with "already exists" when the function is already there');
});

test("require-if-not-exists: a CREATE POLICY inside a DO block gets a DROP POLICY IF EXISTS line; a top-level one is left to drop-policy-before-create", async () => {
  const sql = "do $$\nbegin\n  create policy \"Own rows\" on public.t for select using (true);\nend $$;\n";
  const [finding] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(summary(finding), {
    range: { line: 3, column: 3, endLine: 3, endColumn: 27 },
    message: 'CREATE POLICY "Own rows" on public.t has no IF NOT EXISTS and fails with "already exists" when the policy is already there',
    edits: [{ range: { line: 3, column: 3, endLine: 3, endColumn: 3 }, newText: 'drop policy if exists "Own rows" on public.t;\n  ' }],
  });
  assert.match(finding.help!, /RLS Policy Conflicts/);
  // Top level: one finding (drop-policy-before-create's), not the same one twice.
  const topLevel = { "001_x.sql": 'create policy "Own rows" on public.t for select using (true);\n' };
  await lintOk(RULE, topLevel);
  await lintErrors("drop-policy-before-create", topLevel);
  assert.equal(
    await fixesCleanly("CREATE CONSTRAINT TRIGGER c AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();"),
    'DROP TRIGGER IF EXISTS "c" ON t;\nCREATE CONSTRAINT TRIGGER c AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();',
  );
});

test("require-if-not-exists: CREATE TYPE / DOMAIN have no mechanical fix; the help shows the DO-block guard", async () => {
  const findings = await lintErrors(RULE, { "001_x.sql": "create type mood as enum ('ok');\ncreate domain d as int;\ncreate type c as (a int);\n" });
  assert.deepEqual(findings.map((f) => [f.range.line, f.range.endColumn, f.message, f.fixes]), [
    [1, 17, 'CREATE TYPE mood has no IF NOT EXISTS and fails with "already exists" when the type is already there', undefined],
    [2, 16, 'CREATE DOMAIN d has no IF NOT EXISTS and fails with "already exists" when the domain is already there', undefined],
    [3, 14, 'CREATE TYPE c has no IF NOT EXISTS and fails with "already exists" when the type is already there', undefined],
  ]);
  assert.match(findings[0].help!, /exception when duplicate_object then null/);
});

test("require-if-not-exists: ALTER TABLE … ADD COLUMN without IF NOT EXISTS, one finding per column", async () => {
  const sql = "alter table public.users add column bio text, add avatar text, add column if not exists x int;\n";
  const findings = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(findings.map(summary), [
    {
      range: { line: 1, column: 1, endLine: 1, endColumn: 40 },
      message: 'ADD COLUMN bio without IF NOT EXISTS fails with "already exists" when the column is already there',
      edits: [{ range: { line: 1, column: 36, endLine: 1, endColumn: 36 }, newText: " if not exists" }],
    },
    {
      range: { line: 1, column: 47, endLine: 1, endColumn: 57 },
      message: 'ADD COLUMN avatar without IF NOT EXISTS fails with "already exists" when the column is already there',
      edits: [{ range: { line: 1, column: 50, endLine: 1, endColumn: 50 }, newText: " if not exists" }],
    },
  ]);
  assert.equal(
    await fixesCleanly(sql),
    "alter table public.users add column if not exists bio text, add if not exists avatar text, add column if not exists x int;\n",
  );
});

test("require-if-not-exists: ALTER TYPE … ADD VALUE without IF NOT EXISTS, fixed after VALUE; RENAME VALUE and guarded forms are not flagged", async () => {
  const sql = "-- moods\nALTER TYPE public.mood ADD VALUE 'sad' AFTER 'ok';\n";
  const [finding, ...rest] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.equal(rest.length, 0);
  assert.deepEqual(summary(finding), {
    range: { line: 2, column: 1, endLine: 2, endColumn: 39 },
    message: `ALTER TYPE public.mood ADD VALUE 'sad' without IF NOT EXISTS fails with "already exists" when the value is already there`,
    edits: [{ range: { line: 2, column: 33, endLine: 2, endColumn: 33 }, newText: " IF NOT EXISTS" }],
  });
  assert.equal(
    finding.help,
    "Write ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'sad' so the migration can run again safely " +
      '(Troubleshooting: "Migration Failed: Table Already Exists").',
  );
  assert.equal(await fixesCleanly(sql), "-- moods\nALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'sad' AFTER 'ok';\n");
  // Inside a DO block it is flagged where it is, like an unguarded CREATE.
  const [nested] = await lintErrors(RULE, { "001_x.sql": "do $$\nbegin\n  alter type mood add value 'x';\nend $$;\n" });
  assert.deepEqual(nested.range, { line: 3, column: 3, endLine: 3, endColumn: 32 });
  await lintOk(RULE, {
    "001_x.sql": [
      "alter type mood add value if not exists 'sad';",
      "alter type mood rename value 'sad' to 'blue';",
      "do $$ begin if not exists (select 1 from pg_enum where enumlabel = 'x') then alter type mood add value 'x'; end if; end $$;",
    ].join("\n"),
  });
});

test("require-if-not-exists: an unnamed index is flagged without a fix", async () => {
  const [finding] = await lintErrors(RULE, { "001_x.sql": "create index on t (a);" });
  assert.deepEqual(summary(finding), {
    range: { line: 1, column: 1, endLine: 1, endColumn: 13 },
    message: "CREATE INDEX without a name creates another copy of the index each time the migration runs",
    edits: undefined,
  });
});

test("require-if-not-exists: unguarded CREATE inside a DO block is flagged at its place in the body", async () => {
  const sql = "do $$\nbegin\n  create type mood as enum ('ok');\n  create table t (a int);\nend $$;\n";
  const findings = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(findings.map((f) => [f.range, f.fixes?.length ?? 0]), [
    [{ line: 3, column: 3, endLine: 3, endColumn: 19 }, 0],
    [{ line: 4, column: 3, endLine: 4, endColumn: 17 }, 1],
  ]);
  assert.match(findings[0].help!, /^Catch the duplicate/);
  // A single-quoted body is not verbatim in the file: report at DO, without a fix.
  const [quoted] = await lintErrors(RULE, { "001_x.sql": "do 'begin create table t (a int); end';" });
  assert.deepEqual([quoted.range, quoted.fixes], [{ line: 1, column: 1, endLine: 1, endColumn: 3 }, undefined]);
});

test("require-if-not-exists: guarded forms are not flagged", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      "create table if not exists t (a int);",
      "create index if not exists i on t (a);",
      "create schema if not exists s;",
      "create extension if not exists pgcrypto;",
      "create or replace function f() returns int language sql return 1;",
      "create or replace view v as select 1;",
      "create or replace trigger tr before update on t for each row execute function f();",
      "alter table t add column if not exists b int;",
      "create temp table scratch (a int);",
      // DROP … IF EXISTS of the same object earlier in the file.
      'drop policy if exists "P" on t;',
      'create policy "P" on public.t using (true);',
      "drop type if exists mood;",
      "create type mood as enum ('a');",
      "drop table if exists public.x;",
      "create table x (a int);",
      "drop trigger if exists ct on t;",
      "create constraint trigger ct after insert on t for each row execute function f();",
      // DO blocks: a duplicate_object handler or an existence check.
      "do $$ begin create type m as enum ('a'); exception when duplicate_object then null; end $$;",
      "do $$ begin",
      "  if not exists (select 1 from pg_type where typname = 'm2') then",
      "    create type m2 as enum ('a');",
      "  end if;",
      "  if not exists (select 1 from pg_policies where policyname = 'q') then",
      "    create policy q on t using (true);",
      "  end if;",
      "  if to_regclass('public.y') is null then create table y (a int); end if;",
      "end $$;",
    ].join("\n"),
  });
});

test("require-if-not-exists: a DROP without IF EXISTS, or of another object, is no guard", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": "drop type mood;\ncreate type mood as enum ('a');\ndrop type if exists other;\ncreate type other2 as enum ('b');\n",
  });
  assert.deepEqual(findings.map((f) => f.range.line), [2, 4]);
});

test("require-if-not-exists: a file with many DO blocks (analyzed a batch at a time) reports each one as alone", async () => {
  // Far more than one batch of DO blocks (8 KB of text), with a block repeated across batches and a quoted body.
  const lines: string[] = [];
  const expected: number[] = [];
  for (let i = 0; i < 600; i++) {
    if (i % 3 === 0) {
      lines.push(`do $$ begin create type public.batch_k${i} as enum ('a'); end $$;`);
      expected.push(i + 1);
    } else if (i % 3 === 1) {
      lines.push(`do $$ begin if not exists (select 1 from pg_type where typname = 'batch_g${i}') then create type public.batch_g${i} as enum ('a'); end if; end $$;`);
    } else {
      lines.push(i % 10 === 2 ? "do $$ begin create table if not exists batch_same (a int); end $$;" : `select ${i};`);
    }
  }
  lines.push("do 'begin create table batch_quoted (a int); end';");
  const findings = await lintErrors(RULE, { "001_x.sql": lines.join("\n") });
  assert.deepEqual(findings.map((f) => f.range.line), [...expected, 601]);
  assert.deepEqual(findings[0].range, { line: 1, column: 13, endLine: 1, endColumn: 40 });
  assert.deepEqual(findings[findings.length - 2].range, { line: 598, column: 13, endLine: 598, endColumn: 42 });
  assert.deepEqual(findings[findings.length - 1].range, { line: 601, column: 1, endLine: 601, endColumn: 3 });
});

test("require-if-not-exists: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts());
});
