// A folder with more findings than a JavaScript call can take as arguments: `push(...findings)` once made
// `supamigrate lint` die with "Maximum call stack size exceeded" and print nothing (issue 16). The CLI runs
// from source (tsx), in a throwaway project; first linting afresh, then from the lint cache it wrote.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeProject, runCli } from "./support/cli.ts";

// 200,000 findings: well past where a spread of them overflowed the stack (about 125,000 arguments with
// Node's default stack here, fewer on a deeper call stack or a smaller one).
const FILES = 100;
const STATEMENTS_PER_FILE = 1000;
// Each statement is reported twice: require-if-not-exists (no IF NOT EXISTS) and rls-not-enabled (public, no RLS).
const EXPECTED = FILES * STATEMENTS_PER_FILE * 2;

function migrations(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let f = 1; f <= FILES; f++) {
    let sql = "";
    for (let s = 0; s < STATEMENTS_PER_FILE; s++) sql += `create table t_${f}_${s} (id int);\n`;
    files[`${String(f).padStart(3, "0")}_tables.sql`] = sql;
  }
  return files;
}

interface JsonReport {
  readonly files: number;
  readonly findings: ReadonlyArray<{ readonly file: string; readonly rule: string; readonly severity: string }>;
}

function countBy(report: JsonReport, key: "rule" | "severity"): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of report.findings) counts[f[key]] = (counts[f[key]] ?? 0) + 1;
  return counts;
}

test("lint --format json: more than 100,000 findings, all printed as one JSON document, afresh and from the cache", async () => {
  assert.equal(EXPECTED, 200_000);
  const cwd = makeProject(migrations());
  const fresh = await runCli(["lint", "--format", "json"], { cwd });
  assert.equal(fresh.stderr, "");
  assert.equal(fresh.status, 0, "warnings only");
  const report = JSON.parse(fresh.stdout) as JsonReport;
  assert.equal(report.files, FILES);
  assert.equal(report.findings.length, EXPECTED);
  assert.deepEqual(countBy(report, "rule"), { "require-if-not-exists": EXPECTED / 2, "rls-not-enabled": EXPECTED / 2 });
  assert.deepEqual(countBy(report, "severity"), { warning: EXPECTED });
  assert.equal(new Set(report.findings.map((f) => f.file)).size, FILES);

  const cached = await runCli(["lint", "--format", "json", "--verbose"], { cwd });
  assert.match(cached.stderr, /^scripts: cache hit$/m);
  assert.equal(cached.status, 0);
  assert.equal(cached.stdout, fresh.stdout);
});
