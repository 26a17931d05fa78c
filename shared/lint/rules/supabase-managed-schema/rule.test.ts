import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdits } from "../../fixes.ts";
import { lintErrors, lintOk } from "../../testing.ts";
import { seedScripts } from "../../../../test/support/seed-scripts.ts";

const RULE = "supabase-managed-schema";
const CHANGELOG = 'Supabase changelog 2025-03-18, "Restricting Access on Auth, Storage, and Realtime Schemas"';

test("supabase-managed-schema: ALTER TABLE auth.users fails with 'must be owner', an error on the statement's first line", async () => {
  const sql = "-- nicknames\nalter table auth.users\n  add column nickname text;\n";
  const [finding, ...rest] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { range: finding.range, severity: finding.severity, message: finding.message, help: finding.help, fixes: finding.fixes },
    {
      range: { line: 2, column: 1, endLine: 2, endColumn: 23 },
      severity: "error",
      message: 'ALTER TABLE auth.users fails on hosted Supabase projects with "must be owner of table users": the objects in auth ' +
        "belong to supabase_auth_admin, not to postgres, the role migrations run as",
      help: "Leave auth's tables as Supabase made them: keep extra user data in a table of your own (public.profiles with " +
        "`id uuid primary key references auth.users on delete cascade`), filled by a trigger on auth.users.",
      fixes: undefined,
    },
  );
});

test("supabase-managed-schema: ENABLE ROW LEVEL SECURITY on storage.objects is a no-op that fails; the fix deletes it", async () => {
  const sql = "alter table storage.objects enable row level security;\ncreate policy \"read\" on storage.objects for select using (true);\n";
  const [finding] = await lintErrors(RULE, { "001_x.sql": sql });
  assert.equal(finding.message, 'ALTER TABLE storage.objects fails on hosted Supabase projects with "must be owner of table objects": ' +
    "the objects in storage belong to supabase_storage_admin, not to postgres, the role migrations run as");
  assert.equal(finding.help, "Row level security is already enabled on storage.objects: delete the statement and keep only the policies (supabase/cli#4114).");
  const fixed = applyEdits(sql, finding.fixes![0].edits!);
  assert.equal(fixed, "create policy \"read\" on storage.objects for select using (true);\n");
  await lintOk(RULE, { "001_x.sql": fixed });
  // Another command beside it: no fix (the statement does more than the no-op).
  const [mixed] = await lintErrors(RULE, { "001_x.sql": "alter table storage.objects enable row level security, add column x int;" });
  assert.equal(mixed.fixes, undefined);
});

test("supabase-managed-schema: creating objects in auth, storage, realtime and supabase_functions: permission denied for schema", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": [
      "create table auth.extra (id int);",
      "create or replace function auth.is_admin() returns boolean language sql as 'select true';",
      "create view storage.v as select 1;",
      "create type realtime.mood as enum ('a');",
      "create table supabase_functions.x (a int);",
      "alter function public.f() set schema auth;",
      "create temp table scratch (a int);",
    ].join("\n"),
  });
  assert.deepEqual(findings.map((f) => [f.range.line, f.message.slice(0, f.message.indexOf(":"))]), [
    [1, 'CREATE TABLE auth.extra fails on hosted Supabase projects with "permission denied for schema auth"'],
    [2, 'CREATE FUNCTION auth.is_admin fails on hosted Supabase projects with "permission denied for schema auth"'],
    [3, 'CREATE VIEW storage.v fails on hosted Supabase projects with "permission denied for schema storage"'],
    [4, 'CREATE TYPE realtime.mood fails on hosted Supabase projects with "permission denied for schema realtime"'],
    [5, 'CREATE TABLE supabase_functions.x fails on hosted Supabase projects with "permission denied for schema supabase_functions"'],
    [6, 'ALTER FUNCTION public.f SET SCHEMA auth fails on hosted Supabase projects with "permission denied for schema auth"'],
  ]);
  assert.equal(findings[0].message.slice(findings[0].message.indexOf(":") + 2),
    "the auth schema belongs to Supabase Auth, and migrations (run as postgres) may not create objects in it");
  assert.equal(findings[0].help, "Create it in public or in a schema of your own (e.g. `create schema if not exists private`) and reference " +
    `auth's tables from there (${CHANGELOG}).`);
  assert.equal(findings[4].help, "Create it in public or in a schema of your own (e.g. `create schema if not exists private`) and reference " +
    "supabase_functions's tables from there.");
});

