import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintFixture, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "empty-migration";

test("empty-migration: an empty file is an error at 1:1 that says what is wrong and how to fix it", async () => {
  const findings = await lintErrors(RULE, { "001_a.sql": "create table if not exists t (id int);\n", "002_b.sql": "" });
  assert.deepEqual(findings.map((f) => ({ file: f.file, range: f.range, severity: f.severity, message: f.message })), [{
    file: "scripts/002_b.sql",
    range: { line: 1, column: 1, endLine: 1, endColumn: 1 },
    severity: "error",
    message: "002_b.sql has no statement to run (the file is empty): applying it would record it as applied without changing " +
      "anything; add the migration's SQL, or delete the file if it was created by mistake",
  }]);
  assert.match(findings[0].help!, /supamigrate-ignore empty-migration/);
});

test("empty-migration: whitespace only, comments only and `;` only are flagged, over the first line", async () => {
  const cases: Record<string, string> = {
    "001_space.sql": "  \n\t\r\n",
    "002_line_comment.sql": "-- TODO: add the profiles table\n-- later\n",
    "003_block_comment.sql": "/* nothing yet /* nested */ */\n",
    "004_semicolons.sql": ";\n ; ;\n",
    "005_mixed.sql": "-- placeholder\n;\n/* x */;\n",
  };
  const findings = await lintErrors(RULE, cases);
  assert.deepEqual(findings.map((f) => [f.file, f.range.endLine, f.range.endColumn, f.message.slice(f.message.indexOf("("), f.message.indexOf(")") + 1)]), [
    ["scripts/001_space.sql", 1, 3, "(only whitespace)"],
    ["scripts/002_line_comment.sql", 1, 32, "(only comments)"],
    ["scripts/003_block_comment.sql", 1, 31, "(only comments)"],
    ["scripts/004_semicolons.sql", 1, 2, "(only `;`)"],
    ["scripts/005_mixed.sql", 1, 15, "(only comments)"],
  ]);
});

test("empty-migration: a statement, a syntax error, an undecodable file or an empty rollback is not this rule's", async () => {
  await lintOk(RULE, { "001_a.sql": "-- one statement, no trailing semicolon\nselect 1" });
  await lintOk(RULE, { "001_a.sql": ";;select 1;;" });
  // syntax-error reports these; an empty-migration finding on top would send the reader the wrong way.
  const broken = { "001_a.sql": "create tabel t (id int);\n", "002_b.sql": "/* never closed\n", "003_c.sql": "select 1;\u0000" };
  await lintOk(RULE, broken);
  assert.deepEqual((await lintFixture(broken)).map((f) => [f.file, f.rule]), [
    ["scripts/001_a.sql", "syntax-error"],
    ["scripts/002_b.sql", "syntax-error"],
    ["scripts/003_c.sql", "syntax-error"],
  ]);
  // Rollback files are not migrations: an empty one undoes nothing, which is another concern.
  await lintOk(RULE, { "001_a.sql": "create table if not exists t (id int);\n", "rollback/001_a.sql": "", "rollback/002_gone.sql": "-- x\n" });
});

test("empty-migration: a file ignore keeps an intentionally empty migration quiet; the rule can be configured", async () => {
  await lintOk(RULE, { "001_a.sql": "-- supamigrate-ignore empty-migration -- kept to hold the number\n" });
  const all = await lintFixture({ "001_a.sql": "-- supamigrate-ignore empty-migration\n" });
  assert.deepEqual(all, []);
  const [finding] = await lintErrors(RULE, { "001_a.sql": "" }, { severities: { [RULE]: "warning" } });
  assert.equal(finding.severity, "warning");
  await lintOk(RULE, { "001_a.sql": "" }, { severities: { [RULE]: "off" } });
});

test("empty-migration: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts());
});
