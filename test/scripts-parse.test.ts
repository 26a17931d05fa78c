// Every migration and rollback in scripts/ parses cleanly with the real PostgreSQL parser.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { loadParser, parseSql } from "../shared/sql/index.ts";
import { collectMigrations } from "../shared/migrations/index.ts";

before(async () => {
  await loadParser();
});

const listed = [
  ...readdirSync("scripts").filter((f) => f.endsWith(".sql")).map((f) => ({ relativePath: f, text: readFileSync(`scripts/${f}`, "utf8") })),
  ...readdirSync("scripts/rollback").map((f) => ({ relativePath: `rollback/${f}`, text: readFileSync(`scripts/rollback/${f}`, "utf8") })),
];

test("scripts/ holds the seed's migration set in contract order, each rollback paired", () => {
  const folder = collectMigrations("scripts", listed);
  assert.deepEqual(folder.invalidNames, []);
  assert.deepEqual(folder.orphanRollbacks, []);
  assert.deepEqual(folder.migrations.map((m) => m.name), [
    "001_initialize_database.sql",
    "007_create_feedback_tables.sql",
    "007_create_notification_preferences.sql",
    "010_create_user_profiles.sql",
    "010_create_user_system_tables.sql",
    "012_create_admin_user.sql",
    "013_create_ai_workspace_tables.sql",
    "015_create_results_tables.sql",
    "019_recreate_results_tables.sql",
    "025_create_shared_materials_table.sql",
  ]);
  assert.ok(folder.migrations.every((m) => m.rollback !== null));
});

for (const file of listed) {
  test(`${file.relativePath} parses cleanly`, () => {
    const parsed = parseSql(file.text);
    assert.deepEqual(parsed.errors, []);
    assert.ok(parsed.statements.length > 0);
  });
}
