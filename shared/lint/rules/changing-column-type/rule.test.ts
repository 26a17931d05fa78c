import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";
import { keepsStoredValues } from "./rule.ts";

const RULE = "changing-column-type";
const ON = { severities: { [RULE]: "warning" as const } };
const TABLE = {
  "030_events.sql": "create table if not exists public.events (id int, title varchar(200), body text, price numeric(5,2), at timestamp, tags text[]);\n",
};

test("changing-column-type: off by default; on, a rewriting type change of an existing column, naming both types", async () => {
  const files = { ...TABLE, "031_x.sql": "alter table public.events alter column title type text,\n  alter column id type bigint;\n" };
  await lintOk(RULE, files);
  const [finding, ...rest] = await lintErrors(RULE, files, ON);
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { range: finding.range, message: finding.message, fixes: finding.fixes },
    {
      range: { line: 2, column: 3, endLine: 2, endColumn: 30 },
      message: "ALTER COLUMN id TYPE bigint (from integer) on existing table public.events rewrites the table and rebuilds its indexes " +
        "under an ACCESS EXCLUSIVE lock: no reads or writes of the table until it finishes",
      fixes: undefined,
    },
  );
  assert.match(finding.help!, /^Add a column of the new type, fill it in batches, move readers and writers to it, then drop the old one\./);
});

test("changing-column-type: USING, a narrowing, an unknown old type and timestamp without UTC are flagged", async () => {
  const sql = [
    "alter table events alter column body type varchar(20);",
    "alter table events alter column title type text using title::text;",
    "alter table events alter column price type numeric(5,3);",
    "alter table events alter column at type timestamptz;",
    "alter table legacy alter column a type text;",
  ].join("\n");
  const findings = await lintErrors(RULE, { ...TABLE, "031_x.sql": sql }, ON);
  assert.deepEqual(findings.map((f) => [f.range.line, f.message.slice(0, f.message.indexOf(" on existing"))]), [
    [1, "ALTER COLUMN body TYPE varchar(20) (from text)"],
    [2, "ALTER COLUMN title TYPE text (from varchar(200))"],
    [3, "ALTER COLUMN price TYPE numeric(5,3) (from numeric(5,2))"],
    [4, "ALTER COLUMN at TYPE timestamptz (from timestamp)"],
    [5, "ALTER COLUMN a TYPE text"],
  ]);
});

test("changing-column-type: changes that keep the stored values, new tables and columns are not flagged", async () => {
  await lintOk(RULE, {
    ...TABLE,
    "031_x.sql": [
      "alter table events alter column title type varchar(300);",
      "alter table events alter column title type text;",
      "alter table events alter column body type varchar;",
      "alter table events alter column price type numeric(9,2), alter column id type int4;",
      "set timezone = 'UTC';",
      "alter table events alter column at type timestamptz;",
      "alter table events add column if not exists n int;",
      "alter table events alter column n type bigint;",
      "create table if not exists public.fresh (a int);",
      "alter table fresh alter column a type bigint;",
    ].join("\n"),
  }, ON);
});

test("changing-column-type: keepsStoredValues lists the binary-compatible changes", () => {
  const cases: Array<[string, string, boolean, boolean]> = [
    ["varchar(10)", "varchar(10)", false, true],
    ["varchar(10)", "varchar(5)", false, false],
    ["varchar", "varchar(5)", false, false],
    ["text", "varchar", false, true],
    ["numeric(5,2)", "numeric", false, true],
    ["numeric", "numeric(5,2)", false, false],
    ["timestamptz", "timestamp", true, true],
    ["timestamptz", "timestamp", false, false],
    ["text[]", "varchar[]", false, false],
    ["integer", "bigint", false, false],
  ];
  for (const [from, to, utc, expected] of cases) assert.equal(keepsStoredValues(from, to, utc), expected, `${from} → ${to}`);
});

test("changing-column-type: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts(), ON);
});
