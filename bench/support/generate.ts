/** Generated migrations for the benchmark: each a table, an index, RLS, a policy and a plpgsql function. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function migrationName(i: number): string {
  return `${String(i).padStart(4, "0")}_create_items_${i}.sql`;
}

export function migrationSql(i: number): string {
  return `-- generated for the benchmark
create table if not exists public.items_${i} (
  id bigint generated always as identity primary key,
  owner_id uuid not null default auth.uid(),
  title text not null,
  created_at timestamptz not null default now()
);
create index if not exists items_${i}_owner_idx on public.items_${i} (owner_id);
alter table public.items_${i} enable row level security;
drop policy if exists "owners read items_${i}" on public.items_${i};
create policy "owners read items_${i}" on public.items_${i} for select to authenticated using (owner_id = auth.uid());
create or replace function public.count_items_${i}() returns bigint
language plpgsql stable
set search_path = ''
as $$
begin
  return (select count(*) from public.items_${i});
end;
$$;
`;
}

/** Writes `count` migrations into `dir` and returns their file names in order. */
export function writeMigrations(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 1; i <= count; i++) {
    names.push(migrationName(i));
    writeFileSync(join(dir, migrationName(i)), migrationSql(i));
  }
  return names;
}

/** The same files with 14-digit timestamps, as `supabase db push` wants them in supabase/migrations/. */
export function writeSupabaseMigrations(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= count; i++) {
    writeFileSync(join(dir, `${20250101000000 + i}_create_items_${i}.sql`), migrationSql(i));
  }
}
