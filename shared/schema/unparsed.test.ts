import { test } from "node:test";
import assert from "node:assert/strict";
import { loadParser } from "../sql/index.ts";
import { unparsedDeclaration } from "./unparsed.ts";

test("unparsed CREATE: kind and name from the first words, folded and qualified as PostgreSQL reads them", async () => {
  await loadParser();
  const read = (text: string) => {
    const d = unparsedDeclaration(text);
    return d && `${d.kind} ${d.key} (${d.display})`;
  };
  assert.equal(read("create table public.a (id int,, x text);"), "table public.a (table public.a)");
  assert.equal(read("CREATE UNLOGGED TABLE IF NOT EXISTS Accounts (id int,);"), "table public.accounts (table public.accounts)");
  assert.equal(read('create global temporary table "My Schema"."T" (id int,);'), 'table My Schema.T (table "My Schema"."T")');
  assert.equal(read("create or replace recursive view app.v as selec 1;"), "view app.v (view app.v)");
  assert.equal(read("create materialized view if not exists mv as select from from;"), "view public.mv (materialized view public.mv)");
  assert.equal(read("create sequence s start wiht 1;"), "sequence public.s (sequence public.s)");
  assert.equal(read("create schema if not exists private authorisation x;"), "schema private (schema private)");
  assert.equal(read("create type public.mood as enum ('a',);"), "type public.mood (type public.mood)");
  assert.equal(read("create table /* a comment */ db.app.t (id int,);"), "table app.t (table app.t)");
  // Not a CREATE of a modelled object, or no readable name: nothing.
  for (const text of ["creat table a (id int);", "create publication p for table public.d wiht (x);", "create schema authorization joe wiht;",
    "create index on t (a,);", "create table (id int);", "alter table a add column b int,;", 'create table "unterminated']) {
    assert.equal(read(text), null, text);
  }
});
