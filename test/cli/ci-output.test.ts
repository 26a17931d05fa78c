// What a CI user reads: exit codes by error, `::error` annotations for refusals, verify's github and json
// formats, lint's colours. Unit level; ci-output-e2e.test.ts runs the same through the real CLI and function.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FunctionCallError } from "../../shared/client/index.ts";
import { compareWithApplied } from "../../shared/migrations/index.ts";
import { formatSummary, formatText } from "../../shared/lint/format/text.ts";
import type { Finding } from "../../shared/lint/types.ts";
import type { AppliedMigration } from "../../shared/protocol/types.ts";
import { colorsFor } from "../../cli/output/colors.ts";
import { describeError, UsageError } from "../../cli/output/errors.ts";
import { lintSummary, lintText } from "../../cli/output/lint-text.ts";
import { errorAnnotations } from "../../cli/output/refusal-annotations.ts";
import { verifyAnnotations, verifyJson } from "../../cli/commands/verify.ts";

test("exit codes: 3 for a refused token (401, 403) or database login, 1 for drift, 2 for the rest", () => {
  const exit = (error: unknown) => describeError(error).exitCode;
  assert.equal(exit(new FunctionCallError(401, "unauthorized", "SUPAMIGRATE_TOKEN is missing or wrong")), 3);
  assert.equal(exit(new FunctionCallError(403, "forbidden", "the token has the read scope; apply needs write")), 3);
  assert.equal(exit(new FunctionCallError(409, "drift", "1 applied file differs")), 1);
  assert.equal(exit(new FunctionCallError(409, "lock-held", "held by ci")), 2);
  assert.equal(exit(new FunctionCallError(400, "unresolved-placeholder", "no value")), 2);
  assert.equal(exit(new FunctionCallError(404, "not-found", "wrong URL")), 2);
  assert.equal(exit(new UsageError("bad flag")), 2);
  assert.equal(exit(Object.assign(new Error("the password was rejected (28P01)"), { code: "not-authorized" })), 3);
  assert.equal(exit(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })), 2);
});

test("github: a refusal is annotated on each file it names; any other error once, titled with its code", () => {
  const a = "a".repeat(64);
  const b = "b".repeat(64);
  const drift = new FunctionCallError(409, "drift", "…", { drifted: [{ name: "002_b.sql", deployedChecksum: a, localChecksum: b }], missing: ["001_a.sql"] });
  assert.deepEqual(errorAnnotations(drift, { code: "drift", message: "…" }, "scripts/"), [
    "::error file=scripts/002_b.sql,title=drift::002_b.sql was edited after it was deployed (deployed checksum aaaaaaaaaaaa, local bbbbbbbbbbbb): restore the deployed text and put the change in a new migration. Nothing was applied.",
    "::error file=scripts/001_a.sql,title=drift::001_a.sql was deployed but is missing locally: restore it; a deployed migration is never deleted or renamed. Nothing was applied.",
  ]);
  const placeholders = new FunctionCallError(400, "unresolved-placeholder", "…", {
    unresolved: [{ name: "012_admin.sql", placeholder: "admin_email", inRollback: false }, { name: "012_admin.sql", placeholder: "admin_email", inRollback: true }],
  });
  assert.deepEqual(errorAnnotations(placeholders, { code: "unresolved-placeholder", message: "…" }, "db/migrations"), [
    "::error file=db/migrations/012_admin.sql,title=unresolved-placeholder::no value for ${admin_email}: supply --set admin_email=<value>. Nothing was applied.",
    "::error file=db/migrations/rollback/012_admin.sql,title=unresolved-placeholder::no value for ${admin_email}: supply --set admin_email=<value>. Nothing was applied.",
  ]);
  const syntax = new FunctionCallError(400, "syntax-error", "003_c.sql:4:7: syntax error at or near \"tabel\". …", { name: "003_c.sql", line: 4, column: 7, rollback: false });
  assert.deepEqual(errorAnnotations(syntax, { code: "syntax-error", message: syntax.message }, "scripts"), [
    "::error file=scripts/003_c.sql,line=4,col=7,title=syntax-error::003_c.sql:4:7: syntax error at or near \"tabel\". …",
  ]);
  const lock = new FunctionCallError(409, "lock-held", "another run holds the migration lock: ci since 10:00. Wait for it to finish, then run the command again.");
  assert.deepEqual(errorAnnotations(lock, { code: "lock-held", message: lock.message }, "scripts"), [
    "::error title=lock-held::another run holds the migration lock: ci since 10:00. Wait for it to finish, then run the command again.",
  ]);
  // Without the folder (it could not be read) a per-file refusal is still annotated once.
  assert.deepEqual(errorAnnotations(drift, { code: "drift", message: "1 applied file differs" }, null), ["::error title=drift::1 applied file differs"]);
  assert.deepEqual(errorAnnotations(new UsageError("no migrations folder at nope"), { code: "usage", message: "no migrations folder at nope" }, "scripts"), [
    "::error title=usage::no migrations folder at nope",
  ]);
});