test("supabase-managed-schema: changing or dropping Supabase's objects, policies and triggers off the allowed tables, the ledgers", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": [
      "create index users_email_idx on auth.users (email);",
      "comment on table auth.users is 'people';",
      "drop table if exists storage.s3_multipart_uploads;",
      "create trigger t after insert on auth.mfa_factors for each row execute function public.f();",
      "create policy p on auth.flow_state using (true);",
      "drop function extensions.uuid_generate_v4();",
      "alter function auth.uid() owner to postgres;",
      "delete from auth.schema_migrations;",
      "truncate storage.migrations;",
      "drop schema realtime;",
    ].join("\n"),
  });
  assert.deepEqual(findings.map((f) => [f.range.line, f.severity, f.message.slice(0, f.message.indexOf(":"))]), [
    [1, "error", 'CREATE INDEX ON auth.users fails on hosted Supabase projects with "must be owner of table users"'],
    [2, "error", 'COMMENT ON TABLE auth.users fails on hosted Supabase projects with "must be owner of table users"'],
    [3, "error", 'DROP TABLE storage.s3_multipart_uploads fails on hosted Supabase projects with "must be owner of table s3_multipart_uploads"'],
    [4, "error", 'CREATE TRIGGER t ON auth.mfa_factors fails on hosted Supabase projects with "must be owner of table mfa_factors"'],
    [5, "error", 'CREATE POLICY "p" ON auth.flow_state fails on hosted Supabase projects with "must be owner of table flow_state"'],
    [6, "error", 'DROP FUNCTION extensions.uuid_generate_v4 fails on hosted Supabase projects with "must be owner of function uuid_generate_v4"'],
    [7, "error", 'ALTER FUNCTION auth.uid OWNER TO fails on hosted Supabase projects with "must be owner of function uid"'],
    [8, "error", "DELETE FROM auth.schema_migrations fails on hosted Supabase projects"],
    [9, "error", "TRUNCATE storage.migrations fails on hosted Supabase projects"],
    [10, "error", 'DROP SCHEMA realtime fails on hosted Supabase projects with "must be owner of schema realtime"'],
  ]);
  assert.match(findings[3].help!, /^Policies and triggers are allowed only on auth\.audit_log_entries, auth\.identities, .*realtime\.messages \(Supabase changelog/);
  assert.equal(findings[5].message.slice(findings[5].message.indexOf(":") + 2), "the objects in extensions belong to supabase_admin, not to postgres, the role migrations run as");
  assert.equal(findings[7].message, "DELETE FROM auth.schema_migrations fails on hosted Supabase projects: auth.schema_migrations is Supabase Auth's own " +
    "migration ledger, which only the service may change since April 2025");
});

