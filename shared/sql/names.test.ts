import { before, test } from "node:test";
import assert from "node:assert/strict";
import { loadParser, parseSql } from "./index.ts";
import {
  createdObjectKeys,
  droppedObjects,
  foldIdentifier,
  formatQualified,
  isTemporary,
  nameAfterKeyword,
  nameList,
  nameListSql,
  nodeFields,
  nodeKind,
  objectKey,
  qualifiedName,
  quoteIdent,
  relationName,
  relationSql,
  sameRelation,
  sqlTokens,
  transactionRestriction,
} from "./names.ts";

before(async () => {
  await loadParser();
});

function node(sql: string): Record<string, unknown> {
  const [statement] = parseSql(sql).statements;
  assert.ok(statement.node, `did not parse: ${sql}`);
  return statement.node;
}

test("relationName: schema defaults to public; quoted names keep their case, unquoted ones are folded", () => {
  const create = nodeFields(node('create table "Auth".Users (id int);'), "CreateStmt")!;
  assert.deepEqual(relationName(create.relation), { schema: "Auth", name: "users" });
  const plain = nodeFields(node("create table users (id int);"), "CreateStmt")!;
  assert.deepEqual(relationName(plain.relation), { schema: "public", name: "users" });
  assert.deepEqual(relationName({ RangeVar: { schemaname: "s", relname: "t" } }), { schema: "s", name: "t" });
  assert.deepEqual(relationName(undefined), { schema: "public", name: "" });
});

test("qualifiedName and nameList read [{String:{sval}}] lists, bare or wrapped in a List", () => {
  const fn = nodeFields(node("create function auth.Is_Admin() returns bool language sql return true;"), "CreateFunctionStmt")!;
  assert.deepEqual(qualifiedName(fn.funcname), { schema: "auth", name: "is_admin" });
  const drop = nodeFields(node('drop policy if exists "P" on public.t;'), "DropStmt")!;
  const [policy] = drop.objects as unknown[];
  assert.deepEqual(nameList(policy), ["public", "t", "P"]);
  assert.deepEqual(qualifiedName([{ String: { sval: "x" } }]), { schema: "public", name: "x" });
  assert.deepEqual(qualifiedName(["db", "s", "x"].map((sval) => ({ String: { sval } }))), { schema: "s", name: "x" });
  assert.deepEqual(nameList("not a list"), []);
});

test("sameRelation: public.x is x; other schemas and other names differ", () => {
  const a = relationName(nodeFields(node("create table public.x (id int);"), "CreateStmt")!.relation);
  const b = relationName(nodeFields(node("alter table X enable row level security;"), "AlterTableStmt")!.relation);
  assert.equal(sameRelation(a, b), true);
  assert.equal(sameRelation(a, { schema: "private", name: "x" }), false);
  assert.equal(sameRelation(a, { schema: "public", name: "X" }), false);
});

test("quoteIdent quotes only when needed (as quote_ident does)", () => {
  assert.equal(quoteIdent("users"), "users");
  assert.equal(quoteIdent("_a1$"), "_a1$");
  assert.equal(quoteIdent("name"), "name"); // unreserved keyword
  assert.equal(quoteIdent("user"), '"user"'); // reserved
  assert.equal(quoteIdent("Users"), '"Users"');
  assert.equal(quoteIdent("1st"), '"1st"');
  assert.equal(quoteIdent('say "hi"'), '"say ""hi"""');
  assert.equal(quoteIdent("café"), '"café"');
  assert.equal(formatQualified({ schema: "public", name: "My Table" }), 'public."My Table"');
});

test("relationSql and nameListSql qualify only what the source qualified", () => {
  assert.equal(relationSql(nodeFields(node("create table t (id int);"), "CreateStmt")!.relation), "t");
  assert.equal(relationSql(nodeFields(node('create table public."T" (id int);'), "CreateStmt")!.relation), 'public."T"');
  assert.equal(nameListSql(nodeFields(node("create function s.f() returns int language sql return 1;"), "CreateFunctionStmt")!.funcname), "s.f");
});

test("foldIdentifier applies PostgreSQL's rules to token text", () => {
  assert.equal(foldIdentifier("Users"), "users");
  assert.equal(foldIdentifier('"Users"'), "Users");
  assert.equal(foldIdentifier('"a""b"'), 'a"b');
  assert.equal(foldIdentifier("CAFÉ"), "cafÉ"); // only A–Z fold in UTF-8
});

test("nodeKind and isTemporary", () => {
  assert.equal(nodeKind(node("select 1;")), "SelectStmt");
  assert.equal(nodeKind(null), null);
  assert.equal(isTemporary(nodeFields(node("create temp table t (id int);"), "CreateStmt")!.relation), true);
  assert.equal(isTemporary(nodeFields(node("create table t (id int);"), "CreateStmt")!.relation), false);
});

