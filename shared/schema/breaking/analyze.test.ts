import { test } from "node:test";
import assert from "node:assert/strict";
import { collectMigrations } from "../../migrations/index.ts";
import { parseMigrations } from "../migrations.ts";
import { breakingChanges } from "./analyze.ts";
import type { BreakingChange } from "./types.ts";
import { seedMigrationFolder } from "../../../test/support/seed-scripts.ts";

/** The breaking changes of a folder given as `{ "001_x.sql": "…" }`; `pending` names the files not yet applied (null: unknown). */
async function analyze(files: Record<string, string>, pending: string[] | null = null): Promise<BreakingChange[]> {
  const folder = collectMigrations("scripts", Object.entries(files).map(([relativePath, text]) => ({ relativePath, text })));
  return breakingChanges({ files: await parseMigrations(folder), pending: pending && new Set(pending) });
}

/** `file:line kind object: message` per change: one line each, so a wrong field shows in the diff. */
function lines(changes: readonly BreakingChange[]): string[] {
  return changes.map((c) => `${c.file.replace("scripts/", "")}:${c.range.line}:${c.range.column} ${c.kind} ${c.object}: ${c.message}`);
}

const INVOICES = "create table if not exists public.invoices (\n  id uuid primary key,\n  status text,\n  amount integer not null,\n  note varchar(10)\n);\n";

test("dropped-table: a table an earlier migration created, dropped and not created again, at the DROP's line", async () => {
  const changes = await analyze({ "001_invoices.sql": INVOICES, "002_drop.sql": "-- gone\n\ndrop table if exists public.invoices;\n" });
  assert.deepEqual(lines(changes), ["002_drop.sql:3:1 dropped-table public.invoices: drops table public.invoices: clients that read or write it break"]);
  assert.deepEqual({ ...changes[0], message: "", hint: "" }, {
    file: "scripts/002_drop.sql",
    range: { line: 3, column: 1, endLine: 3, endColumn: 38 },
    statement: 0,
    kind: "dropped-table",
    level: "break",
    object: "public.invoices",
    known: true,
    message: "",
    hint: "",
  });
  assert.match(changes[0].hint, /^Ship the clients that no longer use it first/);
});

test("dropped-table: a table no migration creates is reported as unknown; one dropped and created again is a recreation", async () => {
  assert.deepEqual(lines(await analyze({ "001_drop.sql": "drop table legacy;\n" })), [
    "001_drop.sql:1:1 dropped-table public.legacy: drops table public.legacy, which no earlier migration creates: if the database has it, clients that read or write it break",
  ]);
  assert.equal((await analyze({ "001_drop.sql": "drop table legacy;\n" }))[0].known, false);
  // Created again with the same columns: nothing clients notice (the rows are require-rollback's concern).
  assert.deepEqual(await analyze({ "001_invoices.sql": INVOICES, "002_recreate.sql": `drop table public.invoices;\n${INVOICES}` }), []);
  // An unknown table dropped and created again: its old shape is unknown, nothing to compare.
  assert.deepEqual(await analyze({ "001_legacy.sql": "drop table if exists legacy;\ncreate table if not exists legacy (id int);\n" }), []);
});

test("the batch: what pending files create and drop breaks nothing; applied files are not judged; unknown deploy state judges each file alone", async () => {
  const files = { "001_invoices.sql": INVOICES, "002_tmp.sql": "create table if not exists public.tmp (id int);\n", "003_drop.sql": "drop table public.tmp;\ndrop table public.invoices;\n" };
  assert.deepEqual(lines(await analyze(files, ["002_tmp.sql", "003_drop.sql"])), [
    "003_drop.sql:2:1 dropped-table public.invoices: drops table public.invoices: clients that read or write it break",
  ]);
  assert.deepEqual(lines(await analyze(files, null)), [
    "003_drop.sql:1:1 dropped-table public.tmp: drops table public.tmp: clients that read or write it break",
    "003_drop.sql:2:1 dropped-table public.invoices: drops table public.invoices: clients that read or write it break",
  ]);
  assert.deepEqual(await analyze(files, []), [], "everything applied: nothing pending");
  assert.deepEqual(await analyze({ ...files, "004_later.sql": "select 1;\n" }, ["004_later.sql"]), [], "only the pending file is judged");
});

