import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "require-rollback";

test("require-rollback: a DROP TABLE with no rollback file is flagged on its first line, with a skeleton to create", async () => {
  const sql = "-- out with the old\ndrop table if exists public.old_results\n  cascade;\ncreate table if not exists public.results (id int);\n";
  const [finding, ...rest] = await lintErrors(RULE, { "019_recreate.sql": sql });
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { file: finding.file, range: finding.range, severity: finding.severity, message: finding.message, help: finding.help },
    {
      file: "scripts/019_recreate.sql",
      range: { line: 2, column: 1, endLine: 2, endColumn: 40 },
      severity: "warning",
      message: "DROP TABLE public.old_results is destructive, and this migration has no rollback file (scripts/rollback/019_recreate.sql)",
      help: 'Write scripts/rollback/019_recreate.sql to undo it ("Include rollback scripts for destructive changes"); ' +
        "the quick fix creates a skeleton with what each destructive statement needs.",
    },
  );
  assert.deepEqual(finding.fixes, [{
    title: "Create scripts/rollback/019_recreate.sql",
    createFile: {
      path: "scripts/rollback/019_recreate.sql",
      text: [
        "-- rollback/019_recreate.sql",
        "-- Undoes 019_recreate.sql. Skeleton written by supamigrate: replace every TODO, then test it on staging.",
        "-- TODO: also undo what the migration creates or changes besides the statements below, last change first.",
        "",
        "-- line 2: drop table if exists public.old_results cascade;",
        "-- TODO: recreate public.old_results as an earlier migration defined it.",
        "-- TODO: restore the rows from the pre-deployment backup.",
        "",
      ].join("\n"),
    },
  }]);
  // The skeleton alone (only comments) undoes nothing: an error until its TODOs are replaced by statements.
  const [unfilled] = await lintErrors(RULE, { "019_recreate.sql": sql, "rollback/019_recreate.sql": finding.fixes![0].createFile!.text });
  assert.deepEqual([unfilled.severity, unfilled.message, unfilled.fixes], [
    "error",
    "DROP TABLE public.old_results is destructive, and its rollback file (scripts/rollback/019_recreate.sql) has no statement to run: it would undo nothing",
    undefined,
  ]);
  const filled = finding.fixes![0].createFile!.text + "create table if not exists public.old_results (id int);\n";
  await lintOk(RULE, { "019_recreate.sql": sql, "rollback/019_recreate.sql": filled });
});

test("require-rollback: one finding per destructive statement; the skeleton lists them last first, renames inverted", async () => {
  const sql = [
    "alter table public.t drop column c, alter column d type bigint;",
    "alter table s.t rename to u;",
    'alter table t rename column "A" to b;',
    "truncate a, public.b;",
    "delete from t;",
    "update t set a = 1;",
    "drop schema if exists old cascade;",
    "drop type mood;",
    "drop policy if exists p on t;", // dropped, never recreated
  ].join("\n");
  const findings = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(findings.map((f) => [f.range.line, f.message.slice(0, f.message.indexOf(" is destructive"))]), [
    [1, "DROP COLUMN c, ALTER COLUMN d TYPE on public.t"],
    [2, "RENAME of table s.t to u"],
    [3, 'RENAME of column "A" to b on public.t'],
    [4, "TRUNCATE public.a, public.b"],
    [5, "DELETE without WHERE on public.t"],
    [6, "UPDATE without WHERE on public.t"],
    [7, "DROP SCHEMA old"],
    [8, "DROP TYPE public.mood"],
    [9, "DROP POLICY p on public.t"],
  ]);
  const skeleton = findings[0].fixes![0].createFile!.text;
  assert.deepEqual(findings.map((f) => f.fixes![0].createFile!.text === skeleton), findings.map(() => true));
  const body = skeleton.split("\n").slice(4).join("\n");
  assert.equal(body, [
    "-- line 9: drop policy if exists p on t;",
    "-- TODO: recreate p on public.t as an earlier migration defined it.",
    "",
    "-- line 8: drop type mood;",
    "-- TODO: recreate public.mood as an earlier migration defined it.",
    "",
    "-- line 7: drop schema if exists old cascade;",
    "-- TODO: recreate old as an earlier migration defined it.",
    "-- TODO: restore the rows from the pre-deployment backup.",
    "",
    "-- line 6: update t set a = 1;",
    "-- TODO: restore the previous values from the pre-deployment backup.",
    "",
    "-- line 5: delete from t;",
    "-- TODO: restore the rows from the pre-deployment backup.",
    "",
    "-- line 4: truncate a, public.b;",
    "-- TODO: restore the rows from the pre-deployment backup.",
    "",
    '-- line 3: alter table t rename column "A" to b;',
    'alter table t rename column b to "A";',
    "",
    "-- line 2: alter table s.t rename to u;",
    "alter table s.u rename to t;",
    "",
    "-- line 1: alter table public.t drop column c, alter column d type bigint;",
    "-- TODO: alter table public.t add column c <its previous type>; then restore its values from the backup.",
    "-- TODO: alter table public.t alter column d type <its previous type>;",
    "",
  ].join("\n"));
});

test("require-rollback: DROP … IF EXISTS of a policy, trigger, function, view or index the file recreates is not destructive", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      'drop policy if exists "Own rows" on public.t;',
      'create policy "Own rows" on t using (true);',
      "drop trigger if exists tr on t;",
      "create trigger tr before update on public.t for each row execute function f();",
      "drop function if exists public.f(int);",
      "create function f(a int) returns int language sql return a;",
      "drop view if exists v;",
      "create view v as select 1;",
      "drop index if exists i;",
      "create index i on t (a);",
      "delete from t where a = 1;",
      "update t set a = 1 where a = 2;",
      "alter table t add column if not exists z int, alter column z set default 0;",
      "alter table t rename constraint a to b;",
    ].join("\n"),
  });
});

test("require-rollback: dropping a table, column or schema is destructive even when recreated; a drop without IF EXISTS too", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": [
      "drop table if exists t;",
      "create table if not exists t (a int);",
      "drop schema if exists s;",
      "create schema if not exists s;",
      "drop policy p on t;",
      "create policy p on t using (true);",
      "drop view if exists v;",
      "create view w as select 1;", // another view
    ].join("\n"),
  });
  assert.deepEqual(findings.map((f) => f.range.line), [1, 3, 5, 7]);
});

test("require-rollback: nothing is flagged when the rollback file runs something; a comments-only one counts as missing", async () => {
  await lintOk(RULE, { "001_x.sql": "drop table t;\ntruncate u;\n", "rollback/001_x.sql": "-- restore from backup\ncreate table if not exists t (id int);\n" });
  for (const rollback of ["-- restore from backup\n", "", " ;\n/* later */\n"]) {
    const found = await lintErrors(RULE, { "001_x.sql": "drop table t;\ntruncate u;\n", "rollback/001_x.sql": rollback });
    assert.deepEqual(found.map((f) => [f.severity, f.range.line]), [["error", 1], ["error", 2]], JSON.stringify(rollback));
  }
});

test("require-rollback: silent on the seed's scripts/ (019 drops tables and has its rollback)", async () => {
  await lintOk(RULE, seedScripts());
});
