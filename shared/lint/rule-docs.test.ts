// Rule doc links: every rule's page exists in the repository, and the URL is the one web base + that path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { rules } from "./registry.ts";
import { RULE_DOCS_BASE_URL, ruleDocPath, ruleDocUrl } from "./rule-docs.ts";

test("every rule's doc page exists at its path; unused-ignore points at the suppression section", () => {
  for (const rule of rules) assert.ok(existsSync(ruleDocPath(rule.id)), `${rule.id}: ${ruleDocPath(rule.id)} is missing`);
  assert.equal(ruleDocPath("unused-ignore"), "docs/configuration.md#suppression-comments");
  assert.ok(existsSync("docs/configuration.md"));
});

test("ruleDocUrl is the web base and the path; another base replaces it", () => {
  assert.match(RULE_DOCS_BASE_URL, /^https:\/\/.+\/$/);
  assert.equal(ruleDocUrl("syntax-error"), `${RULE_DOCS_BASE_URL}shared/lint/rules/syntax-error/README.md`);
  assert.equal(ruleDocUrl("syntax-error", "https://example.com/fork/"), "https://example.com/fork/shared/lint/rules/syntax-error/README.md");
});