test("renamed-table and renamed-column, at the RENAME; a table renamed and a new one created under the old name is compared instead", async () => {
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": INVOICES, "002_rename.sql": "alter table public.invoices rename to bills;\n" })), [
    "002_rename.sql:1:1 renamed-table public.invoices: renames table public.invoices to public.bills: clients that use the old name break",
  ]);
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": INVOICES, "002_rename.sql": "alter table public.invoices rename column status to state;\n" })), [
    "002_rename.sql:1:1 renamed-column public.invoices.status: renames column public.invoices.status to state: clients that use the old name break",
  ]);
  // A view under the old name keeps clients working (the hint's advice).
  const compat = "alter table public.invoices rename to bills;\ncreate or replace view public.invoices as select * from public.bills;\n";
  assert.deepEqual(await analyze({ "001_invoices.sql": INVOICES, "002_rename.sql": compat }), []);
  const swapped = "alter table public.invoices rename to invoices_old;\ncreate table if not exists public.invoices (id uuid primary key, status text, amount integer not null);\n";
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": INVOICES, "002_swap.sql": swapped })), [
    "002_swap.sql:1:1 dropped-column public.invoices.note: recreates table public.invoices without column note: clients that select or write it break",
  ]);
});

test("dropped-column and column-type-changed; widening a column is no break", async () => {
  const sql = "alter table public.invoices drop column status;\nalter table public.invoices alter column amount type text;\n";
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": INVOICES, "002_alter.sql": sql })), [
    "002_alter.sql:1:1 dropped-column public.invoices.status: drops column public.invoices.status: clients that select or write it break",
    "002_alter.sql:2:1 column-type-changed public.invoices.amount: changes the type of column public.invoices.amount from integer to text: clients that read or write it may break",
  ]);
  const widen = "alter table public.invoices alter column amount type bigint, alter column note type varchar(20);\nalter table public.invoices alter column status type text;\n";
  assert.deepEqual(await analyze({ "001_invoices.sql": INVOICES, "002_widen.sql": widen }), []);
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": INVOICES, "002_narrow.sql": "alter table public.invoices alter column note type varchar(5);\n" })), [
    "002_narrow.sql:1:1 column-type-changed public.invoices.note: changes the type of column public.invoices.note from varchar(10) to varchar(5): clients that read or write it may break",
  ]);
  // A column the same batch added, then dropped or retyped: clients never had it.
  assert.deepEqual(await analyze({ "001_invoices.sql": INVOICES, "002_x.sql": "alter table public.invoices add column tmp int;\nalter table public.invoices alter column tmp type text;\nalter table public.invoices drop column tmp;\n" }), []);
  // A column no migration adds (made in the dashboard): the statement needs it to exist, so it is reported, as unknown.
  const [handMade] = await analyze({ "001_invoices.sql": INVOICES, "002_x.sql": "alter table public.invoices drop column extra;\n" });
  assert.deepEqual([handMade.kind, handMade.object, handMade.known, handMade.message], [
    "dropped-column", "public.invoices.extra", false,
    "drops column public.invoices.extra (no earlier migration creates this column: if the database has it, clients that select or write it break)",
  ]);
  // With IF EXISTS it may be gone already (dropped by an earlier migration here): not reported.
  assert.deepEqual(await analyze({ "001_invoices.sql": INVOICES, "002_x.sql": "alter table public.invoices drop column extra;\n", "003_x.sql": "alter table public.invoices drop column if exists extra;\n" }, ["003_x.sql"]), []);
  // A column of a table no migration creates: at its word, unknown.
  const [unknown] = await analyze({ "001_x.sql": "alter table legacy drop column a;\n" });
  assert.deepEqual([unknown.kind, unknown.object, unknown.known, unknown.message], [
    "dropped-column", "public.legacy.a", false,
    "drops column public.legacy.a (table public.legacy, which no earlier migration creates: if the database has it, clients that select or write it break)",
  ]);
});

