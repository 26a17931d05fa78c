import { test } from "node:test";
import assert from "node:assert/strict";
import { lintProject } from "./engine.ts";
import { rules } from "./registry.ts";
import type { SeveritySetting } from "./types.ts";

// Only the rules these tests exercise, so other rules' findings never change the expectations.
const RULES = rules.filter((r) => ["unknown-reference", "syntax-error", "rls-not-enabled", "duplicate-number"].includes(r.id));
async function lintFixture(files: Record<string, string>, options: { severities?: Record<string, SeveritySetting> } = {}) {
  const listing = Object.entries(files).map(([relativePath, text]) => ({ relativePath, text }));
  return (await lintProject({ dir: "scripts", listing, rules: RULES, ...options })).findings;
}

const UNKNOWN = "alter table ghost enable row level security;";
const only = (rule: string) => async (files: Record<string, string>) =>
  (await lintFixture(files)).filter((f) => f.rule === rule).map((f) => [f.range.line, f.range.column, f.message]);
const unknown = only("unknown-reference");
const unused = only("unused-ignore");

test("suppression: the line before a statement silences that rule in that statement only", async () => {
  const files = { "001_x.sql": `-- supamigrate-ignore unknown-reference -- created by a DO block\n${UNKNOWN}\n${UNKNOWN}\n` };
  assert.deepEqual((await unknown(files)).map((f) => f[0]), [3]);
  assert.deepEqual(await unused(files), []);
});

test("suppression: several ids, comma or space separated; a top-of-file block silences the whole file", async () => {
  assert.deepEqual(await unknown({ "001_x.sql": `-- supamigrate-ignore syntax-error, unknown-reference\n${UNKNOWN}\n` }), []);
  const top = { "001_x.sql": `-- supamigrate-ignore unknown-reference duplicate-number\n\n${UNKNOWN}\nselect 1;\n${UNKNOWN}\n`, "001_y.sql": "" };
  assert.deepEqual(await unknown(top), []);
  assert.deepEqual((await lintFixture(top)).filter((f) => f.file === "scripts/001_x.sql").map((f) => f.rule), []);
});

test("suppression: an ignore that silences nothing, names an unknown rule or precedes no statement is reported", async () => {
  const findings = await unused({
    "001_x.sql": `-- supamigrate-ignore rls-not-enabled\ncreate table if not exists public.t (id int);\nalter table public.t enable row level security;\n-- supamigrate-ignore unknown-refernce\n${UNKNOWN}\n-- supamigrate-ignore syntax-error\n`,
  });
  assert.deepEqual(findings, [
    [1, 23, "this ignore for rls-not-enabled suppresses nothing: rls-not-enabled reports nothing in the statement after it; remove the ignore"],
    [4, 23, '"unknown-refernce" is not a supamigrate rule id (did you mean "unknown-reference"?); fix the id or remove the ignore'],
    [6, 23, "this ignore for syntax-error is not followed by a statement; put it on the line before the statement, or remove it"],
  ]);
  const severities = (await lintFixture({ "001_x.sql": "-- supamigrate-ignore syntax-error\nselect 1;\n" })).map((f) => f.severity);
  assert.deepEqual(severities, ["warning"]);
});

test("suppression: a rule switched off makes its ignores neither used nor unused; unused-ignore can be configured", async () => {
  const files = { "001_x.sql": "-- supamigrate-ignore unknown-reference\nselect 1;\n" };
  assert.deepEqual((await lintFixture(files, { severities: { "unknown-reference": "off" } })).map((f) => f.rule), []);
  assert.deepEqual((await lintFixture(files, { severities: { "unused-ignore": "error" } })).map((f) => [f.rule, f.severity]), [["unused-ignore", "error"]]);
  assert.deepEqual((await lintFixture(files, { severities: { "unused-ignore": "off" } })).length, 0);
});

test("suppression: thousands of ignores over thousands of findings, each silencing only its own statement", async () => {
  const parts: string[] = [];
  for (let i = 0; i < 3000; i++) parts.push(i % 3 === 2 ? UNKNOWN : `-- supamigrate-ignore unknown-reference\n${UNKNOWN}`);
  parts.push("-- supamigrate-ignore unknown-reference\nselect 1;");
  const files = { "001_x.sql": `${parts.join("\n")}\n` };
  const lines = (await unknown(files)).map((f) => f[0]);
  assert.equal(lines.length, 1000);
  // Statement 3k+2 sits on line 5k+5 (two lines for each ignored statement before it, one for the other).
  assert.deepEqual(lines.slice(0, 3), [5, 10, 15]);
  assert.deepEqual((await unused(files)).map((f) => f[0]), [5001]);
  // Two file-wide ignores of one rule: both are used.
  const twice = { "001_x.sql": `-- supamigrate-ignore unknown-reference\n-- supamigrate-ignore unknown-reference\n\n${UNKNOWN}\n${UNKNOWN}\n` };
  assert.deepEqual([await unknown(twice), await unused(twice)], [[], []]);
});
