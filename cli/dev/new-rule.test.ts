import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { registered, ruleFiles } from "./new-rule.ts";

test("new-rule: registers the rule with one import and one list entry, after the others", () => {
  const registry = readFileSync("shared/lint/registry.ts", "utf8");
  const after = registered(registry, "require-lock-timeout");
  const added = after.split("\n").filter((line) => !registry.split("\n").includes(line));
  assert.deepEqual(added, ['import { rule as requireLockTimeout } from "./rules/require-lock-timeout/rule.ts";', "  requireLockTimeout,"]);
  assert.ok(after.indexOf("requireLockTimeout,") > after.indexOf("emptyMigration,"), "appended to the list");
});

test("new-rule: the folder's files carry the id, and the README starts as the registry test requires", () => {
  const files = ruleFiles("require-lock-timeout");
  assert.deepEqual(Object.keys(files), ["rule.ts", "rule.test.ts", "README.md"]);
  assert.match(files["rule.ts"], /id: "require-lock-timeout"/);
  assert.match(files["rule.test.ts"], /lintErrors\(RULE, .*\n[\s\S]*lintOk\(RULE,/);
  assert.match(files["README.md"], /^# require-lock-timeout\n/);
});

test("new-rule: a malformed or existing id is refused with exit 2 and nothing written", () => {
  for (const id of ["Bad_Id", "empty-migration"]) {
    const run = spawnSync(process.execPath, ["--import", "tsx", "cli/dev/new-rule.ts", id], { encoding: "utf8" });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, id === "Bad_Id" ? /usage: npm run new-rule <rule-id>/ : /exists already/);
  }
});