test("not-null-added: SET NOT NULL on a nullable column (NULLs counted live) and a NOT NULL column added with no default (rows counted live)", async () => {
  const sql = "alter table public.invoices alter column status set not null;\nalter table public.invoices add column currency text not null;\n";
  const changes = await analyze({ "001_invoices.sql": INVOICES, "002_strict.sql": sql });
  assert.deepEqual(lines(changes), [
    "002_strict.sql:1:1 not-null-added public.invoices.status: makes column public.invoices.status NOT NULL: writes that leave it NULL fail, and this migration fails if a row holds NULL in it",
    "002_strict.sql:2:1 not-null-added public.invoices.currency: adds column public.invoices.currency NOT NULL with no default: inserts that do not set it fail, and this migration fails if the table has rows",
  ]);
  assert.deepEqual(changes.map((c) => c.liveCheck), [
    { table: "public.invoices", column: "status", failsOn: "nulls" },
    { table: "public.invoices", column: "currency", failsOn: "rows" },
  ]);
  assert.match(changes[1].hint, /^Give the column a DEFAULT/);
  // Added nullable and made NOT NULL by the same batch: the SET NOT NULL is the break.
  const later = "alter table public.invoices add column later text;\nalter table public.invoices alter column later set not null;\n";
  const [made] = await analyze({ "001_invoices.sql": INVOICES, "002_later.sql": later });
  assert.deepEqual(lines([made]), [
    "002_later.sql:2:1 not-null-added public.invoices.later: makes new column public.invoices.later NOT NULL with no default: inserts that do not set it fail, and this migration fails if the table has rows",
  ]);
  assert.deepEqual(made.liveCheck, { table: "public.invoices", column: "later", failsOn: "rows" });
});

test("not-null-added is not reported for a column already NOT NULL, one with a default or filled by the database, or a table of the same batch", async () => {
  const fine = [
    "alter table public.invoices alter column amount set not null;",
    "alter table public.invoices add column currency text not null default 'EUR';",
    "alter table public.invoices add column seq serial;",
    "alter table public.invoices add column n bigint generated always as identity;",
    "alter table public.invoices add column twice integer generated always as (amount * 2) stored;",
    "alter table public.invoices add column later text;",
    "create table if not exists public.fresh (id int);",
    "alter table public.fresh add column name text not null;",
  ].join("\n");
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": INVOICES, "002_fine.sql": fine })), []);
});

test("dropped-function, and a signature or result that changes when the function is dropped and created again", async () => {
  const fn = "create or replace function public.total(a integer) returns integer language sql as 'select a';\n";
  assert.deepEqual(lines(await analyze({ "001_fn.sql": fn, "002_drop.sql": "drop function public.total(integer);\n" })), [
    "002_drop.sql:1:1 dropped-function public.total(integer): drops function public.total(integer): clients that call it break",
  ]);
  const args = "drop function if exists public.total(int);\ncreate or replace function public.total(a integer, b text) returns integer language sql as 'select a';\n";
  assert.deepEqual(lines(await analyze({ "001_fn.sql": fn, "002_args.sql": args })), [
    "002_args.sql:1:1 function-signature-changed public.total(integer): replaces function public.total(integer) with public.total(integer,text): calls with the old arguments break",
  ]);
  const result = "drop function if exists public.total(integer);\ncreate function public.total(a integer) returns table (sum numeric) language sql as 'select 1';\n";
  assert.deepEqual(lines(await analyze({ "001_fn.sql": fn, "002_result.sql": result })), [
    "002_result.sql:1:1 function-signature-changed public.total(integer): changes what function public.total(integer) returns from integer to table (sum numeric): clients that read its result may break",
  ]);
  assert.deepEqual(lines(await analyze({ "001_fn.sql": fn, "002_rename.sql": "alter function public.total(integer) rename to sum_of;\n" })), [
    "002_rename.sql:1:1 renamed-function public.total(integer): renames function public.total(integer) to sum_of: clients that call the old name break",
  ]);
});

