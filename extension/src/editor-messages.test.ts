// The CLI's advice reworded for the editor, checked on the real messages the engine and client build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { unresolvedPlaceholders, syntaxError } from "../../shared/engine/checks/rejections.ts";
import { describeRefusal } from "../../shared/client/describe.ts";
import { STREAM_ENDED_MESSAGE } from "../../shared/client/errors.ts";
import { unreachableError } from "../../shared/client/network.ts";
import { batchSummary, forEditor, withoutNothingApplied } from "./editor-messages.ts";

test("unresolved placeholder: no --set, the editor asks for the value", () => {
  const { message } = unresolvedPlaceholders([
    { name: "012_create_admin_user.sql", placeholder: "admin_email", inRollback: false },
    { name: "013_x.sql", placeholder: "api_key", inRollback: true },
  ]);
  assert.equal(
    forEditor(message),
    "no value for ${admin_email} in 012_create_admin_user.sql, ${api_key} in rollback/013_x.sql. Run the command again and enter the value when asked " +
      "(values are remembered for this workspace). Nothing was applied.",
  );
});

test("drift, 413 and 401 name the editor's view, command and Set Token", () => {
  const target = "http://127.0.0.1:1/functions/v1/supamigrate";
  const drift = describeRefusal({ status: 409, code: "drift", message: "001_a.sql was edited after it was applied", details: { drifted: ["001_a.sql"] } }, { target, tokenSent: true });
  assert.equal(forEditor(drift.message), "001_a.sql was edited after it was applied. Put back the deployed text and make the change in a new migration; the Migrations view shows every drifted file.");
  const tooLarge = describeRefusal({ status: 413, code: "body-too-large", message: "" }, { target, tokenSent: true });
  assert.equal(forEditor(tooLarge.message), "the request is too large for the function (413). Apply one migration at a time (“Supamigrate: Apply Migration”) (files already applied are skipped).");
  const unauthorized = describeRefusal({ status: 401, code: "unauthorized", message: "" }, { target, tokenSent: true });
  assert.match(forEditor(unauthorized.message), /Run “Supamigrate: Set Token” with the value given to `supabase secrets set SUPAMIGRATE_TOKEN=…`/);
  assert.doesNotMatch(forEditor(unauthorized.message), /Set SUPAMIGRATE_TOKEN to/);
});

test("unreachable, syntax error and a stream cut short point at settings, the Problems panel and the command", () => {
  assert.match(forEditor(unreachableError("http://x", new Error("fetch failed"), 1).message), /Check supamigrate\.functionUrl \(or supamigrate\.projectUrl\) and your network\.$/);
  assert.match(forEditor(syntaxError("001_a.sql", 2, 1, "syntax error at or near \"selec\"", false).message), /fix it \(the Problems panel shows every error\) and apply again/);
  assert.match(forEditor(STREAM_ENDED_MESSAGE), /^the connection ended before the function finished; run the command again — /);
});

test("a message with nothing CLI-specific is left as it is", () => {
  assert.equal(forEditor("relation \"public.nope\" does not exist"), "relation \"public.nope\" does not exist");
});

test("withoutNothingApplied drops the closing sentence only", () => {
  assert.equal(withoutNothingApplied("no value for ${x} in 012_a.sql. Nothing was applied."), "no value for ${x} in 012_a.sql.");
  assert.equal(withoutNothingApplied("a.sql: not UTF-8\nNothing was sent."), "a.sql: not UTF-8");
  assert.equal(withoutNothingApplied("locked by ci"), "locked by ci");
});

test("batchSummary counts what the batch applied, whatever stopped it", () => {
  const failure = { name: "012_admin.sql", code: "P0001", message: "no auth.users row has the email ops@example.com", line: 7, column: 1 };
  const refusal = "no value for ${admin_email} in 012_admin.sql. Run the command again and enter the value when asked. Nothing was applied.";
  const five = ["001_a.sql", "002_b.sql", "003_c.sql", "004_d.sql", "005_e.sql"];
  assert.equal(batchSummary(five, null, { name: "012_admin.sql", message: refusal }, ["013_f.sql"]),
    "applied 5 migration(s) (001_a.sql, 002_b.sql, 003_c.sql, 004_d.sql, 005_e.sql), then 012_admin.sql was not applied: no value for ${admin_email} " +
      "in 012_admin.sql. Run the command again and enter the value when asked. Not started: 013_f.sql.");
  assert.equal(batchSummary([], null, { name: "012_admin.sql", message: refusal }, ["013_f.sql"]),
    "012_admin.sql was not applied: no value for ${admin_email} in 012_admin.sql. Run the command again and enter the value when asked. Nothing was applied.");
  assert.equal(batchSummary(["001_a.sql"], failure, undefined, ["013_f.sql"]),
    "applied 1 migration(s) (001_a.sql), then 012_admin.sql failed at line 7: no auth.users row has the email ops@example.com. Not started: 013_f.sql.");
  assert.equal(batchSummary([], failure, undefined, []), "012_admin.sql failed at line 7: no auth.users row has the email ops@example.com.");
  assert.equal(batchSummary(["001_a.sql"], null, undefined, ["002_b.sql"]), "cancelled after 1 file(s) (001_a.sql); not started: 002_b.sql.");
  assert.equal(batchSummary(five, null, undefined, []), "applied 5 migration(s).");
});
