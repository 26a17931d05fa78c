import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintOk } from "../../testing.ts";

const RULE = "duplicate-number";

test("duplicate-number: one info finding per file of the group, at 1:1, naming the order they run in", async () => {
  const findings = await lintErrors(RULE, {
    "007_create_notification_preferences.sql": "select 1;\n",
    "007_create_feedback_tables.sql": "select 1;\n",
    "008_x.sql": "select 1;\n",
  });
  const message = "007 is shared by 2 files; both run, in this order: 007_create_feedback_tables.sql, then 007_create_notification_preferences.sql";
  assert.deepEqual(findings.map((f) => [f.file, f.range, f.severity, f.message]), [
    ["scripts/007_create_feedback_tables.sql", { line: 1, column: 1, endLine: 1, endColumn: 1 }, "info", message],
    ["scripts/007_create_notification_preferences.sql", { line: 1, column: 1, endLine: 1, endColumn: 1 }, "info", message],
  ]);
});

test("duplicate-number: numbers equal in value (7 and 007) share; distinct numbers are silent", async () => {
  const findings = await lintErrors(RULE, { "007_b.sql": "", "0007_a.sql": "", "008_c.sql": "" });
  assert.equal(findings[0].message, "0007 is shared by 2 files; both run, in this order: 0007_a.sql, then 007_b.sql");
  await lintOk(RULE, { "001_a.sql": "", "002_a.sql": "", "20240101120000_a.sql": "" });
});
