import { test } from "node:test";
import assert from "node:assert/strict";
import { isJsonContentType, validateApplyRequest, validateBaselineRequest, validateDeployedRequest, validateRollbackRequest } from "./validate.ts";

const file = (name: string, rollback: string | null = null) => ({ name, sql: "select 1;", rollback });

/** Passes only when the body is accepted. */
function accepted(body: unknown) {
  const result = validateApplyRequest(body);
  if (!result.ok) assert.fail(`expected accepted, got ${result.code}: ${result.message}`);
  return result.value;
}

/** Passes only when the body is refused with this code; returns the message. */
function refused(result: ReturnType<typeof validateApplyRequest> | ReturnType<typeof validateRollbackRequest>, code: string): string {
  if (result.ok) assert.fail(`expected ${code}, got accepted`);
  assert.equal(result.code, code, result.message);
  return result.message;
}

test("apply: a full body is accepted and normalized", () => {
  const value = accepted({
    migrations: [file("001_a.sql", "drop table a;"), file("20240101120000_b.sql")],
    dryRun: true,
    to: "001_a.sql",
    placeholders: { admin_email: "a@b.co" },
    meta: { gitSha: "abc", ciRun: null, actor: "ci" },
  });
  assert.deepEqual(value, {
    migrations: [file("001_a.sql", "drop table a;"), file("20240101120000_b.sql")],
    dryRun: true,
    to: "001_a.sql",
    placeholders: { admin_email: "a@b.co" },
    meta: { gitSha: "abc", ciRun: null, actor: "ci" },
  });
});

test("apply: defaults for the optional fields", () => {
  assert.deepEqual(accepted({ migrations: [file("001_a.sql")] }), {
    migrations: [file("001_a.sql")], dryRun: false, to: null, placeholders: {}, meta: {},
  });
});

test("apply: shape errors say what to send", () => {
  assert.match(refused(validateApplyRequest([]), "invalid-request"), /JSON object/);
  assert.match(refused(validateApplyRequest({}), "invalid-request"), /"migrations" must be an array of 1 to 5000/);
  refused(validateApplyRequest({ migrations: [] }), "invalid-request");
  refused(validateApplyRequest({ migrations: Array.from({ length: 5001 }, (_, i) => file(`${String(i).padStart(4, "0")}_x.sql`)) }), "invalid-request");
  assert.match(refused(validateApplyRequest({ migrations: ["001_a.sql"] }), "invalid-request"), /"migrations"\[0\] must be an object/);
  assert.match(refused(validateApplyRequest({ migrations: [{ name: "001_a.sql", sql: 1, rollback: null }] }), "invalid-request"), /\.sql \(001_a\.sql\)/);
  refused(validateApplyRequest({ migrations: [{ name: "001_a.sql", sql: "", rollback: 5 }] }), "invalid-request");
  refused(validateApplyRequest({ migrations: [file("001_a.sql")], dryRun: "yes" }), "invalid-request");
  refused(validateApplyRequest({ migrations: [file("001_a.sql")], to: 3 }), "invalid-request");
});

test("apply: unknown fields are named", () => {
  assert.match(refused(validateApplyRequest({ migrations: [file("001_a.sql")], dryrun: true }), "unknown-field"), /"dryrun".*allowed fields: migrations, dryRun/);
  assert.match(refused(validateApplyRequest({ migrations: [{ ...file("001_a.sql"), checksum: "x" }] }), "unknown-field"), /"checksum"/);
  assert.match(refused(validateApplyRequest({ migrations: [file("001_a.sql")], meta: { branch: "x" } }), "unknown-field"), /"branch"/);
});

test("apply: names must be bare contract file names", () => {
  for (const name of ["../x.sql", "scripts/001_a.sql", "..", "001_a\u0000.sql", "a.sql", "01_a.sql", "", ".001_a.sql", "001_a.sql\\x"]) {
    assert.match(refused(validateApplyRequest({ migrations: [file(name)] }), "invalid-name"), /<number>_<name>\.sql/, name);
  }
  refused(validateApplyRequest({ migrations: [{ name: 7, sql: "", rollback: null }] }), "invalid-request");
});

test("apply: duplicate names and an unknown target", () => {
  assert.match(refused(validateApplyRequest({ migrations: [file("001_a.sql"), file("001_a.sql")] }), "duplicate-name"), /listed twice/);
  assert.match(refused(validateApplyRequest({ migrations: [file("001_a.sql")], to: "002_b.sql" }), "unknown-target"), /"001_a\.sql"/);
});

