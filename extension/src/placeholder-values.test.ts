// Placeholder values without VS Code: a fake storage (plain and secret kept apart) and a fake question
// that records what it was asked. Run by the root's Node test runner.
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { checkPlaceholderValue, isSecretPlaceholder, placeholdersUsed, placeholderValues, type PlaceholderStorage, type RunFile } from "./placeholder-values.ts";

let plain: Map<string, string>;
let secret: Map<string, string>;
let storage: PlaceholderStorage;
let questions: Array<{ name: string; secret: boolean; usedBy: readonly string[] }>;

beforeEach(() => {
  plain = new Map();
  secret = new Map();
  questions = [];
  storage = {
    get: async (name, isSecret) => (isSecret ? secret : plain).get(name),
    set: async (name, value, isSecret) => void (isSecret ? secret : plain).set(name, value),
    clear: async () => {
      const names = [...plain.keys(), ...secret.keys()];
      plain.clear();
      secret.clear();
      return names;
    },
  };
});

/** A question answered from `answers` (a missing answer: cancelled). */
const answering = (answers: Record<string, string>) => async (name: string, q: { secret: boolean; usedBy: readonly string[] }) => {
  questions.push({ name, ...q });
  return Object.hasOwn(answers, name) ? answers[name] : undefined;
};

const ADMIN: RunFile = { name: "012_create_admin_user.sql", sql: "select '${admin_email}';\nselect '${admin_email}';\n", rollback: "delete from auth.users where email = '${admin_email}';" };
const KEYED: RunFile = { name: "013_vault.sql", sql: "select vault.create_secret('${service_role_key}', '${label}');", rollback: null };
const PLAIN: RunFile = { name: "014_plain.sql", sql: "select 1;", rollback: null };

test("secret names: secret, password, passwd, token, key, credential in any case; others are not", () => {
  for (const name of ["service_role_key", "DB_PASSWORD", "api_token", "webhook_secret", "smtp_passwd", "gcp_credentials", "apiKey"]) {
    assert.equal(isSecretPlaceholder(name), true, name);
  }
  for (const name of ["admin_email", "schema_name", "region", "owner"]) assert.equal(isSecretPlaceholder(name), false, name);
});

test("placeholdersUsed lists each name once, sorted, with the files and rollbacks that use it", () => {
  assert.deepEqual([...placeholdersUsed([ADMIN, KEYED, PLAIN])], [
    ["admin_email", ["012_create_admin_user.sql", "rollback/012_create_admin_user.sql"]],
    ["label", ["013_vault.sql"]],
    ["service_role_key", ["013_vault.sql"]],
  ]);
  assert.deepEqual([...placeholdersUsed([PLAIN])], []);
});

test("asks once per missing name, remembers plain values apart from secret ones, and does not ask again", async () => {
  const first = await placeholderValues([ADMIN, KEYED], storage, answering({ admin_email: "ops@example.com", label: "main", service_role_key: "s3cr3t" }));
  assert.deepEqual(first, { ok: true, values: { admin_email: "ops@example.com", label: "main", service_role_key: "s3cr3t" }, asked: ["admin_email", "label", "service_role_key"] });
  assert.deepEqual(questions, [
    { name: "admin_email", secret: false, usedBy: ["012_create_admin_user.sql", "rollback/012_create_admin_user.sql"] },
    { name: "label", secret: false, usedBy: ["013_vault.sql"] },
    { name: "service_role_key", secret: true, usedBy: ["013_vault.sql"] },
  ]);
  assert.deepEqual(Object.fromEntries(plain), { admin_email: "ops@example.com", label: "main" });
  assert.deepEqual(Object.fromEntries(secret), { service_role_key: "s3cr3t" });

  questions = [];
  const again = await placeholderValues([KEYED, ADMIN], storage, answering({}));
  assert.deepEqual(again, { ok: true, values: { admin_email: "ops@example.com", label: "main", service_role_key: "s3cr3t" }, asked: [] });
  assert.deepEqual(questions, []);
});

test("files without placeholders need nothing and ask nothing", async () => {
  assert.deepEqual(await placeholderValues([PLAIN], storage, answering({})), { ok: true, values: {}, asked: [] });
  assert.deepEqual(questions, []);
});

test("a cancelled question stops the run at that name; the values given before it stay remembered", async () => {
  const outcome = await placeholderValues([ADMIN, KEYED], storage, answering({ admin_email: "ops@example.com" }));
  assert.deepEqual(outcome, { ok: false, missing: "label", usedBy: ["013_vault.sql"] });
  assert.deepEqual(questions.map((q) => q.name), ["admin_email", "label"], "service_role_key is not asked after the cancel");
  assert.deepEqual(Object.fromEntries(plain), { admin_email: "ops@example.com" });
});

test("a remembered value that is not safe in SQL is asked for again; an unsafe answer is refused", async () => {
  plain.set("admin_email", "x'; drop table auth.users; --");
  const outcome = await placeholderValues([ADMIN], storage, answering({ admin_email: "ops@example.com" }));
  assert.deepEqual(outcome, { ok: true, values: { admin_email: "ops@example.com" }, asked: ["admin_email"] });
  assert.equal(plain.get("admin_email"), "ops@example.com");

  plain.clear();
  const refused = await placeholderValues([ADMIN], storage, answering({ admin_email: "it's" }));
  assert.deepEqual(refused, { ok: false, missing: "admin_email", usedBy: ["012_create_admin_user.sql", "rollback/012_create_admin_user.sql"] });
  assert.equal(plain.has("admin_email"), false);
});

test("checkPlaceholderValue: empty and SQL-breaking values are refused with the reason; plain text passes", () => {
  assert.equal(checkPlaceholderValue("ops+admin@example.com"), null);
  assert.equal(checkPlaceholderValue(""), "Enter a value (Escape cancels the run; nothing is sent).");
  assert.equal(checkPlaceholderValue("a'b"), `The value contains "'", which could change the SQL around it: it is pasted into the SQL as written. Quote it in the SQL ('\${name}'), not here.`);
  assert.match(checkPlaceholderValue("$$")!, /contains "\$\$"/);
});
