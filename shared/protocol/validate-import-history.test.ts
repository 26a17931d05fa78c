// `POST import-history` bodies: the apply body's files, and the optional acknowledgements of unmatched history rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateImportHistoryRequest } from "./validate.ts";

const migrations = [{ name: "20240101120000_create_notes.sql", sql: "select 1;", rollback: null }];

function refused(body: unknown, code: string): string {
  const result = validateImportHistoryRequest(body);
  if (result.ok) assert.fail(`expected ${code}, got accepted`);
  assert.equal(result.code, code, result.message);
  return result.message;
}

test("import-history: the body without acknowledgements is taken as before (no acceptUnmatched key added)", () => {
  const result = validateImportHistoryRequest({ migrations, dryRun: true, meta: { actor: "dave" } });
  assert.ok(result.ok);
  assert.deepEqual(result.value, { migrations, dryRun: true, meta: { actor: "dave" } });
  const nulled = validateImportHistoryRequest({ migrations, acceptUnmatched: null });
  assert.ok(nulled.ok);
  assert.equal("acceptUnmatched" in nulled.value, false);
});

test("import-history: acceptUnmatched names rows by version or <version>_<name>, each with a reason", () => {
  const body = {
    migrations,
    acceptUnmatched: [{ row: "20240102090000_add_created_at", reason: "folded into 20240103000000" }, { row: "20240105000000", reason: "dropped" }],
  };
  const result = validateImportHistoryRequest(body);
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(result.value.acceptUnmatched, body.acceptUnmatched);
  assert.deepEqual(validateImportHistoryRequest({ migrations, acceptUnmatched: [] }), { ok: true, value: { migrations, dryRun: false, meta: {}, acceptUnmatched: [] } });
});

test("import-history: a bad acknowledgement is refused, saying what to send", () => {
  assert.equal(refused({ migrations, acceptUnmatched: [{ row: "20240102090000_add_created_at", reason: "  " }] }, "missing-reason"),
    '"acceptUnmatched"[0] needs a non-empty "reason" (CLI: --reason "…"): it goes into the event log');
  refused({ migrations, acceptUnmatched: [{ row: "20240102090000_add_created_at" }] }, "missing-reason");
  assert.equal(refused({ migrations, acceptUnmatched: [{ row: "../etc", reason: "x" }] }, "invalid-request"),
    '"acceptUnmatched"[0].row must name a history row as import-history lists it: its version (20240102090000) or <version>_<name>');
  refused({ migrations, acceptUnmatched: [{ row: 20240102090000, reason: "x" }] }, "invalid-request");
  refused({ migrations, acceptUnmatched: "20240102090000" }, "invalid-request");
  refused({ migrations, acceptUnmatched: [{ row: "20240102090000", reason: "x".repeat(501) }] }, "invalid-request");
  assert.equal(refused({ migrations, acceptUnmatched: [{ row: "20240102090000", reason: "x", by: "me" }] }, "unknown-field"),
    '"acceptUnmatched"[0] has an unknown field "by"; allowed fields: row, reason');
  refused({ migrations, to: null }, "unknown-field");
});
