import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintOk } from "../../testing.ts";
import { labelOf, nextNumber } from "./rule.ts";

const RULE = "invalid-filename";

test("invalid-filename: a .sql file breaking the naming rule, with the rule and the next free number", async () => {
  const findings = await lintErrors(RULE, { "001_a.sql": "", "025_b.sql": "", "fix_users.sql": "select 1;", "notes.md": "# not sql" });
  assert.deepEqual(findings.map((f) => [f.file, f.range.line, f.range.column, f.severity]), [["scripts/fix_users.sql", 1, 1, "error"]]);
  assert.equal(findings[0].message, "fix_users.sql is not a migration name, so it never runs: a migration file is named <number>_<name>.sql, " +
    "where <number> is 3 or more digits (001) or a 14-digit timestamp (20240101120000) and <name> uses letters, digits, '_', '-' or '.'; " +
    "rename to 026_fix_users.sql");
});

test("invalid-filename: suggestions keep the label and the numbering style", () => {
  assert.equal(labelOf("26 Fix users!.SQL"), "fix_users");
  assert.equal(labelOf("1-.sql"), "migration");
  assert.deepEqual([nextNumber([]), nextNumber(["009"]), nextNumber(["20240101120000"])], ["001", "010", "20240101120001"]);
});

test("invalid-filename: valid names, rollbacks and non-SQL files are silent", async () => {
  await lintOk(RULE, { "001_a.sql": "", "rollback/001_a.sql": "", "README.md": "", "20240101120000_b-c.d.sql": "" });
});
