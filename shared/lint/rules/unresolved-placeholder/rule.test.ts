import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintOk } from "../../testing.ts";

const RULE = "unresolved-placeholder";
const FILES = {
  "012_admin.sql": "select 1;\nselect '${admin_email}', '${admin_email}';\n",
  "rollback/012_admin.sql": "select '${admin_email}';\n",
};

test("unresolved-placeholder: plain lint (values unknown) reports info, once per name and file, rollback included", async () => {
  const findings = await lintErrors(RULE, FILES);
  assert.deepEqual(findings.map((f) => [f.file, f.range, f.severity, f.message]), [
    ["scripts/012_admin.sql", { line: 2, column: 9, endLine: 2, endColumn: 23 }, "info",
      "${admin_email} needs a value at apply time: --set admin_email=… (used 2 times in this file)"],
    ["scripts/rollback/012_admin.sql", { line: 1, column: 9, endLine: 1, endColumn: 23 }, "info",
      "${admin_email} needs a value at apply time: --set admin_email=…"],
  ]);
});

test("unresolved-placeholder: with values supplied, a missing one is an error; a configured severity wins", async () => {
  const findings = await lintErrors(RULE, FILES, { placeholders: { other: "x" } });
  assert.deepEqual(findings.map((f) => [f.severity, f.message]), [
    ["error", "${admin_email} has no value; supply it with --set admin_email=… (used 2 times in this file)"],
    ["error", "${admin_email} has no value; supply it with --set admin_email=…"],
  ]);
  const overridden = await lintErrors(RULE, FILES, { severities: { [RULE]: "warning" } });
  assert.deepEqual(overridden.map((f) => f.severity), ["warning", "warning"]);
});

test("unresolved-placeholder: supplied values and files without placeholders are silent", async () => {
  await lintOk(RULE, FILES, { placeholders: { admin_email: "a@b.c" } });
  await lintOk(RULE, { "001_a.sql": "select '$1', '${}', '{x}';\n" });
});