test("a function redefined (DROP IF EXISTS + CREATE of the same signature, or CREATE OR REPLACE) breaks nothing", async () => {
  const fn = "create or replace function public.total(a integer) returns integer language sql as 'select a';\n";
  const redefined = "drop function if exists public.total(integer);\ncreate function public.total(x int4) returns int language sql as 'select x + 1';\n";
  assert.deepEqual(await analyze({ "001_fn.sql": fn, "002_redefine.sql": redefined }), []);
  assert.deepEqual(await analyze({ "001_fn.sql": fn, "002_replace.sql": fn.replace("select a", "select a * 2") }), []);
  // The seed's pattern the first time: no earlier migration made it.
  assert.deepEqual(await analyze({ "001_fn.sql": `drop function if exists public.total(integer);\n${fn}` }), []);
  // A function made by the same batch, then dropped.
  assert.deepEqual(await analyze({ "001_fn.sql": `${fn}drop function public.total(integer);\n` }), []);
});

const POLICY = 'create policy "Own invoices" on public.invoices for all to authenticated using (true);\n';
const WITH_POLICY = `${INVOICES}alter table public.invoices enable row level security;\n${POLICY}`;

test("dropped-policy and policy-changed (a notice), at the DROP POLICY", async () => {
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": WITH_POLICY, "002_drop.sql": 'drop policy "Own invoices" on public.invoices;\n' })), [
    '002_drop.sql:1:1 dropped-policy "Own invoices" on public.invoices: drops policy "Own invoices" on public.invoices: the access it granted ends (with row level security on, clients lose those rows)',
  ]);
  const changed = 'drop policy if exists "Own invoices" on public.invoices;\ncreate policy "Own invoices" on public.invoices for select to anon, authenticated using (true);\n';
  const changes = await analyze({ "001_invoices.sql": WITH_POLICY, "002_change.sql": changed });
  assert.deepEqual(lines(changes), [
    '002_change.sql:1:1 policy-changed "Own invoices" on public.invoices: redefines policy "Own invoices" on public.invoices: command all → select; roles authenticated → anon, authenticated',
  ]);
  assert.equal(changes[0].level, "notice");
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": WITH_POLICY, "002_alter.sql": 'alter policy "Own invoices" on public.invoices to anon;\n' })), [
    '002_alter.sql:1:1 policy-changed "Own invoices" on public.invoices: redefines policy "Own invoices" on public.invoices: roles authenticated → anon',
  ]);
});

test("a policy redefined with the same roles and command, or dropped and created the first time (the seed's pattern), breaks nothing", async () => {
  const redefined = `drop policy if exists "Own invoices" on public.invoices;\n${POLICY.replace("using (true)", "using ((select auth.uid()) = id)")}`;
  assert.deepEqual(await analyze({ "001_invoices.sql": WITH_POLICY, "002_redefine.sql": redefined }), []);
  assert.deepEqual(await analyze({ "001_invoices.sql": `${INVOICES}drop policy if exists "Own invoices" on public.invoices;\n${POLICY}` }), []);
  // A policy nobody made, dropped and not created again: unknown, reported.
  const [unknown] = await analyze({ "001_invoices.sql": INVOICES, "002_drop.sql": 'drop policy if exists "Legacy" on public.invoices;\n' });
  assert.deepEqual([unknown.kind, unknown.known, unknown.message], [
    "dropped-policy", false, 'drops policy "Legacy" on public.invoices, which no earlier migration creates: if the database has it, the access it granted ends',
  ]);
});

test("rls-disabled, unless the batch enables it again; a recreated table without ENABLE ROW LEVEL SECURITY is one too", async () => {
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": WITH_POLICY, "002_off.sql": "alter table public.invoices disable row level security;\n" })), [
    "002_off.sql:1:1 rls-disabled public.invoices: disables row level security on public.invoices: every row is open to any role with privileges on the table (in an API-exposed schema such as public: anon and authenticated)",
  ]);
  const again = "alter table public.invoices disable row level security;\nupdate public.invoices set status = 'x';\nalter table public.invoices enable row level security;\n";
  assert.deepEqual(await analyze({ "001_invoices.sql": WITH_POLICY, "002_again.sql": again }), []);
  const recreated = `drop table public.invoices;\n${INVOICES}${POLICY}`;
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": WITH_POLICY, "002_recreate.sql": recreated })), [
    "002_recreate.sql:1:1 rls-disabled public.invoices: recreates table public.invoices without row level security: every row is open to any role with privileges on the table (in an API-exposed schema such as public: anon and authenticated)",
  ]);
});

