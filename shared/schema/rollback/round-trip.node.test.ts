// A generated rollback on real PostgreSQL 15: apply a migration, run its generated rollback, and the catalog
// is what it was before; the migration applies again afterwards.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../../../test/support/postgres.ts";
import { collectMigrations } from "../../migrations/index.ts";
import { generateRollbackInFolder } from "./folder.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const EARLIER = `
create table if not exists public.customers (id uuid primary key default gen_random_uuid(), name text not null default 'anon', tier int);
create or replace function public.touch() returns trigger language plpgsql as $$ begin new.name = trim(new.name); return new; end $$;
create or replace view public.customer_names as select id, name from public.customers;
create policy "Read customers" on public.customers for select to authenticated using (true);
comment on table public.customers is 'people who pay';
`;

const MIGRATION = `
create table if not exists public.invoices (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references public.customers (id) on delete cascade,
  status text not null default 'open'
);
create index if not exists invoices_customer_idx on public.invoices (customer_id);
create type public.invoice_state as enum ('open', 'paid');
create or replace function public.invoice_total(invoice uuid) returns numeric language sql stable as $$ select 0::numeric $$;
create or replace function public.touch() returns trigger language plpgsql as $$ begin new.name = upper(new.name); return new; end $$;
create trigger invoices_touch before update on public.customers for each row execute function public.touch();
alter table public.invoices enable row level security;
drop policy if exists "Own invoices" on public.invoices;
create policy "Own invoices" on public.invoices for select to authenticated using (customer_id = auth.uid());
drop policy if exists "Read customers" on public.customers;
create policy "Read customers" on public.customers for select to authenticated using (tier is not null);
create or replace view public.open_invoices as select id, customer_id from public.invoices where status = 'open';
create or replace view public.customer_names as select id, name, tier from public.customers;
alter table public.customers add column if not exists email text, alter column name set default 'nobody', alter column tier set not null,
  add constraint customers_tier_positive check (tier > 0), enable row level security;
grant select on public.invoices to anon;
comment on table public.customers is 'customers, with email';
`;

/** What the migration could change, in one comparable list. */
async function catalog(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql`
    with ns as (select oid, nspname from pg_namespace where nspname = 'public')
    select 'class ' || c.relname || ' ' || c.relkind::text || ' rls=' || c.relrowsecurity || ' acl=' || coalesce(c.relacl::text, '-') ||
      ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '-') as item
      from pg_class c join ns on ns.oid = c.relnamespace
    union all
    select 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull ||
      ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
      from pg_attribute a join pg_class c on c.oid = a.attrelid join ns on ns.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attnum > 0 and not a.attisdropped
    union all
    select 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
      from pg_constraint where connamespace in (select oid from ns)
    union all
    select 'index ' || pg_get_indexdef(indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid join ns on ns.oid = c.relnamespace
    union all
    select 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || pg_get_function_result(p.oid) || ' ' || p.prosrc
      from pg_proc p join ns on ns.oid = p.pronamespace
    union all
    select 'view ' || viewname || ' ' || definition from pg_views where schemaname = 'public'
    union all
    select 'policy ' || tablename || ' ' || policyname || ' ' || cmd || ' ' || roles::text || ' ' || coalesce(qual, '-') from pg_policies where schemaname = 'public'
    union all
    select 'trigger ' || pg_get_triggerdef(t.oid) from pg_trigger t join pg_class c on c.oid = t.tgrelid join ns on ns.oid = c.relnamespace where not t.tgisinternal
    union all
    select 'type ' || t.typname || ' ' || coalesce((select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum where enumtypid = t.oid), '-')
      from pg_type t join ns on ns.oid = t.typnamespace where t.typtype in ('e', 'c', 'd', 'r') and t.typrelid = 0
    order by 1`;
  return rows.map((r) => r.item as string);
}

async function run(sql: postgres.Sql, text: string): Promise<void> {
  await sql.begin((tx) => tx.unsafe(text));
}

test("a generated rollback puts the catalog back as it was, and the migration applies again after it", async () => {
  const sql = postgres(await server.createDatabase(), { max: 1, onnotice: () => {} });
  try {
    const folder = collectMigrations("scripts", [
      { relativePath: "001_customers.sql", text: EARLIER },
      { relativePath: "002_invoices.sql", text: MIGRATION },
    ]);
    const generated = (await generateRollbackInFolder(folder, "002_invoices.sql"))!;
    assert.deepEqual(generated.handWritten, [], generated.text);

    await run(sql, EARLIER);
    const beforeMigration = await catalog(sql);
    await run(sql, MIGRATION);
    const applied = await catalog(sql);
    assert.notDeepEqual(applied, beforeMigration);
    await run(sql, generated.text);
    assert.deepEqual(await catalog(sql), beforeMigration);

    // The migration runs again on the rolled-back database, and so does its rollback.
    await run(sql, MIGRATION);
    assert.deepEqual(await catalog(sql), applied);
    await run(sql, generated.text);
    assert.deepEqual(await catalog(sql), beforeMigration);

    // The comparison sees a rollback that forgets one object (so the checks above can fail).
    await run(sql, MIGRATION);
    const forgetful = generated.text.replace("drop index if exists public.invoices_customer_idx;\n", "")
      .replace("drop table if exists public.invoices;\n", "");
    assert.notEqual(forgetful, generated.text);
    await run(sql, forgetful);
    const left = (await catalog(sql)).filter((item) => !beforeMigration.includes(item));
    assert.ok(left.some((item) => item.startsWith("index CREATE INDEX invoices_customer_idx")), left.join("\n"));
  } finally {
    await sql.end({ timeout: 1 });
  }
});
