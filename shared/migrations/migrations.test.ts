import { test } from "node:test";
import assert from "node:assert/strict";
import {
  collectMigrations,
  compareFileNames,
  duplicateNumberGroups,
  migrationChecksum,
  missingPlaceholders,
  parseMigrationName,
  placeholderNames,
  rollbackPathFor,
  substitutePlaceholders,
  unsafePlaceholderValue,
} from "./index.ts";

test("naming rule: 3+ digits or a 14-digit timestamp, underscore, name, .sql", () => {
  assert.deepEqual(parseMigrationName("001_initialize_database.sql")?.value, 1n);
  assert.equal(parseMigrationName("20240101120000_add_x.sql")?.number, "20240101120000");
  assert.equal(parseMigrationName("1234_x.sql")?.value, 1234n);
  for (const bad of ["01_x.sql", "001-x.sql", "001_.sql", "x_001.sql", "001_x.SQL.bak", "001_x.txt", "001_x", "../001_x.sql"]) {
    assert.equal(parseMigrationName(bad), null, bad);
  }
});

test("order: numeric value first, then the full file name; duplicates both run", () => {
  const names = [
    "20240101120000_ts.sql",
    "010_create_user_system_tables.sql",
    "1000_big.sql",
    "007_create_feedback_tables.sql",
    "010_create_user_profiles.sql",
    "007_add_feedback_status.sql",
    "019_recreate_results_tables.sql",
  ];
  assert.deepEqual([...names].sort(compareFileNames), [
    "007_add_feedback_status.sql",
    "007_create_feedback_tables.sql",
    "010_create_user_profiles.sql",
    "010_create_user_system_tables.sql",
    "019_recreate_results_tables.sql",
    "1000_big.sql",
    "20240101120000_ts.sql",
  ]);
  // Numeric, not lexicographic: 0100 (100) sorts after 099 and after 10 written as 010.
  assert.deepEqual(["0100_a.sql", "099_b.sql", "010_c.sql"].sort(compareFileNames), ["010_c.sql", "099_b.sql", "0100_a.sql"]);
  assert.deepEqual(duplicateNumberGroups(names), [
    ["007_add_feedback_status.sql", "007_create_feedback_tables.sql"],
    ["010_create_user_profiles.sql", "010_create_user_system_tables.sql"],
  ]);
});

test("checksum: SHA-256 hex; CRLF and LF copies agree; a leading BOM is ignored", async () => {
  const lf = "create table if not exists a (id int);\n-- café 📚\n";
  const crlf = lf.replace(/\n/g, "\r\n");
  const lfSum = await migrationChecksum(lf);
  assert.match(lfSum, /^[0-9a-f]{64}$/);
  assert.equal(await migrationChecksum(crlf), lfSum);
  assert.equal(await migrationChecksum("\ufeff" + crlf), lfSum);
  assert.notEqual(await migrationChecksum(lf + " "), lfSum);
  // Known answer: sha256("abc").
  assert.equal(await migrationChecksum("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("placeholders: found, listed, checked and substituted", () => {
  const sql = "update public.users set role = 'admin' where email = '${admin_email}' and '${admin_email}' <> '${x_1}';";
  assert.deepEqual(placeholderNames(sql), ["admin_email", "x_1"]);
  assert.deepEqual(missingPlaceholders(sql, { admin_email: "a@b.co" }), ["x_1"]);
  assert.equal(
    substitutePlaceholders(sql, { admin_email: "a@b.co", x_1: "y" }),
    "update public.users set role = 'admin' where email = 'a@b.co' and 'a@b.co' <> 'y';",
  );
  assert.equal(substitutePlaceholders("${missing} ${x-y}", {}), "${missing} ${x-y}");
  assert.equal(unsafePlaceholderValue("ops+admin@studley.ai"), null);
  assert.match(unsafePlaceholderValue("x'; drop table users; --") ?? "", /contains "'"/);
});

test("placeholders: a value that could close a quoted identifier or a dollar-quoted body is refused", () => {
  // "${role}" in a quoted identifier, $q$…${body}…$q$ and $$…$$ bodies: each of these would end its quoting.
  assert.match(unsafePlaceholderValue('admin"; drop table users; --') ?? "", /contains "\\""/);
  assert.match(unsafePlaceholderValue("x$q$ || pg_read_file('/etc/passwd') || $q$") ?? "", /contains "\$q\$"/);
  assert.match(unsafePlaceholderValue("x$$y") ?? "", /contains "\$\$"/);
  assert.match(unsafePlaceholderValue("a$_tag9$b") ?? "", /contains "\$_tag9\$"/);
  // Not a tag: a tag cannot start with a digit, and a lone $ closes nothing.
  assert.equal(unsafePlaceholderValue("price: $1$2"), null);
  assert.equal(unsafePlaceholderValue("US$ 5"), null);
});

test("discovery: migrations in order, rollbacks paired, bad names and orphans reported, other files ignored", () => {
  const folder = collectMigrations("scripts", [
    { relativePath: "019_recreate_results_tables.sql", text: "a" },
    { relativePath: "001_initialize_database.sql", text: "b" },
    { relativePath: "rollback/019_recreate_results_tables.sql", text: "r" },
    { relativePath: "rollback/099_gone.sql", text: "o" },
    { relativePath: "README.md", text: "" },
    { relativePath: "fix_users.sql", text: "" },
    { relativePath: "nested/002_x.sql", text: "" },
  ]);
  assert.deepEqual(folder.migrations.map((m) => [m.path, m.rollback]), [
    ["scripts/001_initialize_database.sql", null],
    ["scripts/019_recreate_results_tables.sql", "r"],
  ]);
  assert.deepEqual(folder.invalidNames, ["scripts/fix_users.sql"]);
  assert.deepEqual(folder.orphanRollbacks, ["scripts/rollback/099_gone.sql"]);
  assert.equal(rollbackPathFor("scripts/019_x.sql"), "scripts/rollback/019_x.sql");
});
