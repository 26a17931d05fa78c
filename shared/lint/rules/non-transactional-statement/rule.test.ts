import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "non-transactional-statement";

test("non-transactional-statement: CREATE INDEX CONCURRENTLY beside another statement is an error on its first line", async () => {
  const sql = "create table if not exists t (a int);\n\ncreate index concurrently if not exists t_a_idx\n  on t (a);\n";
  const [finding, ...rest] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { range: finding.range, severity: finding.severity, message: finding.message, help: finding.help, fixes: finding.fixes },
    {
      range: { line: 3, column: 1, endLine: 3, endColumn: 48 },
      severity: "error",
      message: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this file has 1 other statement: " +
        "move it into its own migration file",
      help: "supamigrate runs a migration in one transaction, which CREATE INDEX CONCURRENTLY refuses; a file holding only " +
        "this statement (and comments) is run on its own, outside a transaction.",
      fixes: undefined,
    },
  );
});

test("non-transactional-statement: each such statement is named; two of them in one file are both flagged", async () => {
  const sql = [
    "vacuum analyze public.t;",
    "drop index concurrently if exists i;",
    "reindex index concurrently j;",
    "reindex database postgres;",
    "alter system set work_mem = '64MB';",
    "create database d;",
    "drop database if exists d;",
    "create tablespace ts location '/x';",
    "drop tablespace ts;",
  ].join("\n");
  const findings = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(findings.map((f) => [f.range.line, f.message.slice(0, f.message.indexOf(" cannot"))]), [
    [1, "VACUUM"],
    [2, "DROP INDEX CONCURRENTLY"],
    [3, "REINDEX CONCURRENTLY"],
    [4, "REINDEX DATABASE"],
    [5, "ALTER SYSTEM"],
    [6, "CREATE DATABASE"],
    [7, "DROP DATABASE"],
    [8, "CREATE TABLESPACE"],
    [9, "DROP TABLESPACE"],
  ]);
  assert.match(findings[0].message, /this file has 8 other statements:/);
});

test("non-transactional-statement: a file holding exactly one such statement (plus comments) is fine", async () => {
  await lintOk(RULE, {
    "001_index.sql": "-- Built without locking writes.\ncreate index concurrently if not exists t_a_idx on t (a);\n-- done\n",
    "002_db.sql": "create database analytics;",
    "003_vacuum.sql": "/* reclaim */ vacuum (verbose) public.t",
  });
});

test("non-transactional-statement: statements that may run in a transaction are not flagged", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      "create index if not exists i on t (a);",
      "drop index if exists i;",
      "reindex table t;",
      "analyze t;",
      "alter type mood add value if not exists 'sad';", // allowed in a transaction since PostgreSQL 12
      "refresh materialized view concurrently mv;",
    ].join("\n"),
  });
});

test("non-transactional-statement: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts());
});