test("apply: placeholders are names to plain text values", () => {
  accepted({ migrations: [file("001_a.sql")], placeholders: { a_1: "x@y.z", b: "" } });
  refused(validateApplyRequest({ migrations: [file("001_a.sql")], placeholders: ["x"] }), "invalid-request");
  assert.match(refused(validateApplyRequest({ migrations: [file("001_a.sql")], placeholders: { "a-b": "x" } }), "invalid-placeholder"), /letters, digits/);
  refused(validateApplyRequest({ migrations: [file("001_a.sql")], placeholders: { a: 1 } }), "invalid-placeholder");
  assert.match(refused(validateApplyRequest({ migrations: [file("001_a.sql")], placeholders: { a: "x'; drop table y; --" } }), "invalid-placeholder"), /could change the SQL/);
});

test("apply: meta fields are short text", () => {
  refused(validateApplyRequest({ migrations: [file("001_a.sql")], meta: "x" }), "invalid-request");
  refused(validateApplyRequest({ migrations: [file("001_a.sql")], meta: { actor: 1 } }), "invalid-request");
  assert.match(refused(validateApplyRequest({ migrations: [file("001_a.sql")], meta: { actor: "x".repeat(501) } }), "invalid-request"), /500 characters/);
});

test("apply: applied files may be sent by checksum only, each name once across both lists", () => {
  const checksum = "a".repeat(64);
  assert.deepEqual(accepted({ migrations: [], applied: [{ name: "001_a.sql", checksum }], to: "001_a.sql" }), {
    migrations: [], applied: [{ name: "001_a.sql", checksum }], dryRun: false, to: "001_a.sql", placeholders: {}, meta: {},
  });
  assert.equal("applied" in accepted({ migrations: [file("001_a.sql")], applied: [] }), false, "an empty list is left out");
  refused(validateApplyRequest({ migrations: [] }), "invalid-request");
  refused(validateApplyRequest({ migrations: [], applied: {} }), "invalid-request");
  assert.match(refused(validateApplyRequest({ migrations: [file("001_a.sql")], applied: [{ name: "001_a.sql", checksum }] }), "duplicate-name"), /"001_a\.sql" is listed twice/);
  assert.match(refused(validateApplyRequest({ migrations: [], applied: [{ name: "001_a.sql", checksum: "A".repeat(64) }] }), "invalid-request"), /64 lowercase hex digits/);
  refused(validateApplyRequest({ migrations: [], applied: [{ name: "../001_a.sql", checksum }] }), "invalid-name");
  refused(validateApplyRequest({ migrations: [], applied: [{ name: "001_a.sql", checksum, sql: "x" }] }), "unknown-field");
  const baseline = validateBaselineRequest({ migrations: [file("002_b.sql")], applied: [{ name: "001_a.sql", checksum }] });
  assert.equal(baseline.ok ? "accepted" : baseline.code, "unknown-field");
});

test("deployed: 1 to 5000 bare names, deduplicated", () => {
  const ok = validateDeployedRequest({ names: ["001_a.sql", "001_a.sql", "002_b.sql"] });
  assert.deepEqual(ok, { ok: true, value: { names: ["001_a.sql", "002_b.sql"], meta: {} } });
  for (const [body, code] of [[{ names: [] }, "invalid-request"], [{}, "invalid-request"], [{ names: ["x.sql"] }, "invalid-name"], [{ names: ["001_a.sql"], sql: 1 }, "unknown-field"], [[], "invalid-request"]] as const) {
    const result = validateDeployedRequest(body);
    assert.equal(result.ok ? "accepted" : result.code, code, JSON.stringify(body));
  }
});

test("rollback: steps or to, not both, not neither", () => {
  assert.deepEqual(validateRollbackRequest({ steps: 2 }), { ok: true, value: { steps: 2, to: null, dryRun: false, meta: {} } });
  assert.deepEqual(validateRollbackRequest({ to: "007_a.sql", dryRun: true }), { ok: true, value: { to: "007_a.sql", dryRun: true, meta: {} } });
  assert.match(refused(validateRollbackRequest({ steps: 1, to: "007_a.sql" }), "invalid-request"), /not both/);
  assert.match(refused(validateRollbackRequest({}), "invalid-request"), /"steps".*"to"/);
  for (const steps of [0, 1001, 1.5, "1", -1]) refused(validateRollbackRequest({ steps }), "invalid-request");
  refused(validateRollbackRequest({ to: "../007_a.sql" }), "invalid-name");
  refused(validateRollbackRequest({ steps: 1, force: true }), "unknown-field");
  refused(validateRollbackRequest({ steps: 1, dryRun: 1 }), "invalid-request");
  refused(validateRollbackRequest(null), "invalid-request");
});

test("content type: application/json only", () => {
  assert.equal(isJsonContentType("application/json"), true);
  assert.equal(isJsonContentType("Application/JSON; charset=utf-8"), true);
  assert.equal(isJsonContentType("text/plain"), false);
  assert.equal(isJsonContentType("application/jsonx"), false);
  assert.equal(isJsonContentType(null), false);
});
