// One rule = one folder (rule.ts, rule.test.ts, README.md) + one registry line, one id: this test fails
// when a folder is not registered, lacks a file, or its rule's id is not its folder's name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { rules } from "./registry.ts";

const RULES_DIR = new URL("./rules/", import.meta.url);

/** What is wrong with the rule folders against the registry, one line each. */
export function ruleFolderProblems(folders: readonly string[], has: (folder: string, file: string) => boolean, registered: readonly { id: string }[]): string[] {
  const problems: string[] = [];
  const ids = new Set(registered.map((r) => r.id));
  for (const folder of folders) {
    if (!ids.has(folder)) problems.push(`rules/${folder}: no registered rule has the id "${folder}" (add its line to registry.ts, or its id differs from its folder)`);
    for (const file of ["rule.ts", "rule.test.ts", "README.md"]) if (!has(folder, file)) problems.push(`rules/${folder}: ${file} is missing`);
  }
  for (const rule of registered) if (!folders.includes(rule.id)) problems.push(`registry: "${rule.id}" has no folder rules/${rule.id}`);
  if (ids.size !== registered.length) problems.push("registry: an id is registered twice");
  return problems;
}

test("every rule folder is registered under its own name, with its rule, tests and doc page", () => {
  const folders = readdirSync(RULES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const has = (folder: string, file: string) => existsSync(new URL(`${folder}/${file}`, RULES_DIR));
  assert.deepEqual(ruleFolderProblems(folders, has, rules), []);
  for (const folder of folders) {
    assert.match(readFileSync(new URL(`${folder}/README.md`, RULES_DIR), "utf8"), new RegExp(`^# ${folder}\\n`), `rules/${folder}/README.md starts with its id`);
  }
});

test("the check finds an unregistered folder, a missing doc page and an id that is not its folder's (so the test above can fail)", () => {
  const all = () => true;
  assert.deepEqual(ruleFolderProblems(["a-rule"], all, []), [
    'rules/a-rule: no registered rule has the id "a-rule" (add its line to registry.ts, or its id differs from its folder)',
  ]);
  assert.deepEqual(ruleFolderProblems(["a-rule"], (_f, file) => file !== "README.md", [{ id: "a-rule" }]), ["rules/a-rule: README.md is missing"]);
  assert.deepEqual(ruleFolderProblems(["a-rule"], all, [{ id: "a_rule" }]), [
    'rules/a-rule: no registered rule has the id "a-rule" (add its line to registry.ts, or its id differs from its folder)',
    'registry: "a_rule" has no folder rules/a_rule',
  ]);
});
