// The hint for a migration run on a database that is not a Supabase one; the messages are PostgreSQL 15's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { notSupabaseHint } from "./not-supabase.ts";

const WHAT_TO_DO = " Every Supabase project has the auth, extensions and storage schemas and the anon, authenticated and " +
  "service_role roles, and migrations written for Supabase use them. Point --db-url (or the function's SUPABASE_DB_URL) " +
  "at your Supabase project's database; for local testing on plain PostgreSQL, load the stand-in first: psql \"<database URL>\" " +
  "-f supabase/local/supabase-bootstrap.sql (in a project that installed supamigrate: " +
  "node_modules/supamigrate/supabase/local/supabase-bootstrap.sql), or use `supamigrate serve`, whose embedded database has it.";

test("a missing Supabase schema, table, function or role: the database is not a Supabase one, and what to do", () => {
  assert.equal(notSupabaseHint("3F000", 'schema "extensions" does not exist'), `this database is not a Supabase database: schema extensions is missing.${WHAT_TO_DO}`);
  assert.equal(notSupabaseHint("3F000", 'schema "auth" does not exist'), `this database is not a Supabase database: schema auth is missing.${WHAT_TO_DO}`);
  assert.equal(notSupabaseHint("3F000", 'schema "storage" does not exist'), `this database is not a Supabase database: schema storage is missing.${WHAT_TO_DO}`);
  assert.match(notSupabaseHint("42P01", 'relation "auth.users" does not exist') ?? "", /^this database is not a Supabase database: table auth\.users is missing\. /);
  assert.match(notSupabaseHint("42883", "function auth.uid() does not exist") ?? "", /^this database is not a Supabase database: function auth\.uid\(\) is missing\. /);
  assert.match(notSupabaseHint("42704", 'role "authenticated" does not exist') ?? "", /^this database is not a Supabase database: role authenticated is missing\. /);
});

test("what a Supabase project can lack too, or a mistake in the migration itself: no such hint", () => {
  // A schema of the project's own, or one a Supabase project may have turned off (pg_graphql, vault).
  assert.equal(notSupabaseHint("3F000", 'schema "app" does not exist'), null);
  assert.equal(notSupabaseHint("3F000", 'schema "graphql" does not exist'), null);
  // A typo in a Supabase schema (auth.user), a table of the project's own, a function's wrong arguments' types.
  assert.equal(notSupabaseHint("42P01", 'relation "auth.user" does not exist'), null);
  assert.equal(notSupabaseHint("42P01", 'relation "public.teams" does not exist'), null);
  assert.equal(notSupabaseHint("42883", "function public.touch() does not exist"), null);
  assert.equal(notSupabaseHint("42704", 'role "reporting" does not exist'), null);
  // The same words under another code.
  assert.equal(notSupabaseHint("42P07", 'schema "auth" does not exist'), null);
});
