import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintFixture, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "require-timeout-settings";
const ON = { severities: { [RULE]: "warning" as const } };
const TABLE = { "030_notes.sql": "create table if not exists public.notes (id int, title text);\n" };

test("require-timeout-settings: off by default; on, the first statement locking an existing table is flagged once, with the SET as fix", async () => {
  const sql = "-- archive\n\nALTER TABLE public.notes ADD COLUMN IF NOT EXISTS archived boolean;\nCREATE INDEX IF NOT EXISTS notes_title ON public.notes (title);\n";
  const files = { ...TABLE, "031_archive.sql": sql };
  await lintOk(RULE, files);
  const [finding, ...rest] = await lintErrors(RULE, files, ON);
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { file: finding.file, range: finding.range, message: finding.message, help: finding.help },
    {
      file: "scripts/031_archive.sql",
      range: { line: 3, column: 1, endLine: 3, endColumn: 68 },
      message: "ALTER TABLE waits for an ACCESS EXCLUSIVE lock (no reads or writes) on existing table public.notes, and nothing in this " +
        "file sets lock_timeout before it: while it waits behind one long query, every query on the table queues behind it",
      help: "Put `SET lock_timeout = '1s';` at the top of the file and run the migration again if it times out. supamigrate's runner " +
        "sets lock_timeout itself (5 s by default); the SET protects the file wherever else it runs (the SQL Editor, psql, supabase db push).",
    },
  );
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(fixed, "-- archive\n\nSET lock_timeout = '1s';\nALTER TABLE public.notes ADD COLUMN IF NOT EXISTS archived boolean;\n" +
    "CREATE INDEX IF NOT EXISTS notes_title ON public.notes (title);\n");
  await lintOk(RULE, { ...TABLE, "031_archive.sql": fixed }, ON);
});

test("require-timeout-settings: the message names each statement's lock", async () => {
  const cases: Record<string, string> = {
    "create index if not exists i on notes (id);": "CREATE INDEX waits for a SHARE lock (no writes)",
    "alter table notes validate constraint c;": "ALTER TABLE waits for a SHARE UPDATE EXCLUSIVE lock (no other schema change)",
    "alter table notes add constraint f foreign key (id) references public.other (id) not valid;": "ALTER TABLE waits for a SHARE ROW EXCLUSIVE lock (no writes)",
    "alter table notes validate constraint c, alter column title set not null;": "ALTER TABLE waits for an ACCESS EXCLUSIVE lock (no reads or writes)",
    "create trigger t before update on notes for each row execute function f();": "CREATE TRIGGER waits for a SHARE ROW EXCLUSIVE lock (no writes)",
    "create policy p on notes using (true);": "CREATE POLICY waits for an ACCESS EXCLUSIVE lock (no reads or writes)",
    "drop policy if exists p on public.notes;": "DROP POLICY waits for an ACCESS EXCLUSIVE lock (no reads or writes)",
    "truncate notes;": "TRUNCATE waits for an ACCESS EXCLUSIVE lock (no reads or writes)",
    "alter table notes rename column title to name;": "ALTER TABLE … RENAME waits for an ACCESS EXCLUSIVE lock (no reads or writes)",
    "drop table if exists notes;": "DROP TABLE waits for an ACCESS EXCLUSIVE lock (no reads or writes)",
  };
  for (const [sql, start] of Object.entries(cases)) {
    const [finding] = await lintErrors(RULE, { ...TABLE, "031_x.sql": sql }, ON);
    assert.equal(finding.message.slice(0, finding.message.indexOf(" on existing table")), start, sql);
  }
  const [dropIndex] = await lintErrors(RULE, { ...TABLE, "031_i.sql": "create index if not exists i on public.notes (id);\n", "032_d.sql": "drop index if exists i;" }, ON);
  assert.equal(dropIndex.file, "scripts/031_i.sql");
  const both = await lintErrors(RULE, { ...TABLE, "031_i.sql": "set lock_timeout = '1s';\ncreate index if not exists i on public.notes (id);\n", "032_d.sql": "drop index if exists i;" }, ON);
  assert.deepEqual(both.map((f) => [f.file, f.message.slice(0, f.message.indexOf(", and"))]), [
    ["scripts/032_d.sql", "DROP INDEX waits for an ACCESS EXCLUSIVE lock (no reads or writes) on existing table public.notes"],
  ]);
});

test("require-timeout-settings: a lock_timeout cleared in between is no timeout; the fix then goes before the statement", async () => {
  const sql = "set lock_timeout = '1s';\nselect 1;\nset lock_timeout = 0;\nalter table notes drop column if exists title;\n";
  const [finding] = await lintErrors(RULE, { ...TABLE, "031_x.sql": sql }, ON);
  assert.equal(finding.range.line, 4);
  assert.match(finding.help!, /^Put `set lock_timeout = '1s';` before it and/);
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  await lintOk(RULE, { ...TABLE, "031_x.sql": fixed }, ON);
  for (const clear of ["reset lock_timeout;", "set lock_timeout to default;", "reset all;", "set lock_timeout = '0';"]) {
    await lintErrors(RULE, { ...TABLE, "031_x.sql": `set lock_timeout = '1s';\n${clear}\nalter table notes add column if not exists a int;\n` }, ON);
  }
});

test("require-timeout-settings: set before, tables this file made, non-transactional statements and DO blocks are not flagged", async () => {
  await lintOk(RULE, {
    ...TABLE,
    "031_a.sql": "set lock_timeout = '2s';\nalter table notes add column if not exists a int;\n",
    "032_b.sql": "SET LOCAL lock_timeout TO 1000;\nCREATE POLICY p ON notes USING (true);\n",
    "033_c.sql": "select set_config('lock_timeout', '1s', true);\ntruncate notes;\n",
    "034_d.sql": "create table if not exists public.fresh (a int);\nalter table public.fresh add column if not exists b int;\ncreate index if not exists fresh_a on fresh (a);\n",
    "035_e.sql": "create index concurrently if not exists notes_title on public.notes (title);\n",
    "036_f.sql": "do $$ begin alter table notes add column if not exists c int; end $$;\ninsert into notes (id) values (1);\nselect 1;\n",
  }, ON);
  // An ignore comment for the rule while it is off is neither used nor unused.
  const off = await lintFixture({ ...TABLE, "031_x.sql": "-- supamigrate-ignore require-timeout-settings\nalter table notes add column if not exists a int;\n" });
  assert.deepEqual(off.filter((f) => f.file === "scripts/031_x.sql").map((f) => f.rule), []);
});

test("require-timeout-settings: silent on the seed's scripts/ apart from the files that lock existing tables", async () => {
  const found = (await lintFixture(seedScripts(), ON)).filter((f) => f.rule === RULE);
  // 019 drops and recreates the results tables 015 made: its first statement locks an existing table.
  assert.deepEqual(found.map((f) => f.file), ["scripts/019_recreate_results_tables.sql"]);
});