test("transactionRestriction names the statements PostgreSQL refuses inside a transaction block", () => {
  const cases: Record<string, string | null> = {
    "create index concurrently i on t (a);": "CREATE INDEX CONCURRENTLY",
    "create index i on t (a);": null,
    "drop index concurrently if exists i;": "DROP INDEX CONCURRENTLY",
    "drop index i;": null,
    "reindex index concurrently i;": "REINDEX CONCURRENTLY",
    "reindex database postgres;": "REINDEX DATABASE",
    "reindex table t;": null,
    "vacuum analyze t;": "VACUUM",
    "analyze t;": null,
    "alter system set work_mem = '64MB';": "ALTER SYSTEM",
    "create database d;": "CREATE DATABASE",
    "drop database if exists d;": "DROP DATABASE",
    "create tablespace ts location '/x';": "CREATE TABLESPACE",
    "drop tablespace ts;": "DROP TABLESPACE",
    "alter type mood add value 'sad';": null,
    "cluster;": "CLUSTER (without a table)",
    "cluster t using t_pkey;": null,
    "reindex schema public;": "REINDEX SCHEMA",
    "create subscription s connection 'host=x' publication p;": "CREATE SUBSCRIPTION",
    "drop subscription if exists s;": "DROP SUBSCRIPTION",
  };
  for (const [sql, expected] of Object.entries(cases)) assert.equal(transactionRestriction(node(sql)), expected, sql);
});

test("sqlTokens and nameAfterKeyword find an object's qualified name in UTF-16 offsets", () => {
  const text = '/* 📚 */ create index concurrently if not exists "Ix" on t (a);';
  const tokens = sqlTokens(text);
  assert.equal(tokens[0].text, "create");
  assert.equal(tokens[0].start, text.indexOf("create"));
  const site = nameAfterKeyword(tokens, ["index"])!;
  assert.equal(tokens[site.keyword].text, "index");
  assert.equal(tokens[site.beforeName].text, "exists");
  assert.equal(tokens[site.name!.first].text, '"Ix"');
  const qualified = sqlTokens("create table public . users (id int);");
  const table = nameAfterKeyword(qualified, ["table"])!;
  assert.deepEqual([qualified[table.name!.first].text, qualified[table.name!.last].text], ["public", "users"]);
  const unnamed = sqlTokens("create index on t (a);");
  assert.equal(nameAfterKeyword(unnamed, ["index"])!.name, null);
  assert.equal(nameAfterKeyword(unnamed, ["policy"]), null);
});

test("createdObjectKeys and droppedObjects name the same object the same way", () => {
  const pairs: Array<[string, string, string]> = [
    ["create table Public.Users (id int);", "drop table if exists users;", "table:public.users"],
    ['create index "Ix" on s.t (a);', 'drop index s."Ix";', 'index:s."Ix"'],
    ["create schema private;", "drop schema private;", "schema:private"],
    ["create extension pgcrypto;", "drop extension pgcrypto;", "extension:pgcrypto"],
    ["create or replace function f(a int) returns int language sql return a;", "drop function public.f(int);", "function:public.f"],
    ["create procedure p() language sql begin atomic select 1; end;", "drop procedure p;", "function:public.p"],
    ["create view v as select 1;", "drop view v;", "view:public.v"],
    ["create materialized view mv as select 1;", "drop materialized view mv;", "materialized view:public.mv"],
    ["create trigger tr before update on t for each row execute function f();", "drop trigger tr on public.t;", "trigger:public.t:tr"],
    ['create policy "Own rows" on t using (true);', 'drop policy "Own rows" on t;', "policy:public.t:Own rows"],
    ["create type mood as enum ('a');", "drop type mood;", "type:public.mood"],
    ["create type c as (a int);", "drop type c;", "type:public.c"],
    ["create domain d as int;", "drop domain d;", "domain:public.d"],
    ["create sequence q;", "drop sequence q;", "sequence:public.q"],
  ];
  for (const [create, drop, key] of pairs) {
    assert.deepEqual(createdObjectKeys(node(create)), [key], create);
    assert.deepEqual(droppedObjects(node(drop))?.keys, [key], drop);
  }
  assert.deepEqual(createdObjectKeys(node("create index on t (a);")), []);
  assert.deepEqual(createdObjectKeys(node("select 1;")), []);
  assert.equal(objectKey("policy", "p", { schema: "public", name: "My T" }), 'policy:public."My T":p');
});

test("droppedObjects reports kind, display names and IF EXISTS", () => {
  assert.deepEqual(droppedObjects(node('drop policy if exists "Own rows" on public.t;')), {
    kind: "policy",
    keys: ["policy:public.t:Own rows"],
    names: ['"Own rows" on public.t'],
    ifExists: true,
  });
  assert.deepEqual(droppedObjects(node("drop table a, s.b cascade;")), {
    kind: "table",
    keys: ["table:public.a", "table:s.b"],
    names: ["public.a", "s.b"],
    ifExists: false,
  });
  assert.equal(droppedObjects(node("drop rule r on t;"))?.kind, "OBJECT_RULE");
  assert.equal(droppedObjects(node("select 1;")), null);
});