test("grant-revoked: privileges taken from client roles, unless granted back in the batch or on an object the batch made", async () => {
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": INVOICES, "002_revoke.sql": "revoke insert, update on public.invoices from anon, authenticated;\n" })), [
    "002_revoke.sql:1:1 grant-revoked public.invoices: revokes insert, update on public.invoices from anon, authenticated: clients using those roles lose them",
  ]);
  const partly = "revoke all on public.invoices from anon, authenticated;\ngrant all on public.invoices to authenticated;\n";
  assert.deepEqual(lines(await analyze({ "001_invoices.sql": INVOICES, "002_revoke.sql": partly })), [
    "002_revoke.sql:1:1 grant-revoked public.invoices: revokes all privileges on public.invoices from anon: clients using that role lose them",
  ]);
  const fn = "create or replace function public.f() returns int language sql as 'select 1';\n";
  assert.deepEqual(await analyze({ "001_fn.sql": `${fn}revoke all on function public.f() from public;\n` }), []);
  assert.deepEqual(lines(await analyze({ "001_fn.sql": fn, "002_revoke.sql": "revoke execute on function public.f() from public;\n" })), [
    "002_revoke.sql:1:1 grant-revoked function public.f(): revokes execute on function public.f() from public: clients using that role lose it",
  ]);
  // REVOKE GRANT OPTION FOR leaves the privilege itself.
  assert.deepEqual(await analyze({ "001_invoices.sql": INVOICES, "002_option.sql": "revoke grant option for select on public.invoices from authenticated;\n" }), []);
});

test("dropped-view, dropped-type and dropped-schema; each created again by the batch breaks nothing", async () => {
  const base = `${INVOICES}create or replace view public.open_invoices as select * from public.invoices;\ncreate type public.mood as enum ('ok');\n` +
    "create schema if not exists reporting;\ncreate table if not exists reporting.daily (id int);\ncreate or replace function reporting.f() returns int language sql as 'select 1';\n";
  const drops = "drop view public.open_invoices;\ndrop type public.mood;\ndrop schema reporting cascade;\n";
  assert.deepEqual(lines(await analyze({ "001_base.sql": base, "002_drops.sql": drops })), [
    "002_drops.sql:1:1 dropped-view public.open_invoices: drops view public.open_invoices: clients that read it break",
    "002_drops.sql:2:1 dropped-type public.mood: drops type public.mood: clients that send or read its values break",
    "002_drops.sql:3:1 dropped-schema reporting: drops schema reporting with its 1 table and 1 function: clients that use what is in it break",
  ]);
  const redefined = "drop view if exists public.open_invoices;\ncreate or replace view public.open_invoices as select id from public.invoices;\n";
  assert.deepEqual(await analyze({ "001_base.sql": base, "002_redefine.sql": redefined }), []);
});