test("supabase-managed-schema: GRANT on a managed schema and REVOKE from the API roles are warnings", async () => {
  const findings = await lintErrors(RULE, {
    "001_x.sql": [
      "grant usage on schema auth to my_role;",
      "revoke select on auth.users from anon, authenticated;",
      "revoke all on all tables in schema storage from anon;",
      "grant select on auth.users to my_role;",
      "grant usage on schema extensions to my_role;",
      "revoke select on auth.users from my_role;",
    ].join("\n"),
  });
  assert.deepEqual(findings.map((f) => [f.range.line, f.severity, f.message]), [
    [1, "warning", 'GRANT … ON SCHEMA auth grants nothing on hosted Supabase projects: postgres holds no grant option on the auth schema, ' +
      'so PostgreSQL only warns "no privileges were granted"'],
    [2, "warning", "REVOKE … ON auth.users from Supabase's API roles is refused on hosted Supabase projects since April 2025: Supabase Auth depends on those privileges"],
    [3, "warning", "REVOKE … ON ALL TABLES IN SCHEMA storage from Supabase's API roles is refused on hosted Supabase projects since April 2025: " +
      "Supabase Storage depends on those privileges"],
  ]);
  // A configured severity applies to every finding of the rule.
  const configured = await lintErrors(RULE, { "001_x.sql": "grant usage on schema auth to my_role;" }, { severities: { [RULE]: "error" } });
  assert.equal(configured[0].severity, "error");
});

test("supabase-managed-schema: the patterns Supabase documents are not flagged", async () => {
  await lintOk(RULE, {
    "001_x.sql": [
      // Storage access control: policies on storage.objects and storage.buckets, buckets as rows.
      'drop policy if exists "Avatar images are public" on storage.objects;',
      'create policy "Avatar images are public" on storage.objects for select using (bucket_id = \'avatars\');',
      'alter policy "Avatar images are public" on storage.objects rename to "Avatars are public";',
      "create policy b on storage.buckets for select using (true);",
      "insert into storage.buckets (id, name) values ('avatars', 'avatars') on conflict (id) do nothing;",
      "update storage.buckets set public = true where id = 'avatars';",
      // The new-user trigger: a function in public reading auth, a trigger on auth.users.
      "create table if not exists public.profiles (id uuid primary key references auth.users on delete cascade);",
      "create or replace function public.handle_new_user() returns trigger language plpgsql security definer set search_path = '' " +
      "as $$ begin insert into public.profiles (id) values (new.id); return new; end $$;",
      "drop trigger if exists on_auth_user_created on auth.users;",
      "create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();",
      "create or replace function public.is_admin() returns boolean language sql stable as $$ select exists (select 1 from auth.users where id = auth.uid()) $$;",
      "create or replace view public.user_emails as select id, email from auth.users;",
      "update auth.users set raw_app_meta_data = raw_app_meta_data || '{\"role\": \"admin\"}' where email = 'a@b.c';",
      "create policy m on realtime.messages for select to authenticated using (true);",
      // Extensions: create them there; your own functions there are yours.
      "create extension if not exists pg_trgm with schema extensions;",
      "create or replace function extensions.mine() returns int language sql as 'select 1';",
      "alter function extensions.mine() owner to postgres;",
      "grant usage on schema extensions to authenticated;",
      "alter publication supabase_realtime add table public.profiles;",
      "create table if not exists public.t (a int);",
      "alter table public.t enable row level security;",
    ].join("\n"),
  });
});

test("supabase-managed-schema: an object an earlier migration created itself is postgres's: changing it is not flagged", async () => {
  const files = {
    "001_legacy.sql": "create table auth.legacy (id int);\n",
    "002_fix.sql": "alter table auth.legacy add column x int;\ncreate index legacy_x on auth.legacy (x);\ndrop table auth.legacy;\n",
  };
  const findings = await lintErrors(RULE, files);
  // Only the creation is reported: the objects it made are postgres's.
  assert.deepEqual(findings.map((f) => [f.file, f.range.line]), [["scripts/001_legacy.sql", 1]]);
  // Changing it before the migration that creates it runs is still flagged.
  const early = await lintErrors(RULE, { "001_fix.sql": "alter table auth.legacy add column x int;\n", "002_legacy.sql": "create table auth.legacy (id int);\n" });
  assert.deepEqual(early.map((f) => [f.file, f.range.line]), [["scripts/001_fix.sql", 1], ["scripts/002_legacy.sql", 1]]);
});

test("supabase-managed-schema: silent on the seed's scripts/", async () => {
  await lintOk(RULE, seedScripts());
});