const row = (name: string, checksum: string): AppliedMigration => ({
  name, checksum, appliedAt: "2025-11-25T19:30:01.123Z", appliedBy: "ci", durationMs: 42, hasRollback: true, transactional: true, gitSha: null, ciRun: null,
});

test("verify --format github: an ::error on each drifted or missing file and on a changed event log; json: one object", () => {
  const a = "a".repeat(64);
  const comparison = compareWithApplied([row("001_a.sql", a), row("002_b.sql", "b".repeat(64))], [{ name: "001_a.sql", checksum: "c".repeat(64) }, { name: "003_c.sql", checksum: "d" }]);
  const broken = { events: 9, chained: 9, head: "f".repeat(64), broken: { id: 7, reason: "does not match its hash: it was changed after it was written" } };
  assert.deepEqual(verifyAnnotations(comparison, broken, "scripts"), [
    "::error file=scripts/001_a.sql,title=drift::001_a.sql was edited after it was deployed (deployed checksum aaaaaaaaaaaa, local cccccccccccc): restore the deployed text and put the change in a new migration.",
    "::error file=scripts/002_b.sql,title=drift::002_b.sql was deployed but is missing locally: restore it (e.g. `git checkout <deployed commit> -- scripts/002_b.sql`); a deployed migration is never deleted or renamed.",
    "::error title=event-log::supamigrate.events #7 does not match its hash: it was changed after it was written. The event log is the audit trail of every apply and rollback: find who changed it (a migration runs as the table's owner), and keep the log as it is.",
  ]);
  assert.deepEqual(JSON.parse(verifyJson(2, comparison, broken)), {
    ok: false, applied: 2, pending: ["003_c.sql"],
    drifted: [{ name: "001_a.sql", deployedChecksum: a, localChecksum: "c".repeat(64) }], missing: ["002_b.sql"], eventLog: broken,
  });
  const clean = compareWithApplied([row("001_a.sql", a)], [{ name: "001_a.sql", checksum: a }]);
  assert.deepEqual(verifyAnnotations(clean, null, "scripts"), []);
  assert.equal(verifyJson(1, clean, null), '{"ok":true,"applied":1,"pending":[],"drifted":[],"missing":[],"eventLog":null}');
});

const finding = (severity: Finding["severity"], rule: string, message: string): Finding => ({
  file: "scripts/026_x.sql", range: { line: 3, column: 5, endLine: 3, endColumn: 9 }, rule, severity, message,
});

test("lint text: coloured severity and dimmed rule on a terminal; without colour exactly the contract's bytes", () => {
  const findings = [finding("error", "syntax-error", "syntax error at or near \"tabel\""), finding("warning", "require-if-not-exists", "CREATE TABLE without\nIF NOT EXISTS"), finding("info", "duplicate-number", "shared")];
  const plain = colorsFor({ isTTY: false }, {});
  assert.equal(lintText(findings, plain), formatText(findings));
  assert.equal(lintSummary(findings, 3, plain), formatSummary(findings, 3));
  const tty = colorsFor({ isTTY: true }, {});
  assert.equal(lintText(findings, tty), [
    "scripts/026_x.sql:3:5: \u001b[1m\u001b[31merror\u001b[39m\u001b[22m \u001b[2msyntax-error\u001b[22m: syntax error at or near \"tabel\"\n",
    "scripts/026_x.sql:3:5: \u001b[1m\u001b[33mwarning\u001b[39m\u001b[22m \u001b[2mrequire-if-not-exists\u001b[22m: CREATE TABLE without IF NOT EXISTS\n",
    "scripts/026_x.sql:3:5: \u001b[1m\u001b[36minfo\u001b[39m\u001b[22m \u001b[2mduplicate-number\u001b[22m: shared\n",
  ].join(""));
  // eslint-disable-next-line no-control-regex
  assert.equal(lintText(findings, tty).replace(/\u001b\[\d+m/g, ""), formatText(findings), "the same text once the colours are taken out");
  assert.equal(lintSummary(findings, 3, tty), "\u001b[31m1 error, 1 warning, 1 info in 3 files\u001b[39m");
  assert.equal(lintSummary(findings.slice(1), 3, tty), "\u001b[33m0 errors, 1 warning, 1 info in 3 files\u001b[39m");
  assert.equal(lintSummary([], 3, tty), "\u001b[32m0 errors, 0 warnings, 0 info in 3 files\u001b[39m");
});
