import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintFixture, lintOk } from "../../testing.ts";

const RULE = "unknown-reference";
const brief = (f: { file: string; range: unknown; severity: string; message: string }) =>
  ({ file: f.file, range: f.range, severity: f.severity, message: f.message });

test("unknown-reference: flags a foreign key to a table only a later file creates, at the table name", async () => {
  const findings = await lintErrors(RULE, {
    "001_posts.sql": "create table if not exists public.posts (\n  id uuid primary key,\n  author uuid references public.authors (id)\n);\n",
    "002_authors.sql": "create table if not exists public.authors (id uuid primary key);\n",
  });
  assert.deepEqual(findings.map(brief), [{
    file: "scripts/001_posts.sql",
    range: { line: 3, column: 26, endLine: 3, endColumn: 40 },
    severity: "error",
    message: "foreign key references public.authors, which no earlier migration creates and Supabase does not provide",
  }]);
});

test("unknown-reference: Supabase's auth.users, an earlier file's table and a self-reference are known", async () => {
  await lintOk(RULE, {
    "001_a.sql": "create table if not exists authors (id uuid primary key references auth.users (id));\n",
    "002_b.sql": "create table if not exists public.posts (id uuid primary key, author uuid references authors, parent uuid references posts (id));\n" +
      "alter table posts add column if not exists bucket text references storage.buckets (id);\n",
  });
});

test("unknown-reference: a foreign key whose column type differs from the referenced key names both types", async () => {
  const findings = await lintErrors(RULE, {
    "001_a.sql": "create table if not exists public.orgs (id bigint primary key);\n" +
      "create table if not exists public.members (org_id uuid, constraint fk foreign key (org_id) references public.orgs);\n",
  });
  assert.equal(findings.length, 1);
  assert.equal(findings[0].message, "foreign key column org_id is uuid but public.orgs.id is bigint; the types must match");
  assert.deepEqual(findings[0].range, { line: 2, column: 103, endLine: 2, endColumn: 114 });
  // int, integer and int4 are one type; varchar lengths may differ.
  await lintOk(RULE, {
    "001_a.sql": "create table if not exists t (id int4 primary key, code varchar(10) unique);\n" +
      "create table if not exists u (t_id integer references t (id), code varchar(20) references t (code));\n",
  });
});

test("unknown-reference: ALTER TABLE, CREATE INDEX, POLICY and TRIGGER on an unknown table; IF EXISTS is silent", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": [
      "alter table public.ghost enable row level security;",
      "create index if not exists ghost_idx on ghost (a);",
      'create policy "p" on ghost for select using (true);',
      "create or replace trigger tr before update on public.ghost for each row execute function f();",
      "alter table if exists ghost add column b int;",
      "",
    ].join("\n"),
  });
  assert.deepEqual(findings.map((f) => [f.range.line, f.range.column, f.message]), [
    [1, 13, "ALTER TABLE alters public.ghost, which no earlier migration creates and Supabase does not provide"],
    [2, 41, "CREATE INDEX indexes public.ghost, which no earlier migration creates and Supabase does not provide"],
    [3, 22, "CREATE POLICY puts a policy on public.ghost, which no earlier migration creates and Supabase does not provide"],
    [4, 47, "CREATE TRIGGER puts a trigger on public.ghost, which no earlier migration creates and Supabase does not provide"],
  ]);
});

test("unknown-reference: order matters within a file, and a dropped or renamed table is gone", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": "alter table t enable row level security;\ncreate table if not exists t (id int);\nalter table t enable row level security;\n",
    "002_y.sql": "alter table t rename to u;\nalter table u enable row level security;\nalter table t enable row level security;\n" +
      "drop table if exists u;\ncreate index if not exists i on u (id);\n",
  });
  assert.deepEqual(findings.map((f) => `${f.file}:${f.range.line}`), ["scripts/001_x.sql:1", "scripts/002_y.sql:3", "scripts/002_y.sql:5"]);
});

test("unknown-reference: unqualified names resolve to public", async () => {
  await lintOk(RULE, { "001_x.sql": "create table if not exists t (id int primary key);\nalter table public.t add column if not exists b int;\n" });
  await lintErrors(RULE, { "001_x.sql": "create table if not exists t (id int primary key);\nalter table app.t add column b int;\n" });
});

test("unknown-reference: a CREATE TABLE that does not parse still declares its table: one error, the syntax error", async () => {
  const findings = await lintFixture({
    "001_a.sql": "create table if not exists public.a (\n  id uuid primary key,,\n  x text\n);\n" +
      "alter table public.a enable row level security;\n" +
      "create index if not exists a_x_idx on public.a (x);\n" +
      "alter table a add column if not exists y int;\n",
  });
  assert.deepEqual(findings.map((f) => [f.rule, f.range.line, f.range.column, f.message]), [
    ["syntax-error", 2, 23, 'syntax error at or near ","'],
  ]);
});

test("unknown-reference: unparsed CREATEs of quoted, temporary and unlogged tables and of views declare them; other broken statements do not", async () => {
  await lintOk(RULE, {
    "001_a.sql": 'create unlogged table if not exists "My Schema"."T" (id int,, x int);\n' +
      "create or replace temp view v as selec 1;\n" +
      "create materialized view if not exists public.mv as select from from;\n",
    "002_b.sql": 'alter table "My Schema"."T" add column if not exists y int;\n' +
      "create table if not exists public.c (id int primary key, t_id int references \"My Schema\".\"T\" (id), v int references v, m int references mv);\n",
  });
  const findings = await lintErrors(RULE, {
    "001_a.sql": "creat table public.a (id int);\ncreate table public.b (id int,);\ncreate publication p for table public.d wiht (publish = 'insert');\n",
    "002_b.sql": "alter table public.a add column y int;\nalter table public.b add column y int;\nalter table public.d add column y int;\n" +
      "alter table public.e add column y int;\n",
  });
  assert.deepEqual(findings.map((f) => `${f.file}:${f.range.line}`), ["scripts/002_b.sql:1", "scripts/002_b.sql:3", "scripts/002_b.sql:4"]);
});
