import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "explicit-transaction";

test("explicit-transaction: flags BEGIN and COMMIT as errors over the whole statement; the fix deletes their lines", async () => {
  // A COMMIT before the file's end: not the whole-file wrapper, so it would commit the runner's transaction early.
  const sql = "-- wrap it\nbegin;\ncreate table if not exists t (a int);\n  COMMIT;\ncreate table if not exists u (a int);\n";
  const findings = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(findings.map((f) => ({ range: f.range, severity: f.severity, message: f.message, fixes: f.fixes })), [
    {
      range: { line: 2, column: 1, endLine: 2, endColumn: 7 },
      severity: "error",
      message: "BEGIN in a migration: the file already runs inside the runner's transaction, so it starts nothing and misleads readers",
      fixes: [{ title: "Remove BEGIN", edits: [{ range: { line: 2, column: 1, endLine: 3, endColumn: 1 }, newText: "" }] }],
    },
    {
      range: { line: 4, column: 3, endLine: 4, endColumn: 10 },
      severity: "error",
      message: "COMMIT in a migration: it commits the runner's transaction early, so a failure after it leaves the migration half-applied and untracked",
      fixes: [{ title: "Remove COMMIT", edits: [{ range: { line: 4, column: 1, endLine: 5, endColumn: 1 }, newText: "" }] }],
    },
  ]);
  assert.equal(
    findings[0].help,
    "Remove it: supamigrate runs each migration in its own transaction and commits it together with its tracking row.",
  );
  const fixed = applyEdits(sql, findings.flatMap((f) => f.fixes![0].edits!));
  assert.equal(fixed, "-- wrap it\ncreate table if not exists t (a int);\ncreate table if not exists u (a int);\n");
  await lintOk(RULE, { "001_x.sql": fixed });
});

test("explicit-transaction: BEGIN … COMMIT around the whole file is a warning (the runner leaves the pair out); one fix removes both", async () => {
  const sql = "-- as pasted into the SQL Editor\nbegin;\ncreate table if not exists t (a int);\n  COMMIT;\n";
  const findings = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(findings.map((f) => [f.range.line, f.severity, f.message]), [
    [2, "warning", "BEGIN of a BEGIN … COMMIT around the whole file: supamigrate leaves the pair out and runs the file in a transaction of its own"],
    [4, "warning", "COMMIT of a BEGIN … COMMIT around the whole file: supamigrate leaves the pair out and runs the file in a transaction of its own"],
  ]);
  const fixed = applyEdits(sql, findings[0].fixes![0].edits!);
  assert.equal(fixed, "-- as pasted into the SQL Editor\ncreate table if not exists t (a int);\n");
  await lintOk(RULE, { "001_x.sql": fixed });
  // ROLLBACK at the end is not the wrapper: it would discard the file.
  assert.deepEqual((await lintErrors(RULE, { "001_x.sql": "begin;\nselect 1;\nrollback;\n" })).map((f) => f.severity), ["error", "error"]);
});

test("explicit-transaction: every transaction statement is named as the file spells it", async () => {
  const sql = [
    "start transaction isolation level serializable;",
    "savepoint s;",
    "release savepoint s;",
    "rollback to savepoint s;",
    "abort;",
    "end;",
    "prepare transaction 'x';",
    "commit prepared 'x';",
    "rollback prepared 'x';",
  ].join("\n");
  const findings = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(findings.map((f) => f.message.slice(0, f.message.indexOf(" in a migration"))), [
    "START TRANSACTION",
    "SAVEPOINT",
    "RELEASE SAVEPOINT",
    "ROLLBACK TO SAVEPOINT",
    "ABORT",
    "END",
    "PREPARE TRANSACTION",
    "COMMIT PREPARED",
    "ROLLBACK PREPARED",
  ]);
  const fixed = applyEdits(sql, findings.flatMap((f) => f.fixes![0].edits!));
  assert.equal(fixed, "");
});

test("explicit-transaction: a statement sharing its line loses only itself", async () => {
  const sql = "select 1; commit; -- done\nselect 2;";
  const [finding] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.deepEqual(finding.range, { line: 1, column: 11, endLine: 1, endColumn: 18 });
  assert.equal(applyEdits(sql, finding.fixes![0].edits!), "select 1; -- done\nselect 2;");
});

test("explicit-transaction: BEGIN … END inside function bodies and DO blocks is not flagged", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      "create or replace function f() returns int language plpgsql as $$ begin return 1; end; $$;",
      "create or replace function g() returns int language sql begin atomic select 1; end;",
      "do $$ begin perform 1; exception when others then null; end $$;",
      "-- begin; commit;",
    ].join("\n"),
  });
});

test("explicit-transaction: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts());
});
