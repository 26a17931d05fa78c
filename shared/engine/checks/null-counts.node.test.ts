// countNulls on a real PostgreSQL 15: rows and NULLs per requested column, null for a missing table or
// column, names quoted (an odd name is a name, never SQL).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../../../test/support/postgres.ts";
import { countNulls } from "./null-counts.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

test("countNulls counts each table's rows and each column's NULLs, one answer per request in order", async () => {
  const sql = postgres(await server.createDatabase(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`
      create table public.invoices (id int primary key, status text, amount int);
      insert into public.invoices values (1, null, 10), (2, 'paid', null), (3, null, 30), (4, 'open', 40), (5, null, 50);
      create schema "Odd Schema";
      create table "Odd Schema"."My Table" ("odd ""col""" text);
      insert into "Odd Schema"."My Table" values (null), ('x');
      create table public.empty (a int);
      create view public.open_invoices as select * from public.invoices;
    `);
    const counts = await countNulls(sql, [
      { table: "public.invoices", column: "status" },
      { table: "public.invoices", column: "amount" },
      { table: "invoices", column: "id" },
      { table: "public.invoices", column: "currency" },
      { table: "public.nothing", column: "status" },
      { table: 'Odd Schema.My Table', column: 'odd "col"' },
      { table: "public.empty", column: "a" },
      { table: "public.open_invoices", column: "status" },
    ]);
    assert.deepEqual(counts, [
      { table: "public.invoices", column: "status", rows: 5, nulls: 3 },
      { table: "public.invoices", column: "amount", rows: 5, nulls: 1 },
      { table: "invoices", column: "id", rows: 5, nulls: 0 },
      { table: "public.invoices", column: "currency", rows: 5, nulls: null },
      { table: "public.nothing", column: "status", rows: null, nulls: null },
      { table: "Odd Schema.My Table", column: 'odd "col"', rows: 2, nulls: 1 },
      { table: "public.empty", column: "a", rows: 0, nulls: 0 },
      // A view is no table a NOT NULL can be added to.
      { table: "public.open_invoices", column: "status", rows: null, nulls: null },
    ]);
    assert.deepEqual(await countNulls(sql, []), []);
  } finally {
    await sql.end();
  }
});

test("countNulls treats a name as a name: SQL in a column or table name runs nothing", async () => {
  const sql = postgres(await server.createDatabase(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe("create table public.t (a int); insert into public.t values (null);");
    const evil = 'a" is null) from public.t; drop table public.t; --';
    assert.deepEqual(await countNulls(sql, [{ table: "public.t", column: evil }, { table: 'public.t"; drop table public.t; --', column: "a" }]), [
      { table: "public.t", column: evil, rows: 1, nulls: null },
      { table: 'public.t"; drop table public.t; --', column: "a", rows: null, nulls: null },
    ]);
    assert.deepEqual([...await sql`select count(*)::int as n from public.t`], [{ n: 1 }], "the table is still there, its row too");
  } finally {
    await sql.end();
  }
});
