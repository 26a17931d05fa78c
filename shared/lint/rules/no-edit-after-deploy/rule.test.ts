import { test } from "node:test";
import assert from "node:assert/strict";
import { migrationChecksum } from "../../../migrations/index.ts";
import { lintErrors, lintOk } from "../../testing.ts";
import { firstChangedLine } from "./rule.ts";

const RULE = "no-edit-after-deploy";
const ORIGINAL = "create table if not exists a (id int);\n";

test("no-edit-after-deploy: an edited deployed file, at 1:1, with both checksums", async () => {
  const deployedSum = await migrationChecksum(ORIGINAL);
  const edited = "create table if not exists a (id bigint);\n";
  const localSum = await migrationChecksum(edited);
  const findings = await lintErrors(RULE, { "001_a.sql": edited }, { applied: new Map([["001_a.sql", deployedSum]]) });
  assert.deepEqual(findings.map((f) => ({ file: f.file, range: f.range, severity: f.severity, message: f.message })), [{
    file: "scripts/001_a.sql",
    range: { line: 1, column: 1, endLine: 1, endColumn: 42 },
    severity: "error",
    message: `001_a.sql was edited after it was deployed (deployed checksum ${deployedSum.slice(0, 12)}, local ${localSum.slice(0, 12)}); ` +
      "restore the deployed version and put the change in a new migration",
  }]);
});

const TABLE = "-- 001_a.sql\ncreate table if not exists a (\n  id int\n);\n";

test("no-edit-after-deploy: with the deployed text known, at the first changed line (the whole line)", async () => {
  const deployedSum = await migrationChecksum(TABLE);
  const edited = "-- 001_a.sql\ncreate table if not exists a (\n  id int,\n  name text\n);\n";
  const findings = await lintErrors(RULE, { "001_a.sql": edited }, {
    applied: new Map([["001_a.sql", deployedSum]]),
    deployedSql: new Map([["001_a.sql", TABLE]]),
  });
  assert.deepEqual(findings.map((f) => [f.file, f.range, f.message.slice(0, 42)]), [
    ["scripts/001_a.sql", { line: 3, column: 1, endLine: 3, endColumn: 10 }, "001_a.sql was edited after it was deployed"],
  ]);
  // Known for another file only: this one stays at line 1.
  const other = await lintErrors(RULE, { "001_a.sql": edited }, {
    applied: new Map([["001_a.sql", deployedSum]]),
    deployedSql: new Map([["002_b.sql", "select 1;\n"]]),
  });
  assert.deepEqual(other.map((f) => f.range), [{ line: 1, column: 1, endLine: 1, endColumn: 13 }]);
});

test("firstChangedLine: an insertion, a change on line 1, lines lost at the end, CRLF and a BOM that change nothing", () => {
  assert.deepEqual(firstChangedLine("a\nb\nc\n", "a\nb\nX\nc\n"), { line: 3, column: 1, endLine: 3, endColumn: 2 });
  assert.deepEqual(firstChangedLine("a\nb\n", "ab\nb\n"), { line: 1, column: 1, endLine: 1, endColumn: 3 });
  // "a\nb\nc\n" → "a\nb\n": line 3 is now the empty last line.
  assert.deepEqual(firstChangedLine("a\nb\nc\n", "a\nb\n"), { line: 3, column: 1, endLine: 3, endColumn: 1 });
  assert.deepEqual(firstChangedLine("a\nb", "a"), { line: 1, column: 1, endLine: 1, endColumn: 2 });
  assert.deepEqual(firstChangedLine("a\nb\nc\n", "\ufeffa\r\nb\r\nC\r\n"), { line: 3, column: 1, endLine: 3, endColumn: 2 });
});

test("no-edit-after-deploy: a deployed file missing locally is reported on its folder path", async () => {
  const findings = await lintErrors(RULE, { "001_a.sql": ORIGINAL }, {
    applied: new Map([["001_a.sql", await migrationChecksum(ORIGINAL)], ["007_x.sql", "ab".repeat(32)]]),
  });
  assert.deepEqual(findings.map((f) => [f.file, f.range.line, f.range.column, f.message]), [
    ["scripts/007_x.sql", 1, 1, "007_x.sql is deployed but missing from scripts; restore the file as it was deployed"],
  ]);
});

test("no-edit-after-deploy: unchanged (even with CRLF and a BOM), undeployed, or deployed state unknown: silent", async () => {
  const sum = await migrationChecksum(ORIGINAL);
  await lintOk(RULE, { "001_a.sql": "\ufeff" + ORIGINAL.replace("\n", "\r\n"), "002_new.sql": "select 1;\n" }, { applied: new Map([["001_a.sql", sum]]) });
  await lintOk(RULE, { "001_a.sql": "select 2;\n" }, { applied: null });
  // The deployed text alone never makes a finding: drift is the checksum's call.
  await lintOk(RULE, { "001_a.sql": ORIGINAL }, { applied: new Map([["001_a.sql", sum]]), deployedSql: new Map([["001_a.sql", "select 3;\n"]]) });
});
