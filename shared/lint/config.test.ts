import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "./config.ts";
import { rules } from "./registry.ts";
import { lintFixture } from "./testing.ts";

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
    'supamigrate.json: unknown key "migrationDir"; the keys are "migrationsDir", "rules", "onlineSafety" and "targets"'.slice(0, 97),
    'supamigrate.json: unknown rule id "no-such-rule" in "rules"; known ids: require-if-not-exists, re',
    'supamigrate.json: rule "syntax-error" is set to "fatal"; use "off", "info", "warning" or "error"'.slice(0, 97),
  ]);
  const bad = parseConfig("{ rules: }");
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.errors[0] : "", /^supamigrate\.json is not valid JSON: /);
  assert.deepEqual(parseConfig("[]"), { ok: false, errors: ['supamigrate.json must hold a JSON object such as {"migrationsDir": "scripts", "rules": {}}'] });
  assert.deepEqual(parseConfig('{"migrationsDir": ""}'), { ok: false, errors: ['supamigrate.json: "migrationsDir" must be a folder path such as "scripts"'] });
});

const ONLINE_SAFETY = [
  "require-concurrent-index-creation",
  "require-timeout-settings",
  "constraint-missing-not-valid",
  "adding-not-nullable-field",
  "changing-column-type",
];

test("config: \"onlineSafety\": true turns the online-safety rules on at their default severity; a rule's own entry wins", () => {
  assert.deepEqual(rules.filter((r) => r.optIn === "online-safety").map((r) => r.id).sort(), [...ONLINE_SAFETY].sort());
  assert.deepEqual(parseConfig('{"onlineSafety": true}'), {
    ok: true,
    config: { migrationsDir: "scripts", rules: Object.fromEntries(ONLINE_SAFETY.map((id) => [id, "warning"])) },
  });
  const mixed = parseConfig('{"onlineSafety": true, "rules": {"require-timeout-settings": "off", "changing-column-type": "error", "duplicate-number": "off"}}');
  assert.deepEqual(mixed.ok && mixed.config.rules, {
    "require-timeout-settings": "off",
    "changing-column-type": "error",
    "duplicate-number": "off",
    "require-concurrent-index-creation": "warning",
    "constraint-missing-not-valid": "warning",
    "adding-not-nullable-field": "warning",
  });
  // Off (or absent), the set stays off; one rule can still be turned on by name.
  assert.deepEqual(parseConfig('{"onlineSafety": false}'), { ok: true, config: { migrationsDir: "scripts", rules: {} } });
  assert.deepEqual(parseConfig('{"rules": {"changing-column-type": "info"}}'), { ok: true, config: { migrationsDir: "scripts", rules: { "changing-column-type": "info" } } });
  assert.deepEqual(parseConfig('{"onlineSafety": "yes"}'), {
    ok: false,
    errors: ['supamigrate.json: "onlineSafety" is set to "yes"; use true (turn the online-safety rules on) or false'],
  });
});

test("config: the online-safety rules report only when the config turns them on", async () => {
  const files = {
    "001_notes.sql": "create table if not exists public.notes (id int, title text);\n",
    "002_title.sql": "alter table public.notes alter column title set not null;\n",
  };
  const ruleIds = async (text: string) => {
    const parsed = parseConfig(text);
    assert.ok(parsed.ok);
    return (await lintFixture(files, { severities: parsed.config.rules })).map((f) => f.rule).filter((id) => ONLINE_SAFETY.includes(id));
  };
  assert.deepEqual(await ruleIds("{}"), []);
  assert.deepEqual(await ruleIds('{"onlineSafety": true}'), ["adding-not-nullable-field", "require-timeout-settings"]);
  assert.deepEqual(await ruleIds('{"onlineSafety": true, "rules": {"require-timeout-settings": "off"}}'), ["adding-not-nullable-field"]);
});
