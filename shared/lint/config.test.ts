import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "./config.ts";

test("config: a valid file gives the folder and rule severities; an empty object gives the defaults", () => {
  assert.deepEqual(parseConfig('{"migrationsDir": "db/migrations/", "rules": {"duplicate-number": "off", "unused-ignore": "error"}}'), {
    ok: true,
    config: { migrationsDir: "db/migrations", rules: { "duplicate-number": "off", "unused-ignore": "error" } },
  });
  assert.deepEqual(parseConfig("{}"), { ok: true, config: { migrationsDir: "scripts", rules: {} } });
});

test("config: unknown keys, unknown rule ids, bad severities and bad JSON are clear errors", () => {
  const result = parseConfig('{"migrationDir": "x", "rules": {"no-such-rule": "off", "syntax-error": "fatal"}}');
  assert.equal(result.ok, false);
  assert.deepEqual(!result.ok && result.errors.map((e) => e.slice(0, 97)), [
    'supamigrate.json: unknown key "migrationDir"; the keys are "migrationsDir" and "rules"'.slice(0, 97),
    'supamigrate.json: unknown rule id "no-such-rule" in "rules"; known ids: require-if-not-exists, re',
    'supamigrate.json: rule "syntax-error" is set to "fatal"; use "off", "info", "warning" or "error"'.slice(0, 97),
  ]);
  const bad = parseConfig("{ rules: }");
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.errors[0] : "", /^supamigrate\.json is not valid JSON: /);
  assert.deepEqual(parseConfig("[]"), { ok: false, errors: ['supamigrate.json must hold a JSON object such as {"migrationsDir": "scripts", "rules": {}}'] });
  assert.deepEqual(parseConfig('{"migrationsDir": ""}'), { ok: false, errors: ['supamigrate.json: "migrationsDir" must be a folder path such as "scripts"'] });
});