test("the seed: only 019 breaks anything — its recreated results tables lose and retype columns and gain required ones", async () => {
  const files = await parseMigrations(seedMigrationFolder());
  const changes = breakingChanges({ files, pending: null });
  assert.deepEqual(lines(changes), [
    "019_recreate_results_tables.sql:6:1 dropped-column public.quiz_results.total: recreates table public.quiz_results without column total: clients that select or write it break",
    "019_recreate_results_tables.sql:6:1 dropped-column public.quiz_results.created_at: recreates table public.quiz_results without column created_at: clients that select or write it break",
    "019_recreate_results_tables.sql:6:1 not-null-added public.quiz_results.total_questions: recreates table public.quiz_results with new column total_questions NOT NULL and no default: inserts that do not set it fail",
    "019_recreate_results_tables.sql:7:1 dropped-column public.flashcard_results.created_at: recreates table public.flashcard_results without column created_at: clients that select or write it break",
    "019_recreate_results_tables.sql:8:1 column-type-changed public.writing_results.feedback: recreates table public.writing_results with column feedback as jsonb (was text): clients that read or write it may break",
    "019_recreate_results_tables.sql:8:1 dropped-column public.writing_results.grade: recreates table public.writing_results without column grade: clients that select or write it break",
    "019_recreate_results_tables.sql:8:1 dropped-column public.writing_results.created_at: recreates table public.writing_results without column created_at: clients that select or write it break",
    "019_recreate_results_tables.sql:8:1 not-null-added public.writing_results.prompt: recreates table public.writing_results with new column prompt NOT NULL and no default: inserts that do not set it fail",
    "019_recreate_results_tables.sql:8:1 not-null-added public.writing_results.submission: recreates table public.writing_results with new column submission NOT NULL and no default: inserts that do not set it fail",
  ]);
  // The recreated tables are empty after 019: no live count applies.
  assert.ok(changes.every((c) => c.liveCheck === undefined));
  // Deployed up to 019: 025 (a new table, and a REVOKE on the function it creates) breaks nothing.
  assert.deepEqual(breakingChanges({ files, pending: new Set(["025_create_shared_materials_table.sql"]) }), []);
});

test("tables the model knows only in part: Supabase's (no NOT NULL facts) and CREATE TABLE … AS (no columns) take each statement at its word", async () => {
  const supabase = await analyze({ "001_auth.sql": "alter table auth.users alter column email set not null;\n" });
  assert.deepEqual(lines(supabase), [
    "001_auth.sql:1:1 not-null-added auth.users.email: makes column auth.users.email NOT NULL: writes that leave it NULL fail, and this migration fails if a row holds NULL in it",
  ]);
  assert.deepEqual(supabase[0].liveCheck, { table: "auth.users", column: "email", failsOn: "nulls" });
  const ctas = { "001_copy.sql": "create table if not exists public.archive as select 1 as id, 'x'::text as label;\n", "002_alter.sql": "alter table public.archive drop column label;\n" };
  assert.deepEqual(lines(await analyze(ctas)), [
    "002_alter.sql:1:1 dropped-column public.archive.label: drops column public.archive.label: clients that select or write it break",
  ]);
});

test("a view, type or schema no migration creates, dropped and not created again, is reported as unknown", async () => {
  assert.deepEqual(lines(await analyze({ "001_drop.sql": "drop view if exists public.report;\ndrop type if exists public.mood;\ndrop schema if exists legacy cascade;\n" })), [
    "001_drop.sql:1:1 dropped-view public.report: drops view public.report, which no earlier migration creates: if the database has it, clients that read it break",
    "001_drop.sql:2:1 dropped-type public.mood: drops type public.mood, which no earlier migration creates: if the database has it, clients that send or read its values break",
    "001_drop.sql:3:1 dropped-schema legacy: drops schema legacy, which no earlier migration creates: if the database has it, clients that use what is in it break",
  ]);
  // Dropped by an earlier migration, then dropped again IF EXISTS: it drops nothing.
  assert.deepEqual(await analyze({ "001_v.sql": "create or replace view public.report as select 1;\n", "002_drop.sql": "drop view public.report;\n", "003_again.sql": "drop view if exists public.report;\n" }, ["003_again.sql"]), []);
});

test("grant-revoked on an object no migration creates, or on all tables of a schema", async () => {
  const changes = await analyze({ "001_revoke.sql": "revoke select on public.legacy from anon;\nrevoke all on all tables in schema public from anon;\n" });
  assert.deepEqual(lines(changes), [
    "001_revoke.sql:1:1 grant-revoked public.legacy: revokes select on public.legacy from anon (no earlier migration creates it): clients using that role lose it",
    "001_revoke.sql:2:1 grant-revoked all tables in schema public: revokes all privileges on all tables in schema public from anon: clients using that role lose them",
  ]);
  assert.deepEqual(changes.map((c) => c.known), [false, true]);
});
