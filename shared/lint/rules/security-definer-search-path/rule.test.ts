import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "security-definer-search-path";

test("security-definer-search-path: flags SECURITY DEFINER without SET search_path; the fix adds the option on its own line before AS", async () => {
  const sql = "create or replace function public.is_admin()\nreturns boolean\nlanguage sql\nsecurity definer\n  as $$ select true $$;\n";
  const [finding, ...rest] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { range: finding.range, severity: finding.severity, message: finding.message, help: finding.help, fixes: finding.fixes },
    {
      range: { line: 4, column: 1, endLine: 4, endColumn: 17 },
      severity: "warning",
      message: "SECURITY DEFINER function public.is_admin does not pin search_path: a caller can put their own objects " +
        "first on the search_path and have them run with the owner's rights",
      help: "Add `set search_path = ''` to the function's options and schema-qualify every name in its body " +
        "(public.my_table, auth.uid()), or pin it with ALTER FUNCTION … SET search_path = '' later in this migration.",
      fixes: [{
        title: "Pin search_path to ''",
        edits: [{ range: { line: 5, column: 3, endLine: 5, endColumn: 3 }, newText: "set search_path = ''\n  " }],
      }],
    },
  );
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(fixed, "create or replace function public.is_admin()\nreturns boolean\nlanguage sql\nsecurity definer\n  set search_path = ''\n  as $$ select true $$;\n");
  await lintOk(RULE, { "001_x.sql": fixed });
});

test("security-definer-search-path: SQL-standard bodies (BEGIN ATOMIC, RETURN) and EXTERNAL SECURITY DEFINER", async () => {
  const cases: Array<[string, string]> = [
    [
      "CREATE PROCEDURE p() EXTERNAL SECURITY DEFINER LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
      "CREATE PROCEDURE p() EXTERNAL SECURITY DEFINER LANGUAGE sql SET search_path = '' BEGIN ATOMIC SELECT 1; END;",
    ],
    [
      "create function g() returns int language sql security definer return 1;",
      "create function g() returns int language sql security definer set search_path = '' return 1;",
    ],
    [
      "create function h() returns int as $$ select 1 $$ language sql security definer;",
      "create function h() returns int set search_path = '' as $$ select 1 $$ language sql security definer;",
    ],
  ];
  for (const [sql, expected] of cases) {
    const [finding] = await lintErrors(RULE, { "001_x.sql": sql });
    const fixed = applyEdits(sql, finding.fixes![0].edits!);
    assert.equal(fixed, expected);
    await lintOk(RULE, { "001_x.sql": fixed });
  }
  const [external] = await lintErrors(RULE, { "001_x.sql": cases[0][0] });
  assert.deepEqual(external.range, { line: 1, column: 22, endLine: 1, endColumn: 47 });
  assert.match(external.message, /^SECURITY DEFINER procedure public\.p /);
});

test("security-definer-search-path: a pinned search_path, SET … FROM CURRENT, or a later ALTER FUNCTION … SET counts", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      "create function a() returns int language sql security definer set search_path = '' return 1;",
      "create function b() returns int language sql security definer set search_path to public, extensions return 1;",
      "create function c() returns int language sql security definer set search_path from current return 1;",
      "create function public.d() returns int language sql security definer return 1;",
      "alter function d() set search_path = '';",
      "create function e() returns int language sql security invoker return 1;",
      "create function f() returns int language sql return 1;",
    ].join("\n"),
  });
});

test("security-definer-search-path: RESET, another function's ALTER, or another setting does not pin it", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": [
      "create function a() returns int language sql security definer set work_mem = '1MB' return 1;",
      "create function b() returns int language sql security definer return 1;",
      "alter function b reset search_path;",
      "create function c() returns int language sql security definer return 1;",
      "alter function private.c set search_path = '';",
    ].join("\n"),
  });
  assert.deepEqual(findings.map((f) => f.range.line), [1, 2, 4]);
});

test("security-definer-search-path: silent on the seed's scripts/ (025's get_shared_material pins search_path)", async () => {
  await lintOk(RULE, seedScripts());
});
