import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintOk } from "../../testing.ts";

test("syntax-error: flags the rejected token at its exact position, after non-ASCII text", async () => {
  const findings = await lintErrors("syntax-error", {
    "001_init.sql": "-- café 📚\ncreate table if not exists a (id int);\nalter tabel a add column b int;\nselect 1;\n",
  });
  assert.equal(findings.length, 1);
  assert.deepEqual(
    { file: findings[0].file, range: findings[0].range, severity: findings[0].severity, message: findings[0].message },
    {
      file: "scripts/001_init.sql",
      range: { line: 3, column: 7, endLine: 3, endColumn: 32 },
      severity: "error",
      message: 'syntax error at or near "tabel"',
    },
  );
});

test("syntax-error: one finding per broken statement; valid SQL is silent", async () => {
  const findings = await lintErrors("syntax-error", { "001_x.sql": "selec 1;\nselect 2;\ncreat table x();\n" });
  assert.deepEqual(findings.map((f) => f.range.line), [1, 3]);
  await lintOk("syntax-error", { "001_x.sql": "create table if not exists x (id int);\n-- done\n" });
});
